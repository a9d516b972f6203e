"""An organisation's administrator (a staff user of the admin site holding every model permission
of the product) cannot, through the admin site or the people import, become a superuser or the
administrator of another organisation, take over a superuser's or a staff account, or rewrite a
task or a legal record by editing its fields."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin import ScopedAdminMixin
from accounts.models import Role, RoleAssignment, Unit, User
from inspections.models import InspectionPlan
from scheduler.models import JobRun
from tasks import services as task_services
from tasks.models import ProcessTemplate, Recurrence, Task
from tests.clients import Client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "tasks", "inspections", "emulation", "notifications", "scheduler")
PASSWORD = "secret-pass-123"


@pytest.fixture
def attacker(world) -> Client:
    """The administrator of organisation A, on the admin site with every permission of the product."""
    world.admin_a.is_staff = True
    world.admin_a.save()
    world.admin_a.user_permissions.set(Permission.objects.filter(content_type__app_label__in=OUR_APPS))
    client = Client()
    client.force_login(world.admin_a)
    return client


@pytest.fixture
def superuser(world) -> User:
    return UserFactory(username="root", full_name="Quản trị hệ thống", unit=world.province, is_staff=True,
                       is_superuser=True, email="root@example.gov.vn")


@pytest.fixture
def staff_account(world) -> User:
    return UserFactory(username="vanhanh", full_name="Vận hành", unit=world.province, is_staff=True,
                       email="vanhanh@example.gov.vn")


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# -- accounts the administrator must not take over ------------------------------------------------


@pytest.mark.parametrize("target", ["superuser", "staff_account", "other_organisation"])
def test_the_password_of_a_privileged_or_foreign_account_cannot_be_set(request, world, attacker, target):
    victim = world.outsider if target == "other_organisation" else request.getfixturevalue(target)
    url = f"/admin/accounts/user/{victim.pk}/password/"
    assert attacker.get(url).status_code in (403, 404)
    response = attacker.post(url, {"password1": "Chiem-quyen-2026!", "password2": "Chiem-quyen-2026!",
                                   "usable_password": "true"})
    assert response.status_code in (403, 404)
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)


def test_the_password_of_an_ordinary_member_can_still_be_set(world, attacker):
    url = f"/admin/accounts/user/{world.staff_division.pk}/password/"
    response = attacker.post(url, {"password1": "Mat-khau-moi-2026!", "password2": "Mat-khau-moi-2026!",
                                   "usable_password": "true"})
    assert response.status_code == 302
    world.staff_division.refresh_from_db()
    assert world.staff_division.check_password("Mat-khau-moi-2026!")


@pytest.mark.parametrize("target", ["superuser", "staff_account"])
def test_a_privileged_account_is_read_only_to_an_administrator(request, world, attacker, target):
    victim = request.getfixturevalue(target)
    assert attacker.get(_change_url(victim)).status_code == 200  # they may look it up
    response = attacker.post(_change_url(victim), {
        "username": victim.username, "full_name": victim.full_name, "email": "ke.gian@example.com",
        "unit": world.province.pk, "staff_group": victim.staff_group, "is_active": "on",
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-0-unit": world.province.pk, "role_assignments-0-role": Role.HEAD, "role_assignments-0-valid_from": "2026-01-01",
    })
    assert response.status_code == 403
    victim.refresh_from_db()
    assert victim.email.endswith("@example.gov.vn") and victim.is_active
    assert not RoleAssignment.objects.filter(user=victim).exists()


def test_the_two_step_reset_spares_superusers_staff_and_other_organisations(world, attacker, superuser, staff_account):
    victims = [superuser, staff_account, world.outsider, world.staff_division]
    for person in victims:
        TOTPDevice.objects.create(user=person, name="authenticator", confirmed=True)
    attacker.post(reverse("admin:accounts_user_changelist"),
                  {"action": "reset_two_step_sign_in", "_selected_action": [p.pk for p in victims]})
    kept = set(TOTPDevice.objects.filter(user__in=victims).values_list("user__username", flat=True))
    assert kept == {superuser.username, staff_account.username, world.outsider.username}


# -- roles ---------------------------------------------------------------------------------------


def _role_form(user, unit, role=Role.ADMIN):
    return {"user": user.pk, "unit": unit.pk, "role": role, "valid_from": "2026-01-01", "valid_to": ""}


def test_an_administrator_cannot_make_themselves_administrator_of_another_organisation(world, attacker):
    response = attacker.post(reverse("admin:accounts_roleassignment_add"), _role_form(world.admin_a, world.other_root))
    assert response.status_code == 200 and response.context["adminform"].form.errors["unit"]
    assert not RoleAssignment.objects.filter(unit=world.other_root, user=world.admin_a).exists()


@pytest.mark.parametrize("target", ["superuser", "staff_account", "other_organisation", "themselves"])
def test_no_role_is_given_to_a_privileged_or_foreign_account(request, world, attacker, target):
    person = {"other_organisation": world.outsider, "themselves": world.admin_a}.get(target) \
        or request.getfixturevalue(target)
    before = RoleAssignment.objects.count()
    response = attacker.post(reverse("admin:accounts_roleassignment_add"), _role_form(person, world.dept, Role.HEAD))
    assert response.status_code == 200 and response.context["adminform"].form.errors["user"]
    assert RoleAssignment.objects.count() == before


def test_a_role_of_a_privileged_account_cannot_be_changed(world, attacker, superuser):
    role = RoleAssignment.objects.create(user=superuser, unit=world.province, role=Role.STAFF,
                                         valid_from=timezone.localdate())
    response = attacker.post(_change_url(role), _role_form(superuser, world.province, Role.HEAD))
    assert response.status_code == 403
    role.refresh_from_db()
    assert role.role == Role.STAFF


def test_a_role_in_another_organisation_cannot_be_given_through_the_person_form(world, attacker):
    member = world.colleague_division

    def post(unit):
        return attacker.post(_change_url(member), {
            "username": member.username, "full_name": member.full_name, "email": member.email,
            "unit": member.unit_id, "staff_group": member.staff_group, "is_active": "on",
            "date_joined_0": "01/01/2025", "date_joined_1": "08:00:00", "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-unit": unit.pk, "role_assignments-0-role": Role.ADMIN, "role_assignments-0-valid_from": "2026-01-01",
            "role_assignments-0-user": member.pk,
        })

    assert post(world.other_root).status_code == 200
    assert not RoleAssignment.objects.filter(user=member).exists()
    response = post(world.province)
    assert response.status_code == 302, [f.formset.errors for f in response.context["inline_admin_formsets"]]  # the control: in their own organisation it is saved
    assert RoleAssignment.objects.get(user=member).unit == world.province


def test_a_member_cannot_be_moved_into_another_organisation(world, attacker):
    member = world.colleague_division
    response = attacker.post(_change_url(member), {
        "username": member.username, "full_name": member.full_name, "email": member.email,
        "unit": world.other_root.pk, "staff_group": member.staff_group, "is_active": "on",
        "date_joined_0": "01/01/2025", "date_joined_1": "08:00:00", "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200 and response.context["adminform"].form.errors["unit"]
    member.refresh_from_db()
    assert member.unit == world.division


def test_a_unit_cannot_be_placed_under_another_organisations_unit(world, attacker):
    before = Unit.objects.count()
    response = attacker.post(reverse("admin:accounts_unit_add"), {
        "organisation": world.province.organisation_id, "code": "NEW", "name": "Đơn vị lạ", "kind": "department",
        "active": "on", "treebeard_position": "first-child", "treebeard_ref_node": world.other_root.pk,
    })
    assert response.status_code == 200 and Unit.objects.count() == before
    response = attacker.post(_change_url(world.sibling), {
        "organisation": world.province.organisation_id, "code": world.sibling.code, "name": world.sibling.name,
        "kind": world.sibling.kind, "active": "on", "treebeard_position": "first-child", "treebeard_ref_node": world.other_root.pk,
    })
    assert response.status_code == 200
    assert Unit.objects.get(pk=world.sibling.pk).path.startswith(world.province.path)
    response = attacker.post(reverse("admin:accounts_unit_add"), {  # the control: under their own unit it is saved
        "organisation": world.province.organisation_id, "code": "NEW", "name": "Đơn vị mới", "kind": "department",
        "active": "on", "treebeard_position": "first-child", "treebeard_ref_node": world.sibling.pk,
    })
    assert response.status_code == 302 and Unit.objects.get(code="NEW").path.startswith(world.sibling.path)


# -- tasks and records are not edited in the admin --------------------------------------------------


@pytest.fixture
def late_task(world) -> Task:
    data = {
        "title": "Rà soát thủ tục hành chính quý IV", "content": "Rà soát toàn bộ thủ tục hành chính.",
        "source_number": "123/KH-UBND", "source_issuer": "UBND tỉnh", "lead": world.staff_division,
        "process_description": "1. Thống kê; 2. Đánh giá", "reporting_regime": "Hằng tuần",
        "deadline": timezone.now() + timedelta(days=10), "responsibility": "Đầy đủ", "product_type": "Báo cáo",
        "product_description": "Báo cáo rà soát", "expected_result": "100% thủ tục", "acceptance_criterion": "Thông qua",
        "authority_basis": "Giám đốc Sở", "lead_may_decide": "Phân công",
    }
    task = task_services.task_create_draft(actor=world.head_dept, assigning_unit=world.dept, data=data)
    task_services.task_assign(actor=world.head_dept, task=task)
    return task


def test_a_task_is_not_edited_in_the_admin(world, attacker, late_task):
    deadline = late_task.deadline
    events = late_task.events.count()
    response = attacker.post(_change_url(late_task), {
        "title": late_task.title, "deadline_0": "31/12/2030", "deadline_1": "17:00", "lead": world.outsider.pk,
        "assigning_unit": world.dept.pk, "assigner": world.head_dept.pk, "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    })
    assert response.status_code == 403
    late_task.refresh_from_db()
    assert late_task.deadline == deadline and late_task.lead == world.staff_division
    assert late_task.events.count() == events
    assert attacker.get(_change_url(late_task)).status_code == 200  # still shown
    assert attacker.get(reverse("admin:tasks_task_add")).status_code == 403


def test_every_record_admin_refuses_changes_and_additions(rf, world, superuser):
    """Tasks and legal records change through their actions only: no admin edits or adds them,
    not even for a superuser. Catalogues, rule sets and configuration stay editable."""
    from emulation.models import RatingRuleSet, TitleRule
    from inspections.models import DisciplinaryDecision, DisciplineFormRule, DisciplineRuleSet, Finding, Inspection, ViolationType
    from tasks.models import TaskPolicy

    request = rf.get("/admin/")
    request.user = superuser
    for model in (Task, Inspection, Finding, DisciplinaryDecision):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
    for model in (ViolationType, DisciplineFormRule, DisciplineRuleSet, RatingRuleSet, TitleRule, TaskPolicy,
                  ProcessTemplate, Recurrence, InspectionPlan):
        assert admin.site._registry[model].has_change_permission(request), model


def test_a_recurrence_cannot_take_another_organisations_task(world, attacker, late_task):
    other = UserFactory(unit=world.other_root)
    RoleAssignment.objects.create(user=other, unit=world.other_root, role=Role.HEAD, valid_from=timezone.localdate())
    foreign = Task.objects.create(title="Việc của tỉnh khác", assigning_unit=world.other_root, assigner=other,
                                  deadline=timezone.now() + timedelta(days=3))
    before = Recurrence.objects.count()
    response = attacker.post(reverse("admin:tasks_recurrence_add"), {
        "template": foreign.pk, "frequency": "monthly", "due_day": "5", "due_time": "17:00",
        "assign_days_before": "3", "active": "on",
    })
    assert response.status_code == 200 and response.context["adminform"].form.errors["template"]
    assert Recurrence.objects.count() == before


def test_a_process_template_cannot_be_given_to_another_organisation(world, attacker):
    response = attacker.post(reverse("admin:tasks_processtemplate_add"), {
        "name": "Quy trình lạ", "organisation": world.other_root.organisation_id, "active": "on",
        "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200 and response.context["adminform"].form.errors["organisation"]
    assert not ProcessTemplate.objects.exists()


def test_an_inspection_plan_cannot_name_another_organisations_body(world, attacker):
    response = attacker.post(reverse("admin:inspections_inspectionplan_add"), {
        "organisation": world.province.organisation_id, "issuing_unit": world.other_root.pk, "year": "2026",
        "title": "Kế hoạch lạ", "created_by": world.outsider.pk, "created_at_0": "01/01/2026", "created_at_1": "08:00",
    })
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not InspectionPlan.objects.exists()


# -- scheduler job runs ----------------------------------------------------------------------------


def test_job_runs_are_for_superusers_only(world, attacker, superuser):
    now = timezone.now()
    JobRun.objects.create(job_id="tasks.mark_overdue", scheduled_for=now, started_at=now, outcome="failure",
                          error="Công việc của tỉnh khác: bí mật")
    assert attacker.get(reverse("admin:scheduler_jobrun_changelist")).status_code == 403
    home = attacker.get("/").content.decode()
    assert "tasks.mark_overdue" not in home and "Đánh dấu nhiệm vụ quá hạn" not in home
    root = Client()
    root.force_login(superuser)
    assert root.get(reverse("admin:scheduler_jobrun_changelist")).status_code == 200
    assert "Đánh dấu nhiệm vụ quá hạn" in root.get("/").content.decode()  # the job's title, not its id


# -- the mechanism ---------------------------------------------------------------------------------


def test_every_admin_and_inline_of_the_product_is_scoped():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        assert isinstance(model_admin, ScopedAdminMixin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedAdminMixin), inline


def test_a_history_revert_is_a_change(world, attacker, superuser):
    """simple_history saves a revert for whoever may view the history: not for a privileged account."""
    version = superuser.history.latest()
    url = f"/admin/accounts/user/{superuser.pk}/history/{version.history_id}/"
    assert attacker.get(url).status_code == 200  # looking is allowed
    response = attacker.post(url, {
        "username": superuser.username, "full_name": superuser.full_name, "email": "ke.gian@example.com",
        "unit": world.province.pk, "staff_group": superuser.staff_group, "is_active": "on",
        "date_joined_0": "01/01/2025", "date_joined_1": "08:00:00",
    })
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "root@example.gov.vn"
    member = world.colleague_division  # the control: a member of their organisation is reverted
    url = f"/admin/accounts/user/{member.pk}/history/{member.history.latest().history_id}/"
    response = attacker.post(url, {
        "username": member.username, "full_name": member.full_name, "email": "moi@example.gov.vn",
        "unit": member.unit_id, "staff_group": member.staff_group, "is_active": "on",
        "date_joined_0": "01/01/2025", "date_joined_1": "08:00:00",
    })
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "moi@example.gov.vn"


def test_national_rules_are_read_by_an_organisations_administrator_and_corrected_only_by_a_superuser(
        world, attacker, superuser):
    """The rule sets and the catalogue apply to every organisation: one organisation's administrator
    must not rewrite the limitation, the bands or the titles another is judged by."""
    from emulation.models import CouncilRule, RatingRuleSet, TitleRule
    from inspections.models import DisciplineFormRule, DisciplineRuleSet, ViolationType

    for model in (ViolationType, DisciplineFormRule, DisciplineRuleSet, RatingRuleSet, TitleRule, CouncilRule):
        row = model.objects.order_by("pk").first()
        info = model._meta.app_label, model._meta.model_name
        page = attacker.get(_change_url(row))
        assert page.status_code == 200 and not page.context["has_change_permission"], model
        assert attacker.post(_change_url(row), {}).status_code == 403, model
        assert attacker.get(reverse("admin:%s_%s_add" % info)).status_code == 403, model
        root = Client()
        root.force_login(superuser)
        assert root.get(_change_url(row)).context["has_change_permission"], model
