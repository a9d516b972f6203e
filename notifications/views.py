from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.pagination import paginate
from notifications.models import Notification
from notifications.services import notification_mark_read, unread_count


@login_required
@require_GET
def notification_list(request):
    page = paginate(request, Notification.objects.filter(recipient=request.user))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_GET
def bell(request):
    """The bell's fragment, polled by htmx."""
    return render(request, "notifications/_bell.html", {"unread": unread_count(request.user)})


@login_required
@require_POST
def mark_read(request, pk):
    # Only the recipient's own notifications can be reached: others are 404.
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification_id=note.pk)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    notification_mark_read(user=request.user)
    if request.htmx:
        response = render(request, "notifications/_bell.html", {"unread": 0})
        response["HX-Trigger"] = "notificationsRead"
        return response
    return redirect("notifications:list")
