import json

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
