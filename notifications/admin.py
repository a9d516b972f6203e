from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "verb", "message", "read_at", "emailed_at"]
    list_filter = ["verb"]
    search_fields = ["message", "recipient__search_text"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"
