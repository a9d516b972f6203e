from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import DateFilterField, IdFilterField
from core.widgets import DatePickerInput
from tasks.selectors import Period, PeriodKind


class TaskReportForm(forms.Form):
    """The period picker of the task report: a kind of period, a day inside it, and the cut-off."""

    unit = IdFilterField(required=False, label=_("Unit"))
    kind = forms.ChoiceField(choices=PeriodKind.CHOICES, required=False, label=_("Reporting period"))
    day = DateFilterField(required=False, label=_("A day in the period"), widget=DatePickerInput())
    cut_off = DateFilterField(required=False, label=_("Figures as of"), widget=DatePickerInput())
    directive = forms.CharField(required=False, max_length=100, label=_("Source directive number"))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        kind = data.get("kind") or PeriodKind.MONTH
        period = Period.containing(kind, data.get("day") or today)
        cut_off = data.get("cut_off") or min(period.end, today)
        if "cut_off" not in self.errors:
            if cut_off > today:
                self.add_error("cut_off", _("The figures cannot be as of a day still to come."))
            elif cut_off < period.start:
                self.add_error("cut_off", _("The cut-off date must not be before the period begins."))
        data.update(kind=kind, period=period, cut_off=cut_off, directive=(data.get("directive") or "").strip())
        return data


class SendReportForm(TaskReportForm):
    """The same report, sent as the result of a report task the user leads."""

    task = IdFilterField(label=_("Report task"))
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           label=_("Note"))
