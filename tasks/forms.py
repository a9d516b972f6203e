from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.access import people_visible_to, units_visible_to
from accounts.widgets import PersonPicker
from core.filters import DateFilterField, IdFilterField
from core.forms import ReasonForm  # noqa: F401  (the views' reason form is the kernel's)
from core.widgets import DatePickerInput, DateTimePickerInput
from tasks.models import ProcessTemplate, Quality, Task, TaskStatus
from tasks.status import LABELS, OFFICIAL_ORDER


class TaskForm(forms.ModelForm):
    """Parses the draft; every relation offers only what the user may use."""

    class Meta:
        model = Task
        fields = [
            "title", "content", "source_number", "source_date", "source_issuer",
            "lead", "lead_unit", "monitor",
            "process_template", "process_description", "reporting_regime",
            "deadline", "responsibility", "product_type", "product_description",
            "expected_result", "acceptance_criterion", "authority_basis", "lead_may_decide",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "process_description": forms.Textarea(attrs={"rows": 2}),
            "responsibility": forms.Textarea(attrs={"rows": 2}),
            "product_description": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "acceptance_criterion": forms.Textarea(attrs={"rows": 2}),
            "lead_may_decide": forms.Textarea(attrs={"rows": 2}),
            "deadline": DateTimePickerInput(),
            "source_date": DatePickerInput(),
            "lead": PersonPicker(),
            "monitor": PersonPicker(),
        }

    def __init__(self, *args, user, assigning_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False  # the gate says what is missing, in context
        subtree = Q()
        if assigning_unit is not None:
            subtree = Q(unit__path__startswith=assigning_unit.path)
        people = people_visible_to(user).filter(is_active=True).select_related("unit")
        self.fields["lead"].queryset = people.filter(subtree)
        self.fields["lead"].error_messages["invalid_choice"] = _("The lead must belong to your unit.")
        self.fields["monitor"].queryset = people
        search = reverse("accounts:person_search")
        self.fields["lead"].widget.search_url = (
            f"{search}?{urlencode({'within': assigning_unit.pk})}" if assigning_unit is not None else search)
        self.fields["monitor"].widget.search_url = search
        units = units_visible_to(user).filter(active=True)
        if assigning_unit is not None:
            units = units.filter(path__startswith=assigning_unit.path)
        self.fields["lead_unit"].queryset = units
        self.fields["lead_unit"].required = False
        self.fields["lead_unit"].help_text = _("Defaults to the lead's unit.")
        self.fields["process_template"].queryset = ProcessTemplate.objects.filter(
            active=True, organisation_id__in=[assigning_unit.organisation_id] if assigning_unit else []
        )


class ParticipantForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, required=False, label=_("Co-operating person"),
                                  widget=PersonPicker(search_url=reverse_lazy("accounts:person_search")))
    unit = forms.ModelChoiceField(queryset=None, required=False, label=_("or unit"))
    part = forms.CharField(required=False, label=_("Their part"), max_length=2000)
    deadline = forms.DateTimeField(required=False, label=_("Their deadline"), widget=DateTimePickerInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_visible_to(user).filter(is_active=True)
        self.fields["unit"].queryset = units_visible_to(user).filter(active=True)

    def clean(self):
        data = super().clean()
        if data.get("part") and not (data.get("user") or data.get("unit")):
            raise forms.ValidationError(_("Choose the person or unit for this part."))
        return data


BaseParticipantFormSet = formset_factory(ParticipantForm, extra=2, max_num=20, validate_max=True)


class ParticipantFormSet(BaseParticipantFormSet):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"user": self.user}

    @property
    def empty_form(self):
        return self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, user=self.user)

    def participants(self) -> list[dict]:
        return [
            {"user": f.cleaned_data.get("user"), "unit": f.cleaned_data.get("unit"), "part": f.cleaned_data.get("part", ""),
             "deadline": f.cleaned_data.get("deadline")}
            for f in self.forms
            if f.cleaned_data and (f.cleaned_data.get("user") or f.cleaned_data.get("unit"))
        ]


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    steps_done = forms.TypedMultipleChoiceField(label=_("Steps finished"), required=False, coerce=int,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steps_done"].choices = [(s.order, f"{s.order}. {s.name}") for s in steps if s.done_at is None]
        if not self.fields["steps_done"].choices:
            del self.fields["steps_done"]


class SubmitForm(forms.Form):
    note = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateTimeField(label=_("New deadline"), widget=DateTimePickerInput())
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Approve")), ("no", _("Refuse"))])
    granted_deadline = forms.DateTimeField(label=_("Granted deadline (empty: as requested)"), required=False,
                                           widget=DateTimePickerInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class ApproveForm(forms.Form):
    # Nothing preselected: the judge chooses the quality, the form never suggests one.
    quality = forms.ChoiceField(label=_("Quality"),
                                choices=[("", _("— choose —"))] + [c for c in Quality.choices if c[0] != Quality.FAIL])
    note = forms.CharField(label=_("Evaluation"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    open_subtasks_reason = forms.CharField(label=_("Reason to approve with open sub-tasks"), required=False, max_length=2000)

    def __init__(self, *args, open_subtasks: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if open_subtasks == 0:  # shown only when there is something to explain
            del self.fields["open_subtasks_reason"]


class TaskFilterForm(forms.Form):
    """Allow-listed filters: nothing from the query string reaches the ORM unchecked."""

    TABS = [("lead", _("I lead")), ("cooperate", _("I co-operate")), ("monitor", _("I monitor")),
            ("assigned", _("I assigned")), ("unit", _("My units"))]
    tab = forms.ChoiceField(choices=TABS, required=False)
    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    official = forms.ChoiceField(required=False, label=_("Official status"))
    status = forms.ChoiceField(required=False, label=_("Workflow state"))
    unit = IdFilterField(required=False, widget=forms.HiddenInput)
    deadline_from = DateFilterField(required=False, label=_("Deadline from"), widget=DatePickerInput())
    deadline_to = DateFilterField(required=False, label=_("to"), widget=DatePickerInput())
    directive = forms.CharField(required=False, max_length=100, label=_("Directive number"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].choices = [("", _("All"))] + [(key, LABELS[key]) for key in OFFICIAL_ORDER]
        self.fields["status"].choices = [("", _("All"))] + list(TaskStatus.choices)


class TaskImportForm(forms.Form):
    assigning_unit = forms.ChoiceField(label=_("Assigning unit"))
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["assigning_unit"].choices = [(str(u.pk), str(u)) for u in units]

    def clean_assigning_unit(self):
        return self.units[self.cleaned_data["assigning_unit"]]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Only .xlsx files are accepted."))
        return upload
