"""{% document_downloads "task-assignment" task.pk %}: the record page's download links."""

from django import template

from documents.registry import KINDS

register = template.Library()


@register.inclusion_tag("documents/_downloads.html", takes_context=True)
def document_downloads(context, keys: str, object_pk):
    return {"document_kinds": [KINDS[key] for key in keys.split(",")], "object_pk": object_pk,
            "csrf_token": context.get("csrf_token")}
