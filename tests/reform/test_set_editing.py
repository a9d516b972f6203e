"""Criteria sets edited from the pages while a draft, copied to next year, changed as a new version
once scoring has started, and their structure exported to Excel and imported back in the layout
provinces publish."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.models import UnitKind
from reform import services, structure
from reform.excel import STRUCTURE_SHEET
from reform.models import Assessment, AssessmentStatus, CriteriaSet, Event, Score, SetStatus, SubCriterion
from tests.clients import Client
from tests.reform.conftest import build_set

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def shape(criteria_set) -> list:
    """The structure of a set, without its ids: what a copy, a version or a round trip must keep."""
    return [(a.code, a.name, a.order, a.survey_max_points,
             [(c.code, c.name, [(s.code, s.name, s.max_points, s.method, s.step, s.evidence_required,
                                 sorted(s.unit_kinds), s.legal_basis) for s in c.sub_criteria.order_by("order")])
              for c in a.criteria.order_by("order")])
            for a in criteria_set.areas.order_by("order")]


@pytest.fixture
def draft(world):
    return build_set(world, communes=2, open_it=False)


# -- 1. editing a draft from the pages -----------------------------------------------------


def test_the_secretary_edits_a_draft_from_the_pages_and_sees_the_totals(draft):
    client, criteria_set = signed_in(draft.secretary), draft.criteria_set
    page = client.get(f"/reform/{criteria_set.pk}/structure/")
    assert page.status_code == 200
    # 7 areas × 10 points for communes, + 10 for departments only, + 30 survey = 110 in all
    assert page.context["structure"].total == Decimal(110)
    assert page.context["structure"].by_kind == {UnitKind.DEPARTMENT: Decimal(110)}
    body = page.content.decode()
    assert 'data-testid="total-points">110' in body and 'data-testid="add-area"' in body

    response = client.post(f"/reform/{criteria_set.pk}/structure/area/add/", {"code": "9", "name": "Chuyển đổi số"})
    assert response.status_code == 302
    area = criteria_set.areas.get(code="9")
    client.post(f"/reform/{criteria_set.pk}/structure/criterion/add/", {"parent": area.pk, "code": "9.1",
                                                                       "name": "Hạ tầng số"})
    criterion = area.criteria.get()
    response = client.post(f"/reform/{criteria_set.pk}/structure/sub/add/", {
        "parent": criterion.pk, "code": "9.1.1", "name": "Tỷ lệ hồ sơ trực tuyến", "max_points": "4",
        "method": "scale", "step": "0.5", "evidence_required": "Báo cáo của Sở", "unit_kinds": [UnitKind.COMMUNE],
        "legal_basis": "Nghị định 45/2020/NĐ-CP"})
    assert response.status_code == 302
    sub = criteria_set.sub_criteria.get(code="9.1.1")
    assert (sub.max_points, sub.method, sub.step, sub.unit_kinds, sub.legal_basis) == (
        4, "scale", Decimal("0.5"), [UnitKind.COMMUNE], "Nghị định 45/2020/NĐ-CP")
    # Edit it: the maximum and the method change, the totals follow.
    response = client.post(f"/reform/{criteria_set.pk}/structure/sub/{sub.pk}/", {
        "code": "9.1.1", "name": "Tỷ lệ hồ sơ trực tuyến", "max_points": "6", "method": "yes_no",
        "evidence_required": "", "legal_basis": ""})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert (sub.max_points, sub.method, sub.step, sub.unit_kinds) == (6, "yes_no", None, [])
    assert client.get(f"/reform/{criteria_set.pk}/structure/").context["structure"].total == Decimal(116)
    # A bad value names its field and writes nothing.
    page = client.post(f"/reform/{criteria_set.pk}/structure/sub/{sub.pk}/", {
        "code": "1.1.1", "name": "Trùng mã", "max_points": "2", "method": "points"})
    assert page.status_code == 200 and "đã có tiêu chí thành phần 1.1.1" in page.content.decode()
    sub.refresh_from_db()
    assert sub.code == "9.1.1"
    # Removal.
    client.post(f"/reform/{criteria_set.pk}/structure/sub/{sub.pk}/remove/")
    client.post(f"/reform/{criteria_set.pk}/structure/area/{area.pk}/remove/")
    assert not criteria_set.areas.filter(code="9").exists()
    assert client.get(f"/reform/{criteria_set.pk}/structure/").context["structure"].total == Decimal(110)


def test_a_scale_needs_its_step_and_says_so(draft):
    client, criteria_set = signed_in(draft.secretary), draft.criteria_set
    criterion = draft.subs[0].criterion
    page = client.post(f"/reform/{criteria_set.pk}/structure/sub/add/", {
        "parent": criterion.pk, "code": "1.1.9", "name": "Thang điểm", "max_points": "4", "method": "scale"})
    assert page.status_code == 200
    assert "bậc" in page.content.decode()
    assert not criteria_set.sub_criteria.filter(code="1.1.9").exists()


def test_once_scoring_has_started_the_criteria_are_frozen_with_a_clear_message(small_exercise):
    client, criteria_set = signed_in(small_exercise.secretary), small_exercise.criteria_set
    sub = small_exercise.subs[0]
    page = client.get(f"/reform/{criteria_set.pk}/structure/")
    assert 'data-testid="frozen"' in page.content.decode() and 'data-testid="add-area"' not in page.content.decode()
    response = client.post(f"/reform/{criteria_set.pk}/structure/sub/{sub.pk}/", {
        "code": sub.code, "name": "Đổi", "max_points": "9", "method": "points"}, follow=True)
    assert any("phiên bản mới" in m for m in messages_of(response)), messages_of(response)
    sub.refresh_from_db()
    assert sub.max_points == 5
    response = client.post(f"/reform/{criteria_set.pk}/structure/sub/{sub.pk}/remove/", follow=True)
    assert any("phiên bản mới" in m for m in messages_of(response))
    assert SubCriterion.objects.filter(pk=sub.pk).exists()


def test_only_those_who_run_the_set_edit_it_and_outsiders_get_404(draft, world):
    criteria_set, area = draft.criteria_set, draft.criteria_set.areas.first()
    services.criteria_set_open(actor=draft.secretary, criteria_set=criteria_set, units=draft.communes,
                               deadline=timezone.localdate() + timedelta(days=10))
    head = draft.heads[0]  # sees the set (their unit is assessed) but does not run it
    assert signed_in(head).get(f"/reform/{criteria_set.pk}/structure/").status_code == 200
    assert signed_in(head).get(f"/reform/{criteria_set.pk}/structure/area/{area.pk}/").status_code == 403
    assert signed_in(head).post(f"/reform/{criteria_set.pk}/copy/", {"year": criteria_set.year + 1}).status_code == 403
    outsider = signed_in(world.outsider)
    for url in (f"/reform/{criteria_set.pk}/structure/", f"/reform/{criteria_set.pk}/structure.xlsx",
                f"/reform/{criteria_set.pk}/structure/area/{area.pk}/"):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/reform/{criteria_set.pk}/version/", {"reason": "x"}).status_code == 404
    assert api(world.outsider).post(f"/api/v1/reform/sets/{criteria_set.pk}/copy/", {}).status_code == 404


def test_an_item_of_another_set_is_not_found(draft, world):
    other = build_set(world, year=draft.criteria_set.year - 1, communes=0, open_it=False)
    foreign = other.criteria_set.sub_criteria.first()
    client = signed_in(draft.secretary)
    assert client.get(f"/reform/{draft.criteria_set.pk}/structure/sub/{foreign.pk}/").status_code == 404
    assert client.post(f"/reform/{draft.criteria_set.pk}/structure/sub/{foreign.pk}/remove/").status_code == 404


# -- 2. copy from last year ----------------------------------------------------------------


def test_a_set_is_copied_to_next_year_through_the_page(small_exercise):
    source = small_exercise.criteria_set
    client = signed_in(small_exercise.secretary)
    response = client.post(f"/reform/{source.pk}/copy/", {"year": source.year + 1, "members": "on"})
    copy = CriteriaSet.objects.get(year=source.year + 1)
    assert response.status_code == 302 and response.url == f"/reform/{copy.pk}/structure/"
    assert copy.status == SetStatus.DRAFT and copy.based_on == source and copy.version == 1
    assert copy.title == source.title.replace(str(source.year), str(source.year + 1))
    assert shape(copy) == shape(source)
    assert list(copy.bands.values_list("name", "min_percent")) == list(source.bands.values_list("name", "min_percent"))
    assert set(copy.members.values_list("user_id", "role")) == set(source.members.values_list("user_id", "role"))
    assert not copy.assessments.exists()
    # The copy is a draft: it is edited, the source is not touched.
    services.area_add(actor=small_exercise.secretary, criteria_set=copy, code="9", name="Mới")
    assert not source.areas.filter(code="9").exists()


def test_the_copy_leaves_the_council_behind_unless_asked_and_refuses_an_earlier_year(small_exercise):
    source = small_exercise.criteria_set
    response = api(small_exercise.secretary).post(f"/api/v1/reform/sets/{source.pk}/copy/", {}, format="json")
    assert response.status_code == 201, response.content
    copy = CriteriaSet.objects.get(pk=response.json()["id"])
    assert copy.year == source.year + 1 and response.json()["based_on"] == source.pk
    assert not copy.members.exists()
    response = api(small_exercise.secretary).post(f"/api/v1/reform/sets/{source.pk}/copy/", {"year": source.year},
                                                  format="json")
    assert response.status_code == 400 and "year" in response.json()
    # A copy to a year already used is its next version number, not a clash.
    second = structure.criteria_set_copy(actor=small_exercise.secretary, source=source)
    assert second.version == 2


# -- 3. versions ---------------------------------------------------------------------------


def _score_all(exercise, assessment, head):
    for sub in exercise.subs:
        services.score_self(actor=head, assessment=assessment, sub_criterion=sub, points=sub.max_points,
                            note=f"Ghi chú {sub.code}")


def test_a_set_in_use_changes_as_a_new_version_and_the_scores_follow_by_code(small_exercise):
    ex, criteria_set = small_exercise, small_exercise.criteria_set
    first, second = (Assessment.objects.get(unit=unit) for unit in ex.communes)
    _score_all(ex, first, ex.heads[0])
    client = signed_in(ex.secretary)
    # No reason, no version.
    response = client.post(f"/reform/{criteria_set.pk}/version/", {"reason": ""}, follow=True)
    assert CriteriaSet.objects.filter(year=criteria_set.year).count() == 1
    response = client.post(f"/reform/{criteria_set.pk}/version/",
                           {"reason": "Quyết định 15/QĐ-UBND sửa tiêu chí 2.1.2 và bỏ tiêu chí 3.1.2"})
    version = CriteriaSet.objects.get(year=criteria_set.year, version=2)
    assert response.url == f"/reform/{version.pk}/structure/"
    assert version.replaces == criteria_set and version.status == SetStatus.DRAFT
    assert version.change_reason.startswith("Quyết định 15")
    criteria_set.refresh_from_db()
    assert criteria_set.status == SetStatus.OPEN  # the old one goes on until the new one is in force
    # Edit the draft version: 2.1.2 worth 3 now (the unit's 5 no longer fits), 3.1.2 gone, 3.1.3 new.
    changed = version.sub_criteria.get(code="2.1.2")
    structure.sub_criterion_update(actor=ex.secretary, sub_criterion=changed, code="2.1.2", name=changed.name,
                                   max_points=3, method="yes_no")
    structure.sub_criterion_remove(actor=ex.secretary, sub_criterion=version.sub_criteria.get(code="3.1.2"))
    services.sub_criterion_add(actor=ex.secretary, criterion=version.sub_criteria.get(code="3.1.1").criterion,
                               code="3.1.3", name="Mới", max_points=5, method="yes_no")
    response = client.post(f"/reform/{version.pk}/version/open/")
    assert response.status_code == 302
    version.refresh_from_db()
    criteria_set.refresh_from_db()
    assert version.status == SetStatus.OPEN and criteria_set.status == SetStatus.SUPERSEDED
    # The old version keeps its assessments and every score given under it.
    assert criteria_set.assessments.count() == 2
    assert Score.objects.filter(assessment=first).count() == len(ex.subs)
    moved = Assessment.objects.get(criteria_set=version, unit=ex.communes[0])
    assert moved.status == AssessmentStatus.DRAFT and moved.appraiser == ex.appraiser
    kept = dict(moved.scores.values_list("sub_criterion__code", "self_points"))
    expected = {sub.code for sub in ex.subs} - {"2.1.2", "3.1.2"}
    assert set(kept) == expected
    assert moved.scores.get(sub_criterion__code="1.1.1").self_note == "Ghi chú 1.1.1"
    assert Assessment.objects.get(criteria_set=version, unit=ex.communes[1]).scores.count() == 0
    assert Event.objects.filter(criteria_set=criteria_set, action="superseded").exists()
    # The head now works on the new version, and must score what changed.
    missing = {sub.code for sub in services.missing_self_scores(moved)}
    assert missing == {"2.1.2", "3.1.3"}


def test_a_new_version_is_refused_while_a_self_assessment_is_submitted(small_exercise):
    ex = small_exercise
    first = Assessment.objects.get(unit=ex.communes[0])
    _score_all(ex, first, ex.heads[0])
    services.assessment_submit(actor=ex.heads[0], assessment=first)
    response = api(ex.secretary).post(f"/api/v1/reform/sets/{ex.criteria_set.pk}/versions/",
                                      {"reason": "Sửa tiêu chí"}, format="json")
    assert response.status_code == 409
    assert "UBND xã Số 1" in response.json()["detail"]
    assert CriteriaSet.objects.filter(year=ex.criteria_set.year).count() == 1


def test_the_version_api_needs_a_reason_and_the_draft_cannot_be_opened_as_a_new_set(small_exercise):
    ex = small_exercise
    response = api(ex.secretary).post(f"/api/v1/reform/sets/{ex.criteria_set.pk}/versions/", {"reason": "  "},
                                      format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api(ex.secretary).post(f"/api/v1/reform/sets/{ex.criteria_set.pk}/versions/",
                                      {"reason": "Sửa điểm"}, format="json")
    assert response.status_code == 201 and response.json()["change_reason"] == "Sửa điểm"
    version = CriteriaSet.objects.get(pk=response.json()["id"])
    # A second draft version at once is refused: one is being prepared.
    again = api(ex.secretary).post(f"/api/v1/reform/sets/{ex.criteria_set.pk}/versions/", {"reason": "Nữa"},
                                   format="json")
    assert again.status_code == 409
    from core.errors import ConflictError

    with pytest.raises(ConflictError):
        services.criteria_set_open(actor=ex.secretary, criteria_set=version, units=ex.communes,
                                   deadline=ex.criteria_set.self_assessment_deadline)
    response = api(ex.secretary).post(f"/api/v1/reform/sets/{version.pk}/versions/open/")
    assert response.status_code == 200 and response.json()["status"] == SetStatus.OPEN
    assert api(ex.heads[0]).post(f"/api/v1/reform/sets/{version.pk}/versions/", {"reason": "x"},
                                 format="json").status_code == 403


def test_a_version_refused_at_opening_when_a_unit_submitted_meanwhile(small_exercise):
    ex = small_exercise
    version = structure.criteria_set_new_version(actor=ex.secretary, criteria_set=ex.criteria_set, reason="Sửa")
    first = Assessment.objects.get(criteria_set=ex.criteria_set, unit=ex.communes[0])
    _score_all(ex, first, ex.heads[0])
    services.assessment_submit(actor=ex.heads[0], assessment=first)
    response = signed_in(ex.secretary).post(f"/reform/{version.pk}/version/open/", follow=True)
    assert any("UBND xã Số 1" in m for m in messages_of(response))
    version.refresh_from_db()
    assert version.status == SetStatus.DRAFT and not version.assessments.exists()


# -- 4. structure to and from Excel --------------------------------------------------------


def test_export_then_import_into_a_new_draft_through_the_pages_gives_the_same_structure(small_exercise):
    ex, source = small_exercise, small_exercise.criteria_set
    sub = source.sub_criteria.get(code="1.1.1")
    SubCriterion.objects.filter(pk=sub.pk).update(
        unit_kinds=[UnitKind.COMMUNE, UnitKind.DEPARTMENT], legal_basis="Nghị định 61/2018/NĐ-CP",
        evidence_required="=HYPERLINK(\"http://x\")")
    client = signed_in(ex.secretary)
    download = client.get(f"/reform/{source.pk}/structure.xlsx")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[STRUCTURE_SHEET]
    assert [c.value for c in sheet[3]] == ["STT", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa",
                                           "Phương thức chấm", "Tài liệu kiểm chứng", "Áp dụng cho", "Căn cứ"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    assert not any(c.data_type == "f" for c in cells)  # the evidence text stays text
    assert any(c.value == "=HYPERLINK(\"http://x\")" for c in cells)
    # A new empty draft for next year, then the very file through the import page.
    target = services.criteria_set_create(actor=ex.secretary, issuing_unit=source.issuing_unit, year=source.year + 1,
                                          unit_group=source.unit_group, title="Bộ mới", legal_basis="QĐ mới")
    response = client.post(f"/reform/{target.pk}/import/structure/",
                           {"file": SimpleUploadedFile("bo-tieu-chi.xlsx", content)})
    assert response.status_code == 302, [str(e) for e in response.context["result"].errors]
    assert shape(target) == shape(source)


def _workbook(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = STRUCTURE_SHEET
    sheet.append(["STT", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Phương thức chấm",
                  "Tài liệu kiểm chứng", "Áp dụng cho", "Căn cứ"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("bo.xlsx", buffer.getvalue())


def test_a_published_table_is_read_by_its_levels(draft):
    client = signed_in(draft.secretary)
    upload = _workbook([
        ["I", "Công tác chỉ đạo", 6, None, None, None, None],
        ["1.1", "Kế hoạch CCHC", 6, None, None, None, None],
        ["1.1.1", "Ban hành kịp thời", 2, "Có/Không", "Kế hoạch", None, "QĐ 892"],
        ["1.1.2", "Mức độ hoàn thành", 4, "Thang bậc, mỗi bậc 0,5 điểm", None, "Xã / phường", None],
        ["II", "Khảo sát", 30, "Điều tra xã hội học", None, None, None],
        [None, "Tổng điểm", 36, None, None, None, None],
    ])
    response = client.post(f"/reform/{draft.criteria_set.pk}/import/structure/", {"file": upload})
    assert response.status_code == 302, [str(e) for e in response.context["result"].errors]
    criteria_set = draft.criteria_set
    assert list(criteria_set.areas.values_list("code", "survey_max_points")) == [("I", None), ("II", 30)]
    scale = criteria_set.sub_criteria.get(code="1.1.2")
    assert (scale.method, scale.step, scale.unit_kinds) == ("scale", Decimal("0.5"), [UnitKind.COMMUNE])
    assert structure.set_structure(criteria_set).total == 36


def test_a_bad_table_names_row_and_column_in_vietnamese_and_writes_nothing(draft):
    before = shape(draft.criteria_set)
    upload = _workbook([
        ["1", "Lĩnh vực", 9, None, None, None, None],
        ["1.1.1", "Trước tiêu chí", 2, "Có/Không", None, None, None],
        ["1.1", "Tiêu chí", None, None, None, None, None],
        ["1.1.2", "Cách chấm lạ", 2, "Tùy ý", None, None, None],
        ["1.1.3", "Thang không bậc", 2, "Thang bậc", None, None, None],
        ["1.1.4", "Đơn vị lạ", 2, "Chấm điểm", None, "Hợp tác xã", None],
        ["1.1.5", "Không điểm", None, "Chấm điểm", None, None, None],
    ])
    page = signed_in(draft.secretary).post(f"/reform/{draft.criteria_set.pk}/import/structure/", {"file": upload})
    assert page.status_code == 200
    with translation.override("vi"):
        text = "\n".join(str(e) for e in page.context["result"].errors)
    assert "dòng 3, cột A (STT)" in text and "phải đứng sau tiêu chí" in text
    assert "dòng 5, cột D (Phương thức chấm)" in text and "không phải là phương thức chấm" in text
    assert "dòng 6, cột D (Phương thức chấm)" in text
    assert "dòng 7, cột F (Áp dụng cho)" in text and "Hợp tác xã" in text
    assert "dòng 8, cột C (Điểm tối đa)" in text
    assert "dòng 2, cột C (Điểm tối đa)" in text  # the area says 9, its sub-criteria add up to less
    assert shape(draft.criteria_set) == before


def test_the_import_into_a_frozen_set_is_refused_with_the_reason(small_exercise):
    before = shape(small_exercise.criteria_set)
    upload = _workbook([["1", "Lĩnh vực", None, None, None, None, None]])
    page = signed_in(small_exercise.secretary).post(f"/reform/{small_exercise.criteria_set.pk}/import/structure/",
                                                    {"file": upload})
    assert page.status_code == 200
    assert "phiên bản mới" in page.content.decode()
    assert shape(small_exercise.criteria_set) == before


def test_the_structure_page_costs_the_same_queries_however_large_the_set(draft, django_assert_num_queries):
    client = signed_in(draft.secretary)
    url = f"/reform/{draft.criteria_set.pk}/structure/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    criterion = draft.subs[0].criterion
    for number in range(10, 30):
        services.sub_criterion_add(actor=draft.secretary, criterion=criterion, code=f"1.1.{number}",
                                   name="Thêm", max_points=1)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
