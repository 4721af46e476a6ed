"""Benchmark the real ``edplan`` command on a log built the way users build one, against floors
measured in the same run on the same data.

Run with ``make bench`` (not part of ``make test``). The log is made through the CLI, as a bureau
makes it over a year: ten ``edplan record --from FILE.csv`` imports of a district's export (100,000
rows each, Chinese notes and sources, figures in the target's unit or a unit like it), and between
the imports single ``edplan record`` entries, ``edplan correct`` and ``edplan retract`` of entries of
earlier imports. That gives a log of 1,000,000 entries in committed batches with amendments
scattered through it. Building it takes minutes, so it is kept under ``.bench-cache/`` (git-ignored),
keyed by the generator's parameters, the plan and edplan's version; ``--rebuild`` makes it again.

Each operation is then started as a fresh process several times (the command a user types), with
its own cache directory (``XDG_CACHE_HOME`` and ``EDPLAN_CACHE_DIR``), emptied before each run where
the row says "first run". Reported: the median wall time, the peak memory of the process
(``wait4``'s ``ru_maxrss``), and the ratio to a floor: what plain Python needs for the same job on
the same file (``python -c pass``, importing the five libraries, a ``json.loads`` loop over the
log's lines, a ``csv.reader`` loop over the import file). Budgets of issue 10 are checked.

    python scripts/bench.py                 # print the table
    python scripts/bench.py --write BENCHMARKS.md
    python scripts/bench.py --quick         # 10 imports of 2,000 rows, fewer runs: a smoke test
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
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
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from importlib.metadata import version as package_version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "2006.yaml"
CACHE = ROOT / ".bench-cache"
# Bump when the generator below changes what it makes: a cached log of the old shape is not reused.
GENERATOR_VERSION = 1

LIBS = "import typer, rich, pydantic, ruamel.yaml, tabulate"
FLOOR_JSON = "import json,sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)\n"
FLOOR_CSV = "import csv,sys\nfor row in csv.reader(open(sys.argv[1], encoding='utf-8', newline='')):\n    pass\n"
CSV_HEADER = ["target", "value", "unit", "date", "note", "source"]


@dataclass(frozen=True)
class Shape:
    """What the generator makes; its hash (with the plan and edplan's version) names the cached log."""

    imports: int
    rows: int  # per import
    singles: int  # `edplan record` entries after each import
    corrections: int  # `edplan correct` after each import
    retractions: int  # `edplan retract` after each import
    seed: int = 2006

    @property
    def entries(self) -> int:
        return self.imports * (self.rows + self.singles)


FULL = Shape(imports=10, rows=100_000, singles=2, corrections=1, retractions=1)
QUICK = Shape(imports=10, rows=2_000, singles=2, corrections=1, retractions=1)


# --- what a district reports ----------------------------------------------------------------------

DISTRICTS = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区", "通州区", "顺义区",
             "昌平区", "大兴区", "怀柔区", "平谷区", "密云县", "延庆县"]
OFFICES = ["财务处", "基础教育处", "职业教育与成人教育处", "高等教育处", "人事处", "督导室", "师资处", "发展规划处"]
QUARTERS = ["一季度", "二季度", "三季度", "四季度"]
MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


@dataclass(frozen=True)
class Goal:
    """A cumulative target of the plan, read with edplan's own loader."""

    id: str
    unit: str
    goal: Decimal
    weight: float


def plan_goals(plan: Path) -> list[Goal]:
    """The cumulative targets of the plan with a numeric goal; the training counts (reported by every
    district, many times a year) weigh most, as in a real log."""
    from edplan.plan.load import load_plan

    loaded = load_plan(plan)
    if loaded.plan is None:
        raise SystemExit(f"the plan {plan} does not load: {loaded.problems[:3]}")
    goals = []
    for _, _, t in loaded.plan.targets():
        if t.kind.value == "cumulative" and t.value is not None and t.value > 0 and t.unit:
            heavy = "training" in t.id or t.unit.endswith("人次")
            goals.append(Goal(t.id, t.unit, t.value, 6.0 if heavy else 1.0))
    if not goals:
        raise SystemExit(f"no cumulative target with a goal in {plan}")
    return goals


def busiest(goals: list[Goal]) -> str:
    """The target `show` is measured on: the one with the most entries (the heaviest weight)."""
    return max(goals, key=lambda g: (g.weight, g.goal)).id


def figure(rng: random.Random, g: Goal) -> tuple[str, str]:
    """(value, unit column) as a department writes it: a small share of the goal (at most 2%, far
    below the 20× that `record` refuses), in the target's unit or a unit like it, sometimes grouped
    by thousands; the unit column empty when the figure is in the target's unit."""
    share = Decimal(str(round(rng.uniform(0.0002, 0.02), 5)))
    amount = g.goal * share  # in the target's unit
    r = rng.random()
    if g.unit == "亿元":
        if r < 0.7:  # money is reported in 万元
            return f"{max(amount * 10_000, Decimal('0.01')):.2f}", "万元"
        return f"{max(amount, Decimal('0.0001')):.4f}", "" if r < 0.85 else "亿元"
    if g.unit.startswith("万"):  # 万人次: a district counts heads
        base = g.unit[1:]
        count = max(1, int(amount * 10_000))
        if r < 0.45:
            return str(count), base
        if r < 0.7:
            return f"{count:,}", base
        return f"{max(amount, Decimal('0.01')):.2f}", "" if r < 0.9 else g.unit
    count = max(1, int(amount))  # 所, 对, 名, 个, 人次: whole counts
    if g.unit == "名" and r < 0.3:
        return str(count), "人"
    return str(count), "" if r < 0.8 else g.unit


def note(rng: random.Random, batch: int, day: dt.date) -> str:
    """A remark as districts write them (the month named is the figure's own)."""
    district, month = rng.choice(DISTRICTS), MONTHS[day.month - 1]
    r = rng.random()
    if r < 0.25:
        return ""
    if r < 0.45:
        return f"区县上报：第{batch}批，含补报"
    if r < 0.6:
        return f"{rng.choice(OFFICES)}核实（{QUARTERS[(day.month - 1) // 3]}）"
    if r < 0.72:
        return f"{district}教委汇总，{month}月数据；已与区财政局核对"
    if r < 0.84:
        return f"补报{month}月数据（原表漏报{rng.randint(2, 40)}所学校），以本次为准"
    if r < 0.94:
        project = rng.choice(["农村教师素质提升", "城乡手拉手", "社区教育进万家", "劳动力转移培训"])
        return f"“{project}”项目，{district}第{batch}期"
    schools, rural = rng.randint(10, 90), rng.randint(1, 9)
    return (f"{district}教委报送：本批次包括{schools}所学校的培训与拨付情况，其中{rural}所为农村学校；"
            f"数据已经区财政局、区教委计财科“双核对”，并与上年同期口径保持一致（详见附件《{district}{month}月统计表》），"
            f"如有出入，以市教委复核结果为准。")


def source(rng: random.Random, day: dt.date) -> str:
    r = rng.random()
    if r < 0.55:
        return f"{rng.choice(DISTRICTS)}教委"
    if r < 0.85:
        return rng.choice(OFFICES)
    return f"《{MONTHS[day.month - 1]}月教育统计月报》"


def day_of(rng: random.Random, batch: int, batches: int) -> dt.date:
    """A date in the weeks before the batch's import: batches follow each other through the year."""
    end = (batch + 1) * 365 // batches - 1
    start = max(0, end - 60)
    return dt.date(2006, 1, 1) + dt.timedelta(days=rng.randint(start, end))


def write_csv(path: Path, rng: random.Random, goals: list[Goal], rows: int, batch: int, batches: int) -> None:
    weights = [g.weight for g in goals]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        for g in rng.choices(goals, weights, k=rows):
            value, unit = figure(rng, g)
            day = day_of(rng, batch, batches)
            w.writerow([g.id, value, unit, day.isoformat(), note(rng, batch + 1, day), source(rng, day)])


# --- running ------------------------------------------------------------------------------------


class Failed(Exception):
    pass


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one process."""
    # stderr goes to a file, not a pipe: a command that refuses 100,000 rows would fill a pipe nobody
    # reads before wait4 returns, and hang.
    with tempfile.TemporaryFile() as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err_file)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err_file.seek(0)
            err = err_file.read(4000).decode(errors="replace")
            raise Failed(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def median_of(cmd: list[str], env: dict[str, str], runs: int,
              before: Callable[[], None] | None = None) -> tuple[float, float]:
    """Median wall time and the highest peak memory of ``runs`` fresh processes."""
    times: list[float] = []
    peaks: list[float] = []
    for _ in range(runs):
        if before is not None:
            before()
        t, m = run_once(cmd, env)
        times.append(t)
        peaks.append(m)
    return statistics.median(times), max(peaks)


def environment(cache: Path) -> dict[str, str]:
    """The environment of a benchmark process: its own cache directory, plain output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDPLAN_")}
    env.update({"XDG_CACHE_HOME": str(cache), "EDPLAN_CACHE_DIR": str(cache / "edplan"), "NO_COLOR": "1",
                "COLUMNS": "120", "EDPLAN_LANG": "zh"})
    return env


def edplan_bin() -> str:
    return str(Path(sys.executable).with_name("edplan"))


# --- the log, built through the CLI -------------------------------------------------------------


@dataclass
class Meta:
    """What building the log did, kept beside it in meta.json."""

    built: str  # when
    edplan: str  # edplan's version
    build_seconds: float
    seconds: dict[str, float]  # per kind of command (and generating the CSV files)
    counts: dict[str, int]  # single records, corrections, retractions
    entries: int
    lines: int
    bytes: int
    shape: dict[str, int]
    show: str  # the target `show` is measured on


@dataclass
class Built:
    folder: Path
    log: Path
    csv: Path  # the first import's file: `record --from` is measured on it
    tiny: Path  # a 50-row import file, for the small-log rows
    meta: Meta
    now: bool  # built in this run (not taken from the cache)


def cache_key(shape: Shape) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"shape": asdict(shape), "generator": GENERATOR_VERSION,
                              "edplan": package_version("edplan")}, sort_keys=True).encode())
    digest.update(PLAN.read_bytes())
    return digest.hexdigest()[:16]


def some_entry(rng: random.Random, log: Path, span: tuple[int, int], taken: set[str]) -> dict[str, str]:
    """An entry line of the log between byte offsets ``span``, not amended yet (read as any script
    reading the log would: seek, skip to the next line, json.loads)."""
    with log.open("rb") as f:
        for _ in range(1000):
            f.seek(rng.randrange(*span))
            f.readline()
            line = f.readline()
            if not line:
                continue
            record: dict[str, str] = json.loads(line)
            if "target" in record and record["id"] not in taken:
                taken.add(record["id"])
                return record
    raise SystemExit(f"no entry found in {log} between bytes {span}")


def changed(rng: random.Random, value: str) -> str:
    """The right figure, as a department corrects a wrong one: a little more or less."""
    old = Decimal(value)
    if old == old.to_integral_value():
        new = old + rng.choice([-2, -1, 1, 3]) if old > 2 else old + rng.choice([1, 2])
        return str(new.quantize(Decimal(1)))
    exponent = old.as_tuple().exponent
    assert isinstance(exponent, int)
    new = (old * Decimal(rng.choice(["0.9", "1.1", "1.25"]))).quantize(Decimal(1).scaleb(exponent))
    return str(new if new != old and new > 0 else old + Decimal(1).scaleb(exponent))


def build_log(shape: Shape, folder: Path, say: Callable[[str], None]) -> Meta:
    """Make the log in ``folder`` through the CLI; return what was done and how long it took."""
    plan = folder / "2006.yaml"
    shutil.copy(PLAN, plan)
    log = folder / "2006.progress.jsonl"
    goals = plan_goals(plan)
    rng = random.Random(shape.seed)
    env = environment(folder / "cache")
    edplan = [edplan_bin(), "--plan", str(plan), "--log", str(log)]
    spans: list[tuple[int, int]] = []
    taken: set[str] = set()
    seconds = {"import": 0.0, "record": 0.0, "correct": 0.0, "retract": 0.0, "generate": 0.0}
    counts = {"record": 0, "correct": 0, "retract": 0}
    start = time.perf_counter()

    def timed(kind: str, *args: str) -> None:
        """Run ``edplan KIND ARGS`` (``import``: ``edplan record --from``), adding up the time per kind."""
        command = ["record", "--from"] if kind == "import" else [kind]
        t, _ = run_once([*edplan, *command, *args], env)
        seconds[kind] += t
        if kind in counts:
            counts[kind] += 1

    for batch in range(shape.imports):
        path = folder / f"import-{batch + 1:02d}.csv"
        t0 = time.perf_counter()
        write_csv(path, rng, goals, shape.rows, batch, shape.imports)
        seconds["generate"] += time.perf_counter() - t0
        before = log.stat().st_size if log.exists() else 0
        timed("import", str(path))
        spans.append((before, log.stat().st_size))
        say(f"  import {batch + 1}/{shape.imports}: {shape.rows:,} rows, log {log.stat().st_size / 1e6:.0f} MB, "
            f"{time.perf_counter() - start:.0f} s so far")
        if batch > 0:
            path.unlink()  # only the first import file is measured again
        for _ in range(shape.singles):
            g = rng.choices(goals, [x.weight for x in goals])[0]
            value, unit = figure(rng, g)
            day = day_of(rng, batch, shape.imports)
            remark = note(rng, batch + 1, day) or "电话报送，书面材料后补"
            args = [g.id, value, "--date", day.isoformat(), "--note", remark, "--source", source(rng, day)]
            timed("record", *args, *(["--unit", unit] if unit else []))
        for kind, times in (("correct", shape.corrections), ("retract", shape.retractions)):
            for _ in range(times):
                entry = some_entry(rng, log, rng.choice(spans), taken)
                known = min(dt.date.fromisoformat(entry["date"]) + dt.timedelta(days=rng.randint(1, 45)),
                            dt.date(2006, 12, 31))
                if kind == "correct":
                    reason = rng.choice(["财务处复核：原报数含重复统计，按核实数更正",
                                         f"{rng.choice(DISTRICTS)}教委来函更正（原表笔误）",
                                         "督导抽查发现口径不一致，按市教委统一口径调整"])
                    timed("correct", entry["id"], changed(rng, entry["value"]), "--reason", reason,
                          "--date", known.isoformat())
                else:
                    reason = rng.choice([f"重复上报（与第{rng.randint(1, batch + 1)}批重复），撤回",
                                         "误报：该校不属本项目范围，撤回"])
                    timed("retract", entry["id"], "--reason", reason, "--date", known.isoformat())
    total = time.perf_counter() - start
    tiny = folder / "tiny.csv"
    write_csv(tiny, random.Random(1), goals, 50, 5, 12)
    lines = entries = 0
    with log.open("rb") as f:
        for line in f:
            lines += 1
            entries += line.startswith(b'{"id": ') and b'"target": ' in line
    if entries != shape.entries:
        raise SystemExit(f"the built log has {entries:,} entries, not {shape.entries:,}")
    return Meta(built=dt.datetime.now().isoformat(timespec="seconds"), edplan=package_version("edplan"),
                build_seconds=round(total, 1), seconds={k: round(v, 1) for k, v in seconds.items()},
                counts=counts, entries=entries, lines=lines, bytes=log.stat().st_size, shape=asdict(shape),
                show=busiest(goals))


def built_log(shape: Shape, rebuild: bool, say: Callable[[str], None]) -> Built:
    folder = CACHE / f"log-{cache_key(shape)}"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    now = not (folder / "meta.json").exists()
    if now:
        CACHE.mkdir(exist_ok=True)
        (CACHE / ".gitignore").write_text("*\n")
        partial = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE))
        say(f"building the log: {shape.imports} imports of {shape.rows:,} rows through `edplan record --from`, "
            f"with records, corrections and retractions between them ({partial})")
        try:
            meta = build_log(shape, partial, say)
            shutil.rmtree(partial / "cache", ignore_errors=True)
            (partial / "meta.json").write_text(json.dumps(asdict(meta), ensure_ascii=False, indent=1) + "\n")
            partial.rename(folder)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        for old in CACHE.glob("log-*"):  # a log of this shape for another plan or version: not used again
            try:
                stale = old != folder and json.loads((old / "meta.json").read_text())["shape"] == asdict(shape)
            except (OSError, ValueError, KeyError):
                stale = old != folder
            if stale:
                shutil.rmtree(old, ignore_errors=True)
        say(f"built in {meta.build_seconds} s: {folder}")
    meta = Meta(**json.loads((folder / "meta.json").read_text()))
    return Built(folder, folder / "2006.progress.jsonl", folder / "import-01.csv", folder / "tiny.csv", meta, now)


# --- the table ----------------------------------------------------------------------------------


@dataclass
class Row:
    operation: str
    seconds: float
    peak_mb: float
    floor_name: str
    floor_seconds: float
    budget: float | None = None  # the ratio the issue allows, when it sets one
    budget_mb: float | None = None  # the peak memory it allows
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds if self.floor_seconds else float("nan")

    @property
    def verdict(self) -> str:
        missed = []
        if self.budget is not None and self.ratio > self.budget:
            missed.append("time")
        if self.budget_mb is not None and self.peak_mb > self.budget_mb:
            missed.append("memory")
        if self.budget is None and self.budget_mb is None:
            return ""
        return f"NOT met ({', '.join(missed)})" if missed else "met"

    @property
    def budget_text(self) -> str:
        parts = []
        if self.budget is not None:
            parts.append(f"≤ {self.budget:g}×")
        if self.budget_mb is not None:
            parts.append(f"≤ {self.budget_mb:g} MB")
        return ", ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", type=Path, help="also write the results as Markdown to this file")
    ap.add_argument("--quick", action="store_true",
                    help=f"{QUICK.imports} imports of {QUICK.rows:,} rows, few runs: checks the script works")
    ap.add_argument("--rebuild", action="store_true", help="build the log again even if it is cached")
    args = ap.parse_args()

    began = time.perf_counter()

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    shape = QUICK if args.quick else FULL
    runs_fast, runs_slow = (2, 1) if args.quick else (7, 3)
    python, edplan = sys.executable, edplan_bin()
    built = built_log(shape, args.rebuild, say)

    work = Path(tempfile.mkdtemp(prefix="edplan-bench-"))
    try:
        plan = work / "2006.yaml"
        shutil.copy(PLAN, plan)
        shutil.copy(PLAN.with_name("2006-work-plan.txt"), work)  # validate reads the document the plan names
        big = work / "2006.progress.jsonl"
        shutil.copy(built.log, big)  # no benchmark touches the cached log
        rows: list[Row] = []
        caches = iter(range(10**6))

        def own_cache() -> tuple[dict[str, str], Callable[[], None]]:
            """The environment of one benchmark, with its own cache directory, and a function that empties it."""
            folder = work / "cache" / f"{next(caches):02d}"
            return environment(folder), lambda: shutil.rmtree(folder, ignore_errors=True)

        def cmd(*a: str, log: Path = big) -> list[str]:
            return [edplan, "--plan", str(plan), "--log", str(log), *a]

        say("floors")
        env, _ = own_cache()
        pass_t, _ = median_of([python, "-c", "pass"], env, runs_fast)
        import_t, import_mb = median_of([python, "-c", LIBS], env, runs_fast)
        floor_json, floor_csv = work / "floor_json.py", work / "floor_csv.py"
        floor_json.write_text(FLOOR_JSON)
        floor_csv.write_text(FLOOR_CSV)
        run_once([python, str(floor_json), str(big)], env)  # the log in the page cache, as for every command
        json_t, json_mb = median_of([python, str(floor_json), str(big)], env, runs_slow)
        csv_t, csv_mb = median_of([python, str(floor_csv), str(built.csv)], env, runs_slow)
        libs = "import of the 5 libraries"

        say("start-up: --version, a tiny log")
        env, _ = own_cache()
        t, m = median_of([edplan, "--version"], env, runs_fast)
        rows.append(Row("edplan --version", t, m, libs, import_t, 1.0))
        tiny = work / "tiny" / "2006.progress.jsonl"
        tiny.parent.mkdir()
        env, empty = own_cache()
        run_once(cmd("record", "--from", str(built.tiny), log=tiny), env)
        t, m = median_of(cmd("status", log=tiny), env, runs_fast, before=empty)
        rows.append(Row("edplan status, 2006 plan, 50 entries, first run", t, m, libs, import_t, 1.0,
                        note="cache empty: the plan is parsed"))
        run_once(cmd("status", log=tiny), env)
        t, m = median_of(cmd("status", log=tiny), env, runs_fast)
        rows.append(Row("edplan status, 2006 plan, 50 entries, again", t, m, libs, import_t, 1.0,
                        note="plan and tally cached"))
        one = work / "one" / "2006.progress.jsonl"
        one.parent.mkdir()
        ids = iter(range(10**6))
        target = built.meta.show
        record_t: list[float] = []
        record_mb = 0.0
        for _ in range(runs_fast):
            shutil.copy(tiny, one)  # a fresh copy each run: the log does not grow from run to run
            t, m = run_once(cmd("record", target, "3", "--date", "2006-06-30", "--note", f"电话报送（第{next(ids)}次）",
                                "--source", "朝阳区教委",
                                log=one), env)
            record_t.append(t)
            record_mb = max(record_mb, m)
        rows.append(Row("edplan record, one entry", statistics.median(record_t), record_mb, libs, import_t, 1.0,
                        note="locked, fsync; 50-entry log"))

        n = built.meta.entries
        size = f"{built.meta.bytes / 1e6:.0f} MB log"
        loop = "json.loads loop over the log"
        say(f"{n:,} entries: status")
        env, empty = own_cache()
        t, m = median_of(cmd("status"), env, runs_slow, before=empty)
        rows.append(Row(f"edplan status, {n:,} entries, first run", t, m, loop, json_t, 1.0, 64,
                        f"{size}; cache empty"))
        t, m = median_of(cmd("status"), env, runs_fast)
        rows.append(Row(f"edplan status, {n:,} entries, again", t, m, loop, json_t, 0.2, 64,
                        "cache warm, nothing appended"))
        for name, command in [(f"edplan show {target}", cmd("show", target)),
                              ("edplan report", cmd("report")),
                              ("edplan validate", cmd("validate"))]:
            say(f"{n:,} entries: {name}")
            env, empty = own_cache()
            t, m = median_of(command, env, runs_slow, before=empty)
            budget, budget_mb = (None, None) if name == "edplan validate" else (1.0, 64)
            rows.append(Row(f"{name}, {n:,} entries", t, m, loop, json_t, budget, budget_mb, "cache empty"))

        say(f"{n:,} entries: status after one more record")
        env, _ = own_cache()
        run_once(cmd("status"), env)
        after: list[float] = []
        after_mb = 0.0
        for i in range(runs_slow):
            run_once(cmd("record", target, "5", "--date", "2006-12-20", "--note", f"年底补报（{i + 1}）",
                         "--source", "海淀区教委"), env)
            t, m = run_once(cmd("status"), env)
            after.append(t)
            after_mb = max(after_mb, m)
        rows.append(Row(f"edplan status, {n:,} entries, after one more `edplan record`", statistics.median(after),
                        after_mb, loop, json_t, note="cache warm; the record not timed"))

        say(f"record --from, {shape.rows:,} rows")
        imported = work / "import" / "2006.progress.jsonl"
        imported.parent.mkdir()
        env, _ = own_cache()
        run_once(cmd("status", log=tiny), env)  # the plan cached, as after any earlier command
        t, m = median_of(cmd("record", "--from", str(built.csv), log=imported), env, runs_slow,
                         before=lambda: imported.unlink(missing_ok=True))
        got = sum(line.startswith(b'{"id": ') for line in imported.open("rb"))
        if got != shape.rows:
            raise SystemExit(f"record --from appended {got:,} entries, not {shape.rows:,}")
        rows.append(Row(f"edplan record --from CSV, {shape.rows:,} rows", t, m, "csv.reader loop over the file",
                        csv_t, 3.0, 80, "empty log"))

        rows += postgres_rows(work, plan, big, built, shape, import_t, json_t, csv_t, runs_fast, runs_slow, own_cache,
                              say)

        floors = Floors(pass_t, import_t, import_mb, json_t, json_mb, csv_t, csv_mb)
        report = render(rows, floors, built.meta, args.quick)
        print(report)
        if args.write:
            args.write.write_text(report, encoding="utf-8")
        say(f"benchmark took {time.perf_counter() - began:.0f} s, of which building the log "
            f"{built.meta.build_seconds:.0f} s" if built.now else
            f"benchmark took {time.perf_counter() - began:.0f} s (the log was cached; building it took "
            f"{built.meta.build_seconds:.0f} s on {built.meta.built})")
    except Failed as exc:
        raise SystemExit(f"benchmark {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def postgres_rows(work: Path, plan: Path, big: Path, built: Built, shape: Shape, import_t: float, json_t: float,
                  csv_t: float,
                  runs_fast: int, runs_slow: int, own_cache: Callable[[], tuple[dict[str, str], Callable[[], None]]],
                  say: Callable[[str], None]) -> list[Row]:
    """The same log in PostgreSQL (a throwaway server of its own, fsync on): status, show and report
    against the text log's floors, and the bulk import into a new database."""
    sys.path.insert(0, str(ROOT))
    import psycopg
    from tests.pgserver import server

    edplan = edplan_bin()
    n = built.meta.entries
    loop = "json.loads loop over the log"
    out: list[Row] = []
    databases = iter(range(10**6))

    def new_database() -> str:
        name = f"bench_{next(databases)}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        return admin.rsplit("/", 1)[0] + "/" + name

    def cmd(log: str, *a: str) -> list[str]:
        return [edplan, "--plan", str(plan), "--log", log, *a]

    try:
        with server(fsync=True) as admin:
            db = new_database()
            env, _ = own_cache()
            say(f"PostgreSQL: log copy of {n:,} entries")
            t, m = run_once(cmd(db, "log", "copy", str(big), db), env)
            out.append(Row(f"edplan log copy, {n:,} entries, file → PostgreSQL", t, m, loop, json_t,
                           note="one transaction: COPY, one conflict query, one INSERT"))
            with psycopg.connect(db, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")  # as autovacuum would, soon after a big load
            target = built.meta.show
            for name, args, budget, note in [
                ("edplan status", ("status",), 0.2, "SQL GROUP BY; the text log's cached-run budget"),
                (f"edplan show {target}", ("show", target), 1.0, ""),
                ("edplan report", ("report",), 1.0, ""),
            ]:
                say(f"PostgreSQL: {name}")
                run_once(cmd(db, *args), env)  # the plan cached, the table in the server's memory
                t, m = median_of(cmd(db, *args), env, runs_fast)
                out.append(Row(f"{name}, {n:,} entries, PostgreSQL", t, m, loop, json_t, budget, 64, note))
            say("PostgreSQL: record, one entry")
            one: list[float] = []
            one_mb = 0.0
            for i in range(runs_fast):
                note = f"电话报送（{i}）"
                t, m = run_once(cmd(db, "record", target, "3", "--date", "2006-06-30", "--note", note), env)
                one.append(t)
                one_mb = max(one_mb, m)
            out.append(Row(f"edplan record, one entry, PostgreSQL with {n:,}", statistics.median(one), one_mb,
                           "import of the 5 libraries", import_t, 1.0, note="one transaction"))
            say(f"PostgreSQL: record --from, {shape.rows:,} rows")
            times: list[float] = []
            peak = 0.0
            for _ in range(runs_slow):
                t, m = run_once(cmd(new_database(), "record", "--from", str(built.csv)), env)  # a new database each run
                times.append(t)
                peak = max(peak, m)
            out.append(Row(f"edplan record --from CSV, {shape.rows:,} rows, PostgreSQL", statistics.median(times), peak,
                           "csv.reader loop over the file", csv_t, 3.0, 80, "new database; COPY"))
    except RuntimeError as exc:
        say(f"PostgreSQL rows skipped: {exc}")
    return out


@dataclass
class Floors:
    pass_t: float
    import_t: float
    import_mb: float
    json_t: float
    json_mb: float
    csv_t: float
    csv_mb: float


def render(rows: list[Row], f: Floors, meta: Meta, quick: bool) -> str:
    shape = Shape(**meta.shape)
    counts, seconds = meta.counts, meta.seconds
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today().isoformat()} by `make bench` (`scripts/bench.py`{' --quick' if quick else ''}) on "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}.",
        "Each figure is the median wall time of the real command as a fresh process; peak memory is the "
        "process's maximum resident set. Ratios compare with a floor measured in the same run on the same data.",
        "Every benchmark has its own cache directory; \"cache empty\" means it was emptied before each run.",
        "",
        f"The log was made as users make it, through the CLI: {shape.imports} `edplan record --from FILE.csv` "
        f"imports of {shape.rows:,} rows (figures a small share of the goal, in the target's unit or a unit like it, "
        f"Chinese notes and sources), and after each import {shape.singles} `edplan record`, {shape.corrections} "
        f"`edplan correct` and {shape.retractions} `edplan retract` of entries of earlier imports: "
        f"{meta.entries:,} entries, {counts['correct']} corrections, {counts['retract']} retractions, "
        f"{meta.lines:,} lines, {meta.bytes / 1e6:.0f} MB (built {meta.built} with edplan {meta.edplan} in "
        f"{fmt_s(meta.build_seconds)}: imports {fmt_s(seconds['import'])}, records {fmt_s(seconds['record'])}, "
        f"corrections {fmt_s(seconds['correct'])}, retractions {fmt_s(seconds['retract'])}; "
        f"cached in `.bench-cache/`).",
        "",
        f"Floors: `python -c pass` {fmt_s(f.pass_t)}; importing typer, rich, pydantic, ruamel.yaml and "
        f"tabulate {fmt_s(f.import_t)} ({f.import_mb:.0f} MB); a `json.loads` loop over the log's lines "
        f"{fmt_s(f.json_t)} ({f.json_mb:.0f} MB); a `csv.reader` loop over one import file {fmt_s(f.csv_t)} "
        f"({f.csv_mb:.0f} MB).",
        "",
        "| operation | median | peak memory | floor | floor time | ratio | budget | verdict |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        note = f" ({r.note})" if r.note else ""
        lines.append(
            f"| {r.operation}{note} | {fmt_s(r.seconds)} | {r.peak_mb:.0f} MB | {r.floor_name} | "
            f"{fmt_s(r.floor_seconds)} | {r.ratio:.2f}× | {r.budget_text} | {r.verdict} |"
        )
    lines.append("")
    return "\n".join(lines)


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


if __name__ == "__main__":
    main()
