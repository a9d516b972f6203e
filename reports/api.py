"""Report API: the periodic task report (QĐ 42/2014) of a unit's subtree as of a cut-off date, as the
page shows it. Same parameters as the page (reports.forms.TaskReportForm), dates as dd/mm/yyyy or
yyyy-mm-dd; a unit the user does not head or deputise is 404."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.forms import TaskReportForm
from reports.selectors import task_report_for, task_report_unit
from tasks.selectors import PeriodKind

COUNT_FIELDS = ("assigned", "on_time", "on_time_extended", "late", "open_within", "open_overdue")


class _Counts(serializers.Serializer):
    assigned = serializers.IntegerField()
    on_time = serializers.IntegerField(help_text="Done on time, those after an extension included.")
    on_time_extended = serializers.IntegerField(help_text="Of which done on time after an extension.")
    late = serializers.IntegerField()
    open_within = serializers.IntegerField(help_text="Not done, within the deadline.")
    open_overdue = serializers.IntegerField(help_text="Not done, overdue.")
    rate = serializers.FloatField(allow_null=True, help_text="On-time rate (%) of the tasks come to term.")


class _Row(_Counts):
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    name = serializers.CharField()
    depth = serializers.IntegerField()
    previous = _Counts(allow_null=True)
    delta = _Counts(allow_null=True)


class _Reason(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["extension", "progress"])
    text = serializers.CharField()
    status = serializers.CharField(allow_blank=True)


class _Overdue(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    source_number = serializers.CharField(allow_blank=True)
    unit = serializers.CharField()
    lead = serializers.CharField(allow_blank=True)
    deadline = serializers.DateTimeField()
    days_overdue = serializers.IntegerField()
    extended = serializers.BooleanField()
    reasons = _Reason(many=True)


class TaskReportOutputSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    cut_off = serializers.DateTimeField()
    source_document = serializers.CharField(allow_blank=True)
    previous_start = serializers.DateField(allow_null=True)
    previous_end = serializers.DateField(allow_null=True)
    previous_cut_off = serializers.DateTimeField(allow_null=True)
    rows = _Row(many=True)
    total = _Row()
    overdue_count = serializers.IntegerField()
    overdue = _Overdue(many=True)


class TaskReportApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="A unit you head; by default the first."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(PeriodKind.VALUES)),
            OpenApiParameter("day", OpenApiTypes.DATE, description="Any day of the period (default today)."),
            OpenApiParameter("cut_off", OpenApiTypes.DATE, description="Figures as of this day (default the "
                                                                        "period's end, or today)."),
            OpenApiParameter("directive", OpenApiTypes.STR, description="Source directive number contains."),
        ],
        responses={200: TaskReportOutputSerializer, 400: OpenApiResponse(description="Invalid input, with the field"),
                   404: OpenApiResponse(description="Not found")},
        operation_id="reports_tasks_retrieve",
    )
    def get(self, request):
        form = TaskReportForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        data = form.cleaned_data
        unit, _units = task_report_unit(request.user, data.get("unit"))
        report = task_report_for(unit, data)
        return Response(TaskReportOutputSerializer(report).data)
