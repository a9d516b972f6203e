"""Property-based hunt for bad input that answers 500, or that an import writes part of.

1. Every list API's query parameters, as the OpenAPI schema declares them, and every list page's
   filter form fields, filled with hostile values: integers at and past 64 bits, negative, zero,
   dates at the ends of the calendar and past them, numbers that are not numbers, unicode, empty,
   NUL. No answer is a 500.
2. Every importer, fed files mutated from its own downloadable template and from a filled-in file
   (also in the shared-string form Excel itself writes): bytes flipped, the file cut short, an XML
   part cut short or with a slice taken out, shared strings swapped or pointing past the table,
   cells turned into NaN, infinity, a huge number, a far date, junk of the wrong type. No import
   raises, and one that reports errors has written nothing.

Bounded for CI and derandomized (a failure is reproducible): BAD_INPUT_EXAMPLES cases per list
API, page and importer file (default 12); raise it for a longer hunt (`BAD_INPUT_EXAMPLES=300`).
The figures are printed (run with -s to see them)."""

from __future__ import annotations

import io
import os
import re
import zipfile
import pytest
from django import forms
from django.db import transaction
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from emulation.forms import RankingFilterForm
from inspections.forms import DecisionFilterForm, FindingFilterForm, InspectionFilterForm
from tasks.forms import TaskFilterForm
from tests.core.test_bad_input import importers  # noqa: F401 (shared fixture)
from tests.emulation.conftest import period, secretary  # noqa: F401 (shared fixtures)
from tests.inspections.conftest import inspectorate, make_inspection  # noqa: F401 (shared fixtures)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "12"))
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])

# --- hostile values ------------------------------------------------------------------------------

HUGE = ["9" * 20, "-" + "9" * 20, str(2**63), str(2**63 - 1), str(-(2**63) - 1), str(2**31), "1e309", "-1e309"]
ODD = ["", " ", "0", "-1", "NaN", "inf", "-Infinity", "null", "true", "[]", "{}", "0x10", "١٢٣", "１２", "\x00", "%00",
       "'; --", "Nguyễn Văn A", "𝕏" * 50, "a" * 2000]
FAR_DATES = ["0001-01-01", "0000-00-00", "9999-12-31", "9999-12-30", "10000-01-01", "1899-12-31", "2101-01-01",
             "2026-02-30", "31/12/9999", "2026-13-01", "-2026-01-01"]
# Tried one at a time on every parameter of its kind, before the random combinations.
SWEEP = {
    "integer": ["9" * 20, "-" + "9" * 20, str(2**63), "-1", "0", "1e309", "NaN"],
    "date": ["0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30", "9" * 20],
    "boolean": ["9" * 20, "maybe"],
    "string": ["\x00", "a" * 2000, "𝕏", "9" * 20],
}
integers = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), st.sampled_from(HUGE + ODD))
dates = st.one_of(st.dates().map(str), st.sampled_from(FAR_DATES + HUGE + ODD))
texts = st.one_of(st.text(max_size=120), st.sampled_from(ODD + HUGE + FAR_DATES))
for strategy, kind in ((integers, "integer"), (dates, "date"), (texts, "string")):
    strategy.kind = kind


def strategy_for(kind: str, choices=()):
    strategy = _strategy_for(kind, choices)
    strategy.kind = kind  # read by the sweep
    return strategy


def _strategy_for(kind: str, choices=()):
    if kind == "integer":
        return integers
    if kind == "date":
        return dates
    if kind == "boolean":
        return st.sampled_from(["true", "false", "1", "0", "on", "yes", "maybe", "", "9" * 20])
    if choices:
        return st.one_of(st.sampled_from([str(c) for c in choices]), texts)
    return texts


def query_strategy(parameters: dict[str, st.SearchStrategy]):
    # Each parameter present or not; when present, sometimes given twice.
    single = st.fixed_dictionaries({}, optional=parameters)
    return single.flatmap(lambda query: st.fixed_dictionaries(
        {name: st.one_of(st.just(value), st.lists(parameters[name], min_size=2, max_size=3))
         for name, value in query.items()}))


# --- 1. list APIs and list pages -----------------------------------------------------------------

def list_operations() -> list[tuple[str, dict[str, st.SearchStrategy]]]:
    """Every GET operation of the schema without a path parameter, with its query parameters."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        if "{" in path or "get" not in item:
            continue
        parameters = {}
        for parameter in item["get"].get("parameters", []):
            if parameter.get("in") != "query":
                continue
            spec = parameter.get("schema", {})
            kind = "date" if spec.get("format") == "date" else spec.get("type", "string")
            if parameter["name"] in ("page", "page_size"):
                kind = "integer"
            parameters[parameter["name"]] = strategy_for(kind, spec.get("enum", ()))
        operations.append((path, parameters))
    return operations


def form_parameters(form_class) -> dict[str, st.SearchStrategy]:
    parameters = {}
    for name, field in form_class().fields.items():
        if isinstance(field, forms.DateField):
            kind = "date"
        elif isinstance(field, (forms.IntegerField, forms.ModelChoiceField)):
            kind = "integer"
        elif isinstance(field, forms.BooleanField):
            kind = "boolean"
        else:
            kind = "string"
        choices = [value for value, _label in getattr(field, "choices", [])] if hasattr(field, "choices") else ()
        parameters[name] = strategy_for(kind, choices)
    parameters["page"] = integers
    parameters["size"] = integers
    return parameters


def list_pages(period) -> list[tuple[str, dict[str, st.SearchStrategy]]]:
    """Every list page with a filter form, and the exports that take the same filters."""
    search = {"q": texts, "page": integers, "size": integers}
    exported = {"export": st.sampled_from(["xlsx", "", "pdf"])}
    return [
        (reverse("tasks:list"), form_parameters(TaskFilterForm)),
        (reverse("tasks:export"), form_parameters(TaskFilterForm)),
        (reverse("inspections:list"), form_parameters(InspectionFilterForm)),
        (reverse("inspections:findings"), {**form_parameters(FindingFilterForm), **exported}),
        (reverse("inspections:decisions"), {**form_parameters(DecisionFilterForm), **exported}),
        (reverse("emulation:period", args=[period.pk]), {**form_parameters(RankingFilterForm), **exported}),
        (reverse("accounts:unit_list"), search),
        (reverse("accounts:person_list"), search),
    ]


def sweep(client, targets, *, figures: dict, label: str) -> list[str]:
    """Each parameter alone, with each hostile value of its kind."""
    server_errors: list[str] = []
    for url, parameters in targets:
        for name, strategy in parameters.items():
            for value in SWEEP[getattr(strategy, "kind", "string")]:
                figures["cases"] += 1
                answer = client.get(url, {name: value})
                if answer.status_code >= 500:
                    server_errors.append(f"{label} GET {url} {name}={value!r}: {answer.status_code}")
    return server_errors


def hunt(client, targets, *, figures: dict, label: str) -> list[str]:
    """Random combinations of parameters and values, EXAMPLES per target."""
    server_errors: list[str] = []
    for url, parameters in targets:
        @BOUNDED
        @given(query=query_strategy(parameters))
        def one_case(query):
            figures["cases"] += 1
            answer = client.get(url, query)
            if answer.status_code >= 500:
                server_errors.append(f"{label} GET {url} {query!r}: {answer.status_code}")

        one_case()
        figures["parameters"] += len(parameters)
    return server_errors


def test_no_query_string_makes_a_list_api_or_page_answer_500(world, period, secretary):  # noqa: F811
    from tests.clients import Client
    figures = {"cases": 0, "parameters": 0}
    server_errors = []
    apis, pages = list_operations(), list_pages(period)
    for person in (world.head_dept, world.inspector, secretary, world.admin_a):
        if person == world.head_dept:
            client = Client(raise_request_exception=False)
            client.force_login(person)
            server_errors += sweep(client, apis + pages, figures=figures, label=f"{person.username} sweep")
        client = Client(raise_request_exception=False)
        client.force_login(person)
        server_errors += hunt(client, apis, figures=figures, label=f"{person.username} API")
        server_errors += hunt(client, pages, figures=figures, label=f"{person.username} page")
    print(f"\nbad query strings: {len(apis)} list APIs and {len(pages)} list pages x 4 personas, "
          f"{figures['parameters']} parameters, {figures['cases']} cases, {len(server_errors)} answered 500")
    assert figures["cases"] >= (len(apis) + len(pages)) * 4
    assert not server_errors, "\n".join(server_errors[:20])


# --- 2. imports ----------------------------------------------------------------------------------

def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {item.filename: archive.read(item.filename) for item in archive.infolist()}


def pack(contents: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in contents.items():
            archive.writestr(name, content)
    return out.getvalue()


INLINE = re.compile(r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: [^>]*)?>([^<]*)</t></is></c>')


def with_shared_strings(data: bytes) -> bytes:
    """The same workbook with its text in a shared-string table, as Excel writes it (openpyxl
    writes text inline), so that mutations reach the table and the indices into it."""
    contents, table = parts(data), []

    def share(match):
        table.append(match.group(3))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{len(table) - 1}</v></c>'

    for name in [n for n in contents if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]:
        contents[name] = INLINE.sub(share, contents[name].decode()).encode()
    items = "".join(f"<si><t>{value}</t></si>" for value in table)
    contents["xl/sharedStrings.xml"] = (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(table)}" '
        f'uniqueCount="{len(table)}">{items}</sst>').encode()
    contents["[Content_Types].xml"] = contents["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    contents["xl/_rels/workbook.xml.rels"] = contents["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    return pack(contents)


CELL_VALUES = ["NaN", "nan", "inf", "-inf", "1E999", "-1E999", "9" * 40, "-0", "1e-400", "abc", "", "99999999",
               "2958466", "-1", "0.5"]
CELL_TYPES = ["n", "s", "b", "d", "e", "str", "inlineStr", "x"]


@st.composite
def mutated(draw, base: bytes) -> tuple[str, bytes]:
    """One mutation of `base`, named."""
    kind = draw(st.sampled_from(["flip bytes", "truncate file", "cut part", "drop slice", "cell value",
                                 "cell type", "shared index", "swap shared strings", "text", "cell reference"]))
    if kind == "flip bytes":
        data = bytearray(base)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return kind, bytes(data)
    if kind == "truncate file":
        return kind, base[: draw(st.integers(0, len(base) - 1))]
    contents = parts(base)
    xml_parts = sorted(n for n in contents if n.endswith((".xml", ".rels")))
    sheets = [n for n in xml_parts if n.startswith("xl/worksheets/")]
    name = draw(st.sampled_from(xml_parts if kind in ("cut part", "drop slice") else sheets))
    xml = contents[name].decode()
    if kind == "cut part":
        xml = xml[: draw(st.integers(0, len(xml) - 1))]
    elif kind == "drop slice":
        start = draw(st.integers(0, len(xml) - 1))
        xml = xml[:start] + xml[start + draw(st.integers(1, 200)):]
    elif kind == "swap shared strings" and "xl/sharedStrings.xml" in contents:
        name = "xl/sharedStrings.xml"
        xml = contents[name].decode()
        items = re.findall(r"<si>.*?</si>", xml)
        order = draw(st.permutations(range(len(items))))
        xml = re.sub(r"<si>.*</si>", "".join(items[i] for i in order), xml, flags=re.S)
    else:
        cells = list(re.finditer(r'<c r="[A-Z]+\d+"[^>]*?(?:/>|>.*?</c>)', xml))
        if cells:
            cell = draw(st.sampled_from(cells))
            ref = re.match(r'<c r="([A-Z]+\d+)"', cell.group()).group(1)
            if kind == "cell value":
                new = f'<c r="{ref}"><v>{draw(st.sampled_from(CELL_VALUES))}</v></c>'
            elif kind == "cell type":
                new = f'<c r="{ref}" t="{draw(st.sampled_from(CELL_TYPES))}"><v>{draw(st.sampled_from(CELL_VALUES))}</v></c>'
            elif kind == "shared index":
                new = f'<c r="{ref}" t="s"><v>{draw(st.sampled_from(["-1", "999", "0", "1", "x", "2.5"]))}</v></c>'
            elif kind == "text":
                value = draw(st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="<&"),
                                     max_size=40))
                new = f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
            else:
                new = cell.group().replace(f'r="{ref}"', f'r="{draw(st.sampled_from(["A0", "ZZZZ1", "A99999999", "1A", ""]))}"')
            xml = xml[: cell.start()] + new + xml[cell.end():]
    contents[name] = xml.encode("utf-8", "surrogatepass")
    return kind, pack(contents)


def test_no_mutated_file_breaks_an_import_or_writes_part_of_itself(importers):  # noqa: F811
    figures = {"files": 0, "errors": 0, "imported": 0}
    failures: list[str] = []
    for name, (template, good, run, count) in importers.items():
        bases = [template, good]
        bases += [with_shared_strings(base) for base in bases]
        for base in bases:
            @BOUNDED
            @given(mutation=mutated(base))
            def one_file(mutation):
                kind, data = mutation
                figures["files"] += 1
                with transaction.atomic():
                    before = count()
                    try:
                        result = run(data)
                    except Exception as error:  # noqa: BLE001 - any escape is the failure looked for
                        failures.append(f"{name}, {kind}: {type(error).__name__}: {error}")
                        transaction.set_rollback(True)
                        return
                    if result.ok:
                        figures["imported"] += 1
                    else:
                        figures["errors"] += 1
                        if count() != before:
                            failures.append(f"{name}, {kind}: errors reported but rows written")
                    transaction.set_rollback(True)  # each file against the same starting point

            one_file()
    print(f"\nmutated imports: {len(importers)} importers x 4 base files, {figures['files']} files tried, "
          f"{figures['errors']} refused with errors, {figures['imported']} imported, {len(failures)} failures")
    assert figures["files"] >= len(importers) * 4
    assert not failures, "\n".join(failures[:20])
