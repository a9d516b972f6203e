"""What the harness measures, against the dataset of tests/bench/dataset.py.

Every figure that is compared with a target is compared with a yardstick measured in the same
run on the same machine (DESIGN.md, "Performance targets").
"""

from __future__ import annotations

import io
import os
import platform
import re
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from tests.clients import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment, Unit, User
from emulation.models import Period
from tasks.models import OPEN_STATUSES, Task
from tests.bench.dataset import ANCHOR, ORG_CODE


@dataclass
class Context:
    root: Unit
    commune: Unit
    province_head: User
    commune_head: User
    inspector: User
    council_member: User
    commune_task_id: int
    period: Period

    @classmethod
    def load(cls) -> Context:
        root = Unit.objects.get(organisation__code=ORG_CODE, depth=1)
        commune = Unit.objects.filter(organisation__code=ORG_CODE, kind="commune").order_by("path").first()

        def holder(role, unit):
            return RoleAssignment.objects.select_related("user").filter(role=role, unit=unit).order_by("user_id")[0].user

        commune_head = holder(Role.HEAD, commune)
        task_id = (Task.objects.filter(lead_unit__path__startswith=commune.path).exclude(status="draft")
                   .order_by("-deadline").values_list("id", flat=True)[0])
        return cls(root=root, commune=commune, province_head=holder(Role.HEAD, root), commune_head=commune_head,
                   inspector=holder(Role.INSPECTOR, root), council_member=holder(Role.COUNCIL_MEMBER, root),
                   commune_task_id=task_id, period=Period.objects.get(unit=root, quarter__isnull=True))

    def describe(self) -> str:
        with connection.cursor() as cursor:
            counts = {}
            for label, table in [("units", "accounts_unit"), ("officials", "accounts_user"), ("tasks", "tasks_task"),
                                 ("task events", "tasks_taskevent"), ("participants", "tasks_participant"),
                                 ("findings", "inspections_finding"),
                                 ("decisions", "inspections_disciplinarydecision")]:
                cursor.execute(f"SELECT count(*) FROM {table}")
                counts[label] = cursor.fetchone()[0]
        return ", ".join(f"{n:,} {label}" for label, n in counts.items())


# -- offline ------------------------------------------------------------------------------------


def _seconds(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


class _Rollback(Exception):
    pass


def _rolled_back(fn):
    """Run fn in a transaction that is then rolled back; returns (seconds, result)."""
    box = {}
    try:
        with transaction.atomic():
            box["out"] = _seconds(fn)
            raise _Rollback
    except _Rollback:
        pass
    return box["out"]


def _group_by_pass():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lead_id, status, count(*), count(*) FILTER (WHERE completed_at > deadline), "
            "count(*) FILTER (WHERE quality = 'fail') FROM tasks_task GROUP BY lead_id, status"
        )
        return len(cursor.fetchall())


OFFLINE = ("recompute", "export", "overdue", "history", "reform", "report")


# The tables each write-heavy offline step leaves with dead rows or moved statistics. The bench
# server runs with autovacuum off, so nothing else would clean them before the online operations.
WRITTEN_TABLES = {
    "recompute": ("emulation_rating", "emulation_unitscore", "emulation_verdict", "emulation_period"),
    "overdue": ("tasks_task",),
    # Rolled back, but the rows it inserted stay behind as dead tuples until a vacuum.
    "history": ("tasks_task", "tasks_taskevent"),
}


def vacuum_after(step: str, log) -> None:
    """VACUUM ANALYZE the tables `step` wrote: the later rows then read live statistics and no
    dead tuples (the visibility map set again, so index-only scans stay index-only)."""
    tables = WRITTEN_TABLES.get(step, ())
    if not tables:
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
    log(f"  vacuum analyze after {step} ({', '.join(tables)}): {time.perf_counter() - started:.1f} s")


def offline(context: Context, *, export_rows: int, memory: bool = True, log, only: tuple[str, ...] = OFFLINE) -> list[dict]:
    """Time the offline operations in `only`. After each step that writes (the recompute, the
    overdue marking, the rolled-back history import) its tables are vacuumed and analysed, outside
    the timed part, so the steps and the online operations after it meet the statistics and the
    visibility of a database that autovacuum would have kept."""
    rows = []
    if "recompute" in only:
        rows += _recompute(context, log)
        vacuum_after("recompute", log)
    if "export" in only:
        rows += _export(context, export_rows, memory, log)
    if "overdue" in only:
        rows += _overdue(log)
        vacuum_after("overdue", log)
    if "history" in only:
        rows += _history_import(context, log)
        vacuum_after("history", log)
    if "reform" in only:
        rows.append(reform_recompute(log=log))
    if "report" in only:
        rows += _yearly_report(context, log)
    return rows


def _yearly_report(context: Context, log) -> list[dict]:
    """The province's yearly task report (QĐ 42/2014) as of the dataset's anchor day: every task of
    the year reconstructed from its history at the cut-off, judged by the official-status rule, per
    unit of the whole tree; beside the bare GROUP BY pass over the tasks table of the same run."""
    from tasks.selectors import Period as ReportPeriod
    from tasks.selectors import PeriodKind, task_report

    year = ReportPeriod.containing(PeriodKind.YEAR, ANCHOR.date())
    _group_by_pass()
    group_s, _groups = _seconds(_group_by_pass)
    report_s, report = _seconds(lambda: task_report(context.root, year.start, year.end, ANCHOR.date()))
    total = report.total
    log(f"  yearly report {report_s:.1f} s: {total.assigned:,} tasks over {len(report.rows):,} units, "
        f"{total.open_overdue:,} overdue; GROUP BY pass {group_s:.2f} s")
    return [{"operation": f"Province yearly task report as of {ANCHOR:%d/%m/%Y}", "kind": "offline",
             "seconds": report_s, "ratio": report_s / group_s,
             "detail": {"tasks": total.assigned, "units": len(report.rows), "overdue": total.open_overdue,
                        "rate": total.rate}}]


def _recompute(context: Context, log) -> list[dict]:
    from emulation.scoring import compute_period

    rows = []
    _group_by_pass()  # warm the cache once, as the recompute will find it warm too
    group_s, groups = _seconds(_group_by_pass)
    recompute_s, counts = _seconds(lambda: compute_period(context.period))
    log(f"  recompute {recompute_s:.1f} s ({counts}); GROUP BY pass {group_s:.2f} s ({groups:,} groups)")
    rows.append({"operation": "GROUP BY pass over tasks (yardstick)", "kind": "offline", "seconds": group_s})
    rows.append({"operation": "Emulation recompute, province period", "kind": "offline", "seconds": recompute_s,
                 "ratio": recompute_s / group_s, "target": "≤ 10 × GROUP BY", "detail": counts,
                 "ok": recompute_s <= 10 * group_s})
    return rows


def reform_recompute(*, units: int = 600, sub_criteria: int = 100, log=print) -> dict:
    """The reform index of a province: `units` units × `sub_criteria` scored lines, recomputed (totals,
    index, band, shared ranks, result rows), timed inside a transaction that is then rolled back."""
    from decimal import Decimal

    from accounts.models import Unit, User
    from reform.models import Area, Assessment, Band, CriteriaSet, Criterion, Score, SubCriterion
    from reform.services import criteria_set_recompute

    def build_and_run():
        unit_rows = list(Unit.objects.order_by("path")[:units])
        actor = User.objects.order_by("pk").first()
        criteria_set = CriteriaSet.objects.create(
            organisation_id=unit_rows[0].organisation_id, issuing_unit=unit_rows[0], year=1999, unit_group="communes",
            title="Bench", legal_basis="Bench", version=99, status="frozen", created_by=actor)
        Band.objects.bulk_create([Band(criteria_set=criteria_set, name=name, min_percent=floor)
                                  for name, floor in (("Tốt", 90), ("Khá", 70), ("Trung bình", 50), ("Yếu", 0))])
        area = Area.objects.create(criteria_set=criteria_set, code="1", name="Bench")
        criterion = Criterion.objects.create(area=area, code="1.1", name="Bench")
        subs = SubCriterion.objects.bulk_create([
            SubCriterion(criterion=criterion, criteria_set=criteria_set, code=f"1.1.{n}", name="Bench",
                         max_points=Decimal(1)) for n in range(sub_criteria)])
        assessments = Assessment.objects.bulk_create([Assessment(criteria_set=criteria_set, unit=u, status="appraised")
                                                      for u in unit_rows])
        Score.objects.bulk_create([Score(assessment=a, sub_criterion=s, self_points=Decimal(1),
                                         appraised_points=Decimal((a.pk + s.pk) % 2))
                                   for a in assessments for s in subs], batch_size=5000)
        seconds, results = _seconds(lambda: criteria_set_recompute(criteria_set=criteria_set))
        return seconds, len(results)

    _total, (seconds, results) = _rolled_back(build_and_run)
    lines = results * sub_criteria
    log(f"  reform index recompute {seconds:.2f} s ({results} units × {sub_criteria} sub-criteria)")
    return {"operation": "Reform index recompute, province", "kind": "offline", "seconds": seconds,
            "detail": {"units": results, "scored_lines": lines}}


def _export_queryset(context: Context, limit: int):
    from tasks.selectors import task_list_for_user

    return task_list_for_user(context.province_head)[:limit]


def _export_once(context: Context, limit: int, *, keep: bool = True) -> tuple[float, bytes | int]:
    """Export; returns the seconds and the file (or only its size: the memory figure must not
    count the downloaded file, which a browser, not the server, holds)."""
    from tasks.excel import register_response

    def run():
        response = register_response(_export_queryset(context, limit), title="Bench")
        if keep:
            return b"".join(response.streaming_content)
        return sum(len(chunk) for chunk in response.streaming_content)

    return _seconds(run)


def _in_memory(rows) -> list[list]:
    """The register's rows as plain values Excel takes (local times without a zone)."""
    from django.utils import timezone

    return [[timezone.localtime(v).replace(tzinfo=None) if isinstance(v, datetime) and v.tzinfo else v for v in row]
            for row in rows]


def _plain_write(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sổ theo dõi nhiệm vụ")
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        handle.seek(0)
        return handle.read()


def _peak_mib(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _export(context: Context, limit: int, memory: bool, log) -> list[dict]:
    import openpyxl

    from tasks.excel import register_rows

    export_s, content = _export_once(context, limit)
    in_memory = _in_memory(register_rows(_export_queryset(context, limit)))
    plain_s, _ = _seconds(partial(_plain_write, in_memory))
    expected = len(in_memory)
    del in_memory
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    written = sum(1 for _ in sheet.iter_rows(min_row=4))
    if written != expected:
        raise AssertionError(f"the export holds {written} rows, expected {expected}")
    # Memory: the export streams, so its peak should not grow with the rows; the yardstick holds
    # every row in memory before writing.
    small = max(limit // 5, 1)
    peak_small = peak_full = peak_plain = None
    if memory:
        peak_small = _peak_mib(lambda: _export_once(context, small, keep=False))
        peak_full = _peak_mib(lambda: _export_once(context, limit, keep=False))
        peak_plain = _peak_mib(lambda: _plain_write(_in_memory(register_rows(_export_queryset(context, limit)))))
    log(f"  export {written:,} rows {export_s:.1f} s (plain write {plain_s:.1f} s)" + (
        f"; peak {peak_small:.0f} MiB at {small:,} rows, {peak_full:.0f} MiB at {limit:,}; in-memory yardstick "
        f"{peak_plain:.0f} MiB" if memory else ""))
    flat = peak_full <= 1.5 * peak_small + 5 if memory else True
    return [
        {"operation": f"openpyxl write-only, {written:,} rows from memory (yardstick)", "kind": "offline",
         "seconds": plain_s, "peak_mib": peak_plain},
        {"operation": f"Excel export, {written:,} tasks", "kind": "offline", "seconds": export_s,
         "ratio": plain_s / export_s, "target": "≥ 0.7 × speed, flat memory", "peak_mib": peak_full,
         "detail": {"peak_mib_at_fifth": peak_small and round(peak_small, 1), "bytes": len(content)},
         "ok": plain_s / export_s >= 0.7 and flat},
    ]


def _overdue(log) -> list[dict]:
    """The overdue statement as the job runs it, over the whole table: every open task past its
    deadline unmarked first (committed and vacuumed, as after a long outage of the scheduler), so
    the one UPDATE finds and marks all of them; then the job for one day of deadlines, with its
    notifications, rolled back."""
    from tasks.jobs import mark_overdue
    from tasks.status import overdue_q

    now = ANCHOR
    total = Task.objects.count()
    Task.objects.filter(status__in=OPEN_STATUSES, overdue_marked_at__isnull=False).update(overdue_marked_at=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tasks_task")
    statement_s, marked = _seconds(lambda: Task.objects.filter(overdue_q(now), overdue_marked_at__isnull=True)
                                   .update(overdue_marked_at=now))

    def one_day():
        Task.objects.filter(status__in=OPEN_STATUSES, deadline__gte=now - timedelta(days=1),
                            deadline__lt=now).update(overdue_marked_at=None)
        # A later run than the statement above: the job tells apart its own marks by their time.
        return _seconds(lambda: mark_overdue(now=now + timedelta(seconds=1)))

    _, (job_s, day_marked) = _rolled_back(one_day)
    log(f"  overdue statement over {total:,} tasks: {statement_s:.2f} s ({marked:,} marked); "
        f"job for a day's deadlines {job_s:.2f} s ({day_marked:,} marked, with notifications)")
    return [
        {"operation": f"Overdue marking, one statement over {total:,} tasks", "kind": "offline",
         "seconds": statement_s, "target": "≤ 2 s", "detail": {"marked": marked}, "ok": statement_s <= 2},
        {"operation": "Overdue job, a day of deadlines (with notifications)", "kind": "offline", "seconds": job_s,
         "detail": {"marked": day_marked}},
    ]


# The register of report 1270/BC-TCTTTg (2017): 21,914 tasks by official status (DOMAIN.md §1).
HISTORY_REGISTER = {"done_on_time": 14_068, "done_late": 1_983, "open_within": 5_640, "open_overdue": 223}


def history_register(leads: list[str], *, now: datetime, counts: dict[str, int] = HISTORY_REGISTER) -> bytes:
    """A task register as an office keeps it, in the layout of the exported register (title line,
    then the table), one row per task with its dates and final state: `counts` rows of each
    official status, one in ten of the done ones extended, leads taken in turn from `leads`."""
    from openpyxl import Workbook

    from tasks.history import SHEET
    from tests.bench.dataset import TITLES

    # Built in memory, as Excel saves a file: its sheet declares its size (<dimension>). A write-only
    # workbook does not, and openpyxl then reads the whole sheet once more just to size it.
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(["SỔ THEO DÕI NHIỆM VỤ — 2017"])
    sheet.append([])
    sheet.append(["STT", "Mã nhiệm vụ", "Tên nhiệm vụ", "Nội dung", "Văn bản giao", "Mã người chủ trì", "Ngày giao",
                  "Hạn xử lý", "Hạn ban đầu", "Tiến độ (%)", "Trạng thái", "Ngày nộp kết quả", "Ngày hoàn thành",
                  "Chất lượng", "Trách nhiệm", "Kết quả dự kiến"])
    start = datetime(2017, 1, 3, 8, 0)
    local_now = now.astimezone(timezone.get_current_timezone()).replace(tzinfo=None, microsecond=0)
    number = 0
    for official, count in counts.items():
        for k in range(count):
            number += 1
            title = TITLES[number % len(TITLES)]
            extended = official.startswith("done") and number % 10 == 0
            if official in ("done_on_time", "done_late"):
                assigned = start + timedelta(hours=7 * (number % 1500))
                deadline = assigned + timedelta(days=30)
                submitted = deadline + (timedelta(days=3) if official == "done_late" else -timedelta(days=2))
                row = [assigned, deadline, deadline - timedelta(days=10) if extended else None, 100, "Hoàn thành",
                       submitted, submitted + timedelta(days=1), "Tốt"]
            elif official == "open_within":
                assigned = local_now - timedelta(days=10, hours=k % 200)
                row = [assigned, local_now + timedelta(days=20), None, 40, "Đang thực hiện", None, None, None]
            else:
                assigned = local_now - timedelta(days=60, hours=k % 200)
                row = [assigned, local_now - timedelta(days=10), None, 70, "Đang thực hiện", None, None, None]
            sheet.append([number, f"SO2017-{number:05d}", title, f"{title} theo kế hoạch năm 2017",
                          f"{number % 900 + 1}/KH-UBND", leads[number % len(leads)], *row,
                          "Chịu trách nhiệm trước lãnh đạo về kết quả", "Hoàn thành đúng yêu cầu"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _history_import(context: Context, log) -> list[dict]:
    """The history import of a 21,914-row register into the province (file read, every row checked,
    rows written with COPY), as the page runs it, rolled back afterwards."""
    from tasks.history import import_task_history

    leads = list(User.objects.filter(unit__path__startswith=context.root.path, employee_code__isnull=False)
                 .order_by("id").values_list("employee_code", flat=True)[:2000])
    content = history_register(leads, now=timezone.now())
    total = sum(HISTORY_REGISTER.values())
    cpu_start = time.process_time()
    seconds, result = _rolled_back(lambda: import_task_history(
        content, actor=context.province_head, assigning_unit=context.root, file_name="so-theo-doi-2017.xlsx"))
    # This process's own CPU time beside the wall time: on a machine shared with other work the
    # wall time also counts the waits for a core (and the database's share is in neither).
    cpu = time.process_time() - cpu_start
    if not result.ok:
        raise RuntimeError(f"history import refused the register: {[str(e) for e in result.errors[:5]]}")
    rate = result.imported / seconds
    counts = dict(result.by_official_status)
    on_time = counts.get("done_on_time", 0) + counts.get("done_on_time_extended", 0)
    reproduced = {"done_on_time": on_time, "done_late": counts.get("done_late", 0),
                  "open_within": counts.get("open_within", 0), "open_overdue": counts.get("open_overdue", 0)}
    log(f"  history import of {total:,} rows ({len(content) / 2**20:.1f} MB): {seconds:.1f} s, {rate:,.0f} rows/s "
        f"(this process's CPU {cpu:.1f} s, {result.imported / cpu:,.0f} rows per CPU-second); by official status {counts}")
    return [{"operation": f"History import, {total:,}-row task register (rows/s in ratio)", "kind": "offline",
             "seconds": seconds, "ratio": rate, "target": "≥ 1,000 rows/s",
             "detail": {**counts, "cpu_seconds": round(cpu, 2)},
             "ok": rate >= 1000 and reproduced == HISTORY_REGISTER}]


# -- online -------------------------------------------------------------------------------------


@dataclass
class Operation:
    name: str
    url: str
    user: User | None
    # The yardstick the operation is compared with (the name of an earlier operation), and its
    # targets: at least `min_ratio` × the yardstick's req/s, p95 at most `max_p95_ms`.
    yardstick: str = ""
    min_ratio: float | None = None
    max_p95_ms: float | None = None

    @property
    def target(self) -> str:
        parts = []
        if self.min_ratio is not None:
            parts.append(f"≥ {self.min_ratio:g} × {'ceiling' if self.yardstick.startswith('Ceiling') else 'yardstick'}")
        if self.max_p95_ms is not None:
            parts.append(f"p95 ≤ {self.max_p95_ms:g} ms")
        return ", ".join(parts)


CEILING_COMMUNE = "Ceiling — commune head"
CEILING_PROVINCE = "Ceiling — province head"
LIST_TARGET = {"min_ratio": 0.5, "max_p95_ms": 100}
SUMMARY_TARGET = {"max_p95_ms": 200}
# The task list API's first page at the page's size, so that the API, the page and the ceiling
# return the same 20 rows (the API's default page holds 50).
API_PAGE = "?page_size=20"


def online_operations(context: Context) -> list[Operation]:
    from tests.bench.ceiling import ROWS

    assert API_PAGE == f"?page_size={ROWS}"
    task_list = reverse("tasks:list") + "?tab=unit"
    api = reverse("api:task-list") + API_PAGE
    ceiling = reverse("bench-ceiling-tasks")
    overview = reverse("bench-summary-overview")
    overview_c, overview_p = "Summary read — unit overview, commune head", "Summary read — unit overview, province head"
    inspector, ranking = "Summary read — inspector dashboard", "Summary read — council ranking"
    return [
        Operation("healthz", "/healthz", None),
        Operation(CEILING_COMMUNE, ceiling, context.commune_head),
        Operation(CEILING_PROVINCE, ceiling, context.province_head),
        Operation(overview_c, overview, context.commune_head),
        Operation(overview_p, overview, context.province_head),
        Operation(inspector, reverse("bench-summary-inspector"), context.inspector),
        Operation(ranking, reverse("bench-summary-ranking", args=[context.period.pk]), context.council_member),
        Operation("Task list API — commune head", api, context.commune_head, CEILING_COMMUNE, **LIST_TARGET),
        Operation("Task list API — province head", api, context.province_head, CEILING_PROVINCE, **LIST_TARGET),
        Operation("Task list page — commune head", task_list, context.commune_head, CEILING_COMMUNE, **LIST_TARGET),
        Operation("Task list page — province head", task_list, context.province_head, CEILING_PROVINCE,
                  **LIST_TARGET),
        Operation("Task detail — commune head", reverse("tasks:detail", args=[context.commune_task_id]),
                  context.commune_head),
        Operation("Unit overview — commune head", reverse("tasks:overview"), context.commune_head, overview_c,
                  **SUMMARY_TARGET),
        Operation("Unit overview — province head", reverse("tasks:overview"), context.province_head, overview_p,
                  **SUMMARY_TARGET),
        Operation("Inspector dashboard", reverse("inspections:dashboard"), context.inspector, inspector,
                  **SUMMARY_TARGET),
        Operation("Council ranking page", reverse("emulation:period", args=[context.period.pk]),
                  context.council_member, ranking, **SUMMARY_TARGET),
    ]


def check_yardsticks(context: Context) -> None:
    """Before measuring: each persona's ceiling returns the API's first page, row for row."""
    from tests.bench.ceiling import check_ceiling

    api = reverse("api:task-list") + API_PAGE
    for persona, user in (("commune head", context.commune_head), ("province head", context.province_head)):
        check_ceiling(_client(user), api, reverse("bench-ceiling-tasks"), persona)


def _client(user: User | None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


def count_queries(operation: Operation) -> int:
    """The queries of one request, made in-process after a first request has warmed caches."""
    client = _client(operation.user)
    first = client.get(operation.url)
    if first.status_code != 200:
        raise AssertionError(f"{operation.name}: {operation.url} answered {first.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(operation.url)
    return len(queries)


def session_cookie(user: User) -> str:
    client = _client(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def parse_wrk(output: str) -> dict:
    match = re.search(r"RESULT (.*)", output)
    if not match:
        raise AssertionError(f"wrk printed no result:\n{output}")
    values = {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    if values["non2xx"]:
        raise AssertionError(f"wrk saw error responses: {values}")
    seconds = values["duration_us"] / 1e6
    # Requests unanswered within wrk's --timeout count as timeouts.
    return {"requests": values["requests"], "rps": values["requests"] / seconds, "p50_ms": values["p50_us"] / 1000,
            "p95_ms": values["p95_us"] / 1000, "p99_ms": values["p99_us"] / 1000, "timeouts": values["socket_errors"]}


def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory, 1), "python": platform.python_version(),
            "postgres": postgres, "os": platform.platform()}


def online_met(row: dict) -> bool | None:
    """Whether an online row meets its targets (None when it has none): its ratio to its
    yardstick, its p95, requests answered and none left unanswered."""
    if not row.get("target"):
        return None
    met = bool(row.get("requests")) and not row.get("timeouts")
    if row.get("min_ratio") is not None:
        met = met and row.get("yardstick_ratio") is not None and row["yardstick_ratio"] >= row["min_ratio"]
    if row.get("max_p95_ms") is not None:
        met = met and row["p95_ms"] <= row["max_p95_ms"]
    return met


def format_table(rows: list[dict]) -> str:
    lines = [
        "| Operation | req/s | p50 ms | p95 ms | × healthz | × yardstick | queries/request | seconds | ratio "
        "| peak MiB | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        online = row["kind"] == "online"
        met = online_met(row) if online else row.get("ok")
        lines.append("| " + " | ".join([
            row["operation"],
            f"{row['rps']:.0f}" if online else "",
            f"{row['p50_ms']:.1f}" if online else "",
            (f"{row['p95_ms']:.1f}" + (f" ({row['timeouts']} timeouts)" if row.get("timeouts") else "")) if online else "",
            f"{row['ratio']:.2f}" if online and row.get("ratio") is not None else "",
            f"{row['yardstick_ratio']:.2f}" if online and row.get("yardstick_ratio") is not None else "",
            str(row["queries"]) if online else "",
            f"{row['seconds']:.2f}" if not online and row.get("seconds") is not None else "",
            f"{row['ratio']:.2f}" if not online and row.get("ratio") is not None else "",
            f"{row['peak_mib']:.0f}" if row.get("peak_mib") is not None else "",
            row.get("target", ""),
            "" if met is None else ("yes" if met else "**no**"),
        ]) + " |")
    return "\n".join(lines)
