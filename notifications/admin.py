from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "verb", "message", "read_at", "emailed_at"]
    list_filter = ["verb"]
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
