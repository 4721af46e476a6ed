"""Benchmark the real ``edplan`` command against floors measured in the same run, on the same data.

Run with ``make bench`` (not part of ``make test``). For each operation it starts the command a user
types as a fresh process several times, and reports the median wall time, the peak memory of the
process (``wait4``'s ``ru_maxrss``), and the ratio to a floor: what plain Python needs for the same
job on the same file (``python -c pass``, importing the five libraries, a ``json.loads`` loop over
the log, a ``csv.reader`` loop over the import file). Budgets from issue 5 are checked on the ratios.

    python scripts/bench.py                 # print the table
    python scripts/bench.py --write BENCHMARKS.md
    python scripts/bench.py --quick         # smaller logs, fewer runs (a smoke test of the script)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "2006.yaml"
NOTES = ["区县上报", "一季度拨付", "教委统计", "财务处核实", "学校填报", "督导抽查", "补报上月数据", ""]
SOURCES = ["财务处", "基础教育处", "职成处", "高教处", "人事处", "朝阳区", "海淀区", "丰台区"]


@dataclass
class Row:
    operation: str
    seconds: float
    peak_mb: float
    floor_name: str
    floor_seconds: float
    budget: float | None = None  # the ratio the issue allows, when it sets one
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds if self.floor_seconds else float("nan")

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        return "met" if self.ratio <= self.budget else "NOT met"


def run_once(cmd: list[str], env: dict[str, str], stdin: Path | None = None) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one process."""
    stdin_file = stdin.open("rb") if stdin else subprocess.DEVNULL
    # stderr goes to a file, not a pipe: a command that refuses 100,000 rows would fill a pipe nobody
    # reads before wait4 returns, and hang.
    with tempfile.TemporaryFile() as err_file:
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, env=env, stdin=stdin_file, stdout=subprocess.DEVNULL, stderr=err_file)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
        finally:
            if stdin is not None and not isinstance(stdin_file, int):
                stdin_file.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err_file.seek(0)
            err = err_file.read(4000).decode(errors="replace")
            raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def median_of(cmd: list[str], env: dict[str, str], runs: int, stdin: Path | None = None,
              before: object = None) -> tuple[float, float]:
    times: list[float] = []
    peaks: list[float] = []
    for _ in range(runs):
        if callable(before):
            before()
        t, m = run_once(cmd, env, stdin)
        times.append(t)
        peaks.append(m)
    return statistics.median(times), max(peaks)


def targets_of_plan(python: str) -> list[tuple[str, str, str, float]]:
    """(id, kind, unit, goal) of every target, read through edplan itself (goal 0 for milestones)."""
    out = subprocess.run([python, "-m", "edplan", "--plan", str(PLAN), "status", "-f", "json"],
                         check=True, capture_output=True, text=True).stdout
    return [
        (t["id"], t["kind"], t["unit"] or "", float(t["target"]) if t["kind"] != "milestone" else 0.0)
        for t in json.loads(out)["targets"]
    ]


def plausible(rng: random.Random, goal: float, unit: str) -> str:
    """A figure a department would report for a target of ``goal``: a small share of it (record
    refuses more than 20 times the goal, and a share over 100%)."""
    if unit == "%":
        return f"{rng.uniform(1, 100):.1f}"
    value = goal * rng.uniform(0.001, 0.05)
    return str(max(1, round(value))) if value >= 10 or rng.random() < 0.7 else f"{max(value, 0.01):.2f}"


def make_log(path: Path, n: int, targets: list[tuple[str, str, str, float]], seed: int) -> None:
    """A synthetic log of ``n`` entries in edplan's own line format, on numeric targets of the plan."""
    sys.path.insert(0, str(ROOT / "src"))
    from edplan.log.entries import Entry
    from edplan.log.ledger import entry_line

    rng = random.Random(seed)
    numeric = [t for t in targets if t[1] != "milestone"]
    start = dt.date(2006, 1, 1)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            target, _, unit, goal = rng.choice(numeric)
            value = plausible(rng, goal, unit)
            entry = Entry(
                id=f"e-{rng.getrandbits(48):012x}",
                target=target,
                value=value,
                unit=unit,
                date=start + dt.timedelta(days=rng.randrange(365)),
                note=rng.choice(NOTES),
                source=rng.choice(SOURCES),
                recorded=f"2006-12-31T08:{i // 60 % 60:02d}:{i % 60:02d}+00:00",
            )
            f.write(entry_line(entry))


def make_csv(path: Path, n: int, targets: list[tuple[str, str, str, float]], seed: int) -> None:
    import csv

    rng = random.Random(seed)
    numeric = [t for t in targets if t[1] != "milestone"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["target", "value", "unit", "date", "note", "source", "id"])
        for i in range(n):
            target, _, unit, goal = rng.choice(numeric)
            day = dt.date(2006, 1, 1) + dt.timedelta(days=rng.randrange(365))
            w.writerow([target, plausible(rng, goal, unit), unit, day.isoformat(), rng.choice(NOTES),
                        rng.choice(SOURCES), f"imp-{i:07d}"])


FLOOR_JSON = "import json,sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)\n"
FLOOR_CSV = "import csv,sys\nfor row in csv.reader(open(sys.argv[1], encoding='utf-8', newline='')):\n    pass\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", type=Path, help="also write the results as Markdown to this file")
    ap.add_argument("--quick", action="store_true", help="small logs, few runs: checks the script works")
    args = ap.parse_args()

    python = sys.executable
    edplan = str(Path(python).with_name("edplan"))
    sizes = [1_000, 10_000] if args.quick else [10_000, 100_000, 1_000_000]
    runs_fast, runs_slow = (2, 1) if args.quick else (7, 3)
    import_rows = 10_000 if args.quick else 100_000

    work = Path(tempfile.mkdtemp(prefix="edplan-bench-"))
    try:
        env = {**os.environ, "EDPLAN_CACHE_DIR": str(work / "cache"), "NO_COLOR": "1", "COLUMNS": "120",
               "EDPLAN_LANG": "en"}
        plan = work / "2006.yaml"
        shutil.copy(PLAN, plan)
        shutil.copy(PLAN.with_name("2006-work-plan.txt"), work)  # validate reads the document the plan names
        targets = targets_of_plan(python)
        rows: list[Row] = []

        pass_t, _ = median_of([python, "-c", "pass"], env, runs_fast)
        libs = "import typer, rich, pydantic, ruamel.yaml, tabulate"
        import_t, import_mb = median_of([python, "-c", libs], env, runs_fast)
        small = work / "small.progress.jsonl"
        make_log(small, 50, targets, seed=1)

        def cmd(*a: str, log: Path = small) -> list[str]:
            return [edplan, "--plan", str(plan), "--log", str(log), *a]

        run_once(cmd("status"), env)  # fill the plan cache, as any earlier run would have
        for name, command, budget in [
            ("edplan --version", [edplan, "--version"], 1.0),
            ("edplan --help", [edplan, "--help"], 1.0),
            ("edplan status (2006 plan, 50 entries)", cmd("status"), 1.0),
            ("edplan validate (2006 plan)", cmd("validate", str(plan)), None),
        ]:
            t, m = median_of(command, env, runs_fast)
            rows.append(Row(name, t, m, "import of the 5 libraries", import_t, budget))
        cold_t, cold_m = median_of(cmd("status"), env, runs_fast,
                                   before=lambda: shutil.rmtree(work / "cache", ignore_errors=True))
        rows.append(Row("edplan status, plan cache cleared first", cold_t, cold_m, "import of the 5 libraries",
                        import_t, None, "parses the YAML"))

        counter = iter(range(10**9))
        rec_log = work / "record.progress.jsonl"
        shutil.copy(small, rec_log)

        def record_cmd() -> list[str]:
            return cmd("record", targets[13][0], "1", "--date", "2006-06-01", "--id", f"bench-{next(counter)}",
                       log=rec_log)

        times = []
        peak = 0.0
        for _ in range(runs_fast):
            t, m = run_once(record_cmd(), env)
            times.append(t)
            peak = max(peak, m)
        rows.append(Row("edplan record (one entry, locked, fsync)", statistics.median(times), peak,
                        "import of the 5 libraries", import_t, 1.0))

        status_by_size: dict[int, float] = {}
        for n in sizes:
            log = work / f"log-{n}.progress.jsonl"
            make_log(log, n, targets, seed=n)
            runs = runs_slow if n >= 1_000_000 else max(runs_slow, 3)
            floor_script = work / "floor_json.py"
            floor_script.write_text(FLOOR_JSON)
            floor_t, _ = median_of([python, str(floor_script), str(log)], env, runs)

            def forget_tallies() -> None:
                for cached in (work / "cache").glob("tally-*"):
                    cached.unlink()

            t, m = median_of(cmd("status", log=log), env, runs, before=forget_tallies)
            status_by_size[n] = t
            budget = 0.5 if n == max(sizes) else None
            note = f"{log.stat().st_size / 1e6:.0f} MB log, first run: the whole log is read"
            rows.append(Row(f"edplan status, {n:,} entries", t, m, "json.loads loop over the log", floor_t,
                            budget, note))
            t, m = median_of(cmd("status", log=log), env, runs)
            rows.append(Row(f"edplan status, {n:,} entries", t, m, "json.loads loop over the log", floor_t,
                            budget, "again: tally cached, nothing appended"))
            with log.open("a", encoding="utf-8") as f, small.open(encoding="utf-8") as extra:
                f.write(extra.read())  # 50 new entries, as a department's next report
            t, m = median_of(cmd("status", log=log), env, 1)
            rows.append(Row(f"edplan status, {n:,} entries", t, m, "json.loads loop over the log", floor_t,
                            None, "50 entries appended since the last run"))

        csv_path = work / "import.csv"
        make_csv(csv_path, import_rows, targets, seed=7)
        floor_script = work / "floor_csv.py"
        floor_script.write_text(FLOOR_CSV)
        floor_t, _ = median_of([python, str(floor_script), str(csv_path)], env, runs_slow)
        imp_log = work / "import.progress.jsonl"
        imp_times = []
        imp_peak = 0.0
        for _ in range(runs_slow):
            imp_log.unlink(missing_ok=True)
            t, m = run_once(cmd("record", "--from", str(csv_path), log=imp_log), env)
            imp_times.append(t)
            imp_peak = max(imp_peak, m)
        if sum(line.startswith('{"id": ') for line in imp_log.open(encoding="utf-8")) != import_rows:
            raise SystemExit("record --from did not append every row")
        rows.append(Row(f"edplan record --from CSV, {import_rows:,} rows", statistics.median(imp_times), imp_peak,
                        "csv.reader loop over the file", floor_t, 3.0))

        big, mid = max(sizes), sorted(sizes)[-2]
        growth = status_by_size[big] / status_by_size[mid]
        report = render(rows, pass_t, import_t, import_mb, growth, big, mid, args.quick)
        print(report)
        if args.write:
            args.write.write_text(report, encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def render(rows: list[Row], pass_t: float, import_t: float, import_mb: float, growth: float, big: int, mid: int,
           quick: bool) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today().isoformat()} by `make bench` (`scripts/bench.py`{' --quick' if quick else ''}) on "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}.",
        "Each figure is the median wall time of the real command as a fresh process; peak memory is the "
        "process's maximum resident set. Ratios compare with a floor measured in the same run on the same data.",
        "",
        f"Floors: `python -c pass` {pass_t * 1000:.0f} ms; importing typer, rich, pydantic, ruamel.yaml and "
        f"tabulate {import_t * 1000:.0f} ms ({import_mb:.0f} MB).",
        "",
        "| operation | median | peak memory | floor | floor time | ratio | budget | |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        budget = f"≤ {r.budget:g}×" if r.budget is not None else ""
        note = f" ({r.note})" if r.note else ""
        lines.append(
            f"| {r.operation}{note} | {fmt_s(r.seconds)} | {r.peak_mb:.0f} MB | {r.floor_name} | "
            f"{fmt_s(r.floor_seconds)} | {r.ratio:.2f}× | {budget} | {r.verdict} |"
        )
    lines += [
        "",
        f"Growth: status over {big:,} entries takes {growth:.1f}× the time of {mid:,} entries "
        f"(budget ≤ 12× for 10× the entries: {'met' if growth <= 12 else 'NOT met'}).",
        "",
    ]
    return "\n".join(lines)


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


if __name__ == "__main__":
    main()
