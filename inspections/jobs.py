"""Scheduled work on inspections and discipline. Set-based, one transaction per job, and
idempotent: conditional UPDATEs mark each row once and dedupe keys send each notice once."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import override

from accounts.selectors import head_ids_by_unit
from inspections.access import DIRECTIVE_STATUSES
from inspections.models import (
    ConclusionTimeLimit,
    DecisionStatus,
    DisciplinaryDecision,
    Event,
    Finding,
    FindingStatus,
    Inspection,
    InspectionStatus,
    Recommendation,
    RecommendationStatus,
)
from core.dates import dmy
from inspections.rules import LAW_84_EXEMPT_KINDS, time_limits
from notifications.services import notification_send_bulk
from scheduler.registry import scheduled_job


@scheduled_job("inspections.explanation_deadlines", cron="15 * * * *", title=gettext_lazy("Explanation deadlines"))
def explanation_deadlines(now=None) -> int:
    """Remind subjects the day their explanation is due; once past it, mark the finding
    “no explanation” and tell the recorder."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    items = []
    with transaction.atomic(), override(settings.LANGUAGE_CODE):
        due_today = Finding.objects.filter(status=FindingStatus.AWAITING_EXPLANATION, explanation_due=today).values(
            "id", "code", "subject_person_id", "subject_unit_id", "explanation_due")
        due_today = list(due_today)
        heads = head_ids_by_unit({f["subject_unit_id"] for f in due_today if f["subject_person_id"] is None})
        for finding in due_today:
            recipients = [finding["subject_person_id"]] if finding["subject_person_id"] else heads.get(
                finding["subject_unit_id"], [])
            for recipient in recipients:
                items.append({"recipient_id": recipient, "verb": "finding.explain_today", "target_model": Finding,
                              "target_id": finding["id"], "url": reverse("inspections:finding", args=[finding["id"]]),
                              "dedupe_key": f"finding:{finding['id']}:explain-due:{today.isoformat()}",
                              "message": _("Today is the last day to explain finding %(code)s.")
                              % {"code": finding["code"]}})
        lapsed = list(Finding.objects.select_for_update()
                      .filter(status=FindingStatus.AWAITING_EXPLANATION, explanation_due__lt=today)
                      .values("id", "code", "inspection_id", "recorded_by_id", "explanation_due"))
        marked = Finding.objects.filter(pk__in=[f["id"] for f in lapsed], status=FindingStatus.AWAITING_EXPLANATION) \
            .update(status=FindingStatus.NOT_EXPLAINED)
        Event.objects.bulk_create([
            Event(finding_id=f["id"], inspection_id=f["inspection_id"], action="no_explanation", actor=None,
                  from_status=FindingStatus.AWAITING_EXPLANATION, to_status=FindingStatus.NOT_EXPLAINED,
                  note=_("No explanation by %(day)s") % {"day": dmy(f["explanation_due"])}) for f in lapsed])
        for finding in lapsed:
            items.append({"recipient_id": finding["recorded_by_id"], "verb": "finding.not_explained",
                          "target_model": Finding, "target_id": finding["id"],
                          "url": reverse("inspections:finding", args=[finding["id"]]),
                          "dedupe_key": f"finding:{finding['id']}:not-explained",
                          "message": _("No explanation was given for %(code)s by %(day)s.")
                          % {"code": finding["code"], "day": dmy(finding["explanation_due"])}})
        notification_send_bulk(items)
    return marked + len(due_today)


@scheduled_job("inspections.recommendation_deadlines", cron="30 7 * * *", title=gettext_lazy("Overdue recommendations"))
def recommendation_deadlines(now=None) -> int:
    """Tell the team leader and the unit's head about recommendations past their deadline — once each."""
    today = timezone.localdate(now or timezone.now())
    overdue = list(Recommendation.objects.filter(status=RecommendationStatus.IN_REMEDIATION, deadline__lt=today)
                   .values("id", "number", "deadline", "inspection_id", "inspection__code", "inspection__leader_id",
                           "target_unit_id", "target_unit__name"))
    heads = head_ids_by_unit({r["target_unit_id"] for r in overdue})
    items = []
    with override(settings.LANGUAGE_CODE):
        for rec in overdue:
            message = _("Recommendation %(n)d of %(code)s is overdue since %(day)s (%(unit)s).") % {
                "n": rec["number"], "code": rec["inspection__code"], "day": dmy(rec["deadline"]),
                "unit": rec["target_unit__name"]}
            for recipient in {rec["inspection__leader_id"], *heads.get(rec["target_unit_id"], [])}:
                items.append({"recipient_id": recipient, "verb": "recommendation.overdue", "target_model": Inspection,
                              "target_id": rec["inspection_id"],
                              "url": reverse("inspections:detail", args=[rec["inspection_id"]]),
                              "dedupe_key": f"recommendation:{rec['id']}:overdue:{rec['deadline'].isoformat()}",
                              "message": message})
    with transaction.atomic():
        return notification_send_bulk(items)


@scheduled_job("inspections.conclusion_time_limits", cron="0 8 * * 1-5", title=gettext_lazy("Conclusion time limits"))
def conclusion_time_limits(now=None) -> int:
    """Warn the team leader when a Law 84/2025 limit (assigning the drafting, signing, the implementing
    directive) is due soon or missed. Public-service checks are not thanh tra: never warned."""
    today = timezone.localdate(now or timezone.now())
    pending = Inspection.objects.filter(
        Q(status=InspectionStatus.REPORTED, drafting_assigned_on__isnull=True)
        | Q(status=InspectionStatus.DRAFT_CONCLUSION)
        | Q(status__in=DIRECTIVE_STATUSES, directive_date__isnull=True)
    ).exclude(kind__in=LAW_84_EXEMPT_KINDS).only(
        "id", "code", "title", "kind", "status", "issuing_unit_id", "leader_id", "reported_at", "drafting_assigned_on",
        "draft_received_on", "concluded_at", "conclusion_date", "directive_date")
    limits = list(ConclusionTimeLimit.objects.all())
    items = []
    with override(settings.LANGUAGE_CODE):
        for inspection in pending.iterator(chunk_size=500):
            for limit in time_limits(inspection, today=today, limits=limits):
                if limit["state"] not in ("due_soon", "overdue"):
                    continue
                template = (_("%(what)s of %(code)s was due on %(day)s.") if limit["state"] == "overdue"
                            else _("%(what)s of %(code)s is due on %(day)s."))
                items.append({
                    "recipient_id": inspection.leader_id, "verb": f"inspection.limit_{limit['state']}",
                    "target_model": Inspection, "target_id": inspection.pk,
                    "url": reverse("inspections:detail", args=[inspection.pk]),
                    "dedupe_key": f"inspection:{inspection.pk}:{limit['step']}:{limit['state']}",
                    "message": template % {"what": limit["label"], "code": inspection.code, "day": dmy(limit["due"])},
                })
    with transaction.atomic():
        return notification_send_bulk(items)


@scheduled_job("inspections.discipline_lapse", cron="5 0 * * *", title=gettext_lazy("End of disciplinary periods"))
def discipline_lapse(now=None) -> int:
    """Mark decisions whose period in force has ended, once, and tell the official."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic(), override(settings.LANGUAGE_CODE):
        ended = list(DisciplinaryDecision.objects.select_for_update()
                     .filter(status=DecisionStatus.ISSUED, lapsed_at__isnull=True, effect_until__lt=today)
                     .values("id", "number", "subject_id", "effect_until"))
        marked = DisciplinaryDecision.objects.filter(pk__in=[d["id"] for d in ended], lapsed_at__isnull=True) \
            .update(lapsed_at=now)
        Event.objects.bulk_create([Event(decision_id=d["id"], action="lapse", actor=None,
                                         data={"effect_until": d["effect_until"].isoformat()}) for d in ended])
        notification_send_bulk([{
            "recipient_id": d["subject_id"], "verb": "decision.lapsed", "target_model": DisciplinaryDecision,
            "target_id": d["id"], "url": reverse("inspections:decision", args=[d["id"]]),
            "dedupe_key": f"decision:{d['id']}:lapsed",
            "message": _("Disciplinary decision %(number)s is no longer in force since %(day)s.")
            % {"number": d["number"], "day": dmy(d["effect_until"] + timedelta(days=1))},
        } for d in ended])
    return marked
