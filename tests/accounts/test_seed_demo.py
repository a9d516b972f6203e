import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from accounts.models import RoleAssignment, Unit, User
from emulation.models import Period, Rating
from inspections.models import Finding, Inspection
from tasks.models import Task


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_mails_nobody(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    counts = (Unit.objects.count(), User.objects.count(), RoleAssignment.objects.count(), Task.objects.count(),
              Inspection.objects.count(), Finding.objects.count(), Period.objects.count(), Rating.objects.count())
    # 5 inspections (two of them public-service checks with their rolls); 10 demo tasks, the 3
    # remediation tasks of the demo inspection's signed conclusion, and the emulation demo's backfill: three earlier results per official of Sở Nội vụ and one overdue task.
    backfill = Task.objects.filter(code__regex=r"^NV-[0-9]{4}-(TD|QH)").count()
    # And the reform exercises' self-assessment tasks: one per assessed unit with a head.
    from reform.models import Assessment

    self_assessing = Task.objects.filter(managed_by="reform_assessment").count()
    assert self_assessing == Assessment.objects.filter(task__isnull=False).count() > 0
    # And the remedial tasks of the points the communes lost last year, one per remedied unit.
    from reform.demo import REMEDIES
    from reform.models import Score

    remedies = Score.objects.filter(remedy_task__isnull=False)
    assert remedies.count() == remedies.values("assessment__unit").distinct().count() == REMEDIES
    # The other 13: the 10 demo tasks (the monthly report's draft template and its occurrence among
    # them) and the 3 remediation tasks of the signed conclusion.
    assert counts[0] == 195 and counts[1] > 300 and counts[3] - backfill - self_assessing - REMEDIES == 13
    assert counts[4] == 5 and counts[5] == 9
    assert counts[6] == 1 and backfill == 3 * (counts[7] - 1) + 1
    assert mail.outbox == []  # demo notifications stay in the app
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert (Unit.objects.count(), User.objects.count(), RoleAssignment.objects.count(), Task.objects.count(),
            Inspection.objects.count(), Finding.objects.count(), Period.objects.count(),
            Rating.objects.count()) == counts


def test_data_flows_one_way():
    """accounts ← tasks ← inspections ← emulation: an app never imports one built on it."""
    later = {"accounts": ["tasks", "inspections", "emulation", "reports"], "tasks": ["inspections", "emulation", "reports"],
             "inspections": ["emulation", "reports"]}
    offenders = []
    for app, forbidden in later.items():
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if re.match(rf"\s*(from|import) ({'|'.join(forbidden)})\b", line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {line.strip()}")
    assert offenders == []
