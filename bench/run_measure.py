"""Measuring a pipeline run from outside: wall time, peak memory of the process tree, what it parsed.

``budget run`` is run as a subprocess (the interface a scheduler uses too); its process tree
(the run, its parse workers, dbt) is sampled with psutil every ``SAMPLE_INTERVAL``: the sum
of resident sets (an upper bound: shared pages count once per process), the sum of
proportional set sizes (the tree's real footprint) and the CPU seconds of every process.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

__all__ = [
    "PROJECT_ROOT",
    "RunMeasure",
    "dbt_summary",
    "parse_progress",
    "parsed_since",
    "run_budget",
    "run_tree",
    "step_durations",
]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# How often the process tree's memory is sampled (seconds).
SAMPLE_INTERVAL = 0.1
# PSS (costlier to read) every this many samples, and at every sample near the RSS peak.
PSS_EVERY = 5
# Dagster's step events in the run's log, and the parse asset's own count.
_STEP = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) [+-]\d{4} - dagster - \w+ - \S+ - \S+ - (?:\d+ - )?(?P<step>\S+) - "
    r"(?P<event>STEP_START|STEP_SUCCESS|STEP_FAILURE)\b(?P<rest>.*)$",
    re.MULTILINE,
)
_FINISHED = re.compile(r"in (?P<d>(?:\d+(?:\.\d+)?(?:ms|s|m|h)\s*)+)\.?\s*$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_TO_PARSE = re.compile(r"(\d+) to parse")
# Each batch the parse asset wrote ("landing: wrote 8 documents (88 this run)").
_PARSE_WROTE = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) [+-]\d{4} .*landing: wrote \d+ documents \((?P<n>\d+) this run\)",
    re.MULTILINE,
)
_RUN_ID = re.compile(r" - dagster - \w+ - \S+ - (?P<run>[0-9a-f]{8}-[0-9a-f-]{27})")
# dagster-dbt writes each invocation's artifacts to target/<step>-<run id[:7]>-<hash>/.
DBT_TARGET = PROJECT_ROOT / "dbt_project" / "target"
DBT_TOP_NODES = 8


@dataclass
class RunMeasure:
    """One subprocess run: wall time (s), peak RSS of its tree (bytes), exit code, output."""

    wall_s: float
    cpu_s: float  # user + system seconds of the whole tree (every process seen, see _TreeSampler)
    peak_rss: int  # sum of the resident sets (shared pages counted per process)
    peak_pss: int  # sum of the proportional set sizes (shared pages divided among their users)
    returncode: int
    stdout: str
    stderr: str
    started_utc: datetime
    steps: dict[str, float] = field(default_factory=dict)
    peak_step: str | None = None  # the Dagster step running when the PSS sum peaked
    peak_parts: dict[str, int] = field(default_factory=dict)  # process kind -> PSS at the peak

    @property
    def to_parse_logged(self) -> int | None:
        """Documents the parse asset said it would parse (None if the log does not say)."""
        found = _TO_PARSE.findall(self.stderr)
        return sum(int(n) for n in found) if found else None


class _TreeSampler:
    """Samples a process tree: memory now (sum of RSS, sum of PSS), CPU seconds so far.

    CPU is kept per process (pid + start time) as the last user + system seconds seen, so
    processes that are not waited for by the root (forkserver parse workers, whose CPU
    ``getrusage(RUSAGE_CHILDREN)`` never sees) are counted too; what a process spends after its
    last sample (at most ``SAMPLE_INTERVAL``) is lost. PSS (proportional set size) shares each
    page among the processes mapping it, so its sum is the tree's real footprint; the RSS sum
    counts shared pages once per process (an upper bound).
    """

    def __init__(self, root: psutil.Process):
        self.root = root
        self.cpu: dict[tuple[int, float], float] = {}
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_at: datetime | None = None  # UTC, like the log's timestamps
        self.peak_parts: dict[str, int] = {}
        self.kinds: dict[tuple[int, float], str] = {}  # a process's kind, read once from its cmdline
        self.samples = 0

    def _kind(self, p: psutil.Process) -> str:
        """What a process of the tree is: the run itself, a parse worker (forkserver), dbt, other."""
        if p.pid == self.root.pid:
            return "main"
        key = (p.pid, p.create_time())
        if key not in self.kinds:
            try:
                cmd = " ".join(p.cmdline())
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                return "other"
            is_worker = "multiprocessing" in cmd or "forkserver" in cmd
            self.kinds[key] = "parse workers" if is_worker else "dbt" if "dbt" in cmd else "other"
        return self.kinds[key]

    def sample(self) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        rss = 0
        alive = []
        for p in procs:
            try:
                with p.oneshot():
                    times = p.cpu_times()
                    key = (p.pid, p.create_time())
                    rss += p.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            self.cpu[key] = times.user + times.system
            alive.append(p)
        # PSS reads /proc/<pid>/smaps_rollup: ~4 ms per process, 16 % of a core at every sample.
        # Read it every PSS_EVERY samples, and whenever the RSS sum is near its peak so far.
        if self.samples % PSS_EVERY == 0 or rss >= self.peak_rss * 0.95:
            parts: dict[str, int] = {}
            for p in alive:
                try:
                    one = getattr(p.memory_full_info(), "pss", 0)
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                kind = self._kind(p)
                parts[kind] = parts.get(kind, 0) + one
            pss = sum(parts.values())
            if pss > self.peak_pss:
                self.peak_pss, self.peak_parts = pss, parts
                self.peak_at = datetime.now(UTC).replace(tzinfo=None)
        self.peak_rss = max(self.peak_rss, rss)
        self.samples += 1

    @property
    def cpu_s(self) -> float:
        return sum(self.cpu.values())


def run_tree(cmd: list[str], env: dict[str, str], cwd: Path, log_dir: Path) -> RunMeasure:
    """Run ``cmd``, sampling its process tree's memory and CPU until it exits."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / "stdout.txt", log_dir / "stderr.txt"
    started_utc = datetime.now(UTC).replace(tzinfo=None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with out_path.open("w") as out, err_path.open("w") as err:
        popen = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)
        sampler = _TreeSampler(psutil.Process(popen.pid))
        while popen.poll() is None:
            sampler.sample()
            time.sleep(SAMPLE_INTERVAL)
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stderr = err_path.read_text(errors="replace")
    return RunMeasure(
        wall_s=wall,
        # the root's final seconds come from getrusage; a short run may end before any sample
        cpu_s=max(sampler.cpu_s, waited_cpu),
        peak_rss=sampler.peak_rss,
        peak_pss=sampler.peak_pss,
        returncode=popen.returncode,
        stdout=out_path.read_text(errors="replace"),
        stderr=stderr,
        started_utc=started_utc,
        steps=step_durations(stderr),
        peak_step=step_at(stderr, sampler.peak_at),
        peak_parts=sampler.peak_parts,
    )


def run_budget(raw_dir: Path, warehouse: Path, log_dir: Path, *args: str) -> RunMeasure:
    """``budget run [args]`` on ``raw_dir`` into ``warehouse``, as a subprocess of this interpreter."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # an ephemeral instance, like CI
    env.update(BUDGET_RAW_DIR=str(raw_dir), BUDGET_WAREHOUSE=str(warehouse))
    # --verbose: the Dagster and dbt log on stderr, where the step events are read from
    command = [sys.executable, "-m", "orchestration.cli", "run", "--verbose", *args]
    return run_tree(command, env, PROJECT_ROOT, log_dir)


def _ts(m: re.Match) -> datetime:
    """The log line's time (UTC, to the second) of a match with a ``ts`` group."""
    return datetime.strptime(m.group("ts"), "%Y-%m-%d %H:%M:%S")


def _seconds(text: str) -> float:
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(text))


def step_durations(log: str) -> dict[str, float]:
    """Step → seconds, from Dagster's "Finished execution of step … in 13.06s" (or the
    start/end timestamps, to the second, for a failed step)."""
    starts: dict[str, datetime] = {}
    out: dict[str, float] = {}
    for m in _STEP.finditer(log):
        ts = _ts(m)
        step, event = m.group("step"), m.group("event")
        if event == "STEP_START":
            starts[step] = ts
            continue
        finished = _FINISHED.search(m.group("rest"))
        if finished:
            out[step] = _seconds(finished.group("d"))
        elif step in starts:
            out[step] = (ts - starts[step]).total_seconds()
    return out


def step_at(log: str, when: datetime | None) -> str | None:
    """The step running at ``when`` (UTC) by the log's step events (1 s resolution): its name,
    or "after <step>" between steps, or "start-up" before the first."""
    if when is None:
        return None
    last = "start-up"
    for m in _STEP.finditer(log):
        if _ts(m) > when:
            break
        last = m.group("step") if m.group("event") == "STEP_START" else f"after {m.group('step')}"
    return last


def parse_progress(log: str) -> list[tuple[int, float]]:
    """(documents written so far, seconds since the parse step started), one point per batch the
    parse asset wrote: how the cost per document evolves as the warehouse fills (1 s resolution)."""
    start = next(
        (
            m
            for m in _STEP.finditer(log)
            if m.group("step") == "parsed_documents" and m.group("event") == "STEP_START"
        ),
        None,
    )
    if not start:
        return []
    return [(int(m.group("n")), (_ts(m) - _ts(start)).total_seconds()) for m in _PARSE_WROTE.finditer(log)]


def parsed_since(warehouse: Path, since_utc: datetime) -> int:
    """Documents parsed (or quarantined) at or after ``since_utc``, read from the warehouse."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select (select count(*) from landing.documents where parsed_at >= $1)"
            " + (select count(*) from landing.quarantine where seen_at >= $1)",
            [since_utc],
        ).fetchone()[0]


def dbt_summary(log: str) -> dict | None:
    """From the run's dbt ``run_results.json``: nodes, elapsed, thread seconds per resource type, slowest nodes."""
    import json

    m = _RUN_ID.search(log)
    if not m:
        return None
    found = sorted(DBT_TARGET.glob(f"*-{m.group('run')[:7]}-*/run_results.json"))
    if not found:
        return None
    results = json.loads(found[0].read_text())
    by_type: dict[str, float] = {}
    for r in results["results"]:
        kind = r["unique_id"].split(".")[0]
        by_type[kind] = by_type.get(kind, 0.0) + r["execution_time"]
    slowest = sorted(results["results"], key=lambda r: -r["execution_time"])[:DBT_TOP_NODES]
    return {
        "nodes": len(results["results"]),
        "elapsed_s": results.get("elapsed_time"),
        "thread_s_by_type": by_type,
        "slowest": [(r["unique_id"].split(".", 2)[-1], r["execution_time"]) for r in slowest],
    }
