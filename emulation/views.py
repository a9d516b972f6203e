"""Emulation pages: periods, the council's ranking table with drill-down to every reason, units,
the withheld list, nominations, council sessions and the secret ballot, the decision list, and an
official's own results. Each view: access helper → form → service → redirect (or a fragment)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import get_unit_for_user
from accounts.models import User
from core.actions import form_errors, report_error, submit
from core.errors import ConflictError
from core.forms import ReasonForm
from core.pagination import paginate, query_without_page
from core.xlsx import xlsx_download
from emulation import access, excel, selectors, services
from emulation.forms import (
    AdvanceForm,
    CauseForm,
    CloseForm,
    GeneralForm,
    InitiativeForm,
    LevelForm,
    ManualImportForm,
    ManualScoreForm,
    NominateForm,
    PeriodForm,
    RankingFilterForm,
    SessionForm,
)
from emulation.models import (
    PERIOD_ORDER,
    Award,
    Choice,
    CriterionKind,
    ManualScore,
    MemberRole,
    PeriodStatus,
    Rating,
    RecomputeStatus,
    SessionStatus,
    UnitScore,
)
from tasks import access as task_access
from tasks import selectors as task_selectors


def _period_context(request, period) -> dict:
    """What every period page shares; `actions` are what the user may do to the period now
    (access.available_actions), the only source of its buttons."""
    return {"period": period, "can_run": access.can_run(request.user, period),
            "can_read_results": access.can_read_results(request.user, period),
            "actions": access.available_actions(request.user, period)}


@login_required
@require_GET
def period_list(request):
    periods = access.periods_visible_to(request.user).select_related("unit")
    units = access.units_to_run(request.user).filter(active=True).order_by("path")[:200]
    return render(request, "emulation/periods.html", {"periods": periods, "units": units, "form": PeriodForm()})


@login_required
@require_POST
def period_create(request):
    form = PeriodForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("emulation:periods")
    unit = get_unit_for_user(request.user, form.cleaned_data["unit"])
    try:
        period = services.period_open(actor=request.user, unit=unit, year=form.cleaned_data["year"],
                                      quarter=form.cleaned_data["quarter"], name=form.cleaned_data["name"])
    except (ValidationError, ConflictError) as error:
        report_error(request, error)
        return redirect("emulation:periods")
    messages.success(request, _("Period opened."))
    return redirect("emulation:period", period.pk)


def _results_or_own(request, period):
    """An official inside the scope without the right to read everyone's results sees their own page."""
    if not access.can_read_results(request.user, period):
        return redirect("emulation:person", period.pk, request.user.pk)
    return None


def _filtered_ranking(request, period):
    """The ranking's filters (the page's and its export's): the form, the unit, the filters as the
    selectors take them, and the ratings, filtered and sorted in SQL."""
    form = RankingFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    unit = get_unit_for_user(request.user, cleaned["unit"]) if cleaned.get("unit") else None
    filters = {"q": cleaned.get("q", ""), "unit": unit, "level": cleaned.get("level", ""),
               "staff_group": cleaned.get("staff_group", ""), "withheld": cleaned.get("withheld", False)}
    ratings = selectors.ranking(request.user, period, **filters, sort=cleaned.get("sort") or "score")
    return form, unit, filters, ratings


def _ranking_page(request, ratings, matching: int, default_size: int = 50):
    """A page of the ranking from ?page= and ?size=, counted by the ranking's own aggregate."""
    return paginate(request, ratings, default_size, paginator_class=selectors.RankingPaginator, matching=matching)


def _results_period(request, pk):
    """The period whose results the user may read; a file of them is nobody else's (404)."""
    period = access.get_period_for_user(request.user, pk)
    if not access.can_read_results(request.user, period):
        raise Http404
    return period


@login_required
@require_GET
def ranking_export(request, pk):
    """The ranking as filtered and sorted on its page, in Excel."""
    period = _results_period(request, pk)
    _form, _unit, _filters, ratings = _filtered_ranking(request, period)
    return excel.ranking_response(period, ratings)


@login_required
@require_GET
def period_detail(request, pk):
    """The council's ranking table: a page of rows read in SQL, and the distribution and the
    number of matching rows from one aggregate."""
    period = access.get_period_for_user(request.user, pk)
    if (own := _results_or_own(request, period)) is not None:
        return own
    form, unit, filters, ratings = _filtered_ranking(request, period)
    chart, matching = selectors.ranking_counts(request.user, period, **filters)
    page = _ranking_page(request, ratings, matching)
    context = {**_period_context(request, period), "form": form, "page": page, "query": query_without_page(request),
               "filter_unit": unit, "steps": PERIOD_ORDER}
    if request.htmx and request.htmx.target == "results":
        return render(request, "emulation/ranking.html#rows", context)
    run = selectors.latest_run(period)
    return render(request, "emulation/ranking.html", {
        **context, "chart": chart, "peak": max([row["n"] for row in chart] + [1]), "run": run,
        "next_status": access.next_status(period), "statuses": PeriodStatus})


@login_required
@require_POST
def period_advance(request, pk):
    period = access.get_period_for_user(request.user, pk)
    form = AdvanceForm(request.POST)
    return submit(request, form, lambda d: services.period_advance(actor=request.user, period=period, to=d["to"],
                                                                   note=d["note"]),
                  _("Period moved on."), reverse("emulation:period", args=[period.pk]))


@login_required
@require_POST
def recompute(request, pk):
    period = access.get_period_for_user(request.user, pk)
    try:
        run = services.recompute_request(actor=request.user, period=period)
    except (ValidationError, ConflictError) as error:
        report_error(request, error)
        return redirect("emulation:period", period.pk)
    if request.htmx:
        return render(request, "emulation/_progress.html", {"run": run, "period": period})
    messages.info(request, _("Recompute queued."))
    return redirect("emulation:period", period.pk)


@login_required
@require_GET
def recompute_progress(request, pk, run_pk):
    period = access.get_period_for_user(request.user, pk)
    run = get_object_or_404(period.recompute_runs, pk=run_pk)
    response = render(request, "emulation/_progress.html", {"run": run, "period": period})
    if run.status in (RecomputeStatus.DONE, RecomputeStatus.FAILED):
        response["HX-Trigger"] = "recomputed"
    return response


@login_required
@require_GET
def withheld(request, pk):
    period = access.get_period_for_user(request.user, pk)
    if (own := _results_or_own(request, period)) is not None:
        return own
    ratings = selectors.ranking(request.user, period, withheld=True, sort="unit")
    page = paginate(request, ratings, default_size=50)
    reasons = selectors.withheld_reasons(period, [r.person_id for r in page])
    rows = [(rating, reasons.get(rating.person_id, [])) for rating in page]
    return render(request, "emulation/withheld.html", {**_period_context(request, period), "page": page,
                                                       "rows": rows, "query": query_without_page(request)})


@login_required
@require_GET
def person(request, pk, person_pk):
    """One official's rating: its breakdown, every eligibility verdict with the evidence, and the
    actions open to the viewer (general points, decided level, objective causes, nomination)."""
    period = access.get_period_for_user(request.user, pk)
    rating = access.get_rating_for_user(request.user, period, person_pk)
    verdicts = selectors.verdicts_for_person(period, rating.person_id)
    problems = rating.breakdown.get("problems", [])
    task_ids = [p["task"] for p in problems]
    # The problem tasks are the official's own (they lead them): one lead, whose roles are read once.
    tasks = task_selectors.tasks_led_by(rating.person_id, task_ids)
    causes = set(period.objective_causes.filter(task_id__in=task_ids).values_list("task_id", flat=True))
    can_confirm = set()
    if not period.is_frozen:
        for task in tasks:
            task.lead = rating.person
            if task_access.can(request.user, task, "confirm_objective_cause"):
                can_confirm.add(task.pk)
    return render(request, "emulation/person.html", {
        **_period_context(request, period), "rating": rating, "verdicts": verdicts,
        "problems": [(p, p["task"], p["task"] in causes, p["task"] in can_confirm) for p in problems],
        "rating_actions": access.available_actions(request.user, rating),
        "is_leader": "unit_result" in rating.breakdown,
        "general_form": GeneralForm(initial={"general_points": rating.general_points,
                                             "organising_percent": rating.organising_percent,
                                             "general_note": rating.general_note,
                                             "general_met": {True: "1", False: "0"}.get(rating.general_met, "")}),
        "level_form": LevelForm(initial={"level": rating.final_level}), "initiative_form": InitiativeForm(),
        "initiatives": period.initiatives.filter(person_id=rating.person_id),
        "awards": Award.objects.filter(period=period, person_id=rating.person_id),
        "eligible_titles": [v for v in verdicts if v.eligible],
    })


def _person_url(period, person_pk):
    return reverse("emulation:person", args=[period.pk, person_pk])


@login_required
@require_POST
def person_general(request, pk, person_pk):
    period = access.get_period_for_user(request.user, pk)
    rating = access.get_rating_for_user(request.user, period, person_pk)
    return submit(request, GeneralForm(request.POST), lambda d: services.rating_set_general(
        actor=request.user, rating=rating, points=d["general_points"], met=d["general_met"], note=d["general_note"],
        organising=d["organising_percent"]),
        _("General criteria saved; the period will be recomputed."), _person_url(period, person_pk))


@login_required
@require_POST
def person_level(request, pk, person_pk):
    period = access.get_period_for_user(request.user, pk)
    rating = access.get_rating_for_user(request.user, period, person_pk)
    return submit(request, LevelForm(request.POST), lambda d: services.rating_decide_level(
        actor=request.user, rating=rating, level=d["level"], note=d["level_note"]),
        _("Level decided."), _person_url(period, person_pk))


@login_required
@require_POST
def person_cause(request, pk, person_pk):
    period = access.get_period_for_user(request.user, pk)
    rating = access.get_rating_for_user(request.user, period, person_pk)

    def confirm(data):
        task = task_selectors.task_led_by(rating.person_id, data["task"])
        if task is None:
            raise Http404
        return services.objective_cause_confirm(actor=request.user, period=period, task=task, reason=data["reason"])

    return submit(request, CauseForm(request.POST), confirm,
                  _("Objective cause confirmed: no deduction for this task."), _person_url(period, person_pk))


@login_required
@require_POST
def person_initiative(request, pk, person_pk):
    period = access.get_period_for_user(request.user, pk)
    rating = access.get_rating_for_user(request.user, period, person_pk)
    return submit(request, InitiativeForm(request.POST), lambda d: services.initiative_record(
        actor=request.user, period=period, person=rating.person, title=d["title"], recognition=d["recognition"]),
        _("Initiative recorded."), _person_url(period, person_pk))


@login_required
@require_POST
def person_nominate(request, pk, person_pk):
    period = access.get_period_for_user(request.user, pk)
    rating = access.get_rating_for_user(request.user, period, person_pk)
    return submit(request, NominateForm(request.POST), lambda d: services.nomination_create(
        actor=request.user, period=period, title=d["title"], person=rating.person, note=d["note"]),
        _("Nominated."), _person_url(period, person_pk))


# -- units ---------------------------------------------------------------------------------------


@login_required
@require_GET
def unit_list(request, pk):
    period = access.get_period_for_user(request.user, pk)
    if (own := _results_or_own(request, period)) is not None:
        return own
    scores = selectors.unit_ranking(request.user, period)
    page = paginate(request, scores, default_size=50)
    return render(request, "emulation/units.html", {**_period_context(request, period), "page": page,
                                                    "query": query_without_page(request),
                                                    "import_form": ManualImportForm()})


def _get_score(request, period, unit_pk) -> UnitScore:
    score = access.unit_scores_visible_to(request.user).filter(period=period, unit_id=unit_pk) \
        .select_related("unit", "cluster").first()
    if score is None:
        raise Http404
    return score


@login_required
@require_GET
def unit_detail(request, pk, unit_pk):
    period = access.get_period_for_user(request.user, pk)
    score = _get_score(request, period, unit_pk)
    manual = {m.criterion_id: m for m in ManualScore.objects.filter(period=period, unit=score.unit)}
    criteria = [(c, manual.get(c.pk)) for c in period.criteria.filter(kind=CriterionKind.MANUAL)]
    score.period = period
    return render(request, "emulation/unit.html", {
        **_period_context(request, period), "score": score,
        "verdicts": selectors.verdicts_for_unit(period, score.unit_id), "manual_criteria": criteria,
        "score_actions": access.available_actions(request.user, score),
    })


@login_required
@require_POST
def unit_manual(request, pk, unit_pk):
    period = access.get_period_for_user(request.user, pk)
    score = _get_score(request, period, unit_pk)

    def save(data):
        criterion = period.criteria.filter(pk=data["criterion"]).first()
        return services.manual_scores_set(actor=request.user, period=period, entries=[{
            "unit": score.unit, "criterion": criterion, "points": data["points"], "evidence": data["evidence"]}])

    return submit(request, ManualScoreForm(request.POST), save, _("Points saved; the period will be recomputed."),
                  reverse("emulation:unit", args=[period.pk, unit_pk]))


@login_required
@require_POST
def unit_nominate(request, pk, unit_pk):
    period = access.get_period_for_user(request.user, pk)
    score = _get_score(request, period, unit_pk)
    return submit(request, NominateForm(request.POST), lambda d: services.nomination_create(
        actor=request.user, period=period, title=d["title"], unit=score.unit, note=d["note"]),
        _("Nominated."), reverse("emulation:unit", args=[period.pk, unit_pk]))


@login_required
def manual_import(request, pk):
    period = access.get_period_for_user(request.user, pk)
    if not access.can_run(request.user, period):
        raise PermissionDenied
    if request.method == "GET":
        return xlsx_download(excel.manual_template(period), excel.filename("mau-diem-thu-cong", period))
    form = ManualImportForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        try:
            result = excel.import_manual_scores(form.cleaned_data["file"], actor=request.user, period=period)
        except ConflictError as error:
            report_error(request, error)
        else:
            if result.ok:
                messages.success(request, _("%(n)d scores imported; the period will be recomputed.") % {
                    "n": result.created})
                return redirect("emulation:units", period.pk)
    return render(request, "emulation/import.html", {**_period_context(request, period), "form": form,
                                                     "result": result})


# -- nominations, sessions, ballots, decisions ---------------------------------------------------------------


@login_required
@require_GET
def nomination_list(request, pk):
    period = access.get_period_for_user(request.user, pk)
    if (own := _results_or_own(request, period)) is not None:
        return own
    nominations = list(selectors.nominations(request.user, period))
    for nomination in nominations:
        nomination.period = period
    actions = access.actions_of_each(request.user, nominations)
    return render(request, "emulation/nominations.html", {
        **_period_context(request, period), "rows": [(n, actions[n.pk]) for n in nominations],
        "sessions": period.sessions.all(), "session_form": SessionForm()})


@login_required
@require_POST
def nomination_withdraw(request, pk, nomination_pk):
    period = access.get_period_for_user(request.user, pk)
    nomination = get_object_or_404(selectors.nominations(request.user, period), pk=nomination_pk)
    return submit(request, ReasonForm(request.POST), lambda d: services.nomination_withdraw(
        actor=request.user, nomination=nomination, reason=d["reason"]), _("Nomination withdrawn."),
        reverse("emulation:nominations", args=[period.pk]))


@login_required
@require_POST
def session_create(request, pk):
    period = access.get_period_for_user(request.user, pk)
    form = SessionForm(request.POST)

    def open_session(data):
        logins = [line.strip() for line in data["members"].splitlines() if line.strip()]
        found = {u.username: u for u in User.objects.filter(username__in=logins, is_active=True)
                 .select_related("unit")}
        missing = [login for login in logins if login not in found]
        if missing:
            raise ValidationError({"members": _("Unknown logins: %(logins)s") % {"logins": ", ".join(missing)}})
        roles = [MemberRole.CHAIR, MemberRole.SECRETARY]
        members = [(found[login], roles[i] if i < 2 else MemberRole.MEMBER) for i, login in enumerate(logins)]
        return services.session_open(actor=request.user, period=period, name=data["name"], held_on=data["held_on"],
                                     members=members, quorum=data["quorum"],
                                     base_threshold_percent=data["base_threshold_percent"])

    if form.is_valid():
        try:
            session = open_session(form.cleaned_data)
        except (ValidationError, ConflictError) as error:
            report_error(request, error)
        else:
            messages.success(request, _("Session opened for voting."))
            return redirect("emulation:session", session.pk)
    else:
        form_errors(request, form)
    return redirect("emulation:nominations", period.pk)


@login_required
@require_GET
def session_detail(request, pk):
    session = access.get_session_for_user(request.user, pk)
    period = session.period
    seat = access.seat_of(request.user, session)
    nominations = list(session.nominations.select_related("person", "unit"))
    verdicts = selectors.verdicts_for_nominations(period, nominations)
    return render(request, "emulation/session.html", {
        **_period_context(request, period), "session": session, "seat": seat,
        "session_actions": access.available_actions(request.user, session),
        "members": session.members.select_related("user__unit"),
        "voted": set(session.receipts.values_list("member_id", flat=True)),
        "rows": [(n, verdicts.get(n.pk)) for n in nominations],
        "results": session.results.select_related("nomination__person", "nomination__unit"),
        "close_form": CloseForm(),
        "is_open": session.status == SessionStatus.OPEN})


@login_required
def ballot(request, pk):
    """The secret ballot: one choice per nomination, cast once."""
    session = access.get_session_for_user(request.user, pk)
    seat = access.seat_of(request.user, session)
    if seat is None:
        raise PermissionDenied
    nominations = list(session.nominations.select_related("person", "unit").order_by("title", "id"))
    # Not offered: the member's own nomination, or their unit's (nobody judges their own work).
    recused = {pk for pk, users in access.recusals(session).items() if request.user.pk in users}
    if request.method == "POST":
        choices = {n.pk: request.POST.get(f"n{n.pk}", "") for n in nominations if n.pk not in recused}
        try:
            services.ballot_cast(actor=request.user, session=session, choices=choices)
        except (ValidationError, ConflictError) as error:
            report_error(request, error)
            return redirect("emulation:ballot", session.pk)
        messages.success(request, _("Your ballot is cast. It is secret: your choices are not linked to you."))
        return redirect("emulation:session", session.pk)
    already = session.receipts.filter(member=request.user).exists()
    verdicts = selectors.verdicts_for_nominations(session.period, nominations)
    return render(request, "emulation/ballot.html", {
        "session": session, "period": session.period, "seat": seat, "already": already,
        "rows": [(n, verdicts.get(n.pk), n.pk in recused) for n in nominations], "choices": Choice.choices,
        "is_open": session.status == SessionStatus.OPEN})


@login_required
@require_POST
def session_close(request, pk):
    session = access.get_session_for_user(request.user, pk)
    return submit(request, CloseForm(request.POST), lambda d: services.session_close(
        actor=request.user, session=session, **d), _("Session closed; results and decision recorded."),
        reverse("emulation:session", args=[session.pk]))


@login_required
@require_POST
def session_presence(request, pk):
    session = access.get_session_for_user(request.user, pk)
    try:
        services.session_set_presence(actor=request.user, session=session,
                                      present_ids=request.POST.getlist("present"))
    except (ValidationError, ConflictError) as error:
        report_error(request, error)
    else:
        messages.success(request, _("Presence recorded."))
    return redirect("emulation:session", session.pk)


@login_required
@require_GET
def award_list_export(request, pk):
    """The decision list in Excel."""
    period = _results_period(request, pk)
    return excel.decision_response(period, selectors.decision_list(request.user, period))


@login_required
@require_GET
def award_list(request, pk):
    """The decision list: every award of the period, its decision, revocations and flags."""
    period = access.get_period_for_user(request.user, pk)
    if (own := _results_or_own(request, period)) is not None:
        return own
    awards = list(selectors.decision_list(request.user, period))
    for award in awards:
        award.period = period
    actions = access.actions_of_each(request.user, awards)
    return render(request, "emulation/awards.html", {**_period_context(request, period),
                                                     "rows": [(a, actions[a.pk]) for a in awards]})


@login_required
@require_POST
def award_revoke(request, pk, award_pk):
    period = access.get_period_for_user(request.user, pk)
    award = get_object_or_404(selectors.decision_list(request.user, period), pk=award_pk)
    return submit(request, ReasonForm(request.POST), lambda d: services.award_revoke(
        actor=request.user, award=award, reason=d["reason"]), _("Award revoked."),
        reverse("emulation:awards", args=[period.pk]))


@login_required
@require_GET
def my_results(request):
    """An official's own page: their latest rating, or the list of periods when there is none."""
    rating = Rating.objects.filter(person=request.user).select_related("period").order_by("-period__year",
                                                                                           "-period__id").first()
    if rating is None:
        messages.info(request, _("You have no rating yet."))
        return redirect("emulation:periods")
    return redirect("emulation:person", rating.period_id, request.user.pk)

