from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Official documents")

    def ready(self):
        # The document types declare themselves on import (documents/kinds.py).
        from documents import kinds  # noqa: F401
