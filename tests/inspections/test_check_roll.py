"""The roll of a public-service check (kiểm tra công vụ, DOMAIN.md §5): the officials of each unit
visited, present or absent with or without a reason; the check items; the findings from them; the
summary as users write it; idempotent submissions and conflicts between team members; access."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from rest_framework.test import APIClient

from core.errors import ConflictError
from inspections import jobs, rules, selectors, services
from inspections.models import (
    Attendance,
    CheckItem,
    CheckOutcome,
    Finding,
    InspectionKind,
    InspectionStatus,
    RollCall,
    RollEntry,
)
from notifications.models import Notification
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def check(make_inspection):
    return make_inspection(kind=InspectionKind.PUBLIC_SERVICE)


@pytest.fixture
def roll(check, inspectorate, world):
    return services.roll_open(actor=inspectorate.leader, inspection=check, unit=world.dept)


def entry_of(roll, person) -> RollEntry:
    return RollEntry.objects.get(roll=roll, person=person)


def mark(actor, roll, token, *rows, checks=()):
    return services.roll_submit(actor=actor, roll=roll, client_token=token, entries=list(rows), checks=list(checks))


def row(roll, person, state, reason=""):
    return {"person": person.pk, "state": state, "reason": reason, "version": entry_of(roll, person).version}


# -- the roll as of the check ------------------------------------------------------------------


def test_the_roll_lists_the_units_officials_as_of_the_check_and_the_check_items(roll, world):
    people = set(roll.entries.values_list("person_id", flat=True))
    # The department and its subtree, active people only; nobody of the sibling department.
    assert people == {world.head_dept.pk, world.staff_division.pk, world.colleague_division.pk, world.council.pk}
    assert entry_of(roll, world.staff_division).person_unit == world.division
    assert list(roll.checks.values_list("item__code", flat=True)) == list(
        CheckItem.objects.filter(active=True).values_list("code", flat=True))
    assert {"THE_CONG_CHUC", "GIO_LAM_VIEC", "NIEM_YET_TTHC", "PHIEU_XIN_LOI"} <= set(
        roll.checks.values_list("item__code", flat=True))
    # Someone joining the unit later is not on the roll of a check already taken.
    UserFactory(full_name="Người Mới Đến", unit=world.dept)
    assert roll.entries.count() == 4


def test_opening_again_returns_the_same_roll_and_only_visited_units_have_one(roll, check, inspectorate, world):
    again = services.roll_open(actor=inspectorate.member, inspection=check, unit=world.dept)
    assert again.pk == roll.pk and RollCall.objects.filter(inspection=check).count() == 1
    with pytest.raises(ValidationError) as error:
        services.roll_open(actor=inspectorate.leader, inspection=check, unit=world.sibling)
    assert "unit" in error.value.message_dict


def test_an_inspection_that_is_not_a_public_service_check_takes_no_roll(make_inspection, inspectorate, world):
    planned = make_inspection(overlap_reason="Theo chỉ đạo")
    with pytest.raises(ConflictError):
        services.roll_open(actor=inspectorate.leader, inspection=planned, unit=world.dept)


def test_only_officials_of_the_visited_unit_are_put_on_its_roll(roll, inspectorate, world):
    with pytest.raises(ValidationError) as error:
        services.roll_add_person(actor=inspectorate.member, roll=roll, person=world.member_sibling)
    assert "person" in error.value.message_dict and "Sở Nội vụ" in error.value.message_dict["person"][0]
    newcomer = UserFactory(full_name="Đỗ Văn Mới", unit=world.sub_division)
    assert services.roll_add_person(actor=inspectorate.member, roll=roll, person=newcomer).person_unit == world.sub_division
    response = as_user(inspectorate.member).post(f"/api/v1/inspections/{roll.inspection_id}/roll/{roll.pk}/people/",
                                                 {"person": world.member_sibling.pk}, format="json")
    assert response.status_code == 400 and "person" in response.json()


# -- the summary as users write it ---------------------------------------------------------------


def test_the_summary_reads_as_users_write_it():
    # Cần Thơ's figures (DOMAIN.md §5): 263 on the roll, 27 of them not established; 185 ÷ 236 present.
    counts = {Attendance.PRESENT: 185, Attendance.EXCUSED: 42, Attendance.UNEXCUSED: 9, Attendance.UNMARKED: 27}
    with translation.override("vi"):
        summary = selectors.summarise_attendance(counts)
    assert summary["text"] == "có mặt 185/263, 78,39%; vắng 51, không lý do 9"
    assert (summary["total"], summary["rate"], summary["unmarked"]) == (263, "78.39", 27)
    with translation.override("vi"):
        assert selectors.summarise_attendance({})["text"] == "có mặt 0/0, 0%; vắng 0, không lý do 0"
    with translation.override("en"):
        assert selectors.summarise_attendance({Attendance.PRESENT: 2, Attendance.EXCUSED: 1})["text"] == (
            "present 2/3, 66.67%; absent 1, without reason 0")


def test_the_inspection_page_and_the_api_show_the_summary(roll, inspectorate, world, client):
    mark(inspectorate.member, roll, "t-1", row(roll, world.head_dept, Attendance.PRESENT),
         row(roll, world.staff_division, Attendance.PRESENT), row(roll, world.council, Attendance.EXCUSED, "Nghỉ phép"),
         row(roll, world.colleague_division, Attendance.UNEXCUSED))
    client.force_login(inspectorate.chief)
    page = client.get(f"/inspections/{roll.inspection_id}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "có mặt 2/4, 50%; vắng 2, không lý do 1" in page
    body = as_user(inspectorate.chief).get(f"/api/v1/inspections/{roll.inspection_id}/roll/",
                                          HTTP_ACCEPT_LANGUAGE="vi").json()
    assert body["summary"]["text"] == "có mặt 2/4, 50%; vắng 2, không lý do 1"
    assert body["rolls"][0]["summary"]["unexcused"] == 1 and body["actions"] == ["view"]
    reasons = {e["person"]["id"]: e["reason"] for e in body["rolls"][0]["entries"]}
    assert reasons[world.council.pk] == "Nghỉ phép"


# -- idempotent submission, conflicts, bad input ------------------------------------------------------


def test_the_same_token_sent_again_changes_nothing_and_says_so(roll, inspectorate, world):
    first = mark(inspectorate.member, roll, "tok-a", row(roll, world.staff_division, Attendance.PRESENT))
    assert (first["changed"], first["replayed"]) == (1, False)
    entry = entry_of(roll, world.staff_division)
    history = entry.history.count()
    # The phone did not hear the answer and sends the very same submission again.
    again = mark(inspectorate.member, roll, "tok-a", {"person": world.staff_division.pk, "state": "present",
                                                      "version": 0})
    assert again["replayed"] is True and again["changed"] == 1
    entry.refresh_from_db()
    assert (entry.version, entry.history.count()) == (1, history)
    with translation.override("vi"):
        assert services.roll_submission_message(again) == "Lần gửi này đã được ghi nhận; không có gì thay đổi."
    response = as_user(inspectorate.member).post(
        f"/api/v1/inspections/{roll.inspection_id}/roll/{roll.pk}/submit/",
        {"client_token": "tok-a", "entries": [{"person": world.staff_division.pk, "state": "present", "version": 0}]},
        format="json")
    assert response.status_code == 200 and response.json()["replayed"] is True


def test_two_members_marking_one_row_differently_one_wins_the_other_gets_a_conflict(roll, inspectorate, world):
    seen = entry_of(roll, world.colleague_division).version
    mark(inspectorate.leader, roll, "lead-1", {"person": world.colleague_division.pk, "state": "unexcused",
                                               "version": seen})
    with pytest.raises(services.RollConflict) as conflict:
        mark(inspectorate.member, roll, "mem-1",
             {"person": world.staff_division.pk, "state": "present", "version": 0},
             {"person": world.colleague_division.pk, "state": "present", "version": seen})
    assert "Trần Thị Bích" in conflict.value.message
    assert conflict.value.rows[0]["state"] == "unexcused" and conflict.value.rows[0]["by"] == "Trưởng Đoàn Minh"
    # All or nothing: the member's other row was not written either, and the winner's mark stands.
    assert entry_of(roll, world.staff_division).state == ""
    assert entry_of(roll, world.colleague_division).state == "unexcused"
    # The same mark by both is no conflict.
    same = mark(inspectorate.member, roll, "mem-2", {"person": world.colleague_division.pk, "state": "unexcused",
                                                     "version": seen})
    assert same["changed"] == 0
    # Over the API the loser gets 409 naming the row.
    response = as_user(inspectorate.member).post(
        f"/api/v1/inspections/{roll.inspection_id}/roll/{roll.pk}/submit/",
        {"client_token": "mem-3", "entries": [{"person": world.colleague_division.pk, "state": "excused",
                                               "reason": "Đi công tác", "version": seen}]}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "roll_conflict" and response.json()["rows"][0]["person"] == world.colleague_division.pk


def test_bad_rows_are_named_and_nothing_is_written(roll, inspectorate, world):
    with pytest.raises(ValidationError) as error, translation.override("vi"):
        mark(inspectorate.member, roll, "bad-1", {"person": world.head_dept.pk, "state": "present", "version": 0},
             {"person": world.council.pk, "state": "excused", "reason": " ", "version": 0},
             {"person": world.member_sibling.pk, "state": "present", "version": 0})
    messages = error.value.message_dict["entries"]
    assert "Dòng 2 (Đặng Thu Hà)" in messages[0] and "lý do" in messages[0]
    assert messages[1].startswith("Dòng 3")
    assert not RollEntry.objects.filter(roll=roll).exclude(state="").exists()
    with pytest.raises(ValidationError) as error:
        mark(inspectorate.member, roll, "  ", {"person": world.head_dept.pk, "state": "present", "version": 0})
    assert "client_token" in error.value.message_dict


# -- findings ----------------------------------------------------------------------------------------


def test_findings_come_from_unexcused_absences_and_items_not_met_once(roll, inspectorate, world):
    badge = roll.checks.get(item__code="THE_CONG_CHUC")
    mark(inspectorate.member, roll, "f-1", row(roll, world.colleague_division, Attendance.UNEXCUSED),
         row(roll, world.council, Attendance.EXCUSED, "Nghỉ ốm"),
         checks=[{"item": badge.item_id, "outcome": CheckOutcome.NOT_MET, "note": "2 người không đeo thẻ",
                  "version": 0}])
    found = services.roll_record_findings(actor=inspectorate.member, inspection=roll.inspection)
    assert len(found) == 2
    absence = Finding.objects.get(subject_person=world.colleague_division)
    assert absence.violation_type.code == "VANG_KHONG_LY_DO" and absence.subject_unit == world.dept
    on_unit = Finding.objects.get(subject_person=None)
    assert on_unit.violation_type.code == "KHONG_DEO_THE" and on_unit.subject_unit == world.dept
    assert "2 người không đeo thẻ" in on_unit.description
    assert entry_of(roll, world.colleague_division).finding == absence
    # The person told through the finding service may explain.
    assert Notification.objects.filter(recipient=world.colleague_division, verb="finding.recorded").exists()
    assert services.roll_record_findings(actor=inspectorate.leader, inspection=roll.inspection) == []
    assert roll.inspection.findings.count() == 2
    # A row turned into a finding no longer changes.
    with pytest.raises(services.RollConflict):
        mark(inspectorate.member, roll, "f-2", row(roll, world.colleague_division, Attendance.PRESENT))


# -- access ------------------------------------------------------------------------------------------


def test_only_the_team_edits_those_who_see_the_check_read_outsiders_get_404(roll, inspectorate, world, client):
    url = f"/api/v1/inspections/{roll.inspection_id}/roll/"
    submit = f"{url}{roll.pk}/submit/"
    payload = {"client_token": "x-1", "entries": [{"person": world.head_dept.pk, "state": "present", "version": 0}]}
    # The head of the unit visited sees the check once it started, and its roll, but does not mark it.
    assert as_user(world.head_dept).get(url).status_code == 200
    assert as_user(world.head_dept).post(submit, payload, format="json").status_code == 403
    # Another inspector of the same body reads it, not on the team: no marking, no findings.
    assert as_user(inspectorate.other_inspector).get(url).json()["actions"] == ["view"]
    assert as_user(inspectorate.other_inspector).post(submit, payload, format="json").status_code == 403
    assert as_user(inspectorate.other_inspector).post(f"{url}findings/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.roll_open(actor=inspectorate.other_inspector, inspection=roll.inspection, unit=world.dept)
    # Outsiders: 404 on the API and the pages.
    for outsider in (world.outsider, world.member_sibling):
        assert as_user(outsider).get(url).status_code == 404
        assert as_user(outsider).post(submit, payload, format="json").status_code == 404
        client.force_login(outsider)
        assert client.get(f"/inspections/{roll.inspection_id}/roll/{roll.pk}/").status_code == 404
    client.force_login(world.head_dept)
    page = client.get(f"/inspections/{roll.inspection_id}/roll/{roll.pk}/").content.decode()
    assert 'data-testid="roll-save"' not in page and "disabled" in page
    assert client.post(f"/inspections/{roll.inspection_id}/roll/{roll.pk}/", {"client_token": "p"}).status_code == 403
    # A roll of another check is not reached through this one.
    assert as_user(inspectorate.leader).post(f"/api/v1/inspections/{roll.inspection_id + 999}/roll/{roll.pk}/submit/",
                                             payload, format="json").status_code == 404


def test_the_plain_form_marks_only_the_rows_changed(roll, inspectorate, world, client):
    client.force_login(inspectorate.member)
    url = f"/inspections/{roll.inspection_id}/roll/{roll.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="client_token"' in page.content.decode()
    # Someone else marked the head meanwhile; this form still shows them unmarked and leaves them alone.
    mark(inspectorate.leader, roll, "lead-x", row(roll, world.head_dept, Attendance.PRESENT))
    form = {"client_token": "form-1", f"state-{world.staff_division.pk}": "excused",
            f"reason-{world.staff_division.pk}": "Đi công tác", f"was-{world.staff_division.pk}": "|",
            f"version-{world.staff_division.pk}": "0", f"was-{world.head_dept.pk}": "|",
            f"version-{world.head_dept.pk}": "0"}
    response = client.post(url, form, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    assert entry_of(roll, world.staff_division).reason == "Đi công tác"
    assert entry_of(roll, world.head_dept).state == "present"
    again = client.post(url, form, HTTP_ACCEPT_LANGUAGE="vi", follow=True).content.decode()
    assert "Lần gửi này đã được ghi nhận" in again


# -- Law 84 does not apply; the notice of results ------------------------------------------------------


def test_no_law_84_limit_and_no_warning_applies_to_a_check_and_its_head_gets_the_results(
        make_inspection, inspectorate, world):
    check = make_inspection(kind=InspectionKind.PUBLIC_SERVICE)
    roll = services.roll_open(actor=inspectorate.leader, inspection=check, unit=world.dept)
    mark(inspectorate.member, roll, "n-1", row(roll, world.head_dept, Attendance.PRESENT),
         row(roll, world.staff_division, Attendance.PRESENT), row(roll, world.council, Attendance.PRESENT),
         row(roll, world.colleague_division, Attendance.UNEXCUSED),
         checks=[{"item": roll.checks.get(item__code="NIEM_YET_TTHC").item_id, "outcome": "not_met",
                  "note": "", "version": 0}])
    leader = inspectorate.leader
    services.inspection_report(actor=leader, inspection=check)
    # Months later, no drafting assigned, no draft received date: no limit counts, nothing is late.
    later = timezone.localdate() + timedelta(days=200)
    assert rules.time_limits(check, today=later) == []
    services.inspection_draft_conclusion(actor=leader, inspection=check, text="Kết quả kiểm tra công vụ")
    assert rules.time_limits(check, today=later) == []
    with translation.override("vi"):
        services.inspection_conclude(actor=leader, inspection=check, number="03/BB-KTCV",
                                     conclusion_date=timezone.localdate(), signer="Trưởng đoàn kiểm tra")
    check.refresh_from_db()
    assert check.status == InspectionStatus.CONCLUDED
    assert rules.time_limits(check, today=later) == []
    assert check.events.get(action="conclude").data in ({}, None)
    assert jobs.conclusion_time_limits(now=timezone.now() + timedelta(days=200)) == 0
    notice = Notification.objects.get(recipient=world.head_dept, verb="inspection.check_results")
    assert "có mặt 3/4, 75%; vắng 1, không lý do 1" in notice.message
    assert "Niêm yết công khai thủ tục hành chính" in notice.message
    assert not Notification.objects.filter(verb__startswith="inspection.limit_").exists()


# -- repeat offenders -----------------------------------------------------------------------------------


def test_repeat_offenders_are_people_absent_without_reason_in_more_than_one_check(
        make_inspection, inspectorate, world, client):
    def one_check(absent_person, days_ago, *, not_met=False):
        check = make_inspection(kind=InspectionKind.PUBLIC_SERVICE)
        roll = services.roll_open(actor=inspectorate.leader, inspection=check, unit=world.dept)
        RollCall.objects.filter(pk=roll.pk).update(checked_at=timezone.now() - timedelta(days=days_ago))
        checks = ([{"item": roll.checks.get(item__code="THE_CONG_CHUC").item_id, "outcome": "not_met",
                    "version": 0}] if not_met else [])
        mark(inspectorate.member, roll, f"r-{check.pk}", row(roll, absent_person, Attendance.UNEXCUSED), checks=checks)
        return check

    first = one_check(world.colleague_division, 100, not_met=True)
    second = one_check(world.colleague_division, 10, not_met=True)
    one_check(world.staff_division, 10)
    one_check(world.staff_division, 500)  # outside the year's window
    people, units = selectors.repeat_offenders_for_user(inspectorate.leader)
    assert [p.person_id for p in people] == [world.colleague_division.pk]
    assert [c[0] for c in people[0].checks] == [first.pk, second.pk]
    assert [u.unit_id for u in units] == [world.dept.pk]
    # A narrower window leaves them out; an outsider sees nobody.
    assert selectors.repeat_offenders_for_user(inspectorate.leader,
                                               since=timezone.localdate() - timedelta(days=50))[0] == []
    assert selectors.repeat_offenders_for_user(world.outsider) == ([], [])
    client.force_login(inspectorate.leader)
    page = client.get("/inspections/repeat-offenders/").content.decode()
    assert f'href="/inspections/{first.pk}/"' in page and f'href="/people/{world.colleague_division.pk}/"' in page
    body = as_user(inspectorate.leader).get("/api/v1/inspections/repeat-offenders/").json()
    assert [p["person"] for p in body["people"]] == [world.colleague_division.pk]


# -- roll minutes data for documents ----------------------------------------------------------------------


def test_the_minutes_read_the_roll_and_checklist_as_plain_data(roll, inspectorate, world):
    mark(inspectorate.member, roll, "m-1", row(roll, world.council, Attendance.EXCUSED, "Nghỉ phép năm"),
         checks=[{"item": roll.checks.get(item__code="GIO_LAM_VIEC").item_id, "outcome": "met", "version": 0}])
    data = selectors.roll_minutes_data(roll.inspection)
    unit = data["units"][0]
    assert unit["unit"] == "Sở Nội vụ" and unit["summary"]["excused"] == 1
    council = next(o for o in unit["officials"] if o["name"] == "Đặng Thu Hà")
    assert (council["state"], council["reason"]) == ("excused", "Nghỉ phép năm")
    assert next(c for c in unit["checks"] if c["code"] == "GIO_LAM_VIEC")["outcome"] == "met"
    assert data["summary"]["total"] == 4 and data["inspection"]["code"] == roll.inspection.code


# -- query counts --------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


# The roll API: the caller's scope and the inspection through the policy, the team's grant, the rolls
# with their units, their entries (people, units, findings), their check results (items, findings).
# The sheet adds the session, the roll itself and the page's frame, and takes the scope from the
# session (two queries less); the inspection page its other sections, the documents issued for it
# among them, and whether findings were recorded (a check with findings offers no cancelling:
# access.available_actions).
PINNED_ROLL_QUERIES = {"api": 6, "sheet": 10, "inspection": 22}


def test_the_roll_costs_the_same_queries_whatever_the_number_of_officials(
        make_inspection, inspectorate, world, client):
    small = make_inspection(kind=InspectionKind.PUBLIC_SERVICE)
    small_roll = services.roll_open(actor=inspectorate.leader, inspection=small, unit=world.dept)
    for n in range(30):
        UserFactory(full_name=f"Công Chức {n:02d}", unit=world.division)
    large = make_inspection(kind=InspectionKind.PUBLIC_SERVICE)
    large_roll = services.roll_open(actor=inspectorate.leader, inspection=large, unit=world.dept)
    for roll in (small_roll, large_roll):
        mark(inspectorate.member, roll, f"q-{roll.pk}", row(roll, world.colleague_division, Attendance.UNEXCUSED))
    assert large_roll.entries.count() == 34
    api = as_user(inspectorate.leader)
    client.force_login(inspectorate.leader)
    counts = {}
    for name, url_of in (("api", lambda i, r: f"/api/v1/inspections/{i}/roll/"),
                         ("sheet", lambda i, r: f"/inspections/{i}/roll/{r}/"),
                         ("inspection", lambda i, r: f"/inspections/{i}/")):
        reader = api if name == "api" else client
        counts[name] = _queries(reader, url_of(small.pk, small_roll.pk))
        assert counts[name] == _queries(reader, url_of(large.pk, large_roll.pk)), name
    assert counts == PINNED_ROLL_QUERIES
    page = "/inspections/repeat-offenders/"
    before = _queries(client, page)
    third = make_inspection(kind=InspectionKind.PUBLIC_SERVICE)
    third_roll = services.roll_open(actor=inspectorate.leader, inspection=third, unit=world.dept)
    mark(inspectorate.member, third_roll, "q-3", *[
        row(third_roll, person, Attendance.UNEXCUSED) for person in User.objects.filter(unit=world.division)])
    assert _queries(client, page) == before
