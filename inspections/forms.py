"""Forms of the inspection pages. Choices of units and people are always scoped to the user."""

from __future__ import annotations

import uuid

from django import forms
from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import people_visible_to, units_visible_to
from accounts.collation import by_vietnamese
from accounts.models import Role, RoleAssignment, Unit, User
from accounts.widgets import PersonPicker
from core.filters import DateFilterField, IdFilterField, YearFilterField
from core.widgets import DatePickerInput, DateTimePickerInput
from inspections.access import plans_visible_to
from inspections.models import (
    DecisionStatus,
    DisciplineForm,
    DisciplineSystem,
    FindingStatus,
    Handling,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    PartySubject,
    PauseKind,
    Severity,
    ViolationType,
)

DATE = DatePickerInput()
DATETIME = DateTimePickerInput()


def inspectors_visible_to(user):
    """Team candidates: active inspectors (and heads of inspecting bodies) the user can see."""
    holders = RoleAssignment.objects.current().filter(role__in=(Role.INSPECTOR, Role.HEAD, Role.DEPUTY)).values("user_id")
    return (people_visible_to(user).filter(is_active=True, pk__in=holders).select_related("unit")
            .order_by(by_vietnamese("full_name"), "id"))


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{'· ' * (unit.depth - 1)}{unit.name}"


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return f"{'· ' * (unit.depth - 1)}{unit.name}"


class PlanForm(forms.Form):
    issuing_unit = UnitChoice(label=_("Inspecting body"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    number = forms.CharField(label=_("Approval number"), max_length=100, required=False)
    approved_on = forms.DateField(label=_("Approved on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = bodies if bodies is not None else Unit.objects.none()
        self.fields["year"].initial = timezone.localdate().year


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    issuing_unit = UnitChoice(label=_("Inspecting body"), queryset=Unit.objects.none())
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=InspectionPlan.objects.none(), required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DATE)
    targets = UnitsChoice(label=_("Inspected units"), queryset=Unit.objects.none(),
                          widget=forms.SelectMultiple(attrs={"size": 8}))
    scope = forms.CharField(label=_("Scope and content"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    period_from = forms.DateField(label=_("Period inspected from"), required=False, widget=DATE)
    period_to = forms.DateField(label=_("Period inspected to"), required=False, widget=DATE)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    leader = forms.ModelChoiceField(label=_("Team leader"), queryset=User.objects.none())
    members = forms.ModelMultipleChoiceField(label=_("Members"), queryset=User.objects.none(), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 5}))
    overlap_reason = forms.CharField(label=_("Reason to inspect a unit twice this year"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = bodies if bodies is not None else Unit.objects.none()
        self.fields["plan"].queryset = plans_visible_to(user).select_related("issuing_unit").order_by("-year", "title")
        self.fields["targets"].queryset = units_visible_to(user).filter(active=True).order_by("path")
        people = inspectors_visible_to(user)
        self.fields["leader"].queryset = people
        self.fields["members"].queryset = people


class TeamForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Team leader"), queryset=User.objects.none())
    members = forms.ModelMultipleChoiceField(label=_("Members"), queryset=User.objects.none(), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 5}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = inspectors_visible_to(user)
        self.fields["leader"].queryset = people
        self.fields["members"].queryset = people


def target_units(inspection):
    """The inspected units and every unit below them (the only places findings and recommendations go)."""
    q = Q(pk__in=[])
    for target in inspection.targets.all():
        q |= Q(path__startswith=target.path)
    return Unit.objects.filter(q, active=True).order_by("path")


class FindingForm(forms.Form):
    """The fast form: the person is picked by a search that ignores diacritics (htmx)."""

    subject_person = forms.IntegerField(label=_("Person (name or code, with or without diacritics)"), required=False,
                                        widget=PersonPicker(people=User.objects.none()))
    subject_unit = UnitChoice(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                              help_text=_("Leave empty to use the person's unit."))
    violation_type = forms.ModelChoiceField(label=_("Violation"), queryset=ViolationType.objects.filter(active=True))
    severity = forms.ChoiceField(label=_("Severity"), choices=[("", _("As the catalogue says")), *Severity.choices],
                                 required=False)
    occurred_at = forms.DateTimeField(label=_("When"), widget=DATETIME)
    location = forms.CharField(label=_("Where"), max_length=300, required=False)
    description = forms.CharField(label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 3}))
    client_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, inspection, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("client_token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["subject_unit"].queryset = target_units(inspection)
        self.fields["subject_person"].widget.search_url = reverse("inspections:person_search", args=[inspection.pk])

    def show_people_of(self, user):
        """The person already chosen is shown only if the user may see them."""
        self.fields["subject_person"].widget.people = people_visible_to(user)


class ExplainForm(forms.Form):
    explanation = forms.CharField(label=_("Your explanation"), widget=forms.Textarea(attrs={"rows": 5}))


class ProposeForm(forms.Form):
    proposed_handling = forms.ChoiceField(label=_("Proposed handling"), choices=Handling.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignDraftingForm(forms.Form):
    assigned_on = forms.DateField(label=_("Drafting assigned on"), widget=DATE)


class DraftConclusionForm(forms.Form):
    text = forms.CharField(label=_("Draft conclusion"), widget=forms.Textarea(attrs={"rows": 5}))
    received_on = forms.DateField(label=_("Draft received on"), widget=DATE)
    drafting_assigned_on = forms.DateField(label=_("Drafting assigned on (if not recorded)"), required=False,
                                           widget=DATE)


class DirectiveForm(forms.Form):
    number = forms.CharField(label=_("Number of the implementing directive"), max_length=100)
    directive_date = forms.DateField(label=_("Directive date"), widget=DATE)


class ConcludeForm(forms.Form):
    number = forms.CharField(label=_("Conclusion number"), max_length=100)
    conclusion_date = forms.DateField(label=_("Signed on"), widget=DATE)
    signer = forms.CharField(label=_("Signed by"), max_length=200)
    text = forms.CharField(label=_("Conclusion (if changed from the draft)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    publish_until = forms.DateField(label=_("Published until"), widget=DATE)


class RecommendationForm(forms.Form):
    content = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 3}))
    target_unit = UnitChoice(label=_("Unit to act"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    expected_result = forms.CharField(label=_("Expected result"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_unit"].queryset = target_units(inspection)


class VerifyForm(forms.Form):
    accepted = forms.TypedChoiceField(label=_("Result"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                      choices=[("yes", _("Done as recommended")), ("no", _("Not done: send back"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FindingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *FindingStatus.choices], required=False)
    violation_type = forms.ModelChoiceField(label=_("Violation"), queryset=ViolationType.objects.all(), required=False)
    unit = IdFilterField(required=False, widget=forms.HiddenInput)
    date_from = DateFilterField(label=_("From"), required=False, widget=DATE)
    date_to = DateFilterField(label=_("To"), required=False, widget=DATE)


class RepeatFilterForm(forms.Form):
    since = DateFilterField(label=_("Checked from"), required=False, widget=DATE)
    until = DateFilterField(label=_("Checked to"), required=False, widget=DATE)


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *InspectionStatus.choices], required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *InspectionKind.choices], required=False)
    year = YearFilterField(label=_("Year"), required=False)
    mine = forms.BooleanField(label=_("Only my teams"), required=False)


class DecisionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *DecisionStatus.choices], required=False)
    form = forms.ChoiceField(label=_("Form"), choices=[("", _("All")), *DisciplineForm.choices], required=False)
    system = forms.ChoiceField(label=_("System"), choices=[("", _("All")), *DisciplineSystem.choices], required=False)
    year = YearFilterField(label=_("Year"), required=False)
    unit = IdFilterField(required=False, widget=forms.HiddenInput)


class DecisionOpenForm(forms.Form):
    subject = forms.IntegerField(label=_("Official (name or code, with or without diacritics)"),
                                 widget=PersonPicker(people=User.objects.none(),
                                                     search_url=reverse_lazy("inspections:discipline_person_search")))
    system = forms.ChoiceField(label=_("System"), choices=DisciplineSystem.choices)
    finding_codes = forms.CharField(label=_("Findings (codes, comma-separated)"), required=False, max_length=500)
    violation_date = forms.DateField(label=_("Date of the violation (when no finding is linked)"), required=False,
                                     widget=DATE)
    discovered_on = forms.DateField(label=_("Violation discovered on"), widget=DATE)
    party_subject = forms.ChoiceField(
        label=_("Party discipline of"), required=False,
        choices=[("", "—"), (PartySubject.MEMBER, PartySubject.MEMBER.label),
                 (PartySubject.PROBATIONARY, PartySubject.PROBATIONARY.label)],
        help_text=_("Party discipline only: a probationary member may only be reprimanded or warned."))
    opened_on = forms.DateField(
        label=_("Proceeding opened on"), required=False, widget=DATE,
        help_text=_("Empty: today, or the decision date when recording a decision already taken. A case keeps the "
                    "rules in force on this date."))
    complex_case = forms.BooleanField(label=_("Complex case (longer processing time)"), required=False)
    summary = forms.CharField(label=_("Violations considered"), widget=forms.Textarea(attrs={"rows": 3}))
    same_act_code = forms.CharField(
        label=_("The other system's decision on the same act (code), if any"), required=False, max_length=30,
        help_text=_("A Party and a State decision on the same act count once in the rating. Found by itself when a "
                    "linked finding already has one."))

    def finding_codes_list(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data.get("finding_codes", "").split(",") if c.strip()]

    def show_people_of(self, user):
        """The person already chosen is shown only if the user may see them."""
        self.fields["subject"].widget.people = people_visible_to(user)


class IssueForm(forms.Form):
    form = forms.ChoiceField(label=_("Form of discipline"), choices=DisciplineForm.choices)
    number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE)
    signer = forms.CharField(label=_("Signed by"), max_length=200)
    effective_from = forms.DateField(label=_("Effective from"), required=False, widget=DATE,
                                     help_text=_("Empty: the decision date."))
    public_duty = forms.TypedChoiceField(
        label=_("Is the violation related to public duty?"), widget=forms.RadioSelect,
        choices=[("yes", _("Yes: related to public duty (the year's rating becomes “did not complete duties”)")),
                 ("no", _("No: not related to public duty"))], coerce=lambda value: value == "yes")
    warranted_form = forms.ChoiceField(
        label=_("Form the heaviest violation warrants on its own"), required=False,
        choices=[("", "—"), *DisciplineForm.choices],
        help_text=_("Checks the form against several violations and a discipline still in force."))
    violation_count = forms.IntegerField(label=_("Number of violations considered"), required=False, min_value=1,
                                         max_value=100, help_text=_("Empty: the findings linked to the case."))
    announced_on = forms.DateField(label=_("Announced on (Party decisions)"), required=False, widget=DATE,
                                   help_text=_("The state discipline is considered within the time set from this day."))


class AnnounceForm(forms.Form):
    announced_on = forms.DateField(label=_("Announced on"), widget=DATE)


class PauseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Reason"), choices=PauseKind.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FindingImportForm(forms.Form):
    file = forms.FileField(label=_("Check sheet (.xlsx)"))


class ReplaceTaskForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("New deadline"), required=False, widget=DATE,
                               help_text=_("Leave empty to keep the recommendation's deadline."))
