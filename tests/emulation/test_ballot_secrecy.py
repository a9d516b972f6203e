"""Secret means untraceable (DESIGN.md): after several members vote, nothing in the database — any
table, history tables included, read through the models and again as raw SQL — nor in a backup
archive links a member to a choice: no row holds both, and no table holding choices gains a row
per ballot or an order (id, rowid / ctid, time) that could be laid beside the receipts' order."""

import re
import subprocess
import tarfile
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, models
from rest_framework.test import APIClient

from emulation.models import BallotReceipt, Choice, Title
from emulation import services
from tests.emulation.test_council import members, open_session, rated_people, to_voting

CHOICES = set(Choice.values)
# Each member's choices on the two nominations: every combination, and not in any sorted order.
BALLOTS = [("yes", "no"), ("no", "yes"), ("yes", "yes"), ("no", "no"), ("yes", "no")]


def _row_key() -> str:
    """The physical position of a row: SQLite's rowid, PostgreSQL's ctid."""
    return "rowid" if connection.vendor == "sqlite" else "ctid::text"


def _position(value):
    if isinstance(value, str) and value.startswith("("):  # ctid "(page,item)"
        return tuple(int(part) for part in value.strip("()").split(","))
    return value


def _model_columns():
    """Per table: its primary-key column, the columns that reference a person, and those holding a time."""
    user_model = get_user_model()
    tables = {}
    for model in apps.get_models(include_auto_created=True):  # historical models included
        fields = model._meta.concrete_fields
        tables[model._meta.db_table] = {
            "pk": model._meta.pk.column,
            "people": {f.column for f in fields if f.is_relation and f.related_model is user_model},
            "times": {f.column for f in fields if isinstance(f, (models.DateField, models.TimeField))},
        }
    return tables


def _mentions_choice(value) -> bool:
    return isinstance(value, str) and (value in CHOICES or any(f'"{c}"' in value for c in CHOICES))


def snapshot(cursor, tables, key="rowid"):
    """Every row of every table, as (physical position, {column: value})."""
    rows = {}
    for table in tables:
        cursor.execute(f"SELECT {key}, * FROM {connection.ops.quote_name(table)}")
        names = [d[0] for d in cursor.description][1:]
        rows[table] = [(_position(row[0]), dict(zip(names, row[1:]))) for row in cursor.fetchall()]
    return rows


def links(rows, voters) -> list:
    """Rows that hold a choice together with a voter (by reference or by name)."""
    columns = _model_columns()
    voter_ids = {v.pk for v in voters}
    names = [n for v in voters for n in (v.username, v.full_name)]
    found = []
    for table, table_rows in rows.items():
        people = columns.get(table, {}).get("people")
        for _position_, row in table_rows:
            if not any(_mentions_choice(v) for v in row.values()):
                continue
            # A table no model describes: any whole number that is a voter's id counts as a reference.
            refs = {row[c] for c in people} if people is not None else set(row.values())
            text = " ".join(str(v) for v in row.values())
            if refs & voter_ids or any(name in text for name in names):
                found.append((table, row))
    return found


def tables_with_choices(rows) -> set[str]:
    return {table for table, table_rows in rows.items()
            if any(_mentions_choice(v) for _p, row in table_rows for v in row.values())}


def check_no_link(before, after, voters):
    """The whole proof, on any set of rows read from a database."""
    columns = _model_columns()
    receipts = BallotReceipt._meta.db_table
    assert not links(after, voters), links(after, voters)[:3]
    assert receipts not in tables_with_choices(after)
    with_choices = tables_with_choices(after)
    assert with_choices, "the choices must be stored somewhere"
    for table in with_choices:
        pk = columns[table]["pk"]
        # No row per ballot: the table holds the same rows as before the first ballot...
        assert sorted(r[pk] for _p, r in after[table]) == sorted(r[pk] for _p, r in before.get(table, [])), table
        # ...in the same order by primary key and by physical position, so no order reflects the ballots...
        for order in (lambda item: item[1][pk], lambda item: item[0]):
            assert [r[pk] for _p, r in sorted(after[table], key=order)] == \
                   [r[pk] for _p, r in sorted(before[table], key=order)], table
        # ...and no person and no time on it (a history table would have both).
        assert not columns[table]["people"] and not columns[table]["times"], table


def _orm_rows():
    """Every row of every model (historical models included), through the ORM."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        names = [f.column for f in model._meta.concrete_fields]
        rows[model._meta.db_table] = [(None, dict(zip(names, values)))
                                      for values in model._base_manager.values_list(
                                          *[f.attname for f in model._meta.concrete_fields])]
    return rows


def _sqlite_rows(path: Path):
    import sqlite3

    with sqlite3.connect(path) as copy:
        cursor = copy.cursor()
        tables = [name for (name,) in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT rowid, * FROM "{table}"')
            names = [d[0] for d in cursor.description][1:]
            rows[table] = [(row[0], dict(zip(names, row[1:]))) for row in cursor.fetchall()]
    return rows


def _pgdump_rows(path: Path):
    """The rows of a pg_dump archive in the order the dump holds them (its COPY blocks)."""
    text = subprocess.run(["pg_restore", "--data-only", "--file=-", str(path)], check=True, capture_output=True,
                          text=True).stdout
    rows = defaultdict(list)
    for match in re.finditer(r"^COPY public\.(\S+) \((.*?)\) FROM stdin;\n(.*?)^\\\.$", text, re.S | re.M):
        table, names = match.group(1).strip('"'), [n.strip().strip('"') for n in match.group(2).split(",")]
        for position, line in enumerate(match.group(3).splitlines()):
            values = [None if v == r"\N" else (int(v) if v.lstrip("-").isdigit() else v) for v in line.split("\t")]
            rows[table].append((position, dict(zip(names, values))))
    return rows


@pytest.mark.django_db(transaction=True)
def test_nothing_stored_or_backed_up_links_a_member_to_a_choice(world, secretary, tmp_path):
    period = services.period_open(actor=secretary, unit=world.dept, year=2026)
    people = rated_people(world, period, 2)
    period = to_voting(period, secretary)
    nominations = [services.nomination_create(actor=world.head_dept, period=period, title=Title.LDTT, person=p)
                   for p in people]
    council = members(len(BALLOTS), world.dept)
    session = open_session(secretary, period, council)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        before = snapshot(cursor, tables, _row_key())

    for member, choices in zip(council, BALLOTS):
        client = APIClient()
        client.force_authenticate(member)
        response = client.post(f"/api/v1/emulation/sessions/{session.pk}/ballot/", {
            "choices": {str(n.pk): c for n, c in zip(nominations, choices)}}, format="json")
        assert response.status_code == 201, response.content

    with connection.cursor() as cursor:
        after = snapshot(cursor, tables, _row_key())
    receipts = sorted(after[BallotReceipt._meta.db_table], key=lambda item: item[1]["id"])
    assert [r["member_id"] for _p, r in receipts] == [m.pk for m in council]  # who voted, in order, is known
    check_no_link(before, after, council)  # raw SQL over every table
    assert not links(_orm_rows(), council)  # and every model, historical ones included

    # The backup archive the product makes holds nothing more.
    call_command("backup", str(tmp_path / "backups"), stdout=open("/dev/null", "w"))
    archive = next((tmp_path / "backups").glob("kycuong-backup-*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "archive", filter="data")
    if connection.vendor == "sqlite":
        dumped = _sqlite_rows(tmp_path / "archive" / "database.sqlite3")
        before_rowids = before
    else:
        dumped = _pgdump_rows(tmp_path / "archive" / "database.pgdump")
        # A dump lists rows in the table's physical order: compare with the order before the ballots.
        before_rowids = {t: [(i, r) for i, (_p, r) in enumerate(sorted(rows, key=lambda item: item[0]))]
                         for t, rows in before.items()}
    assert len(dumped[BallotReceipt._meta.db_table]) == len(BALLOTS)
    check_no_link(before_rowids, {t: rows for t, rows in dumped.items() if t in before}, council)

    # The counts are right: the session's result comes from what was stored.
    services.session_close(actor=secretary, session=session, decision_number="40/QĐ", decision_date=period.ends_on)
    results = {r.nomination_id: (r.yes, r.no, r.members) for r in session.results.all()}
    assert results == {nominations[0].pk: (3, 2, 5), nominations[1].pk: (2, 3, 5)}
