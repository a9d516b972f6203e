"""Task API: list with filters, detail, draft create/update, and one endpoint per action.

Each view: access helper → input serializer → service → output serializer. Service errors map
once (core.api): ValidationError → 400 (the gate lists the missing dimensions under
`clarity.<dimension>`), ConflictError → 409, PermissionDenied → 403, not visible → 404.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.access import get_unit_for_user
from core.api_actions import ActionApi
from core.filters import DateFilter, IdFilter
from core.pagination import decode_cursor, encode_cursor
from tasks import history, services
from tasks.access import get_task_for_user, history_import_units
from tasks.clarity import checklist_data
from tasks.models import ExtensionRequest, TaskStatus
from tasks.selectors import list_position, task_list_for_user, tasks_after
from tasks.serializers import (
    ApproveInputSerializer,
    CheckSerializer,
    ExtensionDecisionInputSerializer,
    ExtensionInputSerializer,
    ProgressInputSerializer,
    ReasonInputSerializer,
    SubmitInputSerializer,
    TaskDetailOutputSerializer,
    TaskInputSerializer,
    TaskListOutputSerializer,
)
from tasks.status import OFFICIAL_ORDER

LIST_PARAMETERS = [
    OpenApiParameter("tab", OpenApiTypes.STR, enum=["lead", "cooperate", "monitor", "assigned"],
                     description="Only the tasks you lead / co-operate on / monitor / assigned."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Code or title, ignoring diacritics."),
    OpenApiParameter("official", OpenApiTypes.STR, enum=OFFICIAL_ORDER, description="Official status (QĐ 42/2014)."),
    OpenApiParameter("unit", OpenApiTypes.INT, description="Lead unit's subtree."),
    OpenApiParameter("deadline_from", OpenApiTypes.DATE), OpenApiParameter("deadline_to", OpenApiTypes.DATE),
    OpenApiParameter("directive", OpenApiTypes.STR, description="Source directive number contains."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=TaskStatus.values, description="Workflow state."),
    OpenApiParameter("cursor", OpenApiTypes.STR, description=(
        "Keyset pages instead of numbered ones: give it empty for the first page, then the `cursor` of the "
        "`next` link. The answer is then `{next, previous, results}` with no `count` (`previous` always null), "
        "and no page costs more than its rows however far it is.")),
]
CREATE_EXAMPLE = OpenApiExample("A clear task", request_only=True, value={
    "assigning_unit": 12, "title": "Rà soát thủ tục hành chính quý IV",
    "content": "Rà soát toàn bộ thủ tục hành chính thuộc thẩm quyền, đề xuất cắt giảm.",
    "lead": 345, "deadline": "2026-12-20T17:00:00+07:00", "process_description": "Thống kê; đánh giá; đề xuất",
    "reporting_regime": "Hằng tuần", "responsibility": "Chịu trách nhiệm về danh mục",
    "expected_result": "100% thủ tục được rà soát", "acceptance_criterion": "Lãnh đạo Sở thông qua",
    "participants": [{"user": 346, "part": "Cung cấp số liệu"}],
})


class _ListFilters(serializers.Serializer):
    tab = serializers.ChoiceField(choices=["lead", "cooperate", "monitor", "assigned", ""], required=False, default="")
    q = serializers.CharField(required=False, default="", max_length=100, allow_blank=True)
    official = serializers.ChoiceField(choices=[*OFFICIAL_ORDER, ""], required=False, default="")
    unit = IdFilter(required=False)
    deadline_from = DateFilter(required=False)
    deadline_to = DateFilter(required=False)
    directive = serializers.CharField(required=False, default="", max_length=100, allow_blank=True)
    status = serializers.ChoiceField(choices=[*TaskStatus.values, ""], required=False, default="")


class TaskListCreateApi(generics.GenericAPIView):
    serializer_class = TaskListOutputSerializer

    @extend_schema(parameters=LIST_PARAMETERS, responses=TaskListOutputSerializer(many=True), operation_id="tasks_list")
    def get(self, request):
        filters = _ListFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        unit = get_unit_for_user(request.user, data.pop("unit")) if "unit" in data else None
        tasks = task_list_for_user(request.user, unit=unit, **data)
        if "cursor" in request.query_params:
            return self._keyset_page(request, tasks)
        page = self.paginate_queryset(tasks.values(*TaskListOutputSerializer.COLUMNS))
        return self.get_paginated_response(TaskListOutputSerializer.rows(page))

    def _keyset_page(self, request, tasks):
        """`?cursor=`: the page after the cursor's row (the first page when empty), with the link
        to the next one; no count, so no page costs more than its rows."""
        token = request.query_params["cursor"]
        if token:
            try:
                tasks = tasks_after(tasks, decode_cursor(token))
            except ValueError:
                raise NotFound(CursorPagination.invalid_cursor_message) from None
        size = self.paginator.get_page_size(request)
        rows = list(tasks.values(*TaskListOutputSerializer.COLUMNS)[: size + 1])
        more, rows = len(rows) > size, rows[:size]
        following = (replace_query_param(request.build_absolute_uri(), "cursor", encode_cursor(list_position(rows[-1])))
                     if more else None)
        return Response({"next": following, "previous": None, "results": TaskListOutputSerializer.rows(rows)})

    @extend_schema(request=TaskInputSerializer, responses={201: TaskDetailOutputSerializer}, examples=[CREATE_EXAMPLE],
                   operation_id="tasks_create")
    def post(self, request):
        payload = TaskInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        assigning_unit = data.pop("assigning_unit", None)
        parent = data.pop("parent", None)
        if parent is not None:
            assigning_unit = parent.lead_unit
        if assigning_unit is None:
            raise serializers.ValidationError({"assigning_unit": ["This field is required."]})
        task = services.task_create_draft(actor=request.user, assigning_unit=assigning_unit, data=data, parent=parent,
                                          participants=data.pop("participants", None), steps=data.pop("steps", None))
        return Response(TaskDetailOutputSerializer(task, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class TaskDetailApi(APIView):
    @extend_schema(responses=TaskDetailOutputSerializer, operation_id="tasks_retrieve")
    def get(self, request, pk: int):
        task = get_task_for_user(request.user, pk)
        return Response(TaskDetailOutputSerializer(task, context={"request": request}).data)

    @extend_schema(request=TaskInputSerializer, responses=TaskDetailOutputSerializer, operation_id="tasks_update_draft")
    def patch(self, request, pk: int):
        task = get_task_for_user(request.user, pk)
        payload = TaskInputSerializer(data=request.data, partial=True, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("assigning_unit", None)
        data.pop("parent", None)
        task = services.task_update_draft(actor=request.user, task=task, data=data,
                                          participants=data.pop("participants", None), steps=data.pop("steps", None))
        return Response(TaskDetailOutputSerializer(task, context={"request": request}).data)


class TaskChecklistApi(APIView):
    @extend_schema(responses=CheckSerializer(many=True), operation_id="tasks_checklist")
    def get(self, request, pk: int):
        return Response(checklist_data(get_task_for_user(request.user, pk)))


class _TaskActionApi(ActionApi):
    """A POST endpoint per action on a task the user can see (404 otherwise); the answer is the task."""

    output_serializer = TaskDetailOutputSerializer

    def get_object(self, request, pk):
        return get_task_for_user(request.user, pk)


class TaskAssignApi(_TaskActionApi):
    operation_id = "tasks_assign"
    summary = "Leave draft (only when the task is clear on every dimension)"

    def perform(self, request, task, data):
        services.task_assign(actor=request.user, task=task)


class TaskAcceptApi(_TaskActionApi):
    operation_id = "tasks_accept"
    summary = "The lead accepts"

    def perform(self, request, task, data):
        services.task_accept(actor=request.user, task=task)


class TaskReturnApi(_TaskActionApi):
    operation_id = "tasks_return"
    summary = "The lead returns the task to the assigner"
    input_serializer = ReasonInputSerializer

    def perform(self, request, task, data):
        services.task_return(actor=request.user, task=task, reason=data["reason"])


class TaskProgressApi(_TaskActionApi):
    operation_id = "tasks_progress"
    summary = "Report progress"
    input_serializer = ProgressInputSerializer

    def perform(self, request, task, data):
        services.task_report_progress(actor=request.user, task=task, percent=data["percent"],
                                      note=data.get("note", ""), files=data.get("files", []),
                                      steps_done=data.get("steps_done", []))


class TaskExtensionApi(_TaskActionApi):
    operation_id = "tasks_extension"
    summary = "Ask for an extension"
    input_serializer = ExtensionInputSerializer

    def perform(self, request, task, data):
        services.task_request_extension(actor=request.user, task=task, new_deadline=data["new_deadline"],
                                        reason=data["reason"])


class TaskDecideExtensionApi(_TaskActionApi):
    operation_id = "tasks_decide_extension"
    summary = "Decide an extension"
    input_serializer = ExtensionDecisionInputSerializer

    def perform(self, request, task, data, request_pk):
        try:
            extension = ExtensionRequest.objects.get(pk=request_pk, task=task)
        except ExtensionRequest.DoesNotExist:
            raise Http404 from None
        services.task_decide_extension(actor=request.user, request=extension, approve=data["approve"],
                                       granted_deadline=data.get("granted_deadline"), note=data.get("note", ""))


class TaskSubmitApi(_TaskActionApi):
    operation_id = "tasks_submit"
    summary = "Submit the result with evidence"
    input_serializer = SubmitInputSerializer

    def perform(self, request, task, data):
        services.task_submit_result(actor=request.user, task=task, note=data["note"], files=data.get("files", []))


class TaskApproveApi(_TaskActionApi):
    operation_id = "tasks_approve"
    summary = "Approve the result with an evaluation"
    input_serializer = ApproveInputSerializer

    def perform(self, request, task, data):
        services.task_approve(actor=request.user, task=task, quality=data["quality"], note=data.get("note", ""),
                              open_subtasks_reason=data.get("open_subtasks_reason", ""))


class TaskSendBackApi(_TaskActionApi):
    operation_id = "tasks_send_back"
    summary = "Send the result back for rework"
    input_serializer = ReasonInputSerializer

    def perform(self, request, task, data):
        services.task_send_back(actor=request.user, task=task, reason=data["reason"])


class TaskCancelApi(_TaskActionApi):
    operation_id = "tasks_cancel"
    summary = "Cancel the task"
    input_serializer = ReasonInputSerializer

    def perform(self, request, task, data):
        services.task_cancel(actor=request.user, task=task, reason=data["reason"])


class _HistoryImportInput(serializers.Serializer):
    assigning_unit = IdFilter()
    file = serializers.FileField()


class _HistoryImportError(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class _HistoryImportRefusal(serializers.Serializer):
    """A refused import: the rows refused, by row and column — or, for a bad request, the messages by
    field name, as every other endpoint gives them."""

    errors = _HistoryImportError(many=True, required=False)


class _HistoryImportOutput(serializers.Serializer):
    imported = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    by_official_status = serializers.DictField(child=serializers.IntegerField())


class TaskHistoryImportApi(APIView):
    """The history import of the page (tasks.history), for a client that sends the register file:
    the same checks, the same rows keyed by code, nothing written on any error."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": _HistoryImportInput}, operation_id="tasks_import_history",
                   summary="Import an existing task register with its history (Excel .xlsx)",
                   responses={200: _HistoryImportOutput, 400: _HistoryImportRefusal,
                              404: OpenApiResponse(description="Not a head or administrator")})
    def post(self, request):
        units = {unit.pk: unit for unit in history_import_units(request.user)}
        if not units:
            raise Http404
        payload = _HistoryImportInput(data=request.data)
        payload.is_valid(raise_exception=True)
        unit = units.get(payload.validated_data["assigning_unit"])
        if unit is None:
            raise serializers.ValidationError({"assigning_unit": [_("Choose a unit whose register you may import.")]})
        upload = payload.validated_data["file"]
        result = history.import_task_history(upload, actor=request.user, assigning_unit=unit, file_name=upload.name)
        if not result.ok:
            errors = [{"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message} for e in result.errors]
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": result.imported, "unchanged": result.unchanged,
                         "by_official_status": dict(result.by_official_status)})
