"""Error pages in the user's language (Vietnamese by default); under /api/, the same errors as
JSON in the shape the API documents (a `detail`), since no API client can read an HTML page."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin site, the API docs):
    send them to the icon every other page names."""
    return redirect(static("favicon.svg"), permanent=True)


def permission_denied(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("You do not have permission to do this.")}, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    # A static page with no context processors: the error may be the database itself.
    response = HttpResponseServerError(loader.get_template("500.html").render())
    # Its styles are inline (no static files needed when things are broken) and it shows no input.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    return response
