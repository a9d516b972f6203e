"""Photos among a task's evidence show as thumbnails on the task page; documents show by name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.demo import JPEG
from tasks import services
from tests.tasks.conftest import pdf

pytestmark = pytest.mark.django_db


def test_progress_photos_show_as_thumbnails(client, world, make_task):
    task = make_task(status="in_progress")
    services.task_report_progress(actor=world.staff_division, task=task, percent=30, note="Đã khảo sát", files=[
        SimpleUploadedFile("hien-truong.JPG", JPEG, content_type="image/jpeg"), pdf("bien-ban.pdf")])
    photo, document = task.evidence.get(name="hien-truong.JPG"), task.evidence.get(name="bien-ban.pdf")
    client.force_login(world.head_dept)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert f'<img class="thumb" src="{reverse("tasks:evidence", args=[photo.pk])}"' in page
    assert f'src="{reverse("tasks:evidence", args=[document.pk])}"' not in page and "bien-ban.pdf" in page
