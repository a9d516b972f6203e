"""Every persona × every state of a set and of a unit's assessment: the buttons the pages show are
exactly the actions the services accept, and both are what reform.access.available_actions says.

Personas: the council secretary who runs the set, a council secretary who works in the assessed
unit, the head of the assessed unit, its appraiser, the head of another assessed unit, an outsider.
Nobody scores a unit they have no part in, and nobody appraises or decides on their own unit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError
from reform import services, structure
from reform.access import available_actions
from reform.models import Assessment, CriteriaSet, MemberRole, Score, ScoringMethod
from tests.clients import Client
from tests.factories import UserFactory
from tests.reform.conftest import build_set

pytestmark = pytest.mark.django_db

# What the gate (services._refuse_unless / _editable) answers when the action is not offered.
GATE_CONFLICTS = {"wrong_state", "frozen"}


class _Undo(Exception):
    pass


def accepted(call) -> bool:
    """Whether the service lets the actor through its gate; whatever it does is undone."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except PermissionDenied:
        return False
    except ConflictError as error:
        return error.code not in GATE_CONFLICTS  # a later rule (not appraised yet, …): the step itself is open
    except ValidationError:
        return True  # the input of the probe, checked after the gate


class Walk:
    def __init__(self, world):
        self.world = world
        exercise = build_set(world, communes=2, open_it=False)
        self.exercise = exercise
        self.set_pk = exercise.criteria_set.pk
        self.subs = exercise.subs
        criterion = exercise.subs[0].criterion
        self.automatic = services.sub_criterion_add(
            actor=exercise.secretary, criterion=criterion, code="1.1.9", name="Nhiệm vụ quá hạn", max_points=5,
            method=ScoringMethod.AUTOMATIC, measure="tasks_overdue", steps=[[0, 5], [3, 2]])
        self.secretary = UserFactory(full_name="Thư Ký Hội Đồng", unit=world.division)
        services.member_add(actor=exercise.secretary, criteria_set=exercise.criteria_set, user=self.secretary,
                            role=MemberRole.SECRETARY)
        self.secretary_in_unit = UserFactory(full_name="Thư Ký Ở Xã", unit=exercise.communes[0])
        services.member_add(actor=exercise.secretary, criteria_set=exercise.criteria_set,
                            user=self.secretary_in_unit, role=MemberRole.SECRETARY)
        self.personas = {
            "secretary": self.secretary, "secretary in the unit": self.secretary_in_unit,
            "head of the unit": exercise.heads[0], "appraiser": exercise.appraiser,
            "head of another unit": exercise.heads[1], "outsider": world.outsider,
        }
        self.lost_sub = exercise.subs[1]  # yes/no, appraised at 0

    @property
    def criteria_set(self) -> CriteriaSet:
        return CriteriaSet.objects.get(pk=self.set_pk)

    def assessment(self, index: int = 0) -> Assessment | None:
        return Assessment.objects.filter(criteria_set_id=self.set_pk, unit=self.exercise.communes[index]).first()

    def lost_score(self) -> Score | None:
        assessment = self.assessment()
        return assessment and Score.objects.filter(assessment=assessment, sub_criterion=self.lost_sub,
                                                   appraised_points=0).first()

    # -- what the services accept -----------------------------------------------------------

    def probes(self, user) -> dict:
        today = timezone.localdate()
        cs = lambda: self.criteria_set  # noqa: E731 - a fresh copy per probe: services change it in place
        probes = {
            "edit": lambda: services.band_add(actor=user, criteria_set=cs(), name="Mới", min_percent=1),
            "open": lambda: services.criteria_set_open(actor=user, criteria_set=cs(), units=self.exercise.communes,
                                                       deadline=today + timedelta(days=30)),
            "import_survey": lambda: services.survey_record(actor=user, criteria_set=cs(), rows=[]),
            "freeze": lambda: services.criteria_set_freeze(actor=user, criteria_set=cs()),
            "publish": lambda: services.criteria_set_publish(actor=user, criteria_set=cs(), published_on=today),
            "new_version": lambda: structure.criteria_set_new_version(actor=user, criteria_set=cs(), reason="Sửa"),
            "copy": lambda: structure.criteria_set_copy(actor=user, source=cs()),
            "export": lambda: self._export(user),
        }
        if self.assessment() is not None:
            a = self.assessment
            sub, lost = self.subs[0], self.lost_sub
            probes |= {
                "assign_appraiser": lambda: services.appraiser_assign(actor=user, assessment=a(),
                                                                      appraiser=self.exercise.appraiser),
                "self_score": lambda: services.score_self(actor=user, assessment=a(), sub_criterion=sub,
                                                          points=sub.max_points),
                "submit": lambda: services.assessment_submit(actor=user, assessment=a()),
                "compute_automatic": lambda: services.assessment_compute_automatic(actor=user, assessment=a()),
                "appraise": lambda: services.score_appraise(actor=user, assessment=a(), sub_criterion=sub,
                                                            points=sub.max_points, comment="Đạt"),
                "finish_appraisal": lambda: services.assessment_finish_appraisal(actor=user, assessment=a()),
                "answer": lambda: services.score_answer(actor=user, assessment=a(), sub_criterion=lost,
                                                        answer="Đã có kế hoạch"),
                "decide": lambda: services.score_decide(actor=user, assessment=a(), sub_criterion=lost, points=0,
                                                        note="Giữ nguyên"),
                "finalise": lambda: services.assessment_finalise(actor=user, assessment=a()),
            }
        if (score := self.lost_score()) is not None:
            probes["remedy"] = lambda: services.remedy_issue(actor=user, score=Score.objects.get(pk=score.pk),
                                                             deadline=today + timedelta(days=30))
        return probes

    def _export(self, user):
        client = Client()
        client.force_login(user)
        status = client.get(reverse("reform:ranking_export", args=[self.set_pk])).status_code
        if status != 200:
            raise PermissionDenied

    def accepted(self, user) -> set[str]:
        return {action for action, probe in self.probes(user).items() if accepted(probe)}

    # -- what the pages show ---------------------------------------------------------------

    def buttons(self) -> dict[str, tuple[str, str]]:
        """Each action with a button: the page it is on and the address the button posts to."""
        pk = self.set_pk
        on_set = {
            "import_survey": ("set", reverse("reform:import", args=[pk, "survey"])),
            "freeze": ("set", reverse("reform:freeze", args=[pk])),
            "publish": ("set", reverse("reform:publish", args=[pk])),
            "edit": ("structure", reverse("reform:structure_add", args=[pk, "area"])),
            "new_version": ("structure", reverse("reform:new_version", args=[pk])),
            "copy": ("structure", reverse("reform:copy", args=[pk])),
            "export": ("ranking", reverse("reform:ranking_export", args=[pk])),
        }
        assessment = self.assessment()
        if assessment is None:
            return on_set
        a, sub, lost = assessment.pk, self.subs[0].pk, self.lost_sub.pk
        on_set |= {
            "self_score": ("assessment", reverse("reform:score", args=[a, sub])),
            "submit": ("assessment", reverse("reform:submit", args=[a])),
            "compute_automatic": ("assessment", reverse("reform:compute", args=[a])),
            "appraise": ("assessment", reverse("reform:appraise", args=[a, sub])),
            "finish_appraisal": ("assessment", reverse("reform:finish", args=[a])),
            "answer": ("assessment", reverse("reform:answer", args=[a, lost])),
            "decide": ("assessment", reverse("reform:decide", args=[a, lost])),
            "finalise": ("assessment", reverse("reform:finalise", args=[a])),
        }
        if (score := self.lost_score()) is not None:
            on_set["remedy"] = ("assessment", reverse("reform:remedy", args=[score.pk]))
        return on_set

    def shown(self, user) -> set[str]:
        client = Client()
        client.force_login(user)
        pages = {"set": reverse("reform:set", args=[self.set_pk]),
                 "structure": reverse("reform:structure", args=[self.set_pk]),
                 "ranking": reverse("reform:ranking", args=[self.set_pk])}
        if (assessment := self.assessment()) is not None:
            pages["assessment"] = reverse("reform:assessment", args=[assessment.pk])
        html = {}
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code in (200, 404), (name, response.status_code)
            html[name] = response.content.decode() if response.status_code == 200 else ""
        return {action for action, (page, url) in self.buttons().items() if f'"{url}"' in html[page]}

    def offered(self, user) -> set[str]:
        offered = available_actions(user, self.criteria_set)
        if (assessment := self.assessment()) is not None:
            offered |= available_actions(user, assessment)
        return offered

    def check(self, state: str, expected: dict[str, set[str]]) -> None:
        failures = []
        for name, user in self.personas.items():
            buttons = set(self.buttons())
            shown, taken = self.shown(user), self.accepted(user)
            offered = self.offered(user) & set(self.probes(user))
            if shown != taken & buttons:
                failures.append(f"{state}, {name}: shown {sorted(shown)} but accepted {sorted(taken & buttons)}")
            if taken != offered:
                failures.append(f"{state}, {name}: accepted {sorted(taken)} but offered {sorted(offered)}")
            if taken != expected.get(name, set()):
                failures.append(f"{state}, {name}: accepted {sorted(taken)}, expected "
                                f"{sorted(expected.get(name, set()))}")
        assert not failures, "\n".join(failures)


RUNS = {"export", "copy"}


def test_the_buttons_are_the_actions_the_services_accept(world):
    walk = Walk(world)
    ex = walk.exercise
    today = timezone.localdate()
    runners = ("secretary", "secretary in the unit")

    walk.check("draft set", dict.fromkeys(runners, RUNS | {"edit", "open"}))

    services.criteria_set_open(actor=ex.secretary, criteria_set=walk.criteria_set, units=ex.communes,
                               deadline=today + timedelta(days=30))
    for index in (0, 1):
        services.appraiser_assign(actor=ex.secretary, assessment=walk.assessment(index), appraiser=ex.appraiser)
    # The council may not make one who works in the unit its appraiser.
    with pytest.raises(ValidationError):
        services.appraiser_assign(actor=ex.secretary, assessment=walk.assessment(), appraiser=walk.secretary_in_unit)
    in_scoring = RUNS | {"assign_appraiser", "import_survey", "freeze", "new_version"}
    walk.check("open set, self-assessment in progress", {
        **dict.fromkeys(runners, in_scoring | {"compute_automatic"}),
        "head of the unit": {"self_score", "submit", "compute_automatic"}})

    for sub in ex.subs:
        services.score_self(actor=ex.heads[0], assessment=walk.assessment(), sub_criterion=sub, points=sub.max_points)
    services.assessment_submit(actor=ex.heads[0], assessment=walk.assessment())
    walk.check("submitted", {**dict.fromkeys(runners, in_scoring), "appraiser": {"appraise", "finish_appraisal"}})

    services.score_appraise(actor=ex.appraiser, assessment=walk.assessment(), sub_criterion=walk.lost_sub, points=0,
                            comment="Không có kế hoạch")
    services.assessment_finish_appraisal(actor=ex.appraiser, assessment=walk.assessment())
    walk.check("appraised", {
        "secretary": in_scoring | {"decide", "finalise"},
        "secretary in the unit": in_scoring,  # never decides on nor finalises the unit they work in
        "head of the unit": {"answer"}})

    services.score_answer(actor=ex.heads[0], assessment=walk.assessment(), sub_criterion=walk.lost_sub,
                          answer="Đã bổ sung kế hoạch")
    services.score_decide(actor=walk.secretary, assessment=walk.assessment(), sub_criterion=walk.lost_sub, points=0,
                          note="Giữ nguyên điểm thẩm định")
    services.assessment_finalise(actor=walk.secretary, assessment=walk.assessment())
    walk.check("final score fixed", dict.fromkeys(runners, in_scoring))

    other = walk.assessment(1)
    for sub in ex.subs:
        services.score_self(actor=ex.heads[1], assessment=other, sub_criterion=sub, points=sub.max_points)
    services.assessment_submit(actor=ex.heads[1], assessment=walk.assessment(1))
    services.assessment_finish_appraisal(actor=ex.appraiser, assessment=walk.assessment(1))
    services.criteria_set_freeze(actor=walk.secretary, criteria_set=walk.criteria_set)
    walk.check("scores final", dict.fromkeys(runners, RUNS | {"publish", "remedy"}))

    services.criteria_set_publish(actor=walk.secretary, criteria_set=walk.criteria_set, published_on=today)
    walk.check("published", dict.fromkeys(runners, RUNS | {"remedy"}))
