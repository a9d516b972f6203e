"""Project-wide API plumbing: pagination and the mapping of service errors to responses."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ConflictError
from core.rulebook import RuleRefusal
from core.pagination import WindowPaginator, page_number


class Pagination(PageNumberPagination):
    """Page numbers with a bounded count (core.pagination.WindowPaginator): `count` is exact
    while `count_exact` is true, otherwise a lower bound that reaches past the page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def django_paginator_class(self, object_list, per_page):
        return WindowPaginator(object_list, per_page, number=page_number(self._number))

    def get_page_number(self, request, paginator):
        return page_number(super().get_page_number(request, paginator))

    def paginate_queryset(self, queryset, request, view=None):
        self._number = request.query_params.get(self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.count_exact
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_exact"] = {
            "type": "boolean", "description": "False when `count` is a lower bound (more than 10,000 rows past the page).",
        }
        schema["required"].append("count_exact")
        return schema


def exception_handler(exc, context):
    """Services raise Django's ValidationError and ConflictError; map them once here."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        if isinstance(exc, RuleRefusal):  # the rule rows it applied, on the page of rules in force
            detail["rules"] = [{"name": name, "url": url} for name, url in exc.rule_links()]
        exc = DRFValidationError(detail=detail)
    if isinstance(exc, ConflictError):
        return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)

