"""The access matrix: every page, API and admin route — walked from the URL configuration, so a new
route cannot escape — called by every outsider persona with every method on the demo province's
records. None of them may get a 2xx on a record, read a record's text in a list, a search or an
export, or change anything.

The outsiders: the head, staff, inspector, council member and secretary of another organisation and
that organisation's administrator (a staff user of the admin site with every model permission); in
the demo province itself the head, staff, inspector (on no team) and council member of a sibling
unit (Sở Tài chính) that none of the records concern; and anonymous visitors."""

import io
import re
import zipfile
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.clients import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import LocalRegulation, Organisation, Role, Unit, User
from emulation.models import Award, CouncilSession, Nomination, Period, RatingRuleSet, RecomputeRun, TitleRule
from inspections.models import (
    DisciplinaryDecision,
    DisciplineFormRule,
    DisciplineRuleSet,
    Finding,
    FindingEvidence,
    Inspection,
    InspectionPlan,
    Recommendation,
    RollCall,
    RollEntry,
    ViolationType,
)
from notifications.models import Notification
from reform.models import CriteriaSet, LinkKind, Score, ScoreEvidence, ScoreLink
from tasks import services as task_services
from tasks.models import Evidence, ExtensionRequest, ProcessTemplate, Task, TaskStatus
from tests.factories import OrganisationFactory, RoleFactory, UnitFactory, UserFactory
from tests.routes import all_routes

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "tasks", "inspections", "reform", "emulation", "notifications", "scheduler")


ROUTES = sorted({route for route in all_routes() if not route.startswith("admin/")})

# Which record each route argument names, by the route's prefix (first match wins). A route with an
# argument none of these explains fails the test: a new kind of record must be added here.
ARGUMENTS = [
    (r"^accounts/reset/", {"uidb64": "none", "token": "none"}),  # a reset link names no record
    (r"^(api/v1/)?tasks/<int:pk>/extensions?/<int:request_pk>/", {"pk": "task_of_extension", "request_pk": "extension"}),
    (r"^tasks/evidence/<int:pk>/", {"pk": "task_evidence"}),
    (r"^(api/v1/)?tasks/<int:pk>/", {"pk": "task"}),
    (r"^inspections/plans/<int:pk>/|^api/v1/inspection-plans/<int:pk>/", {"pk": "plan"}),
    (r"^inspections/findings/<int:pk>/|^api/v1/findings/<int:pk>/", {"pk": "finding"}),
    (r"^inspections/evidence/<int:pk>/", {"pk": "finding_evidence"}),
    (r"^(inspections|api/v1)/recommendations/<int:pk>/", {"pk": "recommendation"}),
    (r"^inspections/discipline/<int:pk>/|^api/v1/decisions/<int:pk>/", {"pk": "decision"}),
    (r"^(api/v1/)?inspections/<int:pk>/roll/<int:roll_pk>/", {"pk": "check", "roll_pk": "roll"}),
    (r"^(api/v1/)?inspections/<int:pk>/", {"pk": "inspection", "action": "action"}),
    (r"^(api/v1/)?emulation/sessions/<int:pk>/", {"pk": "session"}),
    (r"^emulation/<int:pk>/|^api/v1/emulation/periods/<int:pk>/",
     {"pk": "period", "person_pk": "rated_person", "unit_pk": "scored_unit", "nomination_pk": "nomination",
      "award_pk": "award", "run_pk": "run"}),
    (r"^reform/<int:pk>/structure/<str:kind>/", {"pk": "reform_set", "kind": "reform_item_kind",
                                                 "item_pk": "reform_area"}),
    (r"^(api/v1/)?reform/(sets/)?<int:pk>/", {"pk": "reform_set", "kind": "reform_import"}),
    (r"^(api/v1/)?reform/assessments/<int:pk>/", {"pk": "reform_assessment", "sub_pk": "reform_sub"}),
    (r"^reform/scores/<int:pk>/", {"pk": "reform_score"}),
    (r"^reform/evidence/<int:pk>/", {"pk": "reform_evidence"}),
    (r"^reform/links/<int:pk>/", {"pk": "reform_link"}),
    # A shipped blank template names no record; a document is made of one record of its type.
    (r"^documents/templates/", {"kind": "blank_template"}),
    (r"^(api/v1/)?documents/<slug:kind>/<int:pk>", {"kind": "document_type", "pk": "decision"}),
    (r"^(api/v1/)?units/<int:pk>/", {"pk": "unit"}),
    (r"^(api/v1/)?people/<int:pk>/", {"pk": "person"}),
    (r"^notifications/<int:pk>/", {"pk": "notification"}),
    # A body's regulation is read by everyone of its organisation (tests/emulation/test_eligibility_rules.py);
    # the demo's has no file, so its download answers 404 to every persona here.
    (r"^regulations/<int:pk>/", {"pk": "regulation"}),
]
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def _arguments(route: str) -> dict[str, str]:
    names = ARGUMENT.findall(route)
    if not names:
        return {}
    for prefix, kinds in ARGUMENTS:
        if re.match(prefix, route):
            missing = [name for name in names if name not in kinds]
            assert not missing, f"{route}: say which record {missing} names in ARGUMENTS"
            return {name: kinds[name] for name in names}
    raise AssertionError(f"{route}: say which record its arguments name in ARGUMENTS")


def test_every_api_path_of_the_schema_is_a_walked_route():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    walked = {ARGUMENT.sub("{}", "/" + route) for route in ROUTES}
    documented = {re.sub(r"\{\w+\}", "{}", path) for path in schema["paths"]}
    assert documented <= walked, documented - walked


def test_every_route_argument_is_explained():
    for route in ROUTES:
        if not route.startswith("^media"):
            _arguments(route)
    assert not [route for route in ROUTES if route.startswith("^media")], "uploads are served only after an access check"


def _records(period) -> dict[str, int]:
    """One record of each kind, none of which concerns the sibling unit."""
    snv, sibling = Unit.objects.get(code="SNV"), Unit.objects.get(code="STC")
    # (The sibling's head leads only the self-assessments of the departments' reform exercises.)
    assert not Task.objects.filter(Q(assigning_unit__path__startswith=sibling.path)
                                   | Q(lead__unit__path__startswith=sibling.path)
                                   ).exclude(managed_by="reform_assessment").exists()
    running = Task.objects.filter(status=TaskStatus.IN_PROGRESS, assigning_unit__code="SNV").order_by("pk").first()
    extension = task_services.task_request_extension(
        actor=running.lead, task=running, new_deadline=running.deadline + timedelta(days=7),
        reason="Chờ số liệu của các phòng")
    nomination = Nomination.objects.filter(period=period, person__unit__path__startswith=snv.path).first()
    session = CouncilSession.objects.get(period=period)
    award = Award.objects.create(period=period, nomination=nomination, session=session, title=nomination.title,
                                 person=nomination.person, unit=nomination.unit, decision_number="99/QĐ-UBND",
                                 decision_date=timezone.localdate())
    finding = Finding.objects.filter(evidence__isnull=False).order_by("pk").first()
    # This year's reform exercise of the communes: no sibling department takes part in it.
    reform_set = CriteriaSet.objects.filter(unit_group="communes").order_by("-year").first()
    reform_score = Score.objects.filter(assessment__criteria_set=reform_set).order_by("pk").first()
    reform_evidence = ScoreEvidence.objects.create(
        score=reform_score, file=SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4 minh chung"), name="minh-chung.pdf",
        size=19, uploaded_by=User.objects.get(username="chutich.bmt"))
    reform_link = ScoreLink.objects.create(score=reform_score, kind=LinkKind.TASK, object_id=running.pk,
                                           label=running.code, added_by=User.objects.get(username="chutich.bmt"))
    roll = RollCall.objects.get(inspection__decision_number="27/QĐ-KTCV")
    records = {
        "task": running.pk, "task_of_extension": running.pk, "extension": extension.pk,
        "task_evidence": Evidence.objects.order_by("pk").first().pk,
        "plan": InspectionPlan.objects.get().pk, "inspection": finding.inspection_id, "action": "start",
        "finding": finding.pk, "finding_evidence": FindingEvidence.objects.filter(finding=finding).first().pk,
        "recommendation": Recommendation.objects.order_by("pk").first().pk,
        "decision": DisciplinaryDecision.objects.order_by("pk").first().pk,
        "session": session.pk, "period": period.pk, "rated_person": nomination.person_id, "scored_unit": snv.pk,
        "nomination": nomination.pk, "award": award.pk, "run": RecomputeRun.objects.filter(period=period).first().pk,
        "unit": snv.pk, "person": nomination.person_id,
        "reform_set": reform_set.pk, "reform_import": "self", "reform_assessment": reform_score.assessment_id,
        "reform_sub": reform_score.sub_criterion_id, "reform_score": reform_score.pk,
        "reform_evidence": reform_evidence.pk,
        "reform_link": reform_link.pk, "reform_item_kind": "area", "reform_area": reform_set.areas.order_by("pk").first().pk,
        "notification": Notification.objects.filter(recipient__username="giamdoc.snv").first().pk,
        "regulation": LocalRegulation.objects.order_by("pk").first().pk,
        # The demo's public-service check under way and the roll of the unit it visits.
        "check": roll.inspection_id, "roll": roll.pk,
        # The disciplinary decision above, as its document.
        "document_type": "discipline-decision", "blank_template": "task-assignment",
        "none": "x",
    }
    assert all(records.values()), records
    return records


def _markers() -> list[str]:
    """Texts that only someone entitled to the records may read."""
    # Not the titles the sibling unit's own tasks share (its reform self-assessment reads like every unit's).
    sibling = Unit.objects.get(code="STC")
    own = set(Task.objects.filter(lead__unit__path__startswith=sibling.path).values_list("title", flat=True))
    texts = [*Task.objects.exclude(title__in=own).values_list("title", flat=True),
             *Finding.objects.values_list("description", flat=True),
             *DisciplinaryDecision.objects.values_list("summary", flat=True),
             *Inspection.objects.values_list("title", flat=True), "Chờ số liệu của các phòng",
             *RollEntry.objects.exclude(reason="").values_list("reason", flat=True)]
    return sorted({text for text in texts if len(text) >= 12})


@pytest.fixture
def outsiders(demo) -> dict[str, User | None]:
    other = OrganisationFactory(code="KHAC", name="Tỉnh Khác")
    root = UnitFactory(organisation=other, code="KHAC", name="UBND tỉnh Khác")

    def person(username, unit, role, **extra):
        user = UserFactory(username=username, unit=unit, **extra)
        RoleFactory(user=user, unit=unit, role=role)
        return user

    sibling = Unit.objects.get(code="STC")
    administrator = person("quantri.khac", root, Role.ADMIN, is_staff=True)
    administrator.user_permissions.set(Permission.objects.filter(content_type__app_label__in=OUR_APPS))
    return {
        "head of another organisation": person("lanhdao.khac", root, Role.HEAD, is_leader=True),
        "staff of another organisation": person("canbo.khac", root, Role.STAFF),
        "inspector of another organisation": person("thanhtra.khac", root, Role.INSPECTOR),
        "council member of another organisation": person("hoidong.khac", root, Role.COUNCIL_MEMBER),
        "council secretary of another organisation": person("thuky.khac", root, Role.COUNCIL_SECRETARY),
        "administrator of another organisation": administrator,
        "head of a sibling unit": person("giamdoc.stc", sibling, Role.HEAD, is_leader=True),
        "staff of a sibling unit": person("canbo.stc", sibling, Role.STAFF),
        "inspector on no team": person("thanhtra.stc", sibling, Role.INSPECTOR),
        "council member of a sibling scope": person("hoidong.stc", sibling, Role.COUNCIL_MEMBER),
        "anonymous": None,
    }


def _snapshot() -> dict[str, int]:
    """Row counts of every model of the product, their history tables included."""
    return {model._meta.label: model.objects.count() for app in OUR_APPS
            for model in apps.get_app_config(app).get_models()}


def _text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # an Excel workbook: its shared strings and sheets
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))
    return body.decode(errors="replace")


def _admin_urls(records: dict[str, int]) -> list[tuple[str, bool]]:
    """(url, names a record) for every model of the product registered in the admin site."""
    urls = []
    instances = {Task: records["task"], Inspection: records["inspection"], Finding: records["finding"],
                 DisciplinaryDecision: records["decision"], Recommendation: records["recommendation"],
                 InspectionPlan: records["plan"],
                 Unit: records["unit"], User: records["person"], Period: records["period"],
                 Nomination: records["nomination"], Award: records["award"], ExtensionRequest: records["extension"]}
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls.append((base, False))
        if model in instances:
            pk = instances[model]
            urls += [(f"{base}{pk}/change/", True), (f"{base}{pk}/history/", True), (f"{base}{pk}/delete/", True)]
    return urls


def test_the_records_are_there_for_those_entitled(demo):
    """The control: the head of the records' unit reads each of them through the same URLs."""
    records = _records(demo)
    client = Client()
    client.force_login(User.objects.get(username="giamdoc.snv"))
    for url in [f"/tasks/{records['task']}/", f"/api/v1/tasks/{records['task']}/",
                f"/inspections/discipline/{records['decision']}/", f"/api/v1/people/{records['person']}/",
                f"/emulation/{records['period']}/people/{records['rated_person']}/",
                f"/reform/{records['reform_set']}/", f"/reform/assessments/{records['reform_assessment']}/",
                f"/reform/evidence/{records['reform_evidence']}/"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.one_run  # ~10,000 requests; the policy's querysets are the same on both databases
def test_outsiders_get_nothing(demo, outsiders):
    records = _records(demo)
    markers = _markers()
    clients = {}
    for persona, user in outsiders.items():
        clients[persona] = Client()
        if user:
            clients[persona].force_login(user)  # before the snapshot: a login records its time
    before = _snapshot()
    failures, calls = [], 0

    def check(persona, method, url, names_record):
        nonlocal calls
        client = clients[persona]
        response = client.get(url) if method == "get" else getattr(client, method)(url, content_type="application/json")
        calls += 1
        status = response.status_code
        if status >= 500:
            failures.append(f"{persona} {method.upper()} {url}: server error {status}")
        elif names_record and 200 <= status < 300:
            failures.append(f"{persona} {method.upper()} {url}: {status} on a record outside their scope")
        elif 200 <= status < 300 and method == "get":
            leaked = [marker for marker in markers if marker in _text_of(response)]
            if leaked:
                failures.append(f"{persona} GET {url}: shows {leaked[:2]}")

    for persona in outsiders:
        for route in ROUTES:
            if route == "accounts/logout/":
                continue  # last, below: it ends the persona's session and every call after it would be anonymous
            kinds = _arguments(route)
            url = "/" + ARGUMENT.sub(lambda match, kinds=kinds: str(records[kinds[match.group(1)]]), route)
            methods = ("get", "post", "put", "patch", "delete") if route.startswith("api/") else ("get", "post")
            for method in methods:
                check(persona, method, url, any(kind not in ("none", "blank_template") for kind in kinds.values()))
        for url, names_record in _admin_urls(records):
            for method in ("get", "post"):
                check(persona, method, url, names_record)
        if outsiders[persona]:  # still signed in after every route but the logout: none ran anonymously
            assert clients[persona].get("/api/v1/me/").status_code == 200, persona
        check(persona, "post", "/accounts/logout/", False)
    assert not failures, f"{len(failures)} of {calls} calls:\n" + "\n".join(failures)
    assert _snapshot() == before, "an outsider's call changed something"
    print(f"{len(outsiders)} personas, {calls} calls, no leak")
    assert calls > 2000


class _FormFields(HTMLParser):
    """The fields a browser would send with the admin's object form (the one with id "…_form")."""

    def __init__(self):
        super().__init__()
        self.data, self._in_form, self._select, self._textarea = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = attrs.get("id", "").endswith("_form")
        if not self._in_form or not attrs.get("name"):
            if tag == "option" and self._select and "selected" in attrs:
                self.data.setdefault(self._select, []).append(attrs.get("value", ""))
            return
        name = attrs["name"]
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] = [self.data[self._textarea][0] + data]


def _relation_fields(response) -> list[tuple[str, type, bool]]:
    """(posted name, related model, many) of every relation field of the admin form and its inlines."""
    fields = []
    for name, field in response.context["adminform"].form.fields.items():
        if isinstance(field, ModelChoiceField):
            fields.append((name, field.queryset.model, isinstance(field, ModelMultipleChoiceField)))
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        form = formset.forms[0] if formset.forms else formset.empty_form
        for name, field in form.fields.items():
            if isinstance(field, ModelChoiceField) and name != formset.model._meta.pk.name:
                fields.append((f"{formset.prefix}-0-{name}", field.queryset.model,
                               isinstance(field, ModelMultipleChoiceField)))
    return fields


def _refused_on(response, name) -> bool:
    if response.status_code in (403, 404):
        return True
    if response.status_code != 200:
        return False
    errors = dict(response.context["adminform"].form.errors)
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            errors.update({f"{form.prefix}-{key}": value for key, value in form.errors.items()})
    return name in errors


def test_admin_forms_refuse_other_organisations_and_privileged_ids(demo, outsiders):
    """Every add and change form of the admin that another organisation's administrator can open,
    posted with each of its relation fields (inlines included) set to a record of the demo province
    or a privileged account — the superuser, the administrator themselves — is refused on that
    field (or 403/404), and nothing is written."""
    attacker = outsiders["administrator of another organisation"]
    khac = attacker.unit.organisation
    client = Client()
    client.force_login(attacker)
    own = {  # records of the attacker's own organisation, so that change forms can be opened
        ProcessTemplate: ProcessTemplate.objects.create(organisation=khac, name="Quy trình tỉnh khác"),
        InspectionPlan: InspectionPlan.objects.create(organisation=khac, issuing_unit=attacker.unit, year=2026,
                                                      title="Kế hoạch tỉnh khác", created_by=attacker),
        Unit: attacker.unit, User: User.objects.get(username="canbo.khac"),
    }
    demo_unit, demo_org = Unit.objects.get(code="SNV"), Unit.objects.get(code="SNV").organisation
    foreign = {
        Unit: [demo_unit.pk], Organisation: [demo_org.pk],
        User: [User.objects.get(username="admin").pk, User.objects.get(username="giamdoc.snv").pk, attacker.pk],
        Task: [Task.objects.filter(assigning_unit__organisation=demo_org).first().pk],
    }
    shared = {ViolationType, DisciplineFormRule, DisciplineRuleSet, RatingRuleSet, TitleRule}

    def candidates(model):
        if model in foreign:
            return foreign[model]
        if model in shared:
            return []
        if any(field.name == "organisation" for field in model._meta.concrete_fields):
            return list(model.objects.exclude(organisation=khac).values_list("pk", flat=True)[:1])
        return list(model.objects.order_by("pk").values_list("pk", flat=True)[:1])  # the demo's, made first

    before = _snapshot()
    failures, posts = [], 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        info = model._meta.app_label, model._meta.model_name
        urls = [reverse("admin:%s_%s_add" % info)]
        if model in own:
            urls.append(reverse("admin:%s_%s_change" % info, args=[own[model].pk]))
        for url in urls:
            page = client.get(url)
            if page.status_code != 200:
                continue
            parser = _FormFields()
            parser.feed(page.content.decode())
            for name, related, many in _relation_fields(page):
                for pk in candidates(related):
                    data = {**parser.data, name: [str(pk)]}
                    for total in [key for key in data if key.endswith("-TOTAL_FORMS")]:
                        if name.startswith(total.removesuffix("TOTAL_FORMS")):
                            data[total] = [str(max(1, int(data[total][0])))]
                    rows = list(model.objects.order_by("pk").values())
                    response = client.post(url, data)
                    posts += 1
                    if not _refused_on(response, name):
                        failures.append(f"{url} {name}={related.__name__}#{pk}: {response.status_code}")
                    elif list(model.objects.order_by("pk").values()) != rows:
                        failures.append(f"{url} {name}={related.__name__}#{pk}: refused but changed a row")
    assert not failures, "\n".join(failures)
    assert _snapshot() == before
    print(f"{posts} admin posts with foreign or privileged ids, all refused")
    assert posts >= 20, posts
