"""The task list's query (tasks.access.tasks_visible_to, tasks.selectors.task_list_for_user) is
written for PostgreSQL's plans: unit subtrees as id lists, participations as an array, and no
condition at all for someone who heads every unit there is. Whatever the form, the rows and their
order are the access policy's plain definition — checked here persona by persona, over tasks of
every state, with and without a deadline or a lead unit, in two organisations; the API's rows
(read as values) are the serializer's, and its keyset pages walk the same order."""

from datetime import timedelta
from itertools import cycle

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.access import scope_for
from accounts.models import Role
from tasks.access import tasks_visible_to
from tasks.models import OPEN_STATUSES, Participant, Task, TaskStatus
from tasks.selectors import task_list_for_user
from tasks.serializers import TaskListOutputSerializer
from tests.clients import Client
from tests.factories import RoleFactory, UserFactory
from tests.tasks.factories import ParticipantFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(world):
    """Forty-odd tasks across both organisations' units, every state, shared deadlines (the id
    breaks the tie), drafts without a deadline, a lead or a lead unit; people on them as lead,
    monitor, participant."""
    now = timezone.now().replace(microsecond=0)
    units = [world.province, world.dept, world.division, world.sub_division, world.sibling, world.other_root]
    assigners = {world.province: world.admin_a, world.dept: world.head_dept, world.division: world.head_dept,
                 world.sub_division: world.staff_division, world.sibling: world.head_sibling,
                 world.other_root: world.admin_b}
    leads = cycle([world.staff_division, world.colleague_division, world.member_sibling, None, world.outsider,
                   world.council, world.inspector])
    statuses = cycle(TaskStatus.values)
    deadlines = cycle([now - timedelta(days=3), now + timedelta(days=5), None, now + timedelta(days=5),
                       now - timedelta(days=40), now + timedelta(days=1)])
    made = []
    for index in range(42):
        assigning = units[index % len(units)]
        status, lead, deadline = next(statuses), next(leads), next(deadlines)
        lead_unit = None if index % 9 == 4 else units[(index * 5 + 1) % len(units)]
        if status != TaskStatus.DRAFT:  # only a draft may lack a lead, a lead unit or a deadline
            lead, lead_unit, deadline = lead or world.staff_division, lead_unit or world.division, deadline or now
        made.append(TaskFactory(
            assigning_unit=assigning, assigner=assigners[assigning], lead_unit=lead_unit, lead=lead,
            status=status, deadline=deadline, original_deadline=deadline,
            monitor=world.member_sibling if index % 7 == 3 else None,
        ))
    ParticipantFactory(task=made[5], user=world.outsider)
    ParticipantFactory(task=made[11], user=None, unit=world.division)
    ParticipantFactory(task=made[17], user=world.staff_division)
    ParticipantFactory(task=made[0], user=None, unit=world.other_root)
    return made


def plainly_visible(user) -> list[int]:
    """The access policy read literally, task by task in Python, in the lists' order: open first,
    then by deadline (a missing one where the database puts it), then id."""
    scope = scope_for(user)
    if scope.user_id is None:
        return []

    def under(unit, paths):
        return unit is not None and any(unit.path.startswith(path) for path in paths)

    parts = {}
    for part in Participant.objects.all():
        parts.setdefault(part.task_id, []).append(part)
    visible = []
    for task in Task.objects.select_related("assigning_unit", "lead_unit"):
        if not scope.is_superuser:
            on_it = user.pk in (task.lead_id, task.assigner_id, task.monitor_id) or any(
                part.user_id == user.pk or (part.user_id is None and part.unit_id == scope.own_unit_id)
                for part in parts.get(task.pk, []))
            manages = under(task.lead_unit, scope.managed_paths) or under(task.assigning_unit, scope.managed_paths)
            administers = task.assigning_unit.organisation_id in scope.admin_org_ids
            sits_on_council = under(task.lead_unit, scope.council_paths)
            if not (on_it or manages or administers or sits_on_council):
                continue
            if task.status == TaskStatus.DRAFT and not (
                    task.assigner_id == user.pk or under(task.assigning_unit, scope.managed_paths)):
                continue
        visible.append(task)
    missing_last = connection.features.nulls_order_largest

    def order(task):
        missing = task.deadline is None
        return (0 if task.status in OPEN_STATUSES else 1, missing if missing_last else not missing,
                task.deadline or timezone.now(), task.pk)

    return [task.pk for task in sorted(visible, key=order)]


def personas(world, django_user_model):
    province_head = UserFactory(full_name="Chủ tịch tỉnh", unit=world.province)
    RoleFactory(user=province_head, unit=world.province, role=Role.HEAD)
    # Heads both provinces' roots: every unit there is is theirs, so no condition is needed.
    everything_head = UserFactory(full_name="Trưởng hai tỉnh", unit=world.province)
    RoleFactory(user=everything_head, unit=world.province, role=Role.HEAD)
    RoleFactory(user=everything_head, unit=world.other_root, role=Role.HEAD)
    superuser = django_user_model.objects.create_superuser("root-list", password="x")
    return {
        "province head": province_head, "head of every unit": everything_head,
        "commune-level head": world.head_sibling, "department head": world.head_dept,
        "official": world.staff_division, "colleague": world.colleague_division,
        "council member": world.council, "admin": world.admin_a, "other admin": world.admin_b,
        "outsider": world.outsider, "superuser": superuser,
    }


def test_every_persona_lists_the_plain_rows_in_the_plain_order(world, tasks, django_user_model):
    for name, user in personas(world, django_user_model).items():
        expected = plainly_visible(user)
        assert list(task_list_for_user(user).values_list("id", flat=True)) == expected, name
        assert sorted(tasks_visible_to(user).values_list("id", flat=True)) == sorted(expected), name
    assert len(plainly_visible(world.outsider)) < len(tasks)


def test_whoever_heads_every_unit_reads_the_tasks_without_a_condition(world, tasks, django_user_model):
    found = personas(world, django_user_model)
    assert "WHERE" not in str(tasks_visible_to(found["head of every unit"]).query)
    assert "WHERE" in str(tasks_visible_to(found["province head"]).query)  # organisation B is not theirs
    assert tasks_visible_to(found["head of every unit"]).count() == Task.objects.count()


def test_the_api_rows_read_as_values_are_the_serializers_rows(world, tasks, django_user_model):
    for name, user in personas(world, django_user_model).items():
        listed = task_list_for_user(user)
        by_model = JSONRenderer().render(TaskListOutputSerializer(listed, many=True).data)
        by_values = JSONRenderer().render(TaskListOutputSerializer.rows(listed.values(*TaskListOutputSerializer.COLUMNS)))
        assert by_values == by_model, name


def test_keyset_pages_walk_the_numbered_pages_order(world, tasks, django_user_model):
    found = personas(world, django_user_model)
    for name in ("province head", "head of every unit", "official", "admin", "outsider"):
        client = Client()
        client.force_login(found[name])
        numbered = client.get("/api/v1/tasks/", {"page_size": 200}).json()
        walked, url, pages = [], "/api/v1/tasks/?page_size=4&cursor=", 0
        while url:
            answer = client.get(url)
            assert answer.status_code == 200, (name, answer.content)
            body = answer.json()
            assert set(body) == {"next", "previous", "results"} and body["previous"] is None
            walked += body["results"]
            url, pages = body["next"], pages + 1
        assert walked == numbered["results"], name
        assert pages == max(1, -(-len(walked) // 4)), name
        assert numbered["count"] == len(walked)


def test_a_cursor_the_list_did_not_give_is_not_found(world, tasks):
    client = Client()
    client.force_login(world.head_dept)
    for token in ("nonsense", "WzEsMl0", "WyJ4IiwiMjAyNiIsMV0"):  # garbage, two values, bad values
        assert client.get("/api/v1/tasks/", {"cursor": token}).status_code == 404

