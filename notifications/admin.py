from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import ScopedAdminMixin
from notifications.models import EmailStatus, Notification


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "verb", "message", "read_at", "email_status", "email_attempts",
                    "emailed_at", "email_error"]
    list_filter = ["email_status", "verb"]
    actions = ["email_again"]
    search_fields = ["message", "recipient__search_text"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"

    # Notifications are each person's own messages: only superusers (who operate the delivery)
    # see them here, whatever model permissions a staff user holds.
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.action(description=_("Send the e-mail again"))
    def email_again(self, request, queryset):
        """After the cause is mended (an address corrected, the server back): try the given-up ones anew."""
        count = queryset.filter(email_status=EmailStatus.FAILED, emailed_at__isnull=True).update(
            email_status=EmailStatus.PENDING, email_attempts=0, email_next_attempt_at=timezone.now())
        self.message_user(request, ngettext("%(n)d e-mail will be sent again.", "%(n)d e-mails will be sent again.",
                                            count) % {"n": count})
