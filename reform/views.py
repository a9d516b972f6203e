"""Pages of the reform index: the list of sets, the secretary's overview and ranking, the unit head's
self-assessment, the appraiser's queue. Permissions are decided here, from reform.access."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import UnitKind
from core.actions import form_errors, report_error, submit
from core.errors import ConflictError
from core.files import stored_file_response
from core.pagination import paginate
from core.xlsx import xlsx_download
from reform import excel, services, structure
from reform.access import (
    assessments_visible_to,
    available_actions,
    get_assessment_for_user,
    get_set_for_user,
    may_import_self_scores,
    runs_set,
)
from reform.forms import (
    AnswerForm,
    AppraiseForm,
    AreaForm,
    CopyForm,
    CriterionForm,
    DecideForm,
    ImportForm,
    LinkForm,
    PublishForm,
    RemedyForm,
    SelfScoreForm,
    SubCriterionForm,
    VersionForm,
)
from reform.models import (
    Area,
    AssessmentStatus,
    Criterion,
    Result,
    Score,
    ScoreEvidence,
    ScoreLink,
    ScoringMethod,
    SubCriterion,
)
from reform.selectors import (
    assessment_list_for_user,
    previous_results,
    ranking_for_user,
    remedy_list_for_user,
    set_list_for_user,
    submission_summary,
    with_task_state,
)

IMPORTS = {
    "self": (excel.import_self_scores, excel.self_score_template, "tu-cham"),
    "survey": (excel.import_survey, excel.survey_template, "dieu-tra"),
    "structure": (excel.import_structure, None, "bo-tieu-chi"),
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
    today = timezone.localdate()
    return render(request, "reform/set.html", {
        "set": criteria_set, "page": page, "actions": available_actions(request.user, criteria_set),
        "summary": submission_summary(request.user, criteria_set, today) if runs_set(request.user, criteria_set)
        else None,
        "can_import_self": may_import_self_scores(request.user, criteria_set), "bands": criteria_set.bands.all(),
        "areas": criteria_set.areas.all(), "publish_form": PublishForm(), "today": today})


@login_required
@require_GET
def ranking(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    page = paginate(request, ranking_for_user(request.user, criteria_set), default_size=50)
    rows = list(page.object_list)
    previous, before = previous_results(criteria_set, [r.unit_id for r in rows])
    # A unit's row leads to the scores behind it for those who may read them (one query for the page).
    readable = set(assessments_visible_to(request.user).filter(pk__in=[r.assessment_id for r in rows])
                   .values_list("pk", flat=True)) if rows else set()
    for row in rows:
        row.previous = before.get(row.unit_id)
        row.readable = row.assessment_id in readable
    return render(request, "reform/ranking.html", {"set": criteria_set, "page": page, "rows": rows,
                                                   "previous": previous,
                                                   "actions": available_actions(request.user, criteria_set)})


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
    if kind == "structure":  # its runners reach the page; a frozen set's import says why it is refused
        return runs_set(user, criteria_set)
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
    if kind == "structure":
        return excel.structure_response(criteria_set)
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
    scores = {s.sub_criterion_id: s for s in assessment.scores.select_related(
        "appraised_by", "decided_by", "remedy_task").prefetch_related("evidence", "links")}
    areas = defaultdict(list)
    for sub in criteria_set.sub_criteria.select_related("criterion__area").order_by(
            "criterion__area__order", "criterion__order", "order"):
        if sub.applies_to(assessment.unit.kind):
            areas[sub.criterion.area].append((sub, scores.get(sub.pk)))
    lines = [score for rows in areas.values() for _sub, score in rows]
    progress = {"total": len(lines), "scored": sum(1 for s in lines if s and s.self_points is not None),
                "appraised": sum(1 for s in lines if s and s.appraised_by_id)}
    survey = list(assessment.survey_scores.select_related("area"))
    result = Result.objects.filter(assessment=assessment).first()
    previous = None
    if result is not None:
        _previous_set, before = previous_results(criteria_set, [assessment.unit_id])
        previous = before.get(assessment.unit_id)
    return render(request, "reform/assessment.html", {
        "assessment": assessment, "set": criteria_set, "areas": dict(areas), "actions": actions,
        "set_actions": available_actions(request.user, criteria_set), "progress": progress,
        "survey": survey, "remedy_form": RemedyForm(auto_id=False), "link_form": LinkForm(auto_id=False),
        "has_automatic": any(sub.method == ScoringMethod.AUTOMATIC for rows in areas.values() for sub, _s in rows),
        "chart": area_chart(areas, survey, criteria_set) if progress["scored"] or survey else [],
        # Lost points are explained once the appraisal is done (before, every unscored line would be "lost").
        "lost": lost_lines(areas) if assessment.status in (AssessmentStatus.APPRAISED, AssessmentStatus.FINAL) else [],
        "answer_window_until": assessment.answer_due_on if assessment.status == AssessmentStatus.APPRAISED else None,
        "result": result, "previous": previous})


def area_chart(areas, survey, criteria_set) -> list[dict]:
    """One bar per area: the points obtained (the appraiser's once given, else the unit's own) of
    the points that apply to the unit, as a share of the bar, for the server-rendered SVG. A survey
    area not imported yet shows 0."""
    bars = []
    for area, rows in areas.items():
        maximum = sum((sub.max_points for sub, _score in rows), Decimal(0))
        obtained = sum(((score.final_points or 0) if score else Decimal(0) for _sub, score in rows), Decimal(0))
        bars.append(_bar(area, obtained, maximum))
    surveyed = {line.area_id: line.points for line in survey}
    for area in criteria_set.areas.filter(survey_max_points__isnull=False).order_by("order", "id"):
        bars.append(_bar(area, surveyed.get(area.pk, Decimal(0)), area.survey_max_points))
    return bars


def _bar(area, obtained, maximum) -> dict:
    percent = (Decimal(obtained) * 100 / maximum).quantize(Decimal("0.1")) if maximum else Decimal(0)
    return {"area": area, "obtained": obtained, "max": maximum, "percent": percent,
            "width": float(min(percent, Decimal(100))),
            "label": _("%(area)s: %(obtained)s of %(max)s points (%(percent)s%%)") % {
                "area": area, "obtained": obtained, "max": maximum, "percent": percent}}


def lost_lines(areas) -> list[tuple]:
    """Every sub-criterion on which the unit lost points: (sub-criterion, score or None, points lost)."""
    lost = []
    for rows in areas.values():
        for sub, score in rows:
            final = score.final_points if score else None
            missing = sub.max_points - (final or 0)
            if missing > 0:
                lost.append((sub, score, missing))
    return lost


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


@login_required
@require_POST
def assessment_compute(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    return submit(request, None, lambda _data: services.assessment_compute_automatic(
        actor=request.user, assessment=assessment), _("The automatic sub-criteria are recomputed."),
        _assessment_url(assessment))


@login_required
@require_POST
def assessment_link(request, pk, sub_pk):
    assessment = get_assessment_for_user(request.user, pk)
    sub = get_object_or_404(assessment.criteria_set.sub_criteria, pk=sub_pk)
    return submit(request, LinkForm(request.POST), lambda data: services.score_link_add(
        actor=request.user, assessment=assessment, sub_criterion=sub, kind=data["kind"], code=data["code"]),
        _("Linked to %(code)s.") % {"code": sub.code}, _assessment_url(assessment) + f"#sub-{sub.pk}")


@login_required
@require_POST
def link_remove(request, pk):
    link = get_object_or_404(ScoreLink.objects.select_related("score__assessment"), pk=pk,
                             score__assessment__in=assessments_visible_to(request.user))
    assessment = link.score.assessment
    return submit(request, None, lambda _data: services.score_link_remove(actor=request.user, link=link),
                  _("The link is removed."), _assessment_url(assessment) + f"#sub-{link.score.sub_criterion_id}")


@login_required
@require_POST
def assessment_answer(request, pk, sub_pk):
    assessment = get_assessment_for_user(request.user, pk)
    sub = get_object_or_404(assessment.criteria_set.sub_criteria, pk=sub_pk)
    return submit(request, AnswerForm(request.POST), lambda data: services.score_answer(
        actor=request.user, assessment=assessment, sub_criterion=sub, answer=data["answer"]),
        _("The answer is sent to the council."), _assessment_url(assessment) + f"#sub-{sub.pk}")


@login_required
@require_POST
def assessment_decide(request, pk, sub_pk):
    assessment = get_assessment_for_user(request.user, pk)
    sub = get_object_or_404(assessment.criteria_set.sub_criteria, pk=sub_pk)
    return submit(request, DecideForm(request.POST), lambda data: services.score_decide(
        actor=request.user, assessment=assessment, sub_criterion=sub, points=data["points"], note=data["note"]),
        _("Saved %(code)s.") % {"code": sub.code}, _assessment_url(assessment) + f"#sub-{sub.pk}")


@login_required
@require_POST
def assessment_finalise(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    return submit(request, None, lambda _data: services.assessment_finalise(actor=request.user, assessment=assessment),
                  _("The final score is fixed."), _assessment_url(assessment))


# -- the structure of a set: editing a draft, copies, versions, Excel ------------------------

STRUCTURE_ITEMS = {
    "area": (Area, AreaForm),
    "criterion": (Criterion, CriterionForm),
    "sub": (SubCriterion, SubCriterionForm),
}


def _structure_url(criteria_set, anchor: str = "") -> str:
    return reverse("reform:structure", args=[criteria_set.pk]) + (f"#{anchor}" if anchor else "")


@login_required
@require_GET
def set_structure(request, pk):
    """The set's areas, criteria and sub-criteria with their totals; its runners edit a draft here."""
    criteria_set = get_set_for_user(request.user, pk)
    actions = available_actions(request.user, criteria_set)
    return render(request, "reform/structure.html", {
        "set": criteria_set, "actions": actions, "structure": structure.set_structure(criteria_set),
        "versions": structure.versions_of(criteria_set), "bands": criteria_set.bands.all(),
        "kind_labels": dict(UnitKind.choices), "copy_form": CopyForm(initial={"year": criteria_set.year + 1}),
        "version_form": VersionForm(), "area_form": AreaForm(auto_id="area_%s"),
        "criterion_form": CriterionForm(auto_id=False)})


def _structure_item(criteria_set, kind: str, item_pk):
    model = STRUCTURE_ITEMS[kind][0]
    scope = {"area": {"criteria_set": criteria_set}, "criterion": {"area__criteria_set": criteria_set},
             "sub": {"criteria_set": criteria_set}}[kind]
    return get_object_or_404(model.objects.filter(**scope), pk=item_pk)


def _initial(kind: str, item) -> dict:
    if item is None:
        return {"method": "points"} if kind == "sub" else {}
    fields = {"area": ["code", "name", "survey_max_points"], "criterion": ["code", "name"],
              "sub": ["code", "name", "max_points", "method", "step", "evidence_required", "unit_kinds",
                      "legal_basis"]}[kind]
    return {name: getattr(item, name) for name in fields}


def _save_item(user, criteria_set, kind: str, item, parent, data):
    if kind == "area":
        if item is None:
            return services.area_add(actor=user, criteria_set=criteria_set, **data)
        return structure.area_update(actor=user, area=item, **data)
    if kind == "criterion":
        if item is None:
            return services.criterion_add(actor=user, area=parent, **data)
        return structure.criterion_update(actor=user, criterion=item, **data)
    data = {**data, "evidence_required": data["evidence_required"] or "", "legal_basis": data["legal_basis"] or ""}
    if item is None:
        return services.sub_criterion_add(actor=user, criterion=parent, **data)
    return structure.sub_criterion_update(actor=user, sub_criterion=item, **data)


@login_required
@require_http_methods(["GET", "POST"])
def structure_item(request, pk, kind, item_pk=None):
    """Add (with ?parent=) or edit an area, a criterion or a sub-criterion of a draft set."""
    criteria_set = get_set_for_user(request.user, pk)
    if kind not in STRUCTURE_ITEMS:
        raise Http404
    if not runs_set(request.user, criteria_set):
        raise PermissionDenied
    try:
        structure.structure_editable(request.user, criteria_set)
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect(_structure_url(criteria_set))
    item = _structure_item(criteria_set, kind, item_pk) if item_pk else None
    parent = None
    if item is None and kind != "area":
        parent_kind = "area" if kind == "criterion" else "criterion"
        parent = _structure_item(criteria_set, parent_kind, request.POST.get("parent") or request.GET.get("parent"))
    form = STRUCTURE_ITEMS[kind][1](request.POST or None, initial=_initial(kind, item))
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_item(request.user, criteria_set, kind, item, parent, form.cleaned_data)
        except ValidationError as error:
            for field_name, errors in error.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect(_structure_url(criteria_set))
        else:
            messages.success(request, _("Saved %(code)s.") % {"code": saved.code})
            return redirect(_structure_url(criteria_set, f"{kind}-{saved.pk}"))
    return render(request, "reform/structure_item.html", {
        "set": criteria_set, "kind": kind, "item": item, "parent": parent, "form": form})


@login_required
@require_POST
def structure_remove(request, pk, kind, item_pk):
    criteria_set = get_set_for_user(request.user, pk)
    if kind not in STRUCTURE_ITEMS:
        raise Http404
    item = _structure_item(criteria_set, kind, item_pk)
    remove = {"area": lambda: structure.area_remove(actor=request.user, area=item),
              "criterion": lambda: structure.criterion_remove(actor=request.user, criterion=item),
              "sub": lambda: structure.sub_criterion_remove(actor=request.user, sub_criterion=item)}[kind]
    return submit(request, None, lambda _data: remove(), _("Removed %(code)s.") % {"code": item.code},
                  _structure_url(criteria_set))


@login_required
@require_GET
def structure_export(request, pk):
    """The set's structure in the published layout: the criteria are read by everyone who sees the set."""
    return excel.structure_response(get_set_for_user(request.user, pk))


def _create_and_go(request, form, run, success_message, back_url):
    """A service that makes a new set: on success, to the new set's structure page."""
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back_url)
    try:
        created = run(form.cleaned_data)
    except (ValidationError, ConflictError) as error:
        report_error(request, error)
        return redirect(back_url)
    messages.success(request, success_message)
    return redirect(_structure_url(created))


@login_required
@require_POST
def set_copy(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    return _create_and_go(request, CopyForm(request.POST), lambda data: structure.criteria_set_copy(
        actor=request.user, source=criteria_set, year=data["year"], title=data["title"], members=data["members"]),
        _("A draft set is made from this one; edit it before scoring opens."), _structure_url(criteria_set))


@login_required
@require_POST
def set_new_version(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    return _create_and_go(request, VersionForm(request.POST), lambda data: structure.criteria_set_new_version(
        actor=request.user, criteria_set=criteria_set, reason=data["reason"]),
        _("The new version is a draft; edit it, then put it in force."), _structure_url(criteria_set))


@login_required
@require_POST
def set_version_open(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    return submit(request, None, lambda _data: structure.criteria_set_version_open(
        actor=request.user, criteria_set=criteria_set),
        _("The new version is in force; the units' self-assessments moved to it."), criteria_set_url(criteria_set))


@login_required
@require_GET
def remedies(request, pk):
    criteria_set = get_set_for_user(request.user, pk)
    page = paginate(request, remedy_list_for_user(request.user, criteria_set), default_size=50)
    page.object_list = with_task_state(page.object_list)
    return render(request, "reform/remedies.html", {"set": criteria_set, "page": page})
