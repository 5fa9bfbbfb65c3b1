"""What `budget run` shows while it works: one line per stage with its outcome; the full log in a file.

Plain module (no Dagster import): ``RunConsole.handler`` is a ``logging.Handler`` that the pipeline
plugs into the run's Dagster logger. It writes every record to the log file (and to the console
with ``verbose``), collects each step's events, and when a step ends prints the step's line:

      raw files      8 found: 8 new, 0 changed, 0 gone                           1 s
      parse          8 parsed, 0 quarantined, 0 unchanged                       26 s

While ``capture()`` is active, whatever else the run prints (dbt's per-node lines, warnings, the
parse workers) goes to the log file only. On a terminal the parse shows a progress bar (stderr);
piped, the output is plain lines without ANSI codes.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

__all__ = ["LOG_NAME", "RunConsole", "StepEvents"]

LOG_NAME = "budget_run.log"  # beside the warehouse; the last run's full Dagster and dbt log
LABEL_WIDTH = 15
LINE_WIDTH = 84  # the stage text is padded to here, then the step's duration
# The parse step's log line that says how many documents it will parse (orchestration/defs/parse.py).
TO_PARSE = re.compile(r"(\d+) to parse")
# Dagster's own console format (tools such as bench/measure.py read its step events)
LOG_FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


@dataclass
class StepEvents:
    """What one Dagster step reported: its materializations, check evaluations and outcome."""

    key: str
    started: float = field(default_factory=time.monotonic)
    materialized: dict[str, dict[str, Any]] = field(default_factory=dict)  # asset → metadata values
    checks: list[tuple[str, bool, bool]] = field(default_factory=list)  # (asset:check, passed, is_warn)
    observed: int = 0  # per-document observations (the parse step)
    failure: str | None = None
    seconds: float | None = None

    def check_counts(self) -> tuple[int, int, int]:
        """(passed, warned, failed) among this step's checks."""
        passed = sum(1 for _, ok, _ in self.checks if ok)
        warned = sum(1 for _, ok, warn in self.checks if not ok and warn)
        return passed, warned, len(self.checks) - passed - warned


class _Tee(io.TextIOBase):
    def __init__(self, *streams: TextIO):
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


class RunConsole:
    """The console of one `budget run`: stage lines to ``out``, the full log to ``log_path``."""

    def __init__(self, log_path: Path, verbose: bool = False, out: TextIO | None = None):
        self.log_path = log_path
        self.verbose = verbose
        self.out = out or sys.stdout
        self.err = sys.stderr
        self.interactive = self.err.isatty()
        self.steps: dict[str, StepEvents] = {}
        self.lines: list[str] = []  # the stage lines printed
        self._log: TextIO | None = None
        self._bar: Any = None
        self.handler = _StageHandler(self)
        self.handler.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT))

    def python_logger(self) -> logging.Logger:
        """The logger the run's Dagster logger definition returns (the pipeline wraps it)."""
        # one logger per run, not registered globally (as Dagster's own console logger)
        logger = logging.Logger("dagster", level=logging.DEBUG)  # noqa: LOG001
        logger.addHandler(self.handler)
        return logger

    @contextlib.contextmanager
    def capture(self) -> Iterator[None]:
        """Send stdout, stderr and the Dagster log to the log file (and the console with ``verbose``)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        colours = os.environ.get("DBT_USE_COLORS")
        with open(self.log_path, "w", encoding="utf-8") as log:
            self._log = log
            target = _Tee(log, self.err) if self.verbose else log
            os.environ["DBT_USE_COLORS"] = "true" if self.verbose and self.interactive else "false"
            try:
                with contextlib.redirect_stdout(target), contextlib.redirect_stderr(target):
                    yield
            finally:
                self._close_bar()
                self._log = None
                if colours is None:
                    os.environ.pop("DBT_USE_COLORS", None)
                else:
                    os.environ["DBT_USE_COLORS"] = colours

    def say(self, line: str) -> None:
        """A line on the console (and in the log)."""
        self._close_bar()
        print(line, file=self.out, flush=True)
        if self._log is not None:
            self._log.write(line + "\n")

    def stage(self, label: str, text: str, seconds: float | None = None) -> None:
        line = f"  {label:<{LABEL_WIDTH}}{text}"
        if seconds is not None:
            line = f"{line:<{LINE_WIDTH}} {seconds:>4.0f} s"
        self.lines.append(line)
        self.say(line)

    # --- events ----------------------------------------------------------------------------------

    def on_record(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        step_key = meta.get("step_key") if isinstance(meta, dict) else None
        event = getattr(record, "dagster_event", None)
        if event is None:
            if step_key and (match := TO_PARSE.search(str(record.msg))):
                self._open_bar(int(match.group(1)))
            return
        step_key = event.step_key or step_key
        if not step_key:
            return
        step = self.steps.setdefault(step_key, StepEvents(step_key))
        kind = event.event_type_value
        data = event.event_specific_data
        if kind == "STEP_START":
            step.started = time.monotonic()
        elif kind == "ASSET_MATERIALIZATION":
            materialization = data.materialization
            step.materialized[materialization.asset_key.to_user_string()] = {
                key: getattr(value, "value", value) for key, value in materialization.metadata.items()
            }
        elif kind == "ASSET_CHECK_EVALUATION":
            name = f"{data.asset_key.to_user_string()}:{data.check_name}"
            step.checks.append((name, data.passed, getattr(data.severity, "value", "") == "WARN"))
        elif kind == "ASSET_OBSERVATION":
            step.observed += 1
            if self._bar is not None:
                self._bar.update(1)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            step.seconds = time.monotonic() - step.started
            if kind == "STEP_FAILURE":
                error = getattr(data, "error", None)
                step.failure = (getattr(error, "message", "") or "failed").strip().splitlines()[0]
            self._report(step)

    def _report(self, step: StepEvents) -> None:
        from orchestration.run_stages import describe_step

        label, text = describe_step(step)
        self.stage(label, text, step.seconds)

    def _open_bar(self, total: int) -> None:
        if not self.interactive or total == 0:
            return
        from tqdm import tqdm

        self._bar = tqdm(
            total=total,
            desc=f"  {'parse':<{LABEL_WIDTH}}",
            bar_format="{desc}{n_fmt}/{total_fmt} documents |{bar:30}| {elapsed}<{remaining}",
            file=self.err,
            leave=False,
        )

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class _StageHandler(logging.Handler):
    """Every record to the log file (and the console with ``verbose``); step events to the console."""

    def __init__(self, console: RunConsole):
        super().__init__(level=logging.DEBUG)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            if self.console._log is not None:
                self.console._log.write(line + "\n")
            if self.console.verbose:
                print(line, file=self.console.err)
            self.console.on_record(record)
        except Exception:  # noqa: BLE001 — a display problem must never fail the run
            self.handleError(record)
