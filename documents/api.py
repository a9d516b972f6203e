"""The documents over the API: a record's document (its number if issued, its download links),
the .docx and PDF themselves, and issuing its number. The record's own access helper answers 404
to whoever may not see it."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import services
from documents.access import available_actions, own_number
from documents.views import DOCX, file_response, kind_or_404


class DocumentOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    reference = serializers.CharField(allow_null=True, help_text="Number and symbol, null while a draft.")
    number = serializers.IntegerField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    may_issue = serializers.BooleanField()
    docx_url = serializers.CharField()
    pdf_url = serializers.CharField()


def _document(request, kind, obj) -> dict:
    issued = services.issued_for(kind, obj)
    own = own_number(kind, obj)
    return {"kind": kind.key, "label": kind.label,
            "reference": own[0] if own else issued.reference if issued else None,
            "number": None if own else issued.number if issued else None,
            "issued_on": own[1] if own else issued.issued_on if issued else None,
            "may_issue": "register" in available_actions(request.user, kind, obj),
            "docx_url": reverse("api:document-docx", args=[kind.key, obj.pk]),
            "pdf_url": reverse("api:document-pdf", args=[kind.key, obj.pk])}


class DocumentDetailApi(APIView):
    @extend_schema(responses=DocumentOutputSerializer, operation_id="documents_detail")
    def get(self, request, kind: str, pk: int):
        kind = kind_or_404(kind)
        return Response(DocumentOutputSerializer(_document(request, kind, kind.get_for_user(request.user, pk))).data)


class DocumentIssueApi(APIView):
    @extend_schema(request=None, responses={201: DocumentOutputSerializer}, operation_id="documents_issue")
    def post(self, request, kind: str, pk: int):
        kind = kind_or_404(kind)
        obj = kind.get_for_user(request.user, pk)
        services.document_issue(actor=request.user, kind=kind, obj=obj)
        return Response(DocumentOutputSerializer(_document(request, kind, obj)).data, status=status.HTTP_201_CREATED)


class DocumentDocxApi(APIView):
    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY}, operation_id="documents_docx")
    def get(self, request, kind: str, pk: int):
        kind = kind_or_404(kind)
        rendered = services.document_render(kind, kind.get_for_user(request.user, pk))
        return file_response(rendered.docx, rendered.filename, DOCX)


class ConverterMissingSerializer(serializers.Serializer):
    detail = serializers.CharField()


class DocumentPdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              503: OpenApiResponse(ConverterMissingSerializer, description="No PDF converter.")},
                   operation_id="documents_pdf")
    def get(self, request, kind: str, pk: int):
        kind = kind_or_404(kind)
        rendered = services.document_render(kind, kind.get_for_user(request.user, pk))
        try:
            pdf = services.docx_to_pdf(rendered.docx)
        except services.ConverterMissing as missing:
            return Response({"detail": missing.message}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return file_response(pdf, rendered.filename.removesuffix(".docx") + ".pdf", "application/pdf")
