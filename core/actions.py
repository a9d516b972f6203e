"""The shape every action view shares: a valid form → the service → a message (and the warnings
the service kept) → back to the page. Service errors become messages that say what and where."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join

from core.errors import ConflictError
from core.rulebook import RuleRefusal


def report_error(request, error) -> None:
    if isinstance(error, ConflictError):
        messages.error(request, error.message)
        return
    if hasattr(error, "error_dict"):
        found = [message for _field, errors in error.message_dict.items() for message in errors]
    else:
        found = error.messages
    # A refusal by a rule links to the rule's row on the page of rules in force.
    links = error.rule_links() if isinstance(error, RuleRefusal) else []
    for message in found:
        if links:
            message = format_html("{} {}", message, format_html_join(
                " ", '<a href="{}" class="rule-link">{}</a>', ((url, label) for label, url in links)))
        messages.error(request, message)


def form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def submit(request, form, run, success_message, next_url):
    if form is not None and not form.is_valid():
        form_errors(request, form)
        return redirect(next_url)
    try:
        result = run(form.cleaned_data if form is not None else {})
    except (ValidationError, ConflictError) as error:
        report_error(request, error)
    else:
        messages.success(request, success_message)
        for warning in getattr(result, "warnings", None) or []:
            messages.warning(request, warning)
    return redirect(next_url)
