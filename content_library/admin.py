from django.contrib import admin

from .models import (
    ContentItem,
    ContentItemRevision,
    ContentSuggestion,
    FeedSource,
    ItemShareMark,
    SuggestedCaption,
    Topic,
)


class CaptionInline(admin.TabularInline):
    model = SuggestedCaption
    extra = 0
    fields = ("network", "position", "text")


@admin.register(ContentItem)
class ContentItemAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "organization",
        "kind",
        "status",
        "language",
        "is_pinned",
        "share_count",
    )
    list_filter = ("status", "kind", "category", "language")
    search_fields = ("title", "url")
    raw_id_fields = ("organization", "created_by", "approved_by", "suggested_by", "source")
    readonly_fields = ("share_count", "feed_at", "preview_status", "preview_error")
    inlines = [CaptionInline]


@admin.register(ContentSuggestion)
class ContentSuggestionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "kind", "status", "created_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("organization", "submitted_by", "reviewed_by", "item")


@admin.register(FeedSource)
class FeedSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "url", "is_paused", "last_fetched_at", "last_error")
    raw_id_fields = ("organization", "created_by")


admin.site.register(Topic)
admin.site.register(ContentItemRevision)
admin.site.register(ItemShareMark)
