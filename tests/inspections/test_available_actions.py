"""access.available_actions is the one statement of who may do what in which state. For every
aggregate, every persona and every state: the buttons the page shows are exactly the actions
available_actions names, and exactly the actions the services accept (each is tried in a
savepoint and rolled back; a ValidationError means the step was open and only the input was
refused, PermissionDenied or ConflictError that it was not)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.errors import ConflictError
from inspections import services
from inspections.access import available_actions
from inspections.models import (
    DisciplinaryDecision,
    DisciplineForm,
    DisciplineSystem,
    Finding,
    FindingStatus,
    Handling,
    Inspection,
    InspectionStatus,
    PauseKind,
    Recommendation,
)
from tasks import services as task_services
from tests.clients import Client
from tests.inspections.conftest import violation
from tests.tasks.conftest import pdf

pytestmark = pytest.mark.django_db


class _RolledBack(Exception):
    pass


def accepts(call) -> bool:
    try:
        with transaction.atomic():
            call()
            raise _RolledBack
    except _RolledBack:
        return True
    except ValidationError:  # the step is open to them: only this input was refused
        return True
    except (PermissionDenied, ConflictError):
        return False


def shown(user, page: str, buttons: dict[str, str]) -> set[str]:
    """The actions whose form the page offers `user` (none when the page is not theirs to see)."""
    client = Client()
    client.force_login(user)
    response = client.get(page)
    if response.status_code == 404:
        return set()
    assert response.status_code == 200, page
    html = response.content.decode()
    return {name for name, url in buttons.items() if f'"{url}"' in html}


def personas(world, inspectorate) -> dict[str, User]:
    return {"team leader": inspectorate.leader, "member": inspectorate.member, "head": inspectorate.chief,
            "other inspector": inspectorate.other_inspector, "task lead": world.head_dept,
            "subject": world.staff_division, "outsider": world.outsider}


def walk(people: dict[str, User], load, page: str, buttons: dict[str, str], calls: dict) -> None:
    assert set(calls) == set(buttons)
    failures = []
    for who, user in people.items():
        user = User.objects.get(pk=user.pk)
        offered = set(available_actions(user, load()))
        on_page = shown(user, page, buttons)
        accepted = {name for name, call in calls.items() if accepts(lambda: call(User.objects.get(pk=user.pk)))}
        if not offered <= set(buttons):
            failures.append(f"{who}: unknown actions {offered - set(buttons)}")
        if not (on_page == offered == accepted):
            failures.append(f"{who}: page {sorted(on_page)}, available {sorted(offered)}, services {sorted(accepted)}")
    assert not failures, "\n".join(failures)


# -- inspections -----------------------------------------------------------------------------

INSPECTION_STATES = ["planned", "in_progress", "in_progress with a finding", "reported", "reported, drafting assigned",
                     "draft_conclusion", "concluded", "concluded, directive recorded", "published",
                     "published, nothing open", "follow_up", "closed", "cancelled"]


def _inspection_in(state, make_inspection, inspectorate, record) -> Inspection:
    leader, today = inspectorate.leader, timezone.localdate()
    if state == "closed":
        inspection = make_inspection(InspectionStatus.FOLLOW_UP, recommendations=0)
        services.inspection_close(actor=leader, inspection=inspection)
    elif state == "cancelled":
        inspection = make_inspection(InspectionStatus.PLANNED)
        services.inspection_cancel(actor=leader, inspection=inspection, reason="Trùng kế hoạch")
    elif state == "in_progress with a finding":
        inspection = make_inspection(InspectionStatus.IN_PROGRESS)
        record(inspection)
    elif state == "reported, drafting assigned":
        inspection = make_inspection(InspectionStatus.REPORTED)
        services.inspection_assign_drafting(actor=leader, inspection=inspection, assigned_on=today)
    elif state == "concluded, directive recorded":
        inspection = make_inspection(InspectionStatus.CONCLUDED)
        services.inspection_record_directive(actor=leader, inspection=inspection, number="7/CT", directive_date=today)
    elif state == "published, nothing open":
        inspection = make_inspection(InspectionStatus.PUBLISHED, recommendations=0)
    else:
        inspection = make_inspection(state)
    return Inspection.objects.get(pk=inspection.pk)


@pytest.mark.parametrize("state", INSPECTION_STATES)
def test_inspection_buttons_are_what_the_services_accept(state, world, inspectorate, make_inspection, record):
    inspection = _inspection_in(state, make_inspection, inspectorate, record)
    pk, today = inspection.pk, timezone.localdate()

    def fresh():
        return Inspection.objects.get(pk=pk)

    steps = {"start": "start", "report": "report", "assign_drafting": "assign-drafting", "draft": "draft",
             "directive": "directive", "conclude": "conclude", "publish": "publish", "follow_up": "follow-up",
             "close": "close", "cancel": "cancel"}
    buttons = {name: reverse("inspections:action", args=[pk, slug]) for name, slug in steps.items()}
    buttons |= {"team": reverse("inspections:team", args=[pk]), "recommend": reverse("inspections:recommend", args=[pk]),
                "record": reverse("inspections:finding_create", args=[pk])}
    calls = {
        "start": lambda u: services.inspection_start(actor=u, inspection=fresh()),
        "report": lambda u: services.inspection_report(actor=u, inspection=fresh()),
        "assign_drafting": lambda u: services.inspection_assign_drafting(actor=u, inspection=fresh(), assigned_on=today),
        "draft": lambda u: services.inspection_draft_conclusion(actor=u, inspection=fresh(), text="Dự thảo"),
        "directive": lambda u: services.inspection_record_directive(actor=u, inspection=fresh(), number="8/CT",
                                                                    directive_date=today),
        "conclude": lambda u: services.inspection_conclude(actor=u, inspection=fresh(), number="6/KL",
                                                           conclusion_date=today, signer="Chánh Thanh tra"),
        "publish": lambda u: services.inspection_publish(actor=u, inspection=fresh(),
                                                         publish_until=today + timedelta(days=20)),
        "follow_up": lambda u: services.inspection_follow_up(actor=u, inspection=fresh()),
        "close": lambda u: services.inspection_close(actor=u, inspection=fresh()),
        "cancel": lambda u: services.inspection_cancel(actor=u, inspection=fresh(), reason="Không cần nữa"),
        "team": lambda u: services.inspection_set_team(actor=u, inspection=fresh(), leader=inspectorate.leader,
                                                       members=[inspectorate.member]),
        "recommend": lambda u: services.recommendation_add(
            actor=u, inspection=fresh(), content="Chấn chỉnh", target_unit=world.dept,
            deadline=today + timedelta(days=30), expected_result="Không tái phạm"),
        "record": lambda u: services.finding_record(actor=u, inspection=fresh(), data={
            "subject_person": world.staff_division, "violation_type": violation(), "description": "Đi muộn"}),
    }
    walk(personas(world, inspectorate), fresh, reverse("inspections:detail", args=[pk]), buttons, calls)


# -- recommendations -------------------------------------------------------------------------

RECOMMENDATION_STATES = ["draft", "in remediation", "result submitted", "task completed", "verified", "withdrawn",
                         "result submitted, the team leader leads the task", "draft, before the draft conclusion"]


def _recommendation_in(state, world, make_inspection, inspectorate) -> Recommendation:
    leader, today = inspectorate.leader, timezone.localdate()
    if state == "draft, before the draft conclusion":
        inspection = make_inspection(InspectionStatus.REPORTED)
        return services.recommendation_add(actor=leader, inspection=inspection, content="Chấn chỉnh",
                                           target_unit=world.dept, deadline=today + timedelta(days=30),
                                           expected_result="Không tái phạm")
    if state == "draft":
        return make_inspection(InspectionStatus.DRAFT_CONCLUSION).recommendations.get()
    recommendation = make_inspection(InspectionStatus.CONCLUDED).recommendations.get()
    task = recommendation.task
    if state == "withdrawn":
        services.recommendation_withdraw(actor=leader, recommendation=recommendation, reason="Không còn phù hợp")
    elif state != "in remediation":
        task_services.task_accept(actor=world.head_dept, task=task)
        task_services.task_submit_result(actor=world.head_dept, task=task, note="Đã chấn chỉnh", files=[pdf()])
        if state == "task completed":
            task.refresh_from_db()
            task_services.task_approve(actor=leader, task=task, quality="pass")
        elif state == "verified":
            services.recommendation_verify(actor=leader, recommendation=recommendation, accepted=True)
        elif state == "result submitted, the team leader leads the task":
            Inspection.objects.filter(pk=recommendation.inspection_id).update(leader=world.head_dept)
    return Recommendation.objects.get(pk=recommendation.pk)


@pytest.mark.parametrize("state", RECOMMENDATION_STATES)
def test_recommendation_buttons_are_what_the_services_accept(state, world, inspectorate, make_inspection):
    recommendation = _recommendation_in(state, world, make_inspection, inspectorate)
    pk = recommendation.pk

    def fresh():
        return Recommendation.objects.select_related("inspection", "task").get(pk=pk)

    buttons = {"verify": reverse("inspections:recommendation_verify", args=[pk]),
               "withdraw": reverse("inspections:recommendation_withdraw", args=[pk]),
               "replace_task": reverse("inspections:recommendation_replace_task", args=[pk])}
    calls = {
        "verify": lambda u: services.recommendation_verify(actor=u, recommendation=fresh(), accepted=True),
        "withdraw": lambda u: services.recommendation_withdraw(actor=u, recommendation=fresh(), reason="Thôi"),
        "replace_task": lambda u: services.recommendation_replace_task(actor=u, recommendation=fresh(), reason="Đổi"),
    }
    walk(personas(world, inspectorate), fresh, reverse("inspections:detail", args=[recommendation.inspection_id]),
         buttons, calls)


# -- findings --------------------------------------------------------------------------------

FINDING_STATES = ["awaiting explanation", "explanation overdue", "on a unit, awaiting explanation", "explained",
                  "not explained", "handled", "withdrawn", "with an issued decision"]


def _finding_in(state, world, make_inspection, inspectorate, record) -> Finding:
    inspection = make_inspection(InspectionStatus.IN_PROGRESS)
    if state == "on a unit, awaiting explanation":
        finding = services.finding_record(actor=inspectorate.member, inspection=inspection, data={
            "subject_person": None, "subject_unit": world.dept, "violation_type": violation(),
            "description": "Không niêm yết thủ tục"})
    else:
        finding = record(inspection)
    yesterday = timezone.localdate() - timedelta(days=1)
    if state == "explanation overdue":
        Finding.objects.filter(pk=finding.pk).update(explanation_due=yesterday)
    elif state == "explained":
        services.finding_explain(actor=world.staff_division, finding=finding, text="Do tắc đường")
    elif state == "not explained":
        Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.NOT_EXPLAINED, explanation_due=yesterday)
    elif state == "handled":
        services.finding_explain(actor=world.staff_division, finding=finding, text="Do tắc đường")
        services.finding_propose_handling(actor=inspectorate.leader, finding=finding, handling=Handling.values[0])
    elif state == "withdrawn":
        services.finding_withdraw(actor=inspectorate.leader, finding=finding, reason="Nhầm người")
    elif state == "with an issued decision":
        Finding.objects.filter(pk=finding.pk).update(explanation_due=yesterday)
        finding.refresh_from_db()
        day = timezone.localtime(finding.occurred_at).date()
        services.decision_record(actor=world.head_dept, subject=world.staff_division, summary="Đi muộn",
                                 discovered_on=day, findings=[finding], form=DisciplineForm.REPRIMAND, number="1/QĐ",
                                 decision_date=day, signer="Giám đốc Sở")
    return Finding.objects.get(pk=finding.pk)


@pytest.mark.parametrize("state", FINDING_STATES)
def test_finding_buttons_are_what_the_services_accept(state, world, inspectorate, make_inspection, record):
    finding = _finding_in(state, world, make_inspection, inspectorate, record)
    pk = finding.pk

    def fresh():
        return Finding.objects.select_related("inspection").get(pk=pk)

    buttons = {name: reverse(f"inspections:finding_{name}", args=[pk]) for name in ("explain", "propose", "withdraw")}
    calls = {
        "explain": lambda u: services.finding_explain(actor=u, finding=fresh(), text="Giải trình"),
        "propose": lambda u: services.finding_propose_handling(actor=u, finding=fresh(), handling=Handling.values[0]),
        "withdraw": lambda u: services.finding_withdraw(actor=u, finding=fresh(), reason="Nhầm"),
    }
    walk(personas(world, inspectorate), fresh, reverse("inspections:finding", args=[pk]), buttons, calls)


# -- disciplinary decisions ------------------------------------------------------------------

DECISION_STATES = ["proceeding", "issued", "issued by the Party, not announced", "issued by the Party, announced",
                   "withdrawn"]


def _decision_in(state, world) -> DisciplinaryDecision:
    authority, day = world.head_dept, date(2026, 3, 10)
    common = {"actor": authority, "subject": world.staff_division, "summary": "Vắng mặt không lý do",
              "discovered_on": date(2026, 3, 1), "violation_date": date(2026, 2, 25)}
    if state == "proceeding":
        return services.decision_open(**common)
    issue = {"form": DisciplineForm.REPRIMAND, "number": "3/QĐ", "decision_date": day, "signer": "Giám đốc Sở"}
    if state.startswith("issued by the Party"):
        world.staff_division.is_party_member = True
        world.staff_division.save()
        announced = {"announced_on": day} if state.endswith(", announced") else {}
        return services.decision_record(**common, **issue, system=DisciplineSystem.PARTY, **announced)
    decision = services.decision_record(**common, **issue)
    if state == "withdrawn":
        services.decision_withdraw(actor=authority, decision=decision, reason="Sai thẩm quyền")
    return DisciplinaryDecision.objects.get(pk=decision.pk)


@pytest.mark.parametrize("state", DECISION_STATES)
def test_decision_buttons_are_what_the_services_accept(state, world, inspectorate):
    decision = _decision_in(state, world)
    pk, today = decision.pk, timezone.localdate()

    def fresh():
        return DisciplinaryDecision.objects.select_related("subject_unit").get(pk=pk)

    buttons = {name: reverse(f"inspections:decision_{name}", args=[pk])
               for name in ("issue", "pause", "announce", "withdraw")}
    calls = {
        "issue": lambda u: services.decision_issue(actor=u, decision=fresh(), form=DisciplineForm.REPRIMAND,
                                                   number="4/QĐ", decision_date=today, signer="Giám đốc Sở"),
        "pause": lambda u: services.decision_add_pause(actor=u, decision=fresh(), kind=PauseKind.values[0],
                                                       starts_on=today),
        "announce": lambda u: services.decision_announce(actor=u, decision=fresh(), announced_on=today),
        "withdraw": lambda u: services.decision_withdraw(actor=u, decision=fresh(), reason="Sai"),
    }
    people = personas(world, inspectorate) | {"administrator": world.admin_a}
    walk(people, fresh, reverse("inspections:decision", args=[pk]), buttons, calls)
