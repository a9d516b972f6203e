"""Inspection and discipline pages. Each view: access helper → form → service → redirect
(or an htmx fragment). Permissions are decided here, never in templates."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import get_unit_for_user, people_visible_to, scope_for
from core import rulebook
from accounts.selectors import person_choices_for_user
from core.actions import report_error, submit
from core.errors import ConflictError
from core.files import stored_file_response
from core.forms import ReasonForm
from core.pagination import paginate, query_without_page
from core.xlsx import xlsx_download
from inspections import excel, rules, services
from inspections.access import (
    available_actions,
    can_decide_discipline,
    can_direct,
    can_record,
    can_see_inspection,
    decisions_visible_to,
    findings_visible_to,
    get_decision_for_user,
    get_finding_for_user,
    get_inspection_for_user,
    get_plan_for_user,
    get_roll_for_user,
    inspecting_bodies,
    inspecting_units,
    is_team_member,
    plans_visible_to,
    recommendations_visible_to,
    roll_actions,
)
from inspections.forms import (
    AnnounceForm,
    AssignDraftingForm,
    ConcludeForm,
    DecisionFilterForm,
    DecisionOpenForm,
    DirectiveForm,
    DraftConclusionForm,
    ExplainForm,
    FindingFilterForm,
    FindingForm,
    FindingImportForm,
    InspectionFilterForm,
    InspectionForm,
    IssueForm,
    NoteForm,
    PauseForm,
    PlanForm,
    ProposeForm,
    PublishForm,
    RecommendationForm,
    RepeatFilterForm,
    ReplaceTaskForm,
    TeamForm,
    VerifyForm,
)
from inspections.models import (
    Attendance,
    CheckOutcome,
    DecisionStatus,
    FindingEvidence,
)
from inspections.selectors import (
    check_summary,
    decision_register_for_user,
    finding_list_for_user,
    inspection_list_for_user,
    inspection_timeline_for_user,
    inspector_dashboard,
    overdue_recommendations_by_unit,
    planned_overlaps_in_plan,
    recommendation_list_for_user,
    repeat_offenders_for_user,
    repeat_window,
    rolls_of,
    rolls_of_one,
    time_limits,
)


# -- dashboard and lists ---------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    data = inspector_dashboard(request.user)
    return render(request, "inspections/dashboard.html", {
        **data, "can_create": bool(inspecting_units(request.user)),
        "today": timezone.localdate(),
    })


@login_required
@require_GET
def inspection_list(request):
    form = InspectionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    inspections = inspection_list_for_user(request.user, q=filters.get("q", ""), status=filters.get("status", ""),
                                           kind=filters.get("kind", ""), year=filters.get("year"),
                                           mine=bool(filters.get("mine")))
    page = paginate(request, inspections)
    template = "inspections/list.html#rows" if request.htmx else "inspections/list.html"
    return render(request, template, {"form": form, "page": page, "query": query_without_page(request),
                                      "can_create": bool(inspecting_units(request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request):
    units = inspecting_units(request.user)
    form = PlanForm(request.POST or None, bodies=inspecting_bodies(request.user, units))
    if request.method == "POST":
        if not units:
            raise Http404
        if form.is_valid():
            try:
                plan = services.plan_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                report_error(request, error)
            else:
                messages.success(request, _("Plan created."))
                return redirect("inspections:plan", pk=plan.pk)
    plans = plans_visible_to(request.user).select_related("issuing_unit").order_by("-year", "title", "id")
    return render(request, "inspections/plans.html", {"plans": plans, "form": form if units else None})


@login_required
@require_GET
def plan_detail(request, pk):
    plan = get_plan_for_user(request.user, pk)
    visible = inspection_list_for_user(request.user).filter(plan=plan)
    return render(request, "inspections/plan_detail.html", {
        "plan": plan, "inspections": visible.prefetch_related("targets"),
        "overlaps": planned_overlaps_in_plan(plan), "actions": available_actions(request.user, plan),
        "overlap_basis": rules.PLAN_OVERLAP_BASIS, "overlap_rule_url": rulebook.rule_url("inspections.plan_overlap"),
    })


# -- inspections -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request):
    units = inspecting_units(request.user)
    if not units:
        raise Http404
    initial = {"plan": request.GET.get("plan"), "leader": request.user.pk}
    form = InspectionForm(request.POST or None, user=request.user, bodies=inspecting_bodies(request.user, units),
                          initial=initial)
    rule_links = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            inspection = services.inspection_create(
                actor=request.user, issuing_unit=data.pop("issuing_unit"), targets=list(data.pop("targets")),
                leader=data.pop("leader"), members=list(data.pop("members")),
                overlap_reason=data.pop("overlap_reason"), data=data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            rule_links = error.rule_links() if isinstance(error, rulebook.RuleRefusal) else []
        else:
            messages.success(request, _("Inspection %(code)s created.") % {"code": inspection.code})
            return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/form.html", {"form": form, "rule_links": rule_links})


def _inspection_context(request, inspection) -> dict:
    user = request.user
    recommendations = list(inspection.recommendations.select_related("target_unit", "task", "task__lead"))
    for recommendation in recommendations:
        recommendation.inspection = inspection
        recommendation.actions = available_actions(user, recommendation)
    targets = list(inspection.targets.all())
    team = list(inspection.team.select_related("user", "user__unit"))
    return {
        "inspection": inspection,
        "targets": targets,
        "team": team,
        "findings": finding_list_for_user(user, inspection=inspection)[:200],
        "recommendations": recommendations,
        "events": inspection_timeline_for_user(user, inspection),
        "limits": time_limits(inspection),
        "untimed": rulebook.registered_constant("inspections.public_service_checks_untimed"),
        "untimed_url": rulebook.rule_url("inspections.public_service_checks_untimed"),
        **_roll_context(user, inspection),
        "actions": available_actions(user, inspection),
        "forms": {
            "team": TeamForm(user=user, prefix="team", initial={
                "leader": inspection.leader_id,
                "members": [m.user_id for m in team if m.user_id != inspection.leader_id]}),
            "assign_drafting": AssignDraftingForm(prefix="assign", initial={"assigned_on": timezone.localdate()}),
            "draft": DraftConclusionForm(prefix="draft", initial={"text": inspection.conclusion_text,
                                                                   "received_on": timezone.localdate()}),
            "directive": DirectiveForm(prefix="directive", initial={"directive_date": timezone.localdate()}),
            "conclude": ConcludeForm(prefix="conclude", initial={"conclusion_date": timezone.localdate()}),
            "publish": PublishForm(prefix="publish"),
            "recommend": RecommendationForm(prefix="rec", inspection=inspection,
                                            initial={"target_unit": targets[0].pk} if len(targets) == 1 else None),
            "verify": VerifyForm(prefix="verify"),
            "replace": ReplaceTaskForm(prefix="replace"),
            "reason": ReasonForm(prefix="reason"),
            "note": NoteForm(prefix="note"),
        },
    }


@login_required
@require_GET
def inspection_detail(request, pk):
    inspection = get_inspection_for_user(request.user, pk)
    return render(request, "inspections/detail.html", _inspection_context(request, inspection))


def _act(request, pk, form_class, action, success_message, *, prefix=None, form_kwargs=None):
    inspection = get_inspection_for_user(request.user, pk)
    extra = form_kwargs(inspection) if form_kwargs else {}
    form = form_class(request.POST, prefix=prefix, **extra) if form_class else None
    return submit(request, form, lambda data: action(inspection, data), success_message,
                   reverse("inspections:detail", args=[inspection.pk]))


@login_required
@require_POST
def inspection_team(request, pk):
    return _act(request, pk, TeamForm, lambda i, d: services.inspection_set_team(
        actor=request.user, inspection=i, leader=d["leader"], members=list(d["members"])), _("Team updated."),
        prefix="team", form_kwargs=lambda i: {"user": request.user})


@login_required
@require_POST
def inspection_action(request, pk, action):
    user = request.user
    actions = {
        "start": (None, lambda i, d: services.inspection_start(actor=user, inspection=i), _("Inspection started.")),
        "report": (NoteForm, lambda i, d: services.inspection_report(actor=user, inspection=i, note=d["note"]),
                   _("Report submitted.")),
        "assign-drafting": (AssignDraftingForm, lambda i, d: services.inspection_assign_drafting(
            actor=user, inspection=i, assigned_on=d["assigned_on"]), _("Drafting of the conclusion assigned.")),
        "draft": (DraftConclusionForm, lambda i, d: services.inspection_draft_conclusion(
            actor=user, inspection=i, text=d["text"], received_on=d["received_on"],
            drafting_assigned_on=d["drafting_assigned_on"]), _("Draft conclusion saved.")),
        "directive": (DirectiveForm, lambda i, d: services.inspection_record_directive(
            actor=user, inspection=i, number=d["number"], directive_date=d["directive_date"]),
            _("Implementing directive recorded.")),
        "conclude": (ConcludeForm, lambda i, d: services.inspection_conclude(
            actor=user, inspection=i, number=d["number"], conclusion_date=d["conclusion_date"], signer=d["signer"],
            text=d["text"]), _("Conclusion signed; remediation tasks assigned.")),
        "publish": (PublishForm, lambda i, d: services.inspection_publish(
            actor=user, inspection=i, publish_until=d["publish_until"]), _("Conclusion published.")),
        "follow-up": (None, lambda i, d: services.inspection_follow_up(actor=user, inspection=i),
                      _("Following up the recommendations.")),
        "close": (NoteForm, lambda i, d: services.inspection_close(actor=user, inspection=i, note=d["note"]),
                  _("Inspection closed.")),
        "cancel": (ReasonForm, lambda i, d: services.inspection_cancel(actor=user, inspection=i, reason=d["reason"]),
                   _("Inspection cancelled.")),
    }
    if action not in actions:
        raise Http404
    form_class, run, message = actions[action]
    prefix = {NoteForm: "note", ReasonForm: "reason", DraftConclusionForm: "draft", ConcludeForm: "conclude",
              PublishForm: "publish", AssignDraftingForm: "assign", DirectiveForm: "directive"}.get(form_class)
    return _act(request, pk, form_class, run, message, prefix=prefix)


@login_required
@require_POST
def recommendation_add(request, pk):
    return _act(request, pk, RecommendationForm, lambda i, d: services.recommendation_add(
        actor=request.user, inspection=i, **d), _("Recommendation added."), prefix="rec",
        form_kwargs=lambda i: {"inspection": i})


def _recommendation(request, pk):
    return get_object_or_404(recommendations_visible_to(request.user).select_related("inspection", "task"), pk=pk)


@login_required
@require_POST
def recommendation_verify(request, pk):
    recommendation = _recommendation(request, pk)
    return submit(request, VerifyForm(request.POST, prefix="verify"), lambda d: services.recommendation_verify(
        actor=request.user, recommendation=recommendation, accepted=d["accepted"], note=d["note"]),
        _("Verification recorded."), reverse("inspections:detail", args=[recommendation.inspection_id]))


@login_required
@require_POST
def recommendation_withdraw(request, pk):
    recommendation = _recommendation(request, pk)
    return submit(request, ReasonForm(request.POST, prefix="reason"), lambda d: services.recommendation_withdraw(
        actor=request.user, recommendation=recommendation, reason=d["reason"]),
        _("Recommendation withdrawn."), reverse("inspections:detail", args=[recommendation.inspection_id]))


@login_required
@require_POST
def recommendation_replace_task(request, pk):
    recommendation = _recommendation(request, pk)
    return submit(request, ReplaceTaskForm(request.POST, prefix="replace"), lambda d: services.recommendation_replace_task(
        actor=request.user, recommendation=recommendation, reason=d["reason"], deadline=d["deadline"]),
        _("A new remediation task was assigned."), reverse("inspections:detail", args=[recommendation.inspection_id]))


@login_required
@require_GET
def recommendation_list(request):
    overdue = request.GET.get("overdue") == "1"
    page = paginate(request, recommendation_list_for_user(request.user, overdue=overdue))
    return render(request, "inspections/recommendations.html", {
        "page": page, "overdue": overdue, "by_unit": overdue_recommendations_by_unit(request.user),
        "query": query_without_page(request), "today": timezone.localdate(),
    })


# -- findings --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def finding_create(request, pk):
    """The fast form, made for a phone: person search, violation, photo, save."""
    inspection = get_inspection_for_user(request.user, pk)
    if not can_record(request.user, inspection):
        raise PermissionDenied
    form = FindingForm(request.POST or None, inspection=inspection)
    form.show_people_of(request.user)
    chosen = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person_id = data.pop("subject_person")
        if person_id:
            chosen = people_visible_to(request.user).select_related("unit").filter(pk=person_id).first()
            if chosen is None:
                form.add_error(None, _("Choose a person among the people you can see."))
        if not form.errors:
            try:
                finding = services.finding_record(actor=request.user, inspection=inspection, files=request.FILES.getlist(
                    "files"), client_token=data.pop("client_token"), data={**data, "subject_person": chosen})
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Finding %(code)s recorded.") % {"code": finding.code})
                for warning in getattr(finding, "warnings", []):
                    messages.warning(request, warning)
                if request.POST.get("next") == "another":
                    return redirect("inspections:finding_create", pk=inspection.pk)
                return redirect("inspections:finding", pk=finding.pk)
    return render(request, "inspections/finding_form.html", {"form": form, "inspection": inspection, "chosen": chosen})


@login_required
@require_GET
def person_search(request, pk):
    """People in the inspected units matching the query, diacritics ignored (for the finding form)."""
    inspection = get_inspection_for_user(request.user, pk)
    if not can_record(request.user, inspection):
        raise PermissionDenied
    q = (request.GET.get("q") or "").strip()[:100]
    units_q = Q(pk__in=[])
    for target in inspection.targets.all():
        units_q |= Q(unit__path__startswith=target.path)
    people = person_choices_for_user(request.user, search=q, people=people_visible_to(request.user).filter(units_q))
    return render(request, "accounts/_person_choices.html", {"people": people, "q": q, "name": "subject_person"})


def _filtered_findings(request):
    """The violation register's filters (the page's and its export's), the unit and the findings."""
    form = FindingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = get_unit_for_user(request.user, filters["unit"]) if filters.get("unit") else None
    findings = finding_list_for_user(
        request.user, q=filters.get("q", ""), status=filters.get("status", ""),
        violation_type=filters["violation_type"].pk if filters.get("violation_type") else None, unit=unit,
        date_from=filters.get("date_from"), date_to=filters.get("date_to"))
    return form, unit, findings


@login_required
@require_GET
def finding_list(request):
    form, unit, findings = _filtered_findings(request)
    page = paginate(request, findings)
    template = "inspections/findings.html#rows" if request.htmx else "inspections/findings.html"
    return render(request, template, {"form": form, "page": page, "query": query_without_page(request), "unit": unit})


@login_required
@require_GET
def finding_list_export(request):
    """The violation register as filtered on its page, in Excel."""
    _form, unit, findings = _filtered_findings(request)
    return excel.findings_response(findings, title=str(unit) if unit else request.user.full_name)


@login_required
@require_GET
def inspection_findings_export(request, pk):
    inspection = get_inspection_for_user(request.user, pk)
    return excel.findings_response(finding_list_for_user(request.user, inspection=inspection),
                                   title=f"{inspection.code} {inspection.title}")


@login_required
@require_GET
def finding_detail(request, pk):
    finding = get_finding_for_user(request.user, pk)
    inspection = finding.inspection
    user = request.user
    member = is_team_member(user, inspection) or can_direct(user, inspection)
    return render(request, "inspections/finding_detail.html", {
        "finding": finding, "inspection": inspection, "inspection_visible": can_see_inspection(user, inspection),
        "evidence": finding.evidence.select_related("uploaded_by"),
        "events": finding.events.select_related("actor").order_by("at", "id"),
        "decisions": finding.decisions.all(),
        "warnings": services.finding_warnings(finding) if member else [],
        "actions": available_actions(user, finding),
        "forms": {"explain": ExplainForm(prefix="explain"), "propose": ProposeForm(prefix="propose", initial={
            "proposed_handling": finding.proposed_handling or finding.violation_type.suggested_handling}),
                  "withdraw": ReasonForm(prefix="withdraw")},
    })


def _finding_act(request, pk, form_class, prefix, action, success_message):
    finding = get_finding_for_user(request.user, pk)
    return submit(request, form_class(request.POST, prefix=prefix),
                   lambda data: action(finding, data, request.FILES.getlist("files")), success_message,
                   reverse("inspections:finding", args=[finding.pk]))


@login_required
@require_POST
def finding_explain(request, pk):
    return _finding_act(request, pk, ExplainForm, "explain", lambda f, d, files: services.finding_explain(
        actor=request.user, finding=f, text=d["explanation"], files=files), _("Your explanation was sent."))


@login_required
@require_POST
def finding_propose(request, pk):
    return _finding_act(request, pk, ProposeForm, "propose", lambda f, d, files: services.finding_propose_handling(
        actor=request.user, finding=f, handling=d["proposed_handling"], note=d["note"]), _("Handling proposed."))


@login_required
@require_POST
def finding_withdraw(request, pk):
    return _finding_act(request, pk, ReasonForm, "withdraw", lambda f, d, files: services.finding_withdraw(
        actor=request.user, finding=f, reason=d["reason"]), _("Finding withdrawn."))


@login_required
@require_GET
def evidence_download(request, pk):
    evidence = get_object_or_404(FindingEvidence, pk=pk)
    if not findings_visible_to(request.user).filter(pk=evidence.finding_id).exists():
        raise Http404
    return stored_file_response(evidence.file, evidence.name)


@login_required
@require_http_methods(["GET", "POST"])
def finding_import(request, pk):
    inspection = get_inspection_for_user(request.user, pk)
    if not can_record(request.user, inspection):
        raise PermissionDenied
    result = None
    form = FindingImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = excel.import_findings(form.cleaned_data["file"], actor=request.user, inspection=inspection)
        if result.ok:
            messages.success(request, _("Imported %(n)d findings.") % {"n": result.created})
            return redirect("inspections:detail", pk=inspection.pk)
        messages.error(request, _("The file has errors. Nothing was imported; fix them and try again."))
    return render(request, "inspections/import.html", {"form": form, "inspection": inspection, "result": result})


@login_required
@require_GET
def finding_import_template(request, pk):
    inspection = get_inspection_for_user(request.user, pk)
    if not can_record(request.user, inspection):
        raise PermissionDenied
    return xlsx_download(excel.check_sheet_template(inspection), f"phieu-kiem-tra-{inspection.code}.xlsx")


# -- discipline ------------------------------------------------------------------------------


def _filtered_decisions(request):
    """The discipline register's filters (the page's and its export's), the unit and the decisions."""
    form = DecisionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = get_unit_for_user(request.user, filters["unit"]) if filters.get("unit") else None
    decisions = decision_register_for_user(
        request.user, q=filters.get("q", ""), status=filters.get("status", ""), form=filters.get("form", ""),
        system=filters.get("system", ""), year=filters.get("year"), unit=unit)
    return form, unit, decisions


@login_required
@require_GET
def decision_register(request):
    form, _unit, decisions = _filtered_decisions(request)
    page = paginate(request, decisions)
    scope = scope_for(request.user)
    template = "inspections/decisions.html#rows" if request.htmx else "inspections/decisions.html"
    return render(request, template, {"form": form, "page": page, "query": query_without_page(request),
                                      "can_create": scope.is_manager or scope.is_admin})


@login_required
@require_GET
def decision_register_export(request):
    """The discipline register as filtered on its page, in Excel."""
    _form, unit, decisions = _filtered_decisions(request)
    return excel.decisions_response(decisions, title=str(unit) if unit else request.user.full_name)


@login_required
@require_GET
def discipline_person_search(request):
    """People the user may discipline (heads above their unit, administrators), diacritics ignored."""
    q = (request.GET.get("q") or "").strip()[:100]
    people = []
    scope = scope_for(request.user)
    if scope.is_manager or scope.is_admin:
        allowed = Q(pk__in=[])
        for path in scope.managed_paths:
            allowed |= Q(unit__path__startswith=path)
        if scope.admin_org_ids:
            allowed |= Q(unit__organisation_id__in=sorted(scope.admin_org_ids))
        if scope.is_superuser:
            allowed = Q()
        people = person_choices_for_user(request.user, search=q, people=people_visible_to(request.user).filter(allowed))
    return render(request, "accounts/_person_choices.html", {"people": people, "q": q, "name": "subject"})


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request):
    scope = scope_for(request.user)
    if not (scope.is_manager or scope.is_admin):
        raise Http404
    form = DecisionOpenForm(request.POST or None, initial={"discovered_on": timezone.localdate()})
    form.show_people_of(request.user)
    issue_form = IssueForm(request.POST or None, prefix="issue") if request.POST.get("record_now") else IssueForm(
        prefix="issue")
    chosen, rule_links = None, []
    if request.method == "POST" and form.is_valid():
        chosen = people_visible_to(request.user).select_related("unit").filter(pk=form.cleaned_data["subject"]).first()
        codes = form.finding_codes_list()
        findings = list(findings_visible_to(request.user).filter(code__in=codes))
        missing = sorted(set(codes) - {f.code for f in findings})
        same_act = (decisions_visible_to(request.user).filter(code=form.cleaned_data["same_act_code"].strip()).first()
                    if form.cleaned_data["same_act_code"] else None)
        if chosen is None:
            form.add_error(None, _("Choose the official concerned."))
        elif missing:
            form.add_error("finding_codes", _("Not found among the findings you can see: %(codes)s")
                           % {"codes": ", ".join(missing)})
        elif chosen.unit is None or not can_decide_discipline(request.user, chosen.unit):
            form.add_error(None, _("You are not the disciplining authority for %(name)s.") % {"name": chosen})
        elif form.cleaned_data["same_act_code"] and same_act is None:
            form.add_error("same_act_code", _("Not found among the decisions you can see: %(code)s")
                           % {"code": form.cleaned_data["same_act_code"]})
        elif request.POST.get("record_now") and not issue_form.is_valid():
            pass
        else:
            data = form.cleaned_data
            common = {"actor": request.user, "subject": chosen, "summary": data["summary"],
                      "discovered_on": data["discovered_on"], "findings": findings,
                      "violation_date": data["violation_date"], "complex_case": data["complex_case"],
                      "system": data["system"], "party_subject": data["party_subject"],
                      "opened_on": data["opened_on"], "same_act_as": same_act}
            try:
                if request.POST.get("record_now"):
                    decision = services.decision_record(**common, **issue_form.cleaned_data)
                else:
                    decision = services.decision_open(**common)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    target = issue_form if field in issue_form.fields else form
                    target.add_error(field if field in target.fields else None, errors)
                rule_links = error.rule_links() if isinstance(error, rulebook.RuleRefusal) else []
            else:
                messages.success(request, _("Recorded as %(code)s.") % {"code": decision.code})
                for warning in decision.warnings:
                    messages.warning(request, warning)
                return redirect("inspections:decision", pk=decision.pk)
    return render(request, "inspections/decision_form.html", {"form": form, "issue_form": issue_form,
                                                               "chosen": chosen, "rule_links": rule_links})


@login_required
@require_GET
def decision_detail(request, pk):
    decision = get_decision_for_user(request.user, pk)
    proceeding = decision.status == DecisionStatus.PROCEEDING
    return render(request, "inspections/decision_detail.html", {
        "decision": decision,
        "findings": decision.findings.select_related("violation_type", "inspection"),
        "pauses": decision.pauses.all(),
        "events": decision.events.select_related("actor").order_by("at", "id"),
        "window": rules.processing_window(decision) if proceeding or decision.decision_date else None,
        "form_rule_url": rulebook.rule_url(decision.form_rule) if decision.form_rule_id else "",
        "rule_set_url": rulebook.rule_url(decision.rule_set) if decision.rule_set_id else "",
        "actions": available_actions(request.user, decision),
        "forms": {"issue": IssueForm(prefix="issue", initial={"decision_date": timezone.localdate()}),
                  "pause": PauseForm(prefix="pause"), "announce": AnnounceForm(prefix="announce"),
                  "withdraw": ReasonForm(prefix="withdraw")},
    })


def _decision_act(request, pk, form_class, prefix, action, success_message):
    decision = get_decision_for_user(request.user, pk)
    return submit(request, form_class(request.POST, prefix=prefix), lambda data: action(decision, data),
                   success_message, reverse("inspections:decision", args=[decision.pk]))


@login_required
@require_POST
def decision_issue(request, pk):
    return _decision_act(request, pk, IssueForm, "issue", lambda d, data: services.decision_issue(
        actor=request.user, decision=d, **data), _("Decision issued."))


@login_required
@require_POST
def decision_pause(request, pk):
    return _decision_act(request, pk, PauseForm, "pause", lambda d, data: services.decision_add_pause(
        actor=request.user, decision=d, **data), _("Pause recorded."))


@login_required
@require_POST
def decision_announce(request, pk):
    return _decision_act(request, pk, AnnounceForm, "announce", lambda d, data: services.decision_announce(
        actor=request.user, decision=d, announced_on=data["announced_on"]), _("Announcement recorded."))


@login_required
@require_POST
def decision_withdraw(request, pk):
    return _decision_act(request, pk, ReasonForm, "withdraw", lambda d, data: services.decision_withdraw(
        actor=request.user, decision=d, reason=data["reason"]), _("Decision withdrawn."))



# -- the roll of a public-service check ------------------------------------------------------


def _roll_context(user, inspection) -> dict:
    """What the inspection page shows of the roll (nothing unless it is a public-service check)."""
    actions = roll_actions(user, inspection)
    if "view" not in actions:
        return {"roll_actions": actions}
    rolls = rolls_of(inspection)
    opened = {roll.unit_id for roll in rolls}
    return {"roll_actions": actions, "rolls": rolls, "check_summary": check_summary(rolls),
            "unopened_units": [t for t in inspection.targets.all() if t.pk not in opened]}


@login_required
@require_POST
def roll_open(request, pk):
    inspection = get_inspection_for_user(request.user, pk)
    unit = inspection.targets.filter(pk=request.POST.get("unit") or None).first() if \
        str(request.POST.get("unit", "")).isdigit() else None
    try:
        roll = services.roll_open(actor=request.user, inspection=inspection, unit=unit)
    except (ValidationError, ConflictError) as error:
        report_error(request, error)
        return redirect("inspections:detail", pk=inspection.pk)
    return redirect("inspections:roll", pk=inspection.pk, roll_pk=roll.pk)


def _posted_roll_rows(post, roll) -> tuple[list[dict], list[dict]]:
    """The rows a plain form post changed: each carries what it showed (`was-…`) and its version."""
    entries, checks = [], []
    for entry in roll.entries.all():
        key = entry.person_id
        state, reason = post.get(f"state-{key}", ""), post.get(f"reason-{key}", "").strip()
        if f"{state}|{reason if state == 'excused' else ''}" != post.get(f"was-{key}", f"{entry.state}|{entry.reason}"):
            entries.append({"person": key, "state": state, "reason": reason, "version": post.get(f"version-{key}")})
    for result in roll.checks.all():
        key = result.item_id
        outcome, note = post.get(f"outcome-{key}", ""), post.get(f"note-{key}", "").strip()
        if f"{outcome}|{note}" != post.get(f"was-item-{key}", f"{result.outcome}|{result.note}"):
            checks.append({"item": key, "outcome": outcome, "note": note, "version": post.get(f"version-item-{key}")})
    return entries, checks


@login_required
@require_http_methods(["GET", "POST"])
def roll_sheet(request, pk, roll_pk):
    """The page the team fills on site, on a phone: one tap per person, a search, the counts as they
    change. It posts as a plain form; roll.js sends the changed rows to the API instead, keeps a
    submission that did not get through, and sends it again under the same token."""
    roll = get_roll_for_user(request.user, pk, roll_pk)
    inspection = roll.inspection
    actions = roll_actions(request.user, inspection)
    if "view" not in actions:
        raise Http404
    if request.method == "POST":
        if "mark" not in actions:
            raise PermissionDenied
        entries, checks = _posted_roll_rows(request.POST, rolls_of_one(roll))
        try:
            result = services.roll_submit(actor=request.user, roll=roll, client_token=request.POST.get("client_token", ""),
                                          entries=entries, checks=checks)
        except (ValidationError, ConflictError) as error:
            report_error(request, error)
        else:
            (messages.info if result["replayed"] else messages.success)(request, services.roll_submission_message(result))
        return redirect("inspections:roll", pk=inspection.pk, roll_pk=roll.pk)
    roll = rolls_of_one(roll)
    return render(request, "inspections/roll.html", {
        "inspection": inspection, "roll": roll, "can_mark": "mark" in actions, "client_token": uuid.uuid4().hex,
        "attendance": Attendance, "outcomes": CheckOutcome})


@login_required
@require_POST
def roll_findings(request, pk):
    inspection = get_inspection_for_user(request.user, pk)
    try:
        found = services.roll_record_findings(actor=request.user, inspection=inspection)
    except (ValidationError, ConflictError) as error:
        report_error(request, error)
    else:
        messages.success(request, _("%(n)d findings recorded from the roll.") % {"n": len(found)} if found
                         else _("Every absence without a reason and item not met already has its finding."))
    return redirect("inspections:detail", pk=inspection.pk)


@login_required
@require_GET
def repeat_offenders(request):
    form = RepeatFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    since, until = repeat_window(filters.get("since"), filters.get("until"))
    people, units = repeat_offenders_for_user(request.user, since=since, until=until)
    return render(request, "inspections/repeat_offenders.html", {
        "form": form, "since": since, "until": until, "people": people, "units": units,
        "window": rulebook.registered_constant("inspections.repeat_offence_window_days"),
        "window_url": rulebook.rule_url("inspections.repeat_offence_window_days")})
