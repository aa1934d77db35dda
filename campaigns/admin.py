"""Admin of campaigns: read-mostly views for support staff; changes go through the pages
and API (their services check permissions and keep the audit log)."""

from __future__ import annotations

from django.contrib import admin

from .models import Campaign, CampaignAudience, CampaignItem


class CampaignItemInline(admin.TabularInline):
    model = CampaignItem
    extra = 0
    raw_id_fields = ("item",)
    readonly_fields = ("organization", "added_at")


class CampaignAudienceInline(admin.TabularInline):
    model = CampaignAudience
    extra = 0
    readonly_fields = ("organization",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "slug", "status", "starts_at", "ends_at")
    list_filter = ("status", "goal_metric")
    search_fields = ("name", "slug", "organization__name")
    raw_id_fields = ("organization", "created_by")
    readonly_fields = ("launched_at", "went_live_at", "ended_at", "archived_at", "created_at")
    inlines = (CampaignItemInline, CampaignAudienceInline)
