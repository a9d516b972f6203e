from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """simple_history shows the history of a row that `get_queryset` hides (it falls back to the
    row's last historical record), which would let an administrator read the history of another
    organisation's records: a row outside the admin's scope has no history page for them."""

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.is_superuser and not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    # simple_history saves a revert for anyone who may *view* the history: a revert is a change, so
    # it needs the permission to change the row as it is now (which read-only records never give).
    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not self.has_change_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            current = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        except (ValueError, ValidationError):
            current = None
        if current is None:
            raise Http404
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
