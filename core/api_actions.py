"""The one shape of an API action: a POST endpoint per action, a class per action.

    class TaskAcceptApi(ActionApi):
        operation_id = "tasks_accept"
        summary = "The lead accepts"
        output_serializer = TaskDetailOutputSerializer

        def get_object(self, request, pk):
            return get_task_for_user(request.user, pk)      # 404 for whoever cannot see it

        def perform(self, request, task, data):
            services.task_accept(actor=request.user, task=task)

The input is validated by `input_serializer` (files sent as multipart reach `perform` in
data["files"] when the input declares a `files` field), the service decides (403/409 come from its errors, mapped once in core.api), and
the answer is the record as it now is. grep finds every action by its class name."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.parsers import JSONParser

ERRORS = {400: OpenApiResponse(description="Invalid input, with the field"),
          403: OpenApiResponse(description="Not yours to do"), 404: OpenApiResponse(description="Not found"),
          409: OpenApiResponse(description="Wrong state or someone acted first")}


class ActionApi(APIView):
    input_serializer: type[serializers.Serializer] | None = None
    output_serializer: type[serializers.Serializer] | None = None
    operation_id: str = ""
    summary: str = ""
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.operation_id:  # an intermediate base of an app's actions
            return

        def post(self, request, *args, **kwargs):
            return ActionApi.post(self, request, *args, **kwargs)

        post.__doc__ = cls.summary
        cls.post = extend_schema(request=cls.input_serializer, responses={200: cls.output_serializer, **ERRORS},
                                 summary=cls.summary or None, operation_id=cls.operation_id)(post)

    def get_object(self, request, **kwargs):
        raise NotImplementedError

    def perform(self, request, obj, data: dict, **kwargs):
        raise NotImplementedError

    def refreshed(self, request, obj):
        """The record to answer with once the action is done."""
        obj.refresh_from_db()
        return obj

    def post(self, request, pk: int, **kwargs):
        obj = self.get_object(request, pk=pk)
        data = {}
        if self.input_serializer is not None:
            payload = self.input_serializer(data=request.data, context={"request": request, "object": obj})
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            # Only an input that declares `files` takes uploads; any other ignores them.
            if "files" in payload.fields:
                data["files"] = request.FILES.getlist("files")
        result = self.perform(request, obj, data, **kwargs)
        if self.output_serializer is None:
            return Response(result)
        return Response(self.output_serializer(self.refreshed(request, obj), context={"request": request}).data)
