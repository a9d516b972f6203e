"""The interface language: Vietnamese unless the person has chosen otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC with an English
Windows would get an English product. Here the browser is never asked: a signed-in person gets the
language kept on their profile (User.language), anyone else the one chosen with the language
switcher (its cookie), and without a choice Vietnamese (settings.LANGUAGE_CODE).
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


def supported(code: str | None) -> str | None:
    """`code` if the interface speaks it, else None."""
    return code if code in _SUPPORTED else None


def language_for(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return supported(user.language) or settings.LANGUAGE_CODE
    return supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)) or settings.LANGUAGE_CODE


class InterfaceLanguageMiddleware:
    """Activates language_for(request); comes after AuthenticationMiddleware (it reads the user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
