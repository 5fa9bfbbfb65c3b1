"""Fuzz the parser for a fixed time: mutated text extractions and mutated corpus PDFs.

Not collected by the normal test run (the file name does not start with ``test_``). Run:

    nice uv run python -m tests.fuzz.fuzz_parser --minutes 10 --out /tmp/budget-fuzz

Hypothesis generates the mutations; every input goes through ``parse_document`` (the text
and table readers, metadata, narrative, projects). The only exception allowed out of the
parser is ``ParseError``; anything else (or an input running past ``HANG_SECONDS``) is a
finding: its input file and traceback are written under ``--out`` and the run goes on.
A JSON summary (duration, inputs tried per target, findings) is written at the end.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import signal
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from orchestration.parsing import ParseError, parse_document

__all__ = ["main"]

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
BATCH = 25  # examples per Hypothesis call; the loop repeats calls until the time is up
HANG_SECONDS = 120  # one input parsing longer than this is reported as a hang
HEADER_BYTES = 16  # byte edits start after the %PDF-x.y header line
MAX_PDF_PAGES = 4  # mutated PDFs are cut to a few pages (tables included) to try more inputs
# Fragments spliced into text: table syntax, numbers in every printed form, codes, units, noise.
TEXT_FRAGMENTS = [
    "|",
    "\t",
    "\n",
    "  ",
    "单位：元",
    "单位：万元",
    "合计",
    "小计",
    "基本支出",
    "项目支出",
    "本表无数据",
    "66,165,252.88",
    "5, 370. 00",
    "-",
    "0.00",
    "1e309",
    "NaN",
    "-0",
    "９９９",
    "208",
    "20805",
    "2080505",
    "05 机关事业单位基本养老保险缴费支出",
    "一、",
    "二十二、",
    "2024年部门预算",
    "上海市闵行区",
    "编制部门：",
    "%PDF-1.7",
    "\x00",
    "\ufeff",
    "\u202e",
    "{{7*7}}",
    "'; drop table landing.cells; --",
    "${jndi:x}",
    "__import__('os').system('id')",
    "9" * 400,
    "（",
    "）",
    "%",
    "１２３",
    "一般公共预算支出功能分类预算表",
]


class Hang(BaseException):
    """An input that ran past HANG_SECONDS (a BaseException: the readers' ``except Exception`` let it by)."""


def _alarm(signum, frame):
    raise Hang(f"parse ran past {HANG_SECONDS} s")


class Fuzzer:
    """Feeds inputs to the parser, counts them, keeps the findings."""

    def __init__(self, out: Path, work: Path, deadline: float):
        self.out = out
        self.work = work
        self.deadline = deadline  # time.monotonic() after which inputs are no longer tried
        self.tried: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.findings: list[dict] = []
        self.signatures: set[str] = set()

    def feed(self, target: str, name: str, data: bytes) -> None:
        if time.monotonic() >= self.deadline:
            return  # the rest of Hypothesis' batch is skipped: the time is up
        path = self.work / name
        path.write_bytes(data)
        self.tried[target] += 1
        signal.alarm(HANG_SECONDS)
        try:
            parse_document(path)
            self.outcomes["parsed"] += 1
        except ParseError as err:
            self.outcomes[f"ParseError:{err.reason}"] += 1
        except Hang as err:
            self._record(target, path, err)
        except Exception as err:  # noqa: BLE001 — a finding: anything but ParseError
            self._record(target, path, err)
        finally:
            signal.alarm(0)

    def _record(self, target: str, path: Path, err: BaseException) -> None:
        # where it went wrong: the deepest frame outside this harness (a hang is raised by the alarm here)
        frames = [
            f for f in traceback.extract_tb(err.__traceback__) if Path(f.filename).name != Path(__file__).name
        ]
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        signature = f"{type(err).__name__}@{where}"
        self.outcomes[f"crash:{signature}"] += 1
        if signature in self.signatures:
            return
        self.signatures.add(signature)
        n = len(self.findings) + 1
        kept = self.out / f"finding_{n:03d}{path.suffix}"
        shutil.copy(path, kept)
        tb = "".join(traceback.format_exception(err))
        (self.out / f"finding_{n:03d}.traceback").write_text(
            f"{target}\n{signature}\n\n{tb}", encoding="utf-8"
        )
        self.findings.append(
            {"target": target, "signature": signature, "input": str(kept), "error": repr(err)}
        )
        print(f"FINDING {signature} ({target}) -> {kept}", flush=True)


def _small_pdfs(work: Path) -> list[bytes]:
    """Corpus PDFs cut to MAX_PDF_PAGES pages around their tables, streams left uncompressed.

    Uncompressed content streams let byte mutations reach the text operators and figures
    instead of breaking a zlib stream.
    """
    import pikepdf

    pdfs = []
    for path in sorted(CORPUS.glob("pdf/*.pdf")) + sorted(CORPUS.glob("real/*.pdf")):
        with pikepdf.open(path) as pdf:
            start = min(5, max(0, len(pdf.pages) - MAX_PDF_PAGES))
            keep = list(range(start, min(len(pdf.pages), start + MAX_PDF_PAGES)))
            for index in reversed(range(len(pdf.pages))):
                if index not in keep:
                    del pdf.pages[index]
            target = work / f"seed_{path.stem}.pdf"
            pdf.save(
                target, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.generalized
            )
        pdfs.append(target.read_bytes())
    return pdfs


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("text/*.txt"))]


def _mutate(data: bytes, edits: list[tuple[int, int, int, bytes]]) -> bytes:
    """Apply (kind, position, length, payload) edits: delete, insert, overwrite, duplicate."""
    buf = bytearray(data)
    for kind, pos, length, payload in edits:
        if not buf:
            buf.extend(payload)
            continue
        # keep the %PDF header: a file without it is refused before any reader runs
        pos = HEADER_BYTES + pos % max(1, len(buf) - HEADER_BYTES) if len(buf) > HEADER_BYTES else 0
        if kind == 0:
            del buf[pos : pos + length]
        elif kind == 1:
            buf[pos:pos] = payload
        elif kind == 2:
            buf[pos : pos + len(payload)] = payload
        else:
            buf[pos:pos] = buf[pos : pos + length]
    return bytes(buf)


EDITS = st.lists(
    st.tuples(
        st.integers(0, 3), st.integers(0, 1 << 24), st.integers(1, 2000), st.binary(min_size=1, max_size=40)
    ),
    min_size=1,
    max_size=12,
)
TEXT_EDITS = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.integers(0, 1 << 20),
        st.integers(1, 3000),
        st.one_of(st.sampled_from(TEXT_FRAGMENTS), st.text(min_size=1, max_size=30)),
    ),
    min_size=1,
    max_size=20,
)
RUN_SETTINGS = settings(
    max_examples=BATCH,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _targets(fuzzer: Fuzzer, texts: list[str], pdfs: list[bytes]):
    @RUN_SETTINGS
    @given(st.integers(0, len(texts) - 1), TEXT_EDITS)
    def text_reader(index: int, edits: list) -> None:
        text = texts[index]
        for kind, pos, length, payload in edits:
            pos %= max(1, len(text))
            if kind == 0:
                text = text[:pos] + text[pos + length :]
            elif kind == 1:
                text = text[:pos] + payload + text[pos:]
            elif kind == 2:
                text = text[:pos] + payload + text[pos + len(payload) :]
            else:
                # shuffle a block of lines: tables cut, headers moved, rows repeated
                lines = text.splitlines()
                a = pos % max(1, len(lines))
                text = "\n".join(lines[:a] + lines[a + length % 40 :] + lines[a : a + length % 40])
        encoding = "gb18030" if len(edits) % 5 == 0 else "utf-8"
        fuzzer.feed("text", "input.txt", text.encode(encoding, errors="replace"))

    @RUN_SETTINGS
    @given(st.sampled_from(TEXT_FRAGMENTS + [""]), st.text(max_size=2000))
    def text_random(prefix: str, text: str) -> None:
        fuzzer.feed("text_random", "input.txt", (prefix + text).encode("utf-8", errors="replace"))

    @RUN_SETTINGS
    @given(st.integers(0, len(pdfs) - 1), EDITS)
    def pdf_bytes(index: int, edits: list) -> None:
        fuzzer.feed("pdf", "input.pdf", _mutate(pdfs[index], edits))

    return [text_reader, text_random, pdf_bytes, pdf_bytes]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "budget-fuzz")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _alarm)
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)  # damaged inputs warn on every page
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="budget-fuzz-") as tmp:
        work = Path(tmp)
        fuzzer = Fuzzer(args.out, work, started + args.minutes * 60)
        targets = _targets(fuzzer, _texts(), _small_pdfs(work))
        rounds = 0
        while time.monotonic() - started < args.minutes * 60:
            targets[rounds % len(targets)]()
            rounds += 1
            if rounds % 2 == 0:
                elapsed = time.monotonic() - started
                print(
                    f"{elapsed:7.0f} s  inputs {sum(fuzzer.tried.values())}  {dict(fuzzer.tried)}  "
                    f"findings {len(fuzzer.findings)}",
                    flush=True,
                )
    summary = {
        "seconds": round(time.monotonic() - started, 1),
        "inputs": sum(fuzzer.tried.values()),
        "inputs_by_target": dict(fuzzer.tried),
        "outcomes": dict(fuzzer.outcomes.most_common()),
        "findings": fuzzer.findings,
    }
    (args.out / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 1 if fuzzer.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
