"""Benchmark: documents per second through each way of running budget-etl, side by side (issue 12).

Part 1, for each N (corpus copies, each made unique by a trailing PDF comment so its sha256
differs): extract+validate in process on 1 and on 2 processes (the ceiling, no Prefect), then
``run`` (``run_files``) and ``ingest`` over a local HTTP publisher, each against a real
``prefect server start`` on this box, with ``BUDGET_ETL_RUNNER`` = each of ``--runners``.
Part 2 (``--workers``): a second server, the ``process-documents/batch`` deployment, and 1
then 2 ``prefect worker start --limit 1`` process workers, each limited to one process
(``BUDGET_ETL_RUNNER_WORKERS=1``); one ``ingest`` of ``--worker-n`` documents with
``runner=deployment`` in batches of ``--batch`` each time, against ceiling 1 of the same files.

Each measurement runs in a fresh child process; printed: wall s, docs/s, pages/s, peak RSS of
the child and of its largest descendant (MB; part 2: the largest process under the workers),
per-document overhead = (wall − ceiling-1 work)/N, the Prefect database's growth and the result
storage per document, ``uptime``'s 1-minute load average, CPU seconds per document by where they
were spent (the flow's process, its process pool, the rest of the box: the Prefect server), and
every Prefect API call the measurement's processes made (``bench/calltime``: count and seconds per
document, costliest first). With other work on the box, ``nice`` only yields to this bench when the
kernel's autogroup scheduling is off (``cat /proc/sys/kernel/sched_autogroup_enabled``): each
session is otherwise its own group and gets an equal share, nice or not.
Asserts nothing. Run small while the box is shared:
``.venv/bin/python bench/throughput.py --n 4 --runners sequential processes --workers --worker-n 8``.
Politeness is set high (``--rate``) so the HTTP publisher's per-host rate limit does not dominate.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
CALLTIME = ROOT / "bench" / "calltime"
QUIET = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "False",
         "PREFECT_LOGGING_LEVEL": "WARNING"}


def make_copies(n: int, target: Path) -> tuple[list[Path], int]:
    """N unique PDFs cycled from the corpus (a trailing comment changes the sha256); total pages."""
    import pdfplumber

    bases = sorted(CORPUS.glob("*.pdf"))
    pages = {}
    for base in bases:
        with pdfplumber.open(base) as pdf:
            pages[base] = len(pdf.pages)
    target.mkdir(parents=True, exist_ok=True)
    files, total = [], 0
    for i in range(n):
        base = bases[i % len(bases)]
        copy = target / f"copy-{i:04d}.pdf"
        copy.write_bytes(base.read_bytes() + f"\n% budget-etl bench copy {i}\n".encode())
        files.append(copy)
        total += pages[base]
    return files, total


def work_one(path: str) -> int:
    """The in-process work of one document: guarded extraction + validation (no Prefect)."""
    from tasks.extract.guarded import extract_guarded
    from tasks.validate.task import validate_tables

    doc, _ = extract_guarded(Path(path).read_bytes(), source_url=path)
    return len(validate_tables.fn(doc))


def ceiling(files: list[Path], processes: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    if processes == 1:
        for f in files:
            work_one(str(f))
        return
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(work_one, [str(f) for f in files]))


@contextmanager
def publisher(directory: Path):
    """A plain HTTP server on 127.0.0.1 serving ``directory`` with an index page linking every PDF."""
    links = "".join(f'<li><a href="{p.name}">{p.stem}</a></li>' for p in sorted(directory.glob("*.pdf")))
    (directory / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()


def settings_env(work: Path, runner: str, workers: int, rate: float) -> dict[str, str]:
    return {
        "BUDGET_ETL_DATA_DIR": str(work / "data"), "BUDGET_ETL_RUNNER": runner,
        "BUDGET_ETL_RUNNER_WORKERS": str(workers), "BUDGET_ETL_HTTP_ALLOW_PRIVATE_HOSTS": "true",
        "BUDGET_ETL_PER_HOST_CONCURRENCY": "8", "BUDGET_ETL_PER_HOST_REQUESTS_PER_S": str(rate),
        # results (the sha256 cache of extraction/validation) per measurement: no run reuses another's
        "PREFECT_LOCAL_STORAGE_PATH": str(work / "results"),
        # the server runs without CSRF protection (its default): no token call per new client
        "PREFECT_CLIENT_CSRF_SUPPORT_ENABLED": "false",
    }


def one(mode: str, files_dir: Path, work: Path) -> dict[str, object]:
    """Child process: one measurement; returns the figures (printed as JSON by ``--one``)."""
    files = sorted(files_dir.glob("*.pdf"))
    import flows.ingest  # noqa: F401  (imports are start-up, not per-document work)
    import tasks.extract.guarded
    import tasks.validate.task  # noqa: F401

    started = time.perf_counter()
    totals: dict[str, int] = {}
    if mode.startswith("ceiling-"):
        ceiling(files, int(mode.split("-")[1]))
    else:
        from budget_etl.settings import get_settings

        settings = get_settings()
        if mode == "run":
            from flows.run_files import run_files

            totals = run_files([str(f) for f in files]).totals()
        else:
            import yaml

            from flows.ingest import ingest

            with publisher(files_dir) as listing:
                sources = work / "sources.yaml"
                sources.write_text(yaml.safe_dump({"publishers": [{
                    "name": "bench", "region": "测试省测试县", "department": "测试部门", "year": 2025,
                    "kind": "budget_disclosure", "listings": [listing], "documents": [],
                }]}, allow_unicode=True), encoding="utf-8")
                totals = ingest(sources_file=str(sources)).totals()
        del settings
    wall = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall": wall, "rss_mb": round(me), "child_rss_mb": round(children), "totals": totals}


def timed_calls_env(calls: Path) -> dict[str, str]:
    """Environment that makes every process of a measurement log its Prefect API calls (``calltime``)."""
    calls.mkdir(parents=True, exist_ok=True)
    path = os.pathsep.join(p for p in (str(CALLTIME), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "BUDGET_ETL_BENCH_CALLS": str(calls)}


def read_calls(calls: Path) -> dict[str, tuple[int, float]]:
    """Count and total seconds per API call, over every process of the measurement."""
    totals: dict[str, tuple[int, float]] = {}
    for log in calls.glob("*.tsv"):
        for line in log.read_text(encoding="utf-8").splitlines():
            call, seconds = line.split("\t")[:2]
            count, total = totals.get(call, (0, 0.0))
            totals[call] = (count + 1, total + float(seconds))
    return totals


def call_lines(totals: dict[str, tuple[int, float]], n: int, top: int = 8) -> list[str]:
    """The costliest calls: per document count and seconds (summed over processes, not wall)."""
    ranked = sorted(totals.items(), key=lambda item: -item[1][1])[:top]
    every = sum(total for _, total in totals.values())
    head = f"    api calls: {sum(c for c, _ in totals.values()) / n:.1f}/doc, {every / n:.3f} s/doc in calls"
    return [head] + [f"      {c / n:5.2f}/doc {t / n:6.3f} s/doc {t / c * 1000:6.1f} ms/call  {call}"
                     for call, (c, t) in ranked]


def measure(mode: str, files_dir: Path, env: dict[str, str]) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"bench-{mode}-"))
    child_env = {**os.environ, **QUIET, **env}
    if "PREFECT_API_URL" in env and "BUDGET_ETL_BENCH_CALLS" not in env:
        child_env.update(timed_calls_env(work / "calls"))
    child_env.setdefault("BUDGET_ETL_DATA_DIR", str(work / "data"))
    child = subprocess.Popen(
        [sys.executable, __file__, "--one", mode, str(files_dir), str(work)],
        env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    cpu = CpuSeconds(child.pid)
    cpu.start()
    stdout, stderr = child.communicate()
    cpu.stopped.set()
    cpu.join()
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if child.returncode or not lines:
        return {"error": (stderr or stdout)[-800:]}
    figures = json.loads(lines[-1])
    figures["cpu"] = cpu.seconds()
    calls = Path(child_env.get("BUDGET_ETL_BENCH_CALLS", work / "calls"))
    figures["calls"] = read_calls(calls) if calls.is_dir() else {}
    return figures


def report(label: str, n: int, pages: int, figures: dict[str, object], work_s: float | None) -> None:
    """Print the measurement's row, then its costliest Prefect API calls."""
    print(row(label, n, pages, figures, work_s), flush=True)
    if figures.get("cpu"):
        cpu: dict[str, float] = figures["cpu"]  # type: ignore[assignment]
        ours = sum(seconds for role, seconds in cpu.items() if role != "other")
        print("    cpu s/doc: " + ", ".join(f"{role} {seconds / n:.3f}" for role, seconds in cpu.items())
              + f", all but other {ours / n:.3f}", flush=True)
    if figures.get("calls"):
        print("\n".join(call_lines(figures["calls"], n)), flush=True)  # type: ignore[arg-type]
    if figures.get("rows_after"):
        print("\n".join(table_lines(figures["rows_before"], figures["rows_after"], n)), flush=True)  # type: ignore[arg-type]


def row(label: str, n: int, pages: int, figures: dict[str, object], work_s: float | None) -> str:
    load = f"load {os.getloadavg()[0]:4.2f}"
    if "error" in figures:
        return f"{label:<24} N={n:<4} {load} ERROR {figures['error']!r}"
    wall = float(figures["wall"])  # type: ignore[arg-type]
    overhead = f"{(wall - work_s) / n:6.2f}" if work_s is not None else "     —"
    return (f"{label:<24} N={n:<4} {wall:8.1f} s {n / wall:6.3f} docs/s {pages / wall:6.2f} pages/s "
            f"rss {figures['rss_mb']:>5} MB  child rss {figures['child_rss_mb']:>5} MB  "
            f"overhead {overhead} s/doc  {load}{growth(figures, n)}  {figures.get('totals') or ''}")


def growth(figures: dict[str, object], n: int) -> str:
    """Prefect database / result storage growth per document, and workers' peak RSS, when measured."""
    parts = []
    if "db_bytes" in figures:
        parts.append(f"prefect db +{float(figures['db_bytes']) / n / 1024:.0f} KB/doc")  # type: ignore[arg-type]
    if "result_bytes" in figures:
        parts.append(f"results {float(figures['result_bytes']) / n / 1024:.0f} KB/doc")  # type: ignore[arg-type]
    if "worker_rss_mb" in figures:
        parts.append(f"worker peak rss {figures['worker_rss_mb']} MB")
    return "".join(f"  {p}" for p in parts)


def tree_bytes(*paths: Path) -> int:
    """Bytes of the files at/under these paths (the Prefect database, result storage)."""
    total = 0
    for path in paths:
        files = [path] if path.is_file() else (path.rglob("*") if path.is_dir() else [])
        total += sum(f.stat().st_size for f in files if f.is_file())
    return total


def prefect_db(home: Path) -> list[Path]:
    return [home / "prefect.db", home / "prefect.db-wal"]


def rows_per_table(home: Path) -> dict[str, int]:
    """Row counts of the Prefect server's SQLite tables (what it keeps per document)."""
    import sqlite3

    with sqlite3.connect(f"file:{home / 'prefect.db'}?mode=ro", uri=True) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def table_lines(before: dict[str, int], after: dict[str, int], n: int, top: int = 8) -> list[str]:
    grown = sorted(((after[t] - before.get(t, 0), t) for t in after), reverse=True)[:top]
    return ["    prefect db rows/doc: " + ", ".join(f"{t} {rows / n:.1f}" for rows, t in grown if rows)]


def descendants(pids: set[int]) -> set[int]:
    """The processes under these (a worker's flow-run processes and their pool processes)."""
    parent_of: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parent_of[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    found, grew = set(pids), True
    while grew:
        more = {pid for pid, ppid in parent_of.items() if ppid in found} - found
        found |= more
        grew = bool(more)
    return found - set(pids)


class PeakRss(threading.Thread):
    """Samples the high-water RSS (VmHWM) of every process under ``roots`` every half second."""

    def __init__(self, roots: set[int]) -> None:
        super().__init__(daemon=True)
        self.roots, self.peak_kb, self.stopped = roots, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for pid in descendants(self.roots):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a live process (clock ticks), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])


class CpuSeconds(threading.Thread):
    """CPU seconds a measurement cost, by where they were spent, sampled every quarter second.

    ``flow``: the measurement's own process (the batch flow: fetches, orchestration); ``pool``:
    the processes under it (the process pool doing extraction, validation, storing); ``server``:
    the benchmark's other processes (the Prefect server it started, part 2's workers); ``other``:
    the rest of the box (a busy box shows up here). A process that ends between two samples loses
    its last quarter second.
    """

    def __init__(self, child: int) -> None:
        super().__init__(daemon=True)
        self.child, self.stopped = child, threading.Event()
        self.bench = {os.getpid()}
        self._start: dict[int, int] = {}
        self._last: dict[int, int] = {}
        self._role: dict[int, str] = {}
        self._sample(first=True)

    def _sample(self, *, first: bool = False) -> None:
        under_child = descendants({self.child})
        under_bench = descendants(self.bench)
        for stat in Path("/proc").glob("[0-9]*"):
            pid = int(stat.name)
            if pid in self.bench:
                continue
            ticks = cpu_ticks(pid)
            if ticks is None:
                continue
            if pid not in self._start:
                self._start[pid] = ticks if first else 0  # a process born during the run: all of it
            self._last[pid] = ticks
            role = ("flow" if pid == self.child else "pool" if pid in under_child
                    else "server" if pid in under_bench else "other")
            if self._role.get(pid) in (None, "other"):  # a process seen under us once stays ours
                self._role[pid] = role

    def run(self) -> None:
        while not self.stopped.wait(0.25):
            self._sample()

    def seconds(self) -> dict[str, float]:
        totals = {"flow": 0.0, "pool": 0.0, "server": 0.0, "other": 0.0}
        for pid, last in self._last.items():
            totals[self._role[pid]] += (last - self._start[pid]) / CLOCK_TICKS
        return totals


@contextmanager
def server_env(home: Path):
    from tests.flows.prefect_server import prefect_server

    home.mkdir(parents=True, exist_ok=True)
    with prefect_server(home) as base:
        yield {"PREFECT_API_URL": f"{base}/api", "PREFECT_HOME": str(home)}


def measure_on_server(
    mode: str, files_dir: Path, env: dict[str, str], home: Path, work: Path
) -> dict[str, object]:
    """``measure`` plus what the run left behind: Prefect database and result storage growth."""
    before, rows = tree_bytes(*prefect_db(home)), rows_per_table(home)
    figures = measure(mode, files_dir, env)
    figures["db_bytes"] = tree_bytes(*prefect_db(home)) - before
    figures["rows_before"], figures["rows_after"] = rows, rows_per_table(home)
    figures["result_bytes"] = tree_bytes(work / "results")
    return figures


def part_one(ns: list[int], runners: list[str], modes: list[str], rate: float, root: Path) -> None:
    print(f"# part 1 — load average {os.getloadavg()}")
    with server_env(root / "prefect") as api:
        for n in ns:
            files_dir = root / f"copies-{n}"
            _, pages = make_copies(n, files_dir)
            work_s = None
            for processes in (1, 2):
                figures = measure(f"ceiling-{processes}", files_dir, {})
                if processes == 1 and "wall" in figures:
                    work_s = float(figures["wall"])  # type: ignore[arg-type]
                report(f"ceiling {processes} process(es)", n, pages, figures, None)
            for mode in modes:
                for runner in runners:
                    work = Path(tempfile.mkdtemp(prefix="bench-data-"))
                    env = {**api, **settings_env(work, runner, 2, rate)}
                    figures = measure_on_server(mode, files_dir, env, root / "prefect", work)
                    report(f"{mode} runner={runner}", n, pages, figures, work_s)


def part_two(n: int, batch: int, rate: float, root: Path) -> None:
    print(f"# part 2 — load average {os.getloadavg()}")
    files_dir = root / f"copies-w{n}"
    _, pages = make_copies(n, files_dir)
    with server_env(root / "prefect-workers") as api:
        os.environ.update(api)
        from prefect.variables import Variable

        from budget_etl.deploy import apply_prefect_file

        prefect_file = ROOT / "deployments" / "prefect.yaml"
        apply_prefect_file(prefect_file, project_root=ROOT, names=["batch"])
        Variable.set("budget_etl_checkout", str(ROOT), overwrite=True)
        figures = measure("ceiling-1", files_dir, {})
        work_s = float(figures["wall"]) if "wall" in figures else None  # type: ignore[arg-type]
        report("ceiling 1 process(es)", n, pages, figures, None)
        for workers in (1, 2):
            data = Path(tempfile.mkdtemp(prefix="bench-workers-"))
            # the ingest keeps 2 batch runs per worker in flight; each worker runs one at a time
            # (--limit 1) on one process (BUDGET_ETL_RUNNER_WORKERS=1: its documents one after another)
            env = {**api, **settings_env(data, "deployment", 2 * workers, rate),
                   "BUDGET_ETL_RUNNER_BATCH_SIZE": str(batch), **timed_calls_env(data / "calls")}
            worker_env = {**os.environ, **QUIET, **env, "BUDGET_ETL_RUNNER_WORKERS": "1"}
            procs = [
                subprocess.Popen(
                    [sys.executable, "-m", "prefect", "worker", "start", "--pool", "process", "--limit", "1"],
                    env=worker_env, cwd=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
                for _ in range(workers)
            ]
            sampler = PeakRss({proc.pid for proc in procs})
            try:
                time.sleep(5)  # the workers register with the pool
                sampler.start()
                figures = measure_on_server("ingest", files_dir, env, root / "prefect-workers", data)
                figures["worker_rss_mb"] = sampler.peak_kb // 1024
                report(f"ingest {workers} worker(s) batch={batch}", n, pages, figures, work_s)
            finally:
                sampler.stopped.set()
                for proc in procs:
                    proc.terminate()
                for proc in procs:
                    proc.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, nargs="+", default=[16, 64, 160], help="corpus copies per run")
    parser.add_argument("--runners", nargs="+", default=["sequential", "processes"],
                        choices=["sequential", "processes"])
    parser.add_argument("--modes", nargs="+", default=["run", "ingest"], choices=["run", "ingest"])
    parser.add_argument("--rate", type=float, default=100.0, help="per-host requests/s (politeness)")
    parser.add_argument("--workers", action="store_true", help="part 2: 1 then 2 process workers")
    parser.add_argument("--worker-n", type=int, default=64, help="documents of part 2's ingest")
    parser.add_argument("--batch", type=int, default=16, help="documents per process-documents run (part 2)")
    parser.add_argument("--skip-part-one", action="store_true")
    parser.add_argument("--one", nargs=3, metavar=("MODE", "FILES", "WORK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        mode, files_dir, work = args.one
        print(json.dumps(one(mode, Path(files_dir), Path(work))))
        return 0
    os.environ.update(QUIET)
    root = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    if not args.skip_part_one:
        part_one(args.n, args.runners, args.modes, args.rate, root)
    if args.workers:
        part_two(args.worker_n, args.batch, args.rate, root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
