from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import StaffGroup
from core.filters import IdFilterField
from core.widgets import DatePickerInput
from emulation.models import PERIOD_ORDER, RatingLevel, Title


class PeriodForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter (empty for the whole year)"), min_value=1, max_value=4,
                                 required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


class RankingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[
        ("", _("All")), *RatingLevel.choices, ("pending", _("Not rated yet"))])
    staff_group = forms.ChoiceField(label=_("Staff group"), required=False,
                                    choices=[("", _("All")), *StaffGroup.choices])
    withheld = forms.BooleanField(label=_("Withheld only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("score", _("Score")), ("level", _("Level")), ("unit", _("Unit, then rank")), ("name", _("Name"))])
    unit = IdFilterField(required=False, widget=forms.HiddenInput)


class AdvanceForm(forms.Form):
    to = forms.ChoiceField(choices=[(s, s) for s in PERIOD_ORDER])
    note = forms.CharField(required=False, max_length=2000)


class GeneralForm(forms.Form):
    general_points = forms.DecimalField(label=_("General criteria (0–30 points)"), required=False, min_value=0,
                                        max_value=30, decimal_places=1)
    general_met = forms.TypedChoiceField(label=_("General criteria met"), required=False, coerce=lambda v: v == "1",
                                         empty_value=None, choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))])
    organising_percent = forms.IntegerField(label=_("Organising ability (leaders, 0–100%)"), required=False,
                                            min_value=0, max_value=100)
    general_note = forms.CharField(label=_("What the assessment rests on"), widget=forms.Textarea(attrs={"rows": 2}))


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Decided level"), choices=RatingLevel.choices)
    level_note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CauseForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Objective cause"), widget=forms.Textarea(attrs={"rows": 2}))


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Initiative"), max_length=300)
    recognition = forms.CharField(label=_("Recognised by (decision number, date)"), max_length=200)


class NominateForm(forms.Form):
    title = forms.ChoiceField(label=pgettext_lazy("commendation", "Title"), choices=Title.choices)
    note = forms.CharField(label=_("Achievements"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ManualScoreForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(label=_("Points"), decimal_places=2)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))


class SessionForm(forms.Form):
    name = forms.CharField(label=_("Session"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=DatePickerInput())
    quorum = forms.IntegerField(label=_("Quorum (members present)"), min_value=1)
    base_threshold_percent = forms.IntegerField(label=_("Votes needed for base-level titles (percent of all members)"),
                                                required=False, min_value=1, max_value=100)
    members = forms.CharField(label=_("Members (one login per line; the first is the chair, the second the "
                                      "secretary)"), widget=forms.Textarea(attrs={"rows": 5}))


class CloseForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DatePickerInput())
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ManualImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

