from django import forms
from django.utils.translation import gettext_lazy as _

from config.widgets import DatePickerInput


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
