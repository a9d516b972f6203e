"""Pages of the reform index: the list of sets, the secretary's overview and ranking, the unit head's
self-assessment, the appraiser's queue. Permissions are decided here, from reform.access."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.actions import submit
from config.files import stored_file_response
from config.pagination import paginate
from config.xlsx import xlsx_download
from reform import excel, services
from reform.access import (
    assessments_visible_to,
    available_actions,
    get_assessment_for_user,
    get_set_for_user,
    may_import_self_scores,
    runs_set,
)
from reform.forms import AppraiseForm, ImportForm, PublishForm, RemedyForm, SelfScoreForm
from reform.models import Score, ScoreEvidence
from reform.selectors import assessment_list_for_user, ranking_for_user, set_list_for_user

IMPORTS = {
    "self": (excel.import_self_scores, excel.self_score_template, "tu-cham"),
    "survey": (excel.import_survey, excel.survey_template, "dieu-tra"),
}


@login_required
@require_GET
def set_list(request):
    page = paginate(request, set_list_for_user(request.user))
    return render(request, "reform/list.html", {"page": page})


@login_required
@require_GET
def appraiser_queue(request):
    page = paginate(request, assessment_list_for_user(request.user, appraiser_queue=True))
    return render(request, "reform/queue.html", {"page": page})


@login_required
@require_GET
def set_detail(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    page = paginate(request, assessment_list_for_user(request.user, criteria_set=criteria_set))
    return render(request, "reform/set.html", {
        "set": criteria_set, "page": page, "actions": available_actions(request.user, criteria_set),
        "can_import_self": may_import_self_scores(request.user, criteria_set), "bands": criteria_set.bands.all(),
        "areas": criteria_set.areas.all(), "publish_form": PublishForm(), "today": timezone.localdate()})


@login_required
@require_GET
def ranking(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    page = paginate(request, ranking_for_user(request.user, criteria_set), default_size=50)
    return render(request, "reform/ranking.html", {"set": criteria_set, "page": page,
                                                   "can_export": runs_set(request.user, criteria_set)})


@login_required
@require_GET
def ranking_export(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    if "export" not in available_actions(request.user, criteria_set):
        raise PermissionDenied
    return excel.ranking_response(criteria_set, ranking_for_user(request.user, criteria_set))


@login_required
@require_POST
def set_freeze(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    return submit(request, None, lambda _data: services.criteria_set_freeze(actor=request.user, criteria_set=criteria_set),
                  _("Scores are final; the index is computed."), criteria_set_url(criteria_set))


@login_required
@require_POST
def set_publish(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    return submit(request, PublishForm(request.POST), lambda data: services.criteria_set_publish(
        actor=request.user, criteria_set=criteria_set, published_on=data["published_on"]),
        _("The ranking is published."), criteria_set_url(criteria_set))


def criteria_set_url(criteria_set) -> str:
    return reverse("reform:set", args=[criteria_set.pk])


def _import_allowed(user, criteria_set, kind) -> bool:
    if kind == "survey":
        return "import_survey" in available_actions(user, criteria_set)
    return may_import_self_scores(user, criteria_set)


@login_required
@require_http_methods(["GET", "POST"])
def set_import(request, pk, kind):
    criteria_set = get_set_for_user(request.user, pk)
    if kind not in IMPORTS:
        raise Http404
    if not _import_allowed(request.user, criteria_set, kind):
        raise PermissionDenied
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = IMPORTS[kind][0](form.cleaned_data["file"], actor=request.user, criteria_set=criteria_set)
        if result.ok:
            messages.success(request, _("Imported %(n)d rows.") % {"n": result.written})
            return redirect("reform:set", pk=criteria_set.pk)
        messages.error(request, _("The file has errors. Nothing was imported; fix them and try again."))
    return render(request, "reform/import.html", {"form": form, "set": criteria_set, "kind": kind, "result": result})


@login_required
@require_GET
def set_import_template(request, pk, kind):
    criteria_set = get_set_for_user(request.user, pk)
    if kind not in IMPORTS:
        raise Http404
    if not _import_allowed(request.user, criteria_set, kind):
        raise PermissionDenied
    if kind == "self":
        own = assessments_visible_to(request.user).filter(criteria_set=criteria_set).select_related("unit").first()
        content = excel.self_score_template(criteria_set, own.unit.code if own else "")
    else:
        content = excel.survey_template(criteria_set)
    return xlsx_download(content, f"{IMPORTS[kind][2]}-{criteria_set.year}.xlsx")


@login_required
@require_GET
def assessment_detail(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    criteria_set = assessment.criteria_set
    actions = available_actions(request.user, assessment)
    scores = {s.sub_criterion_id: s for s in assessment.scores.select_related("appraised_by", "remedy_task")
              .prefetch_related("evidence")}
    areas = defaultdict(list)
    for sub in criteria_set.sub_criteria.select_related("criterion__area").order_by(
            "criterion__area__order", "criterion__order", "order"):
        if sub.applies_to(assessment.unit.kind):
            areas[sub.criterion.area].append((sub, scores.get(sub.pk)))
    lines = [score for rows in areas.values() for _sub, score in rows]
    progress = {"total": len(lines), "scored": sum(1 for s in lines if s and s.self_points is not None),
                "appraised": sum(1 for s in lines if s and s.appraised_by_id)}
    return render(request, "reform/assessment.html", {
        "assessment": assessment, "set": criteria_set, "areas": dict(areas), "actions": actions,
        "set_actions": available_actions(request.user, criteria_set), "progress": progress,
        "survey": assessment.survey_scores.select_related("area"), "remedy_form": RemedyForm(auto_id=False)})


def _assessment_url(assessment) -> str:
    return reverse("reform:assessment", args=[assessment.pk])


@login_required
@require_POST
def assessment_score(request, pk, sub_pk):
    assessment = get_assessment_for_user(request.user, pk)
    sub = get_object_or_404(assessment.criteria_set.sub_criteria, pk=sub_pk)
    return submit(request, SelfScoreForm(request.POST), lambda data: services.score_self(
        actor=request.user, assessment=assessment, sub_criterion=sub, points=data["points"], note=data["note"],
        files=request.FILES.getlist("files")), _("Saved %(code)s.") % {"code": sub.code},
        _assessment_url(assessment) + f"#sub-{sub.pk}")


@login_required
@require_POST
def assessment_appraise(request, pk, sub_pk):
    assessment = get_assessment_for_user(request.user, pk)
    sub = get_object_or_404(assessment.criteria_set.sub_criteria, pk=sub_pk)
    return submit(request, AppraiseForm(request.POST), lambda data: services.score_appraise(
        actor=request.user, assessment=assessment, sub_criterion=sub, points=data["points"], comment=data["comment"]),
        _("Saved %(code)s.") % {"code": sub.code}, _assessment_url(assessment) + f"#sub-{sub.pk}")


@login_required
@require_POST
def assessment_submit(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    return submit(request, None, lambda _data: services.assessment_submit(actor=request.user, assessment=assessment),
                  _("The self-assessment is submitted for appraisal."), _assessment_url(assessment))


@login_required
@require_POST
def assessment_finish(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    return submit(request, None, lambda _data: services.assessment_finish_appraisal(
        actor=request.user, assessment=assessment), _("The appraisal is done."), _assessment_url(assessment))


@login_required
@require_POST
def score_remedy(request, pk):
    score = get_object_or_404(Score.objects.select_related("assessment"), pk=pk,
                              assessment__in=assessments_visible_to(request.user))
    return submit(request, RemedyForm(request.POST), lambda data: services.remedy_issue(
        actor=request.user, score=score, deadline=data["deadline"]),
        _("The remedial task is assigned."), _assessment_url(score.assessment))


@login_required
@require_GET
def evidence_download(request, pk):
    evidence = get_object_or_404(ScoreEvidence.objects.select_related("score"), pk=pk)
    if not assessments_visible_to(request.user).filter(pk=evidence.score.assessment_id).exists():
        raise Http404
    return stored_file_response(evidence.file, evidence.name)
