import json

from django.conf import settings
from django.http import HttpResponse

_HEALTHZ_BODY = json.dumps({"status": "ok"}).encode()


class HealthCheckMiddleware:
    """Answer `/healthz` before sessions, auth or the database are touched.

    Load balancers call it often; it proves the process serves requests and nothing
    more (`/readyz` checks the database).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return HttpResponse(_HEALTHZ_BODY, content_type="application/json")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) with every response
    that has none of its own. The pages load scripts and styles only from our own origin; style
    attributes (bar widths) are allowed, since they cannot run code."""

    def __init__(self, get_response):
        self.policy = settings.CONTENT_SECURITY_POLICY
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
