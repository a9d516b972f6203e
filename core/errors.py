"""Errors that services raise and that every interface (pages, API) maps the same way."""

from django.core.exceptions import PermissionDenied, ValidationError


class ConflictError(Exception):
    """The action does not fit the object's current state, or someone else acted first.

    The API answers 409; pages show the message and keep what the user typed.
    """

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code


def require(condition: bool) -> None:
    """Refuse an action the user may not take (403 on the API; pages answer 403 too)."""
    if not condition:
        raise PermissionDenied


def required_text(value: str, field: str, message: str) -> str:
    """The stripped text, or a ValidationError on `field` when it is empty."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value
