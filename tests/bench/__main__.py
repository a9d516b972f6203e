"""The benchmark harness: `bin/bench [--size 1m|3m|100k|tiny] [--duration S] [--connections N]`.

1. Builds (once) the dataset of that size in its own PostgreSQL database, `kycuong_bench_<size>`.
2. Times the offline operations in this process: the emulation recompute of the province period
   against a bare GROUP BY pass over the tasks table, the Excel export of 100,000 tasks against
   openpyxl write-only writing the same rows from memory (and the peak memory of both), and the
   overdue marking over the whole table.
3. Checks that the task list ceiling returns the API's first page, then starts gunicorn on
   loopback against that database (settings tests.bench.settings: the product's, with the
   harness's yardstick views added to its URLs) and drives each page and API with wrk at N
   connections: `/healthz`, the ceilings and the summary reads first, as the yardsticks of the same
   run; counts the queries of each request in-process.
4. Prints one table (and writes it as JSON beside the database name under test-artifacts/bench/).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.processes import free_port, stop, wait_for_port

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"


def _arguments():
    parser = argparse.ArgumentParser(prog="bin/bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--size", default="1m", choices=["tiny", "100k", "1m", "3m"])
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES", DEFAULT_SERVER),
                        help="PostgreSQL server URL without a database name (default %(default)s)")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the dataset")
    parser.add_argument("--build-only", action="store_true", help="build the dataset and stop")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per operation")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--skip-online", action="store_true", help="offline operations only")
    parser.add_argument("--skip-memory", action="store_true", help="no peak-memory passes (they run under tracemalloc, slowly)")
    parser.add_argument("--offline", default="recompute,export,overdue,history,reform,report",
                        help="which offline operations to time, comma-separated (default %(default)s)")
    parser.add_argument("--database", help="database name (default kycuong_bench_<size>)")
    return parser.parse_args()


def _prepare_database(server: str, name: str, rebuild: bool) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        present = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if present and rebuild:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            present = None
        if not present:
            admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def main() -> int:
    args = _arguments()
    url = _prepare_database(args.server, args.database or f"kycuong_bench_{args.size.lower()}", args.rebuild)
    os.environ.update(
        DATABASE_URL=url, DJANGO_SETTINGS_MODULE="tests.bench.settings", DEBUG="false", SECRET_KEY="bench-not-secret",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver", SECURE_COOKIES="false", CONN_MAX_AGE="60",
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # the harness's own sign-ins are not news
    from django.core.management import call_command

    from tests.bench import dataset

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    present = dataset.exists()
    if present is None:
        print(f"Building the {args.size} dataset into {url} …", flush=True)
        dataset.build(dataset.SIZES[args.size], log=lambda line: print(line, flush=True))
    elif present.name != args.size:
        raise SystemExit(f"{url} holds the {present.name} dataset; use --rebuild")
    if args.build_only:
        return 0

    from tests.bench import operations

    context = operations.Context.load()
    print(f"Dataset {args.size}: {context.describe()}", flush=True)
    rows = []
    print("Offline operations …", flush=True)
    only = tuple(name.strip() for name in args.offline.split(",") if name.strip())
    unknown = set(only) - set(operations.OFFLINE)
    if unknown:
        raise SystemExit(f"unknown offline operations: {', '.join(sorted(unknown))} (known: {', '.join(operations.OFFLINE)})")
    rows += operations.offline(context, export_rows=args.export_rows, memory=not args.skip_memory,
                               log=lambda line: print(line, flush=True), only=only)
    if not args.skip_online:
        print(f"Online operations under wrk, {args.connections} connections, {args.duration} s each …", flush=True)
        rows += _online(context, args)
    table = operations.format_table(rows)
    print()
    print(table)
    out = BASE_DIR / "test-artifacts" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.size}.json").write_text(json.dumps({"size": args.size, "machine": operations.machine(),
                                                      "args": vars(args), "rows": rows}, indent=2, default=str))
    (out / f"{args.size}.txt").write_text(table + "\n")
    return 0


def _online(context, args) -> list[dict]:
    """Each operation against a fresh gunicorn, so a slow one cannot leave work queued behind it."""
    from tests.bench import operations

    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing: bin/bench installs Debian's wrk when run as root")
    script = Path(__file__).with_name("report.lua")
    operations.check_yardsticks(context)
    rows = []
    peaks = []  # the largest worker's resident MiB after each operation
    workers_seen = 0
    for operation in operations.online_operations(context):
        queries = operations.count_queries(operation)
        cookie = operations.session_cookie(operation.user) if operation.user else None
        with _server(args.workers) as (port, master):
            command = [wrk, "-t2", f"-c{args.connections}", "--timeout", "5s", "-s", str(script)]
            if cookie:
                command += ["-H", f"Cookie: {cookie}"]
            url = f"http://127.0.0.1:{port}{operation.url}"
            _warm_workers(url, cookie, args.workers)
            subprocess.run([*command, "-d2s", url], capture_output=True, check=True)  # warm up
            output = subprocess.run([*command, f"-d{args.duration}s", url], capture_output=True, text=True, check=True)
            resident = _workers_rss_mib(master)
            peaks.append(max(resident, default=0.0))
            workers_seen = max(workers_seen, len(resident))
        result = operations.parse_wrk(output.stdout)
        rows.append({"operation": operation.name, "kind": "online", **result, "queries": queries,
                     "yardstick": operation.yardstick, "min_ratio": operation.min_ratio,
                     "max_p95_ms": operation.max_p95_ms, "target": operation.target})
        print(f"  {operation.name}: {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms", flush=True)
    # Each row against /healthz and against its own yardstick, both measured in this run.
    rps = {row["operation"]: row["rps"] for row in rows}
    for row in rows:
        healthz = rps.get("healthz")
        row["ratio"] = row["rps"] / healthz if healthz else None
        yardstick = rps.get(row["yardstick"]) if row["yardstick"] else None
        row["yardstick_ratio"] = row["rps"] / yardstick if yardstick else None
        row["ok"] = operations.online_met(row)
    if peaks:
        # Each operation has its own gunicorn, so the figure is the worst worker after any one run.
        peak = max(peaks)
        rows.append({"operation": f"App-server worker resident memory after the run, max of {workers_seen} workers",
                     "kind": "memory", "peak_mib": peak, "target": "< 200 MiB", "ok": peak < 200,
                     "detail": {"after_each_operation_mib": [round(p, 1) for p in peaks]}})
        print(f"  worker resident memory: max {peak:.0f} MiB", flush=True)
    return rows


def _workers_rss_mib(master: int) -> list[float]:
    """The resident memory (VmRSS) of each gunicorn worker, the master's children, read from /proc
    so the harness needs no psutil."""
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        pids = [int(pid) for pid in children.read_text().split()]
    except OSError:
        # Without the children file (a kernel without CONFIG_PROC_CHILDREN): every process whose parent is the master.
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            with contextlib.suppress(OSError):
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
                if int(fields.get("PPid", "0").strip()) == master:
                    pids.append(int(status.parent.name))
    resident = []
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    resident.append(int(line.split()[1]) / 1024)  # kB
    return resident


def _warm_workers(url: str, cookie: str | None, workers: int) -> None:
    """Every gunicorn worker boots and answers its first requests slowly (imports, the URL
    configuration, templates); on a busy machine that can outlast a short warm-up, and wrk then
    counts nothing. So first: twice as many requests as workers, as many at a time as workers,
    each waited for, before wrk's own warm-up."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def one(_):
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status

    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = list(pool.map(one, range(2 * workers)))
    if any(status != 200 for status in statuses):
        raise AssertionError(f"{url} answered {statuses} while warming up")


@contextlib.contextmanager
def _server(workers: int):
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--access-logfile", "/dev/null", "--log-level", "warning", "--timeout", "60"],
        cwd=BASE_DIR, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port)
        yield port, server.pid
    finally:
        stop([server], timeout=30)


if __name__ == "__main__":
    sys.exit(main())
