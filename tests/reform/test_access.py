"""Who sees which reform scores: the unit its own until publication, appraisers their units, those
who run the set all of it, outsiders nothing (404)."""

import pytest
from django.http import Http404
from django.utils import timezone

from reform import access, services
from reform.models import Assessment, MemberRole, Result
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def visible(user):
    return set(access.assessments_visible_to(user).values_list("unit__code", flat=True))


def test_a_unit_sees_only_its_own_assessment(small_exercise):
    assert visible(small_exercise.heads[0]) == {"X01"}
    member = UserFactory(unit=small_exercise.communes[1])
    assert visible(member) == {"X02"}


def test_appraisers_see_the_units_assigned_to_them(small_exercise, world):
    second = UserFactory(full_name="Thẩm Định Hai", unit=world.sibling)
    services.member_add(actor=small_exercise.secretary, criteria_set=small_exercise.criteria_set, user=second,
                        role=MemberRole.APPRAISER)
    services.appraiser_assign(actor=small_exercise.secretary,
                              assessment=Assessment.objects.get(unit=small_exercise.communes[1]), appraiser=second)
    assert visible(second) == {"X02"}
    assert visible(small_exercise.appraiser) == {"X01"}


def test_those_who_run_the_set_see_all_of_it(small_exercise, world):
    assert visible(world.head_dept) == {"X01", "X02"}
    assert visible(world.admin_a) == {"X01", "X02"}
    secretary = UserFactory(unit=world.division)
    services.member_add(actor=world.head_dept, criteria_set=small_exercise.criteria_set, user=secretary,
                        role=MemberRole.SECRETARY)
    assert visible(secretary) == {"X01", "X02"}
    assert access.runs_set(secretary, small_exercise.criteria_set)


def test_outsiders_and_bystanders_get_404(small_exercise, world):
    assessment = Assessment.objects.get(unit=small_exercise.communes[0])
    for user in (world.outsider, world.admin_b, world.member_sibling, small_exercise.heads[1]):
        with pytest.raises(Http404):
            access.get_assessment_for_user(user, assessment.pk)
    for user in (world.outsider, world.admin_b):
        with pytest.raises(Http404):
            access.get_set_for_user(user, small_exercise.criteria_set.pk)
    assert access.get_set_for_user(small_exercise.heads[0], small_exercise.criteria_set.pk)


def _publish(exercise):
    for unit, head in zip(exercise.communes, exercise.heads):
        assessment = Assessment.objects.get(unit=unit)
        for sub in exercise.subs:
            services.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=sub.max_points)
        services.assessment_submit(actor=head, assessment=assessment)
        services.assessment_finish_appraisal(actor=exercise.appraiser, assessment=assessment)
    services.criteria_set_freeze(actor=exercise.secretary, criteria_set=exercise.criteria_set)


def test_results_are_the_units_own_until_publication(small_exercise, world):
    _publish(small_exercise)
    own = small_exercise.heads[0]
    assert set(access.results_visible_to(own).values_list("unit__code", flat=True)) == {"X01"}
    assert not access.results_visible_to(world.member_sibling).exists()
    services.criteria_set_publish(actor=small_exercise.secretary, criteria_set=small_exercise.criteria_set,
                                  published_on=timezone.localdate())
    assert access.results_visible_to(world.member_sibling).count() == Result.objects.count() == 2
    assert not access.results_visible_to(world.outsider).exists()
    # The scores behind the index stay with the unit, its appraiser and the set's runners.
    assert visible(world.member_sibling) == set()


def test_available_actions_follow_the_state(small_exercise, world):
    assessment = Assessment.objects.get(unit=small_exercise.communes[0])
    assert access.available_actions(small_exercise.heads[0], assessment) == {"self_score", "submit", "compute_automatic"}
    assert access.available_actions(small_exercise.appraiser, assessment) == set()
    assert "assign_appraiser" in access.available_actions(world.head_dept, small_exercise.criteria_set)
    assert access.available_actions(small_exercise.heads[0], small_exercise.criteria_set) == set()


def test_the_admin_lists_only_the_administrators_own_sets(small_exercise, world):
    from tests.clients import Client

    for user, expected in ((world.admin_a, True), (world.admin_b, False)):
        user.is_staff = True
        user.save()
        client = Client()
        client.force_login(user)
        page = client.get("/admin/reform/criteriaset/")
        assert page.status_code in (200, 403)
        assert (small_exercise.criteria_set.title in page.content.decode()) is expected
