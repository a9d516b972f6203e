"""Every Excel file the product writes — found by calling every page (an export is a URL of its
own, `…/export.xlsx`, `…/ranking.xlsx`; the query `?export=xlsx` is tried too, so an exporter
written the old way cannot escape) — keeps hostile user text as text: no cell is a
formula, text that Excel would take for one carries the quote prefix, and it reads back as typed."""

import io
import zipfile

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from tests.clients import Client
from openpyxl import load_workbook

from accounts.models import Unit, User
from core.xlsx import FORMULA_TRIGGERS, XLSX
from inspections.models import DisciplinaryDecision, Finding, Inspection
from tasks.models import Task
from tests.routes import all_routes

pytestmark = pytest.mark.django_db

# Each starts with a character Excel or LibreOffice would evaluate, in ASCII and full-width forms.
CORPUS = ['=1+2 ', '+SUM(A1:A9) ', '-2+3 ', '@SUM(1) ', '\tTAB=1 ', '\rCR=1 ', '＝1+1 ', '＋1 ', '－1 ', '＠A1 ',
          '=HYPERLINK("http://x.invalid","bấm") ', '#N/A ']
OWNERS = {"emulation/<int:pk>/": "period", "inspections/<int:pk>/": "inspection", "units/<int:pk>/": "unit"}


def _poison():
    """Put a corpus prefix in front of the text people type: titles, descriptions, names."""
    for model, fields in [(Task, ["title", "content"]), (Finding, ["description", "location"]),
                          (DisciplinaryDecision, ["summary"]), (Inspection, ["title"]), (User, ["full_name"]),
                          (Unit, ["name"])]:
        for index, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True)):
            prefix = CORPUS[index % len(CORPUS)]
            model.objects.filter(pk=pk).update(**{field: Concat(Value(prefix), F(field)) for field in fields})


def _exports(owners):
    """(reader, url) → workbook bytes, for every page that answers with a workbook."""
    found = {}
    for route in sorted(set(all_routes())):
        if route.startswith(("api/", "admin/", "i18n/")) or route == "accounts/logout/":
            continue
        owner = next((prefix for prefix in OWNERS if route.startswith(prefix)), None)
        if "<" in route and not (owner and route.count("<") == 1):
            continue
        url = "/" + (route.replace("<int:pk>", str(owners[OWNERS[owner]])) if owner else route)
        for reader in ("chutich", "thuky", "thanhtra", "admin"):
            client = Client()
            client.force_login(User.objects.get(username=reader))
            for query in ({}, {"export": "xlsx"}):
                response = client.get(url, query)
                if response.status_code == 200 and response.get("Content-Type") == XLSX:
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    found[url + ("?export=xlsx" if query else "")] = body
    return found


def test_every_export_keeps_hostile_text_as_text(demo):
    _poison()
    period = demo
    owners = {"period": period.pk, "inspection": Inspection.objects.order_by("pk").first().pk,
              "unit": Unit.objects.get(code="UBND").pk}
    exports = _exports(owners)
    expected = {"/tasks/export.xlsx", "/inspections/findings/export.xlsx", "/inspections/discipline/export.xlsx",
                f"/emulation/{period.pk}/ranking.xlsx", f"/inspections/{owners['inspection']}/findings.xlsx"}
    # The decision list is found and checked too (the demo period has no award yet, so no hostile text).
    assert expected | {f"/emulation/{period.pk}/awards.xlsx"} <= set(exports), sorted(exports)
    problems, hostile_cells = [], {}
    for url, body in exports.items():
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
            if any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets):
                problems.append(f"{url}: a formula element")
        book = load_workbook(io.BytesIO(body))
        hostile_cells[url] = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        problems.append(f"{url} {sheet.title}!{cell.coordinate}: formula {cell.value!r}")
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                        hostile_cells[url] += 1
                        if not cell.quotePrefix:
                            problems.append(f"{url} {sheet.title}!{cell.coordinate}: {cell.value!r} without quote prefix")
                        # A carriage return comes back as written when the XML writer escapes it
                        # (lxml, which the documents bring), or as a line feed when it does not
                        # (the standard library's writer; XML end-of-line normalisation).
                        if not any(cell.value.startswith((item, item.replace("\r", "\n"))) for item in CORPUS):
                            problems.append(f"{url} {sheet.title}!{cell.coordinate}: {cell.value!r} changed")
    assert not problems, "\n".join(problems)
    # The registers carry the hostile text (it went through, as text), not just the headings.
    assert all(hostile_cells[url] > 0 for url in expected), hostile_cells
