"""Self-scores and survey points from Excel — the templates as downloaded from the page, filled in
and uploaded back; errors name row and column and nothing is written — and the ranking export,
safe against formula injection. The 16-commune case through the imports."""

import io
from collections import Counter

import openpyxl
import pytest

from reform import services
from reform.models import Assessment, Result, Score, SurveyScore
from tests.core.test_templates_round_trip import bare, download, fill, headers_of, upload
from tests.reform.conftest import build_set, expected_profile
from tests.reform.test_pages_and_api import signed_in

pytestmark = pytest.mark.django_db


def export(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _self_rows(exercise, unit, index):
    return [{"Mã đơn vị": unit.code, "Mã tiêu chí": sub.code, "Điểm tự chấm": float(sub.max_points),
             "Giải trình": "Đã thực hiện"} for sub in exercise.subs]


def test_the_self_score_template_comes_back_in(small_exercise):
    head, unit = small_exercise.heads[0], small_exercise.communes[0]
    client = signed_in(head)
    set_pk = small_exercise.criteria_set.pk
    name, content = download(client, f"/reform/{set_pk}/import/self/template/")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert [bare(h) for h in headers_of(book["Tự chấm"])] == ["Mã đơn vị", "Mã tiêu chí", "Điểm tự chấm", "Giải trình"]
    assert book["Tự chấm"].max_row == 1  # the headers only: no example row to import by mistake
    untouched = client.post(f"/reform/{set_pk}/import/self/", {"file": upload(name, content)})
    assert "Trang tính không có dòng nào." in untouched.content.decode()
    filled = fill(content, "Tự chấm", _self_rows(small_exercise, unit, 0))
    response = client.post(f"/reform/{set_pk}/import/self/", {"file": upload(name, filled)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Score.objects.filter(assessment__unit=unit, self_points__isnull=False).count() == len(small_exercise.subs)


def test_errors_name_row_and_column_and_nothing_is_written(small_exercise):
    head, unit = small_exercise.heads[0], small_exercise.communes[0]
    client = signed_in(head)
    set_pk = small_exercise.criteria_set.pk
    name, content = download(client, f"/reform/{set_pk}/import/self/template/")
    rows = _self_rows(small_exercise, unit, 0)
    rows[1]["Điểm tự chấm"] = 3  # 1.1.2 is yes/no
    rows[2]["Mã tiêu chí"] = "9.9.9"
    rows[3]["Mã đơn vị"] = small_exercise.communes[1].code  # another commune's line
    rows[4]["Điểm tự chấm"] = "năm"
    rows.append({"Mã đơn vị": unit.code, "Mã tiêu chí": "1.1.3", "Điểm tự chấm": 10})  # departments only
    response = client.post(f"/reform/{set_pk}/import/self/", {"file": upload(name, fill(content, "Tự chấm", rows))})
    errors = response.context["result"].errors
    where = {(e.row, (e.column or "")[:1]) for e in errors}
    assert {(3, "C"), (4, "B"), (5, "A"), (6, "C"), (16, "B")} <= where, [str(e) for e in errors]
    assert not Score.objects.exists()


def test_survey_template_and_all_or_nothing(small_exercise):
    client = signed_in(small_exercise.secretary)
    set_pk = small_exercise.criteria_set.pk
    name, content = download(client, f"/reform/{set_pk}/import/survey/template/")
    bad = fill(content, "Điều tra", [{"Mã đơn vị": "X01", "Mã lĩnh vực": "8", "Điểm điều tra": 20},
                                     {"Mã đơn vị": "X02", "Mã lĩnh vực": "8", "Điểm điều tra": 31},
                                     {"Mã đơn vị": "X02", "Mã lĩnh vực": "1", "Điểm điều tra": 5}])
    response = client.post(f"/reform/{set_pk}/import/survey/", {"file": upload(name, bad)})
    assert {e.row for e in response.context["result"].errors} == {3, 4}
    assert not SurveyScore.objects.exists()
    # A commune head may not import survey points.
    assert signed_in(small_exercise.heads[0]).get(f"/reform/{set_pk}/import/survey/").status_code == 403


def test_sixteen_communes_through_the_imports(world):
    exercise = build_set(world)
    set_pk = exercise.criteria_set.pk
    survey = []
    for index, (unit, head) in enumerate(zip(exercise.communes, exercise.heads)):
        client = signed_in(head)
        name, content = download(client, f"/reform/{set_pk}/import/self/template/")
        filled = fill(content, "Tự chấm", _self_rows(exercise, unit, index))
        assert client.post(f"/reform/{set_pk}/import/self/", {"file": upload(name, filled)}).status_code == 302
        assessment = Assessment.objects.get(unit=unit)
        services.assessment_submit(actor=head, assessment=assessment)
        cuts, points = expected_profile(index)
        for sub in exercise.subs:
            if sub.code in cuts:
                services.score_appraise(actor=exercise.appraiser, assessment=assessment, sub_criterion=sub,
                                        points=cuts[sub.code], comment="Thiếu minh chứng")
        services.assessment_finish_appraisal(actor=exercise.appraiser, assessment=assessment)
        survey.append({"Mã đơn vị": unit.code, "Mã lĩnh vực": "8", "Điểm điều tra": float(points)})
    client = signed_in(exercise.secretary)
    name, content = download(client, f"/reform/{set_pk}/import/survey/template/")
    assert client.post(f"/reform/{set_pk}/import/survey/",
                       {"file": upload(name, fill(content, "Điều tra", survey))}).status_code == 302
    services.criteria_set_freeze(actor=exercise.secretary, criteria_set=exercise.criteria_set)
    assert Counter(Result.objects.values_list("band_name", flat=True)) == {"Khá": 12, "Trung bình": 4}

    exported = export(client, f"/reform/{set_pk}/ranking.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(("STT", "Đơn vị", "Điểm tự chấm", "Điểm thẩm định", "Điểm điều tra", "Chỉ số (%)", "Xếp loại",
                         "Thứ hạng"))
    table = rows[header + 1:]
    assert len(table) == 16
    assert Counter(row[6] for row in table) == {"Khá": 12, "Trung bình": 4}
    assert table[0][2:6] == (70, 55, 20, 75)


def test_the_ranking_export_writes_no_formula(small_exercise):
    unit = small_exercise.communes[0]
    unit.name = "=HYPERLINK(\"http://x\",\"bấm\")"
    unit.save()
    services.criteria_set_recompute(criteria_set=small_exercise.criteria_set)
    exported = export(signed_in(small_exercise.secretary), f"/reform/{small_exercise.criteria_set.pk}/ranking.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == unit.name]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
