"""{% document_downloads "task-assignment" task %}: the record page's documents — .docx and PDF for
whoever sees the page, and "register the number" for whoever may issue it."""

from django import template

from documents.access import available_actions, own_number
from documents.models import IssuedDocument
from documents.registry import KINDS

register = template.Library()


@register.inclusion_tag("documents/_downloads.html", takes_context=True)
def document_downloads(context, keys: str, obj):
    user = context["request"].user
    kinds = [KINDS[key] for key in keys.split(",")]
    issued = dict(IssuedDocument.objects.filter(kind__in=[k.key for k in kinds], object_id=obj.pk)
                  .values_list("kind", "reference"))
    documents = []
    for kind in kinds:
        own = own_number(kind, obj)
        documents.append({"kind": kind, "reference": own[0] if own else issued.get(kind.key),
                          "may_issue": "register" in available_actions(user, kind, obj)})
    return {"documents": documents,
            "object_pk": obj.pk, "csrf_token": context.get("csrf_token")}
