"""Django admin for support staff; tenant admins use the guidelines pages."""

from django.contrib import admin

from .models import (
    GuidelineRule,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyImage,
    PolicyReminder,
    PolicyVersion,
)


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "organization", "slug", "updated_at")
    list_filter = ("kind",)
    search_fields = ("title", "slug", "organization__slug")
    raw_id_fields = ("organization", "created_by")


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = (
        "document",
        "number",
        "organization",
        "published_at",
        "requires_reacknowledgement",
    )
    list_filter = ("requires_reacknowledgement",)
    raw_id_fields = ("organization", "document", "published_by", "created_by")
    readonly_fields = ("rendered_html",)


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ("membership", "version", "organization", "acknowledged_at")
    raw_id_fields = ("organization", "membership", "version")


@admin.register(PolicyImage)
class PolicyImageAdmin(admin.ModelAdmin):
    list_display = ("image", "document", "organization", "created_at")
    raw_id_fields = ("organization", "document", "uploaded_by")


@admin.register(GuidelineRule)
class GuidelineRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "pattern", "severity", "is_active", "organization")
    list_filter = ("kind", "severity", "is_active")
    search_fields = ("pattern", "replacement", "organization__slug")
    raw_id_fields = ("organization", "created_by")


@admin.register(PolicyReminder)
class PolicyReminderAdmin(admin.ModelAdmin):
    list_display = ("membership", "version", "day", "organization", "created_at")
    raw_id_fields = ("organization", "membership", "version", "sent_by")
