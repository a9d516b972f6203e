from django.contrib.admin.utils import unquote
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
