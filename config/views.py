"""Error pages in the user's language (Vietnamese by default)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A static page with no context processors: the error may be the database itself.
    response = HttpResponseServerError(loader.get_template("500.html").render())
    # Its styles are inline (no static files needed when things are broken) and it shows no input.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    return response
