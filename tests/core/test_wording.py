"""Nothing English or raw shows through where Vietnamese is expected: the administration site's
app and model names, scheduled jobs, the statute of limitations."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from inspections import rules
from inspections.models import DisciplineForm
from scheduler.models import JobRun
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_admin_index_names_every_app_and_model_in_vietnamese(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    text = visible_text(client.get(reverse("admin:index")).content.decode())
    for english in ("Axes", "Access attempts", "Access failures", "Access logs", "Auth Token", "Tokens"):
        assert english not in text
    for vietnamese in ("Đăng nhập sai và khóa tạm thời", "Các lượt đăng nhập sai", "Nhật ký đăng nhập",
                       "Khóa truy cập API"):
        assert vietnamese in text


def test_scheduled_jobs_are_shown_by_their_titles_not_their_ids(client):
    now = timezone.now()
    JobRun.objects.create(job_id="emulation.run_requested_recomputes", scheduled_for=now, started_at=now,
                          finished_at=now, outcome=JobRun.Outcome.SUCCESS, items_processed=1)
    OrganisationFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = visible_text(client.get(reverse("admin:scheduler_jobrun_changelist")).content.decode())
    assert "Tính lại điểm thi đua theo yêu cầu" in changelist
    assert "emulation.run_requested_recomputes" not in changelist
    home = visible_text(client.get(reverse("home")).content.decode())
    assert "Tính lại điểm thi đua theo yêu cầu" in home and "emulation.run_requested_recomputes" not in home


def test_the_limitation_period_is_stated_once(world):
    limitation = rules.limitation_for(violation_date=date(2020, 1, 10), decision_date=date(2025, 1, 11),
                                      form=DisciplineForm.REPRIMAND)
    with translation.override("vi"):
        text = limitation.describe()
    assert text.startswith("Thời hiệu là 5 năm kể từ ngày 10/01/2020, hết sau ngày 10/01/2025")
