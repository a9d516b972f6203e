from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Organisation"))
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        # The choice is limited to organisations the user administers.
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Only .xlsx files are accepted."))
        if upload.size > settings.IMPORT_MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.") % {"limit": settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())  # apps show "123 456"
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("Enter the six digits your authenticator app shows."))
        return code
