from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ReasonForm
from core.widgets import DatePickerInput


class SelfScoreForm(forms.Form):
    points = forms.DecimalField(label=_("Points"), max_digits=7, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppraiseForm(forms.Form):
    points = forms.DecimalField(label=_("Appraised points"), max_digits=7, decimal_places=2, min_value=0)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    published_on = forms.DateField(label=_("Published on"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])


class RemedyForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                               widget=DatePickerInput(attrs={"required": True}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class AreaForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=300)
    survey_max_points = forms.DecimalField(label=_("Survey points (maximum)"), required=False, max_digits=7,
                                           decimal_places=2, min_value=0,
                                           help_text=_("Only for an area scored by the survey."))


class CriterionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=500)


def _unit_kind_choices():
    from accounts.models import UnitKind

    return UnitKind.choices


class SubCriterionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    max_points = forms.DecimalField(label=_("Maximum points"), max_digits=7, decimal_places=2, min_value=0)
    method = forms.ChoiceField(label=_("Scoring method"), choices=())
    step = forms.DecimalField(label=_("Step"), required=False, max_digits=7, decimal_places=2, min_value=0,
                              help_text=_("For a scale: the points of one step."))
    evidence_required = forms.CharField(label=_("Evidence required"), required=False, max_length=500)
    unit_kinds = forms.MultipleChoiceField(label=_("Applies to unit kinds"), required=False, choices=(),
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("None ticked: every unit of the group."))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        from reform.models import ScoringMethod

        super().__init__(*args, **kwargs)
        self.fields["method"].choices = ScoringMethod.choices
        self.fields["unit_kinds"].choices = _unit_kind_choices()


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), required=False, max_length=300,
                            help_text=_("Empty: the title of this set with the new year."))
    members = forms.BooleanField(label=_("Copy the appraisal council too"), required=False)


class VersionForm(ReasonForm):
    """The reason a new version of a set in use needs (core.forms.ReasonForm, named for it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Reason for the new version")
        self.fields["reason"].widget.attrs["rows"] = 3


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of record"), choices=[("task", _("Task")), ("finding", _("Inspection finding")),
                                                         ("decision", _("Disciplinary decision"))])
    code = forms.CharField(label=_("Code"), max_length=40)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("The unit's answer"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    points = forms.DecimalField(label=_("Final points"), max_digits=7, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Council's decision"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
