"""A province-scale dataset for the benchmark harness, on PostgreSQL.

Deterministic: the unit tree and the people come from a seeded `random.Random`; the big tables
(tasks, their participants and history, findings, decisions) from `INSERT … SELECT` over
`generate_series` with values derived from a hash of the row number, so the same size gives the
same rows on every machine. Set-based throughout: no row goes through Python one by one.

Sizes (units and officials stay a province; the volume of work varies):
    tiny      60 units,    600 officials,     5,000 tasks   (the harness's own test)
    100k     600 units, 15,000 officials,   100,000 tasks
    1m       600 units, 15,000 officials, 1,000,000 tasks   (the target size)
    3m       600 units, 15,000 officials, 3,000,000 tasks   (three years of a large province, for growth)
"""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import (
    Organisation,
    Role,
    RoleAssignment,
    StaffGroup,
    Unit,
    UnitKind,
    User,
)
from core.text import fold

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Every date in the dataset is placed relative to this moment (three years of work before it),
# so the same size always gives the same rows, whatever day it is generated on.
ANCHOR = datetime(2026, 11, 21, 12, 0, tzinfo=TZ)
PASSWORD = "Bench@2026"
ORG_CODE = "BENCH"


@dataclass(frozen=True)
class Size:
    name: str
    departments: int  # sở, each with divisions and public service units
    communes: int  # xã / phường, each with its sections
    officials: int
    tasks: int
    findings: int
    decisions: int


SIZES = {
    "tiny": Size("tiny", departments=3, communes=8, officials=600, tasks=5_000, findings=300, decisions=20),
    "100k": Size("100k", departments=20, communes=100, officials=15_000, tasks=100_000, findings=3_000, decisions=50),
    "1m": Size("1m", departments=20, communes=100, officials=15_000, tasks=1_000_000, findings=30_000, decisions=500),
    "3m": Size("3m", departments=20, communes=100, officials=15_000, tasks=3_000_000, findings=90_000, decisions=1_500),
}

TITLES = [
    "Rà soát thủ tục hành chính", "Báo cáo tình hình kinh tế – xã hội tháng", "Tham mưu kế hoạch cải cách hành chính",
    "Kiểm tra công tác phòng cháy chữa cháy", "Tổng hợp ý kiến góp ý dự thảo nghị quyết", "Xử lý đơn thư kiến nghị",
    "Cập nhật cơ sở dữ liệu cán bộ", "Chuẩn bị nội dung họp giao ban", "Thẩm định hồ sơ dự án đầu tư",
    "Triển khai chuyển đổi số", "Giải quyết hồ sơ đất đai tồn đọng", "Báo cáo công tác thi đua, khen thưởng",
    "Rà soát văn bản quy phạm pháp luật", "Đôn đốc giải ngân vốn đầu tư công", "Tổ chức tập huấn nghiệp vụ",
    "Kiểm tra an toàn thực phẩm", "Lập kế hoạch phòng chống thiên tai", "Tổng hợp số liệu thống kê quý",
    "Trả lời kiến nghị cử tri", "Hoàn thiện đề án vị trí việc làm",
]


def _path(index: int) -> str:
    """Treebeard's 4-character base-36 step for the index-th child (1-based)."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(Unit.steplen):
        index, rest = divmod(index, 36)
        out = digits[rest] + out
    return out


@contextmanager
def _timed(label: str, log):
    start = time.perf_counter()
    yield
    log(f"  {label}: {time.perf_counter() - start:.1f} s")


def exists() -> Size | None:
    """The size of the dataset already in the database, if any."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_dataset')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT size FROM bench_dataset")
        row = cursor.fetchone()
    return SIZES.get(row[0]) if row else None


def build(size: Size, log=print) -> None:
    """Fill an empty, migrated PostgreSQL database with the dataset of `size`."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark dataset is built on PostgreSQL.")
    if _has_tasks():
        raise RuntimeError("The database already holds tasks: build the dataset into an empty database.")
    started = time.perf_counter()
    rng = random.Random(20261121)
    with transaction.atomic():
        with _timed("units, officials, roles", log):
            org, units = _units(size)
            people = _people(size, org, units, rng)
            _roles(units, people)
        with connection.cursor() as cursor:
            with _timed("people table", log):
                _people_table(cursor)
            with _timed(f"{size.tasks:,} tasks", log):
                _tasks(cursor, size)
            with _timed("participants and history", log):
                _participants_and_events(cursor)
            with _timed(f"{size.findings:,} findings, {size.decisions} decisions", log):
                _inspections(cursor, size, org)
            cursor.execute("DROP TABLE bench_people")
            cursor.execute("CREATE TABLE bench_dataset (size text NOT NULL, built_at timestamptz NOT NULL)")
            cursor.execute("INSERT INTO bench_dataset VALUES (%s, now())", [size.name])
        with _timed("emulation period", log):
            _period(org)
    with _timed("analyze", log):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"Dataset {size.name} built in {time.perf_counter() - started:.0f} s")


def _has_tasks() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM tasks_task)")
        return cursor.fetchone()[0]


# -- units, people, roles (thousands of rows: ORM bulk inserts) -------------------------------


def _unit(org, path, code, name, kind, children=0):
    unit = Unit(organisation=org, path=path, depth=len(path) // Unit.steplen, numchild=children, code=code,
                name=name, kind=kind)
    unit.refresh_search_text()
    return unit


def _units(size: Size):
    org = Organisation.objects.create(code=ORG_CODE, name="Tỉnh Thử Nghiệm")
    root = _path(1)
    rows = []
    top_level = [("VPUB", "Văn phòng UBND tỉnh", UnitKind.OFFICE, 6), ("TT", "Thanh tra tỉnh", UnitKind.INSPECTORATE, 4)]
    top_level += [(f"S{d:02d}", f"Sở {d:02d}", UnitKind.DEPARTMENT, 8) for d in range(1, size.departments + 1)]
    top_level += [(f"X{c:03d}", f"Xã {c:03d}", UnitKind.COMMUNE, 3) for c in range(1, size.communes + 1)]
    rows.append(_unit(org, root, "UBND", "Ủy ban nhân dân tỉnh", UnitKind.PEOPLES_COMMITTEE, len(top_level)))
    for i, (code, name, kind, children) in enumerate(top_level, start=1):
        path = root + _path(i)
        rows.append(_unit(org, path, code, name, kind, children))
        for j in range(1, children + 1):
            child_kind = UnitKind.DIVISION if kind != UnitKind.COMMUNE else UnitKind.OFFICE
            if kind == UnitKind.DEPARTMENT and j > 6:
                child_kind = UnitKind.PUBLIC_SERVICE_UNIT
            rows.append(_unit(org, path + _path(j), f"{code}-{j}", f"{name} – bộ phận {j}", child_kind))
    Unit.objects.bulk_create(rows, batch_size=1000)
    return org, list(Unit.objects.filter(organisation=org).order_by("path"))


def _people(size: Size, org, units, rng):
    """Officials spread over the units, a head and a deputy first in every unit."""
    password = make_password(PASSWORD)
    per_unit = max(size.officials // len(units), 10)
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
    middles = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thu", "Đức", "Thanh"]
    givens = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hoa", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam",
              "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]
    rows = []
    n = 0
    for unit in units:
        for k in range(per_unit):
            n += 1
            user = User(
                username=f"u{n:05d}", full_name=f"{rng.choice(surnames)} {rng.choice(middles)} {rng.choice(givens)}",
                employee_code=f"CB{n:05d}", unit=unit, password=password, is_leader=k < 2,
                position="Trưởng" if k == 0 else ("Phó" if k == 1 else "Chuyên viên"),
                staff_group=rng.choices([StaffGroup.CIVIL_SERVANT, StaffGroup.PUBLIC_EMPLOYEE, StaffGroup.CADRE],
                                        [80, 15, 5])[0],
                service_start_date=date(2010 + rng.randrange(14), 1 + rng.randrange(12), 1),
            )
            user.refresh_search_text()
            rows.append(user)
    User.objects.bulk_create(rows, batch_size=2000)
    return list(User.objects.filter(unit__organisation=org).order_by("id").values("id", "unit_id", "username"))


def _roles(units, people):
    by_unit: dict[int, list[int]] = {}
    for person in people:
        by_unit.setdefault(person["unit_id"], []).append(person["id"])
    root = units[0]
    valid_from = date(2020, 1, 1)
    rows = []
    for unit in units:
        members = by_unit[unit.pk]
        rows.append(RoleAssignment(user_id=members[0], unit=unit, role=Role.HEAD, valid_from=valid_from))
        rows.append(RoleAssignment(user_id=members[1], unit=unit, role=Role.DEPUTY, valid_from=valid_from))
    inspectorate = next(u for u in units if u.code == "TT")
    for person_id in by_unit[inspectorate.pk][2:]:
        rows.append(RoleAssignment(user_id=person_id, unit=root, role=Role.INSPECTOR, valid_from=valid_from))
    council = next(u for u in units if u.code == "VPUB")
    rows.append(RoleAssignment(user_id=by_unit[council.pk][2], unit=root, role=Role.COUNCIL_SECRETARY, valid_from=valid_from))
    for person_id in by_unit[council.pk][3:8]:
        rows.append(RoleAssignment(user_id=person_id, unit=root, role=Role.COUNCIL_MEMBER, valid_from=valid_from))
    rows.append(RoleAssignment(user_id=by_unit[council.pk][-1], unit=root, role=Role.ADMIN, valid_from=valid_from))
    RoleAssignment.objects.bulk_create(rows, batch_size=2000)


# -- the big tables (set-based SQL) -----------------------------------------------------------

def _h(salt: str, n: str = "g") -> str:
    """SQL for a deterministic value in [0, 1) from the row number `n`, independent per salt."""
    return f"(('x' || substr(md5('{salt}-' || {n}::text), 1, 8))::bit(32)::bigint / 4294967296.0)"


def _people_table(cursor):
    """Who leads and who assigns: every official with the head of their unit (the head's own
    tasks come from the head of the unit above)."""
    cursor.execute("""
        CREATE TEMP TABLE bench_people AS
        WITH heads AS (
            SELECT r.unit_id, r.user_id FROM accounts_roleassignment r WHERE r.role = 'head'
        )
        SELECT row_number() OVER (ORDER BY u.id) AS rn, u.id AS user_id, u.unit_id,
               CASE WHEN h.user_id = u.id THEN coalesce(ph.user_id, u.id) ELSE h.user_id END AS assigner_id,
               CASE WHEN h.user_id = u.id AND ph.user_id IS NOT NULL THEN p.id ELSE u.unit_id END AS assigning_unit_id
        FROM accounts_user u
        JOIN accounts_unit un ON un.id = u.unit_id
        JOIN heads h ON h.unit_id = u.unit_id
        LEFT JOIN accounts_unit p ON p.path = substr(un.path, 1, length(un.path) - 4) AND un.depth > 1
        LEFT JOIN heads ph ON ph.unit_id = p.id
    """)
    cursor.execute("CREATE UNIQUE INDEX ON bench_people (rn)")
    cursor.execute("ANALYZE bench_people")


def _tasks(cursor, size: Size):
    """Three years of tasks: created uniformly over the three years, due 3–60 days later; past
    deadlines mostly completed (some late, some left overdue), future ones in progress."""
    titles = "ARRAY[" + ",".join(f"'{t}'" for t in TITLES) + "]"
    folded = "ARRAY[" + ",".join(f"'{fold(t)}'" for t in TITLES) + "]"
    anchor = ANCHOR.isoformat()
    cursor.execute(f"""
        INSERT INTO tasks_task (
            code, status, assigner_id, assigning_unit_id, lead_id, lead_unit_id, title, content, source_number,
            source_issuer, process_description, reporting_regime, responsibility, product_type, product_description,
            expected_result, acceptance_criterion, authority_basis, lead_may_decide, deadline, original_deadline,
            progress_percent, assigned_at, submitted_at, completed_at, extended, overdue_marked_at, quality,
            evaluation_note, created_at, updated_at, search_text, period, managed_by)
        SELECT code, status, assigner_id, assigning_unit_id, lead_id, lead_unit_id, title, title, source_number,
            '', 'Theo quy trình của đơn vị', 'Hằng tuần', 'Chịu trách nhiệm trước thủ trưởng', '', '',
            'Hoàn thành đúng hạn, đạt yêu cầu', 'Được người giao phê duyệt', '', '', deadline,
            CASE WHEN extended THEN deadline - interval '10 days' END,
            CASE WHEN status = 'completed' THEN 100 WHEN status IN ('assigned', 'draft') THEN 0
                 ELSE (10 + floor(r_progress * 80))::int END,
            CASE WHEN status <> 'draft' THEN created_at END,
            CASE WHEN status IN ('submitted', 'completed') THEN done_at END,
            CASE WHEN status = 'completed' THEN done_at END,
            extended,
            CASE WHEN (status IN ('assigned', 'in_progress') AND deadline < '{anchor}')
                      OR (status IN ('submitted', 'completed') AND done_at > deadline)
                 THEN deadline + interval '5 minutes' END,
            CASE WHEN status = 'completed' THEN
                 (ARRAY['excellent', 'good', 'good', 'pass', 'pass', 'good', 'excellent', 'pass', 'good', 'fail'])[1 + floor(r_quality * 10)::int]
                 ELSE '' END,
            '', created_at, created_at, lower(code) || ' ' || search_title, '', ''
        FROM (
            SELECT g, 'B-' || lpad(g::text, 7, '0') AS code,
                   p.assigner_id, p.assigning_unit_id, p.user_id AS lead_id, p.unit_id AS lead_unit_id,
                   ({titles})[1 + (g % {len(TITLES)})] || ' (' || g || ')' AS title,
                   ({folded})[1 + (g % {len(TITLES)})] || ' (' || g || ')' AS search_title,
                   CASE WHEN g % 7 = 0 THEN g % 500 || '/KH-UBND' ELSE '' END AS source_number,
                   t.created_at, t.deadline, t.extended, t.r_progress, t.r_quality,
                   CASE
                     WHEN t.r_status < 0.005 THEN 'draft'
                     WHEN t.deadline < '{anchor}' THEN CASE
                         WHEN t.r_status < 0.88 THEN 'completed' WHEN t.r_status < 0.90 THEN 'cancelled'
                         WHEN t.r_status < 0.91 THEN 'returned' WHEN t.r_status < 0.95 THEN 'in_progress'
                         WHEN t.r_status < 0.97 THEN 'assigned' ELSE 'submitted' END
                     ELSE CASE
                         WHEN t.r_status < 0.20 THEN 'assigned' WHEN t.r_status < 0.80 THEN 'in_progress'
                         WHEN t.r_status < 0.90 THEN 'submitted' ELSE 'completed' END
                   END AS status,
                   -- 85% of results come in before the deadline, the rest up to 20 days after
                   CASE WHEN t.r_late < 0.85 THEN t.deadline - (t.r_done * (t.deadline - t.created_at))
                        ELSE t.deadline + (t.r_done * interval '20 days') END AS done_at
            FROM generate_series(1, {size.tasks}) AS g
            CROSS JOIN LATERAL (
                SELECT '{anchor}'::timestamptz - interval '1095 days' * {_h('created')} AS created_at,
                       {_h('extended')} < 0.05 AS extended,
                       {_h('status')} AS r_status, {_h('late')} AS r_late, {_h('done')} AS r_done,
                       {_h('progress')} AS r_progress, {_h('quality')} AS r_quality,
                       {_h('lead')} AS r_lead, {_h('span')} AS r_span
            ) AS r
            CROSS JOIN LATERAL (
                SELECT r.*, r.created_at + interval '1 day' * (3 + floor(r.r_span * 58)) AS deadline
            ) AS t
            JOIN bench_people p ON p.rn = 1 + floor(t.r_lead * (SELECT count(*) FROM bench_people))::int
        ) AS s
    """)
    # A draft needs no lead; the rest must be complete (the check constraint holds for all).


def _participants_and_events(cursor):
    """A co-operating official on three tasks in ten; history rows for assignment, submission and
    approval, at the times the task records."""
    cursor.execute(f"""
        INSERT INTO tasks_participant (task_id, user_id, part, deadline)
        SELECT t.id, p.user_id, 'Phối hợp cung cấp số liệu', t.deadline
        FROM tasks_task t
        JOIN bench_people p ON p.rn = 1 + floor({_h('participant', 't.id')} * (SELECT count(*) FROM bench_people))::int
        WHERE t.id % 10 < 3 AND p.user_id <> t.lead_id
    """)
    cursor.execute("""
        INSERT INTO tasks_taskevent (task_id, action, from_status, to_status, actor_id, at, note, data, deadline)
        SELECT id, 'create', '', 'draft', assigner_id, created_at, '', '{}'::jsonb, deadline FROM tasks_task
        UNION ALL
        SELECT id, 'assign', 'draft', 'assigned', assigner_id, assigned_at, '', '{}'::jsonb, deadline FROM tasks_task
            WHERE assigned_at IS NOT NULL
        UNION ALL
        SELECT id, 'submit', 'in_progress', 'submitted', lead_id, submitted_at, 'Đã hoàn thành', '{}'::jsonb, deadline FROM tasks_task
            WHERE submitted_at IS NOT NULL
        UNION ALL
        SELECT id, 'approve', 'submitted', 'completed', assigner_id, completed_at, '', '{}'::jsonb, deadline FROM tasks_task
            WHERE completed_at IS NOT NULL
    """)


def _inspections(cursor, size: Size, org):
    """Inspections by the province inspectorate, each with about a hundred findings on officials
    across the province; disciplinary decisions issued on some of them this year and last."""
    inspections = max(size.findings // 100, 1)
    cursor.execute("SELECT id FROM accounts_unit WHERE organisation_id = %s AND code = 'TT'", [org.pk])
    inspectorate_id = cursor.fetchone()[0]
    cursor.execute("SELECT user_id FROM accounts_roleassignment WHERE role = 'inspector' ORDER BY user_id LIMIT 1")
    inspector_id = cursor.fetchone()[0]
    anchor = ANCHOR.isoformat()
    cursor.execute(f"""
        INSERT INTO inspections_inspection (
            code, organisation_id, kind, year, title, issuing_unit_id, decision_number, decision_date, scope,
            period_from, period_to, starts_on, ends_on, leader_id, status, conclusion_number, conclusion_signer,
            conclusion_text, directive_number, created_by_id, created_at, updated_at, search_text)
        SELECT 'TTr-' || lpad(g::text, 5, '0'), {org.pk}, 'public_service', extract(year FROM d)::int,
               'Kiểm tra công vụ đợt ' || g, {inspectorate_id}, g || '/QĐ-TTr', d::date, 'Việc chấp hành kỷ luật, kỷ cương hành chính',
               (d - interval '1 year')::date, d::date, d::date, (d + interval '10 days')::date, {inspector_id},
               'follow_up', '', '', '', '', {inspector_id}, d, d, 'ttr-' || lpad(g::text, 5, '0') || ' kiem tra cong vu'
        FROM generate_series(1, {inspections}) AS g,
             LATERAL (SELECT '{anchor}'::timestamptz - interval '1095 days' * {_h('inspection')} AS d) AS x
    """)
    cursor.execute(f"""
        INSERT INTO inspections_finding (
            code, inspection_id, subject_person_id, subject_unit_id, violation_type_id, occurred_at, location,
            description, severity, recorded_by_id, recorded_at, status, explanation_due, explanation,
            proposed_handling, handling_note, withdrawn_reason, search_text)
        SELECT 'VP-' || lpad(g::text, 6, '0'), i.id, p.user_id, p.unit_id,
               (SELECT id FROM inspections_violationtype ORDER BY id OFFSET (g % (SELECT count(*) FROM inspections_violationtype)) LIMIT 1),
               i.created_at - interval '30 days' * {_h('occurred')}, 'Trụ sở làm việc',
               'Vi phạm được ghi nhận khi kiểm tra', (ARRAY['minor', 'minor', 'minor', 'serious', 'very_serious'])[1 + g % 5],
               {inspector_id}, i.created_at, (ARRAY['handled', 'explained', 'handled', 'not_explained', 'withdrawn'])[1 + g % 5],
               (i.created_at + interval '7 days')::date, '', '', '', '', 'vp-' || lpad(g::text, 6, '0')
        FROM generate_series(1, {size.findings}) AS g
        JOIN inspections_inspection i ON i.code = 'TTr-' || lpad((1 + (g - 1) % {inspections})::text, 5, '0')
        JOIN bench_people p ON p.rn = 1 + floor({_h('subject')} * (SELECT count(*) FROM bench_people))::int
    """)
    cursor.execute(f"""
        INSERT INTO inspections_disciplinarydecision (
            code, system, party_subject, subject_id, subject_unit_id, staff_group, subject_is_leader, summary,
            discovered_on, complex_case, violation_date, status, form, number, decision_date, signer, effective_from, effect_until,
            counted_in_year, warnings, withdrawn_reason, public_duty, created_by_id, created_at, updated_at)
        SELECT 'KL-' || lpad(g::text, 5, '0'), 'state', '', f.subject_person_id, f.subject_unit_id, u.staff_group,
               u.is_leader, f.description, f.recorded_at::date, false, f.occurred_at::date, 'issued',
               (ARRAY['reprimand', 'reprimand', 'warning'])[1 + g % 3], g || '/QĐ-KL', (f.recorded_at + interval '20 days')::date,
               'Chủ tịch UBND tỉnh', (f.recorded_at + interval '20 days')::date, (f.recorded_at + interval '1 year')::date,
               extract(year FROM f.recorded_at + interval '20 days')::int, '[]'::jsonb, '', false, {inspector_id}, f.recorded_at, f.recorded_at
        FROM generate_series(1, {size.decisions}) AS g
        JOIN inspections_finding f ON f.code = 'VP-' || lpad((g * ({size.findings} / {size.decisions}))::text, 6, '0')
        JOIN accounts_user u ON u.id = f.subject_person_id
    """)
    cursor.execute("SELECT setval(pg_get_serial_sequence('inspections_inspection', 'id'), (SELECT max(id) FROM inspections_inspection))")


def _period(org):
    """This year's emulation period of the province, open and ready to compute."""
    from emulation.services import period_open

    root = Unit.objects.get(organisation=org, depth=1)
    secretary = User.objects.get(role_assignments__role=Role.COUNCIL_SECRETARY, role_assignments__unit=root)
    with timezone.override(TZ):
        period_open(actor=secretary, unit=root, year=ANCHOR.year)
