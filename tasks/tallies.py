"""The task tallies: per lead unit, month of deadline and kind of result, how many tasks.

The overviews read these few rows instead of grouping every task of a province on every page
view. The database keeps them: triggers on the task table count each insert, each change of a
column the official status reads and each delete, in the statement that writes the task — so a
service, an import by COPY, a bulk update, the admin and the demo all count alike, and a rolled
back transaction rolls its counts back with it.

A cell's `bucket` is the official status (tasks.status) where the passing of time cannot change
it — done on time, done on time after extension, done late, and a result handed in on time — and
`open` for an open task, which is "within deadline" until its deadline and "overdue" after it.
Whoever reads a cell of the open bucket splits it by the clock: every month before this one is
overdue, every later month within deadline, and this month's open tasks are split by a count of
the tasks themselves (one month of one subtree). So the counts are the live rule's, to the second,
with no job having to move anything when a deadline passes.

Beside each unit's cells, a total per kind of result over every month (TaskTallyTotal), kept by
the same triggers: an overview reads that total and the cells of this month and later, and takes
the months before this one as the difference, so a province reads a few cells per unit whatever
the years of history.

`reconcile()` recounts every cell from the tasks in one GROUP BY, reports the cells that had
drifted and puts them right; the scheduler runs it nightly (tasks.jobs.reconcile_tallies)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Case, CharField, Count, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from core.dates import add_months
from tasks.models import OPEN_STATUSES, Task, TaskStatus, TaskTally, TaskTallyTotal
from tasks.status import (
    DONE_LATE,
    DONE_ON_TIME,
    DONE_ON_TIME_EXTENDED,
    OFFICIAL_ORDER,
    OPEN_OVERDUE,
    OPEN_WITHIN,
    overdue_q,
)

logger = logging.getLogger(__name__)

OPEN = "open"
BUCKETS = (DONE_ON_TIME, DONE_ON_TIME_EXTENDED, DONE_LATE, OPEN_WITHIN, OPEN)
TABLE = Task._meta.db_table
TALLY = TaskTally._meta.db_table
TOTAL = TaskTallyTotal._meta.db_table
# The columns the official status and the cell read: an update that sets none of them counts nothing
# (the overdue job's mark, progress, the search text).
COUNTED_COLUMNS = ("lead_unit_id", "status", "deadline", "original_deadline", "extended", "submitted_at",
                   "completed_at")
TRIGGERS = ("tasks_tally_insert", "tasks_tally_update", "tasks_tally_delete")


# -- the cell of a task row, as SQL (the triggers and the recount share these very expressions) ------

def _bucket_sql(row: str, vendor: str) -> str:
    """The bucket of the task row whose columns are prefixed `row` ("NEW.", "OLD." or "" for the
    table), or NULL for a task that is not counted (draft, returned, cancelled). The same cases, in
    the same order, as tasks.status.official_status_expression with the clock left out."""
    def c(name):
        return f"{row}{name}"
    true = "TRUE" if vendor == "postgresql" else "1"
    done = f"{c('status')} = '{TaskStatus.COMPLETED}'"
    in_time = (f"({c('submitted_at')} <= {c('deadline')} OR "
               f"({c('submitted_at')} IS NULL AND {c('completed_at')} <= {c('deadline')}))")
    after_original = (f"({c('submitted_at')} > {c('original_deadline')} OR "
                      f"({c('submitted_at')} IS NULL AND {c('completed_at')} > {c('original_deadline')}))")
    open_statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
    return (f"(CASE WHEN {done} AND {in_time} AND {c('extended')} = {true} AND {after_original} "
            f"THEN '{DONE_ON_TIME_EXTENDED}' "
            f"WHEN {done} AND {in_time} THEN '{DONE_ON_TIME}' "
            f"WHEN {done} THEN '{DONE_LATE}' "
            f"WHEN {c('status')} = '{TaskStatus.SUBMITTED}' AND {c('submitted_at')} <= {c('deadline')} "
            f"THEN '{OPEN_WITHIN}' "
            f"WHEN {c('status')} IN ({open_statuses}) THEN '{OPEN}' END)")


def _sqlite_offset_minutes() -> int:
    """SQLite knows no time zones: the month is read at the zone's fixed offset, which only a zone
    without daylight saving has (Asia/Ho_Chi_Minh: +7 since 1975)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    year = timezone.now().year
    winter, summer = (datetime(year, month, 1, tzinfo=zone).utcoffset() for month in (1, 7))
    if winter != summer:
        raise ImproperlyConfigured(f"The task tallies on SQLite need a time zone without daylight saving; "
                                   f"{settings.TIME_ZONE} has one (use PostgreSQL).")
    return int(winter.total_seconds() // 60)


def _month_sql(row: str, vendor: str) -> str:
    """The first day of the deadline's month in the project's time zone (as TruncMonth reads it)."""
    if vendor == "postgresql":
        return f"(date_trunc('month', {row}deadline AT TIME ZONE '{settings.TIME_ZONE}'))::date"
    return f"date({row}deadline, '{_sqlite_offset_minutes():+d} minutes', 'start of month')"


# -- the triggers ---------------------------------------------------------------------------------

def _postgresql_statements() -> list[str]:
    bucket = {row: _bucket_sql(row, "postgresql") for row in ("NEW.", "OLD.", "r.")}
    month = {row: _month_sql(row, "postgresql") for row in ("NEW.", "OLD.", "r.")}
    cells = (f"SELECT r.lead_unit_id AS unit_id, {month['r.']} AS month, {bucket['r.']} AS bucket, count(*) AS n "
             f"FROM {{rows}} r WHERE r.lead_unit_id IS NOT NULL AND r.deadline IS NOT NULL "
             f"GROUP BY 1, 2, 3 HAVING {bucket['r.']} IS NOT NULL ORDER BY 1, 2, 3")
    totals = (f"SELECT r.lead_unit_id AS unit_id, {bucket['r.']} AS bucket, count(*) AS n "
              f"FROM {{rows}} r WHERE r.lead_unit_id IS NOT NULL AND r.deadline IS NOT NULL "
              f"GROUP BY 1, 2 HAVING {bucket['r.']} IS NOT NULL ORDER BY 1, 2")
    return [
        f"""CREATE OR REPLACE FUNCTION tasks_tally_add(cell_unit bigint, cell_month date, cell_bucket text,
                                                       delta integer) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF cell_unit IS NULL OR cell_month IS NULL OR cell_bucket IS NULL THEN RETURN; END IF;
            IF delta < 0 THEN
                UPDATE {TALLY} SET n = n + delta WHERE unit_id = cell_unit AND month = cell_month AND bucket = cell_bucket;
                RETURN;
            END IF;
            INSERT INTO {TALLY} (unit_id, month, bucket, n) VALUES (cell_unit, cell_month, cell_bucket, delta)
            ON CONFLICT (unit_id, month, bucket) DO UPDATE SET n = {TALLY}.n + EXCLUDED.n;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION tasks_tally_total_add(cell_unit bigint, cell_month date, cell_bucket text,
                                                             delta integer) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF cell_unit IS NULL OR cell_month IS NULL OR cell_bucket IS NULL THEN RETURN; END IF;
            IF delta < 0 THEN
                UPDATE {TOTAL} SET n = n + delta WHERE unit_id = cell_unit AND bucket = cell_bucket;
                RETURN;
            END IF;
            INSERT INTO {TOTAL} (unit_id, bucket, n) VALUES (cell_unit, cell_bucket, delta)
            ON CONFLICT (unit_id, bucket) DO UPDATE SET n = {TOTAL}.n + EXCLUDED.n;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION tasks_tally_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TALLY} (unit_id, month, bucket, n) {cells.format(rows='new_rows')}
            ON CONFLICT (unit_id, month, bucket) DO UPDATE SET n = {TALLY}.n + EXCLUDED.n;
            INSERT INTO {TOTAL} (unit_id, bucket, n) {totals.format(rows='new_rows')}
            ON CONFLICT (unit_id, bucket) DO UPDATE SET n = {TOTAL}.n + EXCLUDED.n;
            RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION tasks_tally_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {TALLY} t SET n = t.n - gone.n FROM ({cells.format(rows='old_rows')}) gone
            WHERE t.unit_id = gone.unit_id AND t.month = gone.month AND t.bucket = gone.bucket;
            UPDATE {TOTAL} t SET n = t.n - gone.n FROM ({totals.format(rows='old_rows')}) gone
            WHERE t.unit_id = gone.unit_id AND t.bucket = gone.bucket;
            RETURN NULL;
        END $$""",
        # A task moving between two cells writes them in key order, the month cells before the totals,
        # so two tasks moving between the same two cells in opposite directions at once cannot deadlock.
        f"""CREATE OR REPLACE FUNCTION tasks_tally_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            old_month date := {month['OLD.']};
            new_month date := {month['NEW.']};
            old_bucket text := {bucket['OLD.']};
            new_bucket text := {bucket['NEW.']};
        BEGIN
            IF OLD.lead_unit_id IS NOT DISTINCT FROM NEW.lead_unit_id AND old_month IS NOT DISTINCT FROM new_month
               AND old_bucket IS NOT DISTINCT FROM new_bucket THEN
                RETURN NULL;
            END IF;
            IF ROW(NEW.lead_unit_id, new_month, new_bucket) < ROW(OLD.lead_unit_id, old_month, old_bucket) THEN
                PERFORM tasks_tally_add(NEW.lead_unit_id, new_month, new_bucket, 1);
                PERFORM tasks_tally_add(OLD.lead_unit_id, old_month, old_bucket, -1);
            ELSE
                PERFORM tasks_tally_add(OLD.lead_unit_id, old_month, old_bucket, -1);
                PERFORM tasks_tally_add(NEW.lead_unit_id, new_month, new_bucket, 1);
            END IF;
            IF OLD.lead_unit_id IS NOT DISTINCT FROM NEW.lead_unit_id AND old_bucket IS NOT DISTINCT FROM new_bucket
               AND (old_month IS NULL) = (new_month IS NULL) THEN
                RETURN NULL;
            END IF;
            IF ROW(NEW.lead_unit_id, new_bucket) < ROW(OLD.lead_unit_id, old_bucket) THEN
                PERFORM tasks_tally_total_add(NEW.lead_unit_id, new_month, new_bucket, 1);
                PERFORM tasks_tally_total_add(OLD.lead_unit_id, old_month, old_bucket, -1);
            ELSE
                PERFORM tasks_tally_total_add(OLD.lead_unit_id, old_month, old_bucket, -1);
                PERFORM tasks_tally_total_add(NEW.lead_unit_id, new_month, new_bucket, 1);
            END IF;
            RETURN NULL;
        END $$""",
        *(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in TRIGGERS),
        f"""CREATE TRIGGER tasks_tally_insert AFTER INSERT ON {TABLE} REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION tasks_tally_after_insert()""",
        f"""CREATE TRIGGER tasks_tally_delete AFTER DELETE ON {TABLE} REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION tasks_tally_after_delete()""",
        f"""CREATE TRIGGER tasks_tally_update AFTER UPDATE OF {", ".join(COUNTED_COLUMNS)} ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION tasks_tally_after_update()""",
    ]


def _sqlite_statements() -> list[str]:
    bucket = {row: _bucket_sql(row, "sqlite") for row in ("NEW.", "OLD.")}
    month = {row: _month_sql(row, "sqlite") for row in ("NEW.", "OLD.")}
    add_new = (f"INSERT INTO {TALLY} (unit_id, month, bucket, n) "
               f"SELECT NEW.lead_unit_id, {month['NEW.']}, {bucket['NEW.']}, 1 "
               f"WHERE NEW.lead_unit_id IS NOT NULL AND NEW.deadline IS NOT NULL AND {bucket['NEW.']} IS NOT NULL "
               f"ON CONFLICT (unit_id, month, bucket) DO UPDATE SET n = n + 1; "
               f"INSERT INTO {TOTAL} (unit_id, bucket, n) "
               f"SELECT NEW.lead_unit_id, {bucket['NEW.']}, 1 "
               f"WHERE NEW.lead_unit_id IS NOT NULL AND NEW.deadline IS NOT NULL AND {bucket['NEW.']} IS NOT NULL "
               f"ON CONFLICT (unit_id, bucket) DO UPDATE SET n = n + 1;")
    take_old = (f"UPDATE {TALLY} SET n = n - 1 WHERE unit_id = OLD.lead_unit_id AND month = {month['OLD.']} "
                f"AND bucket = {bucket['OLD.']}; "
                f"UPDATE {TOTAL} SET n = n - 1 WHERE unit_id = OLD.lead_unit_id AND OLD.deadline IS NOT NULL "
                f"AND bucket = {bucket['OLD.']};")
    unchanged = (f"OLD.lead_unit_id IS NEW.lead_unit_id AND {month['OLD.']} IS {month['NEW.']} "
                 f"AND {bucket['OLD.']} IS {bucket['NEW.']}")
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
        f"CREATE TRIGGER tasks_tally_insert AFTER INSERT ON {TABLE} BEGIN {add_new} END",
        f"CREATE TRIGGER tasks_tally_delete AFTER DELETE ON {TABLE} BEGIN {take_old} END",
        f"""CREATE TRIGGER tasks_tally_update AFTER UPDATE OF {", ".join(COUNTED_COLUMNS)} ON {TABLE}
            WHEN NOT ({unchanged}) BEGIN {take_old} {add_new} END""",
    ]


def triggers_installed(using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = ANY(%s)",
                           [TABLE, list(TRIGGERS)])
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                           "AND name IN (%s, %s, %s)", [TABLE, *TRIGGERS])
        return cursor.fetchone()[0] == len(TRIGGERS)


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> None:
    """(Re)create the triggers and recount every cell, in one transaction. Run after every migrate
    (tasks.apps): on SQLite a migration that rebuilds the task table drops its triggers with it."""
    connection = connections[using]
    statements = _postgresql_statements() if connection.vendor == "postgresql" else _sqlite_statements()
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        reconcile(using, first_count=True)


def ensure_triggers(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: install the triggers where they are missing (a new database, or a table that a
    migration rebuilt), recounting every cell as they are."""
    if not triggers_installed(using):
        install_triggers(using)


# -- the recount ---------------------------------------------------------------------------------

@dataclass
class Drift:
    cells: int = 0
    drifted: list[str] = field(default_factory=list)


def _recount(using: str) -> dict[tuple[int, date, str], int]:
    connection = connections[using]
    vendor = connection.vendor
    bucket, month = _bucket_sql("", vendor), _month_sql("", vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT lead_unit_id, {month}, {bucket}, count(*) FROM {TABLE} "
                       f"WHERE lead_unit_id IS NOT NULL AND deadline IS NOT NULL "
                       f"GROUP BY 1, 2, 3 HAVING {bucket} IS NOT NULL")
        return {(unit_id, _as_date(month_start), cell): n for unit_id, month_start, cell, n in cursor.fetchall()}


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def reconcile(using: str = DEFAULT_DB_ALIAS, *, first_count: bool = False) -> Drift:
    """Recount every cell from the tasks, and every unit's totals from those cells, put right those
    that drifted and say which. Both tables are locked against the triggers meanwhile (task writes
    wait the second it takes), so a task written during the recount is neither lost nor counted
    twice. The `first_count`, when the triggers are put in, fills the tables: the cells it writes
    are not drift."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {TALLY}, {TOTAL} IN SHARE ROW EXCLUSIVE MODE")
        counted = _recount(using)
        totals: dict[tuple[int, str], int] = {}
        for (unit_id, _month, bucket), n in counted.items():
            totals[unit_id, bucket] = totals.get((unit_id, bucket), 0) + n
        drift = Drift(cells=len(counted) + len(totals))
        _settle(TaskTally.objects.using(using), ("unit_id", "month", "bucket"), counted, drift,
                lambda unit_id, month_start, bucket: f"unit {unit_id} {month_start:%m/%Y} {bucket}")
        _settle(TaskTallyTotal.objects.using(using), ("unit_id", "bucket"), totals, drift,
                lambda unit_id, bucket: f"unit {unit_id} every month {bucket}")
    if first_count:
        logger.info("Task tallies counted: %d cells", drift.cells)
    elif drift.drifted:
        logger.warning("Task tallies had drifted in %d cells: %s", len(drift.drifted), "; ".join(drift.drifted[:20]))
    return drift


def _settle(cells, key_fields: tuple[str, ...], counted: dict[tuple, int], drift: Drift, describe) -> None:
    """Make the stored cells of `cells` what was `counted`, noting each that differed in `drift`."""
    stored = {tuple(getattr(row, name) for name in key_fields): row for row in cells.all()}
    changed, added, removed = [], [], []
    for key in sorted(counted.keys() | stored.keys()):
        want, row = counted.get(key, 0), stored.get(key)
        have = row.n if row else 0
        if want == have:
            if row and not want:
                removed.append(row.pk)
            continue
        drift.drifted.append(f"{describe(*key)}: {have} → {want}")
        if row is None:
            added.append(cells.model(**dict(zip(key_fields, key)), n=want))
        elif want:
            row.n = want
            changed.append(row)
        else:
            removed.append(row.pk)
    cells.filter(pk__in=removed).delete()
    cells.bulk_update(changed, ["n"], batch_size=1000)
    cells.bulk_create(added, batch_size=1000)


# -- reading -------------------------------------------------------------------------------------

@dataclass
class SubtreeCounts:
    """Counts by official status: the whole subtree, each direct sub-unit (by its path) and each
    month of deadline asked for."""
    totals: dict[str, int]
    by_prefix: dict[str, dict[str, int]]
    by_month: dict[date, dict[str, int]]


def _zero() -> dict[str, int]:
    return {key: 0 for key in OFFICIAL_ORDER}


def subtree_counts(path: str, child_len: int, months: list[date], now: datetime) -> SubtreeCounts:
    """The counts of the tasks led in the subtree at `path`, from the tallies, in three queries: the
    totals and the open cells from this month on by sub-unit, the cells by month, and this month's
    open tasks past their deadline. The open tasks of the months before this one are the open
    total less this month's and the later months': a few cells per unit, however many years the
    tallies hold."""
    this_month = timezone.localdate(now).replace(day=1)
    cells = TaskTally.objects.filter(unit__path__startswith=path).exclude(n=0)
    when = Case(When(month__lt=this_month, then=Value("past")), When(month=this_month, then=Value("now")),
                default=Value("later"), output_field=CharField())
    prefix = Substr("unit__path", 1, child_len)
    everything = Value("all", output_field=CharField())

    # This month's open tasks: overdue once their deadline has passed, to the second (the live rule).
    overdue_now = {row["prefix"]: row["n"] for row in (
        Task.objects.filter(overdue_q(now), lead_unit__path__startswith=path,
                            deadline__gte=timezone.make_aware(datetime.combine(this_month, time.min)))
        .annotate(prefix=Substr("lead_unit__path", 1, child_len)).values("prefix").order_by()
        .annotate(n=Count("id")))}

    def place(counts, bucket, when, n, overdue_of_now):
        if bucket != OPEN:
            counts[bucket] += n
        elif when in ("past", "all"):
            counts[OPEN_OVERDUE] += n
        elif when == "later":
            counts[OPEN_WITHIN] += n
        else:
            counts[OPEN_OVERDUE] += overdue_of_now
            counts[OPEN_WITHIN] += n - overdue_of_now

    # Every month's total, and the open cells from this month on taken back out of the overdue the
    # total put them in (the same two query shapes, so the union's columns line up).
    every_month = (TaskTallyTotal.objects.filter(unit__path__startswith=path).exclude(n=0)
                   .annotate(prefix=prefix, when=everything).values("prefix", "bucket", "when")
                   .order_by().annotate(n=Sum("n")))
    open_from_now = (cells.filter(bucket=OPEN, month__gte=this_month).annotate(prefix=prefix, when=when)
                     .values("prefix", "bucket", "when").order_by().annotate(n=Sum("n")))
    totals, by_prefix = _zero(), {}
    for row in every_month.union(open_from_now, all=True):
        overdue = overdue_now.get(row["prefix"], 0)
        for counts in (by_prefix.setdefault(row["prefix"], _zero()), totals):
            if row["when"] != "all":
                place(counts, OPEN, "all", -row["n"], 0)  # not overdue: counted below as it is
            place(counts, row["bucket"], row["when"], row["n"], overdue)

    by_month = {start: _zero() for start in months}
    if months:
        end = add_months(months[-1], 1)
        all_overdue_now = sum(overdue_now.values())
        for row in (cells.filter(month__gte=months[0], month__lt=end).annotate(when=when)
                    .values("month", "bucket", "when").order_by().annotate(n=Sum("n"))):
            if row["month"] in by_month:
                place(by_month[row["month"]], row["bucket"], row["when"], row["n"], all_overdue_now)
    return SubtreeCounts(totals=totals, by_prefix=by_prefix, by_month=by_month)
