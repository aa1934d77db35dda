"""Pages: my notifications (keyset pages, mark one or all read), my preferences, the
organization's defaults (admins), and the one-click unsubscribe (signed link, no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from advocacy.forms.service_errors import form_add_service_errors
from advocacy.keyset import keyset_links, keyset_page
from advocacy.permissions import Capability
from advocacy.redirects import safe_next_url
from advocacy.tenancy import OrgPageView

from .events import EVENTS, MEMBER_CHANNELS, chat_events, get_event
from .events import render as render_event
from .forms import ChatChannelForm, OrgSettingsForm, PreferencesForm
from .models import ChatChannel, Notification
from .selectors import (
    events_for,
    notifications_of,
    org_default_channels,
    org_settings,
    preferences_of,
)
from .services.chat import chat_channel_create, chat_channel_delete
from .services.email import ALL_EVENTS, email_unsubscribe, unsubscribe_resolve
from .services.inbox import notification_mark_read, notifications_mark_all_read
from .services.preferences import org_notification_settings_update, preferences_update

PAGE_SIZE = 30


def rendered(notifications: list[Notification]) -> list[dict[str, Any]]:
    rows = []
    for n in notifications:
        title, body = render_event(n.event, n.params)
        rows.append({"n": n, "title": title, "body": body})
    return rows


class NotificationsListView(OrgPageView):
    template_name = "notifications/list.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        page = keyset_page(
            notifications_of(membership=self.membership),
            order=("-id",),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        context = self.get_context_data(rows=rendered(page.items), **keyset_links(request, page))
        return render(request, self.template_name, context)


class NotificationReadView(OrgPageView):
    """POST: mark one of my notifications read, then open its link (``open=1``) or go back."""

    model = Notification
    pk_url_kwarg = "notification_id"

    def safely_get_queryset(self, queryset: Any) -> Any:
        return queryset.filter(membership=self.membership)

    def load_objects(self) -> None:
        self.notification = self.get_object()

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        notification = notification_mark_read(actor=self.membership, notification=self.notification)
        if request.POST.get("open") and notification.link.startswith("/"):
            return HttpResponseRedirect(notification.link)
        fallback = reverse("notifications_list", kwargs={"org_slug": self.organization.slug})
        return HttpResponseRedirect(safe_next_url(request, request.POST.get("next")) or fallback)


class NotificationsReadAllView(OrgPageView):
    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        count = notifications_mark_all_read(actor=self.membership)
        if count:
            messages.success(request, _("All notifications are marked read."))
        return HttpResponseRedirect(
            reverse("notifications_list", kwargs={"org_slug": self.organization.slug})
        )


class PreferencesView(OrgPageView):
    template_name = "notifications/preferences.html"

    def _form(self, data: Any = None) -> PreferencesForm:
        prefs = preferences_of(membership=self.membership)
        initial = {
            "quiet_start": prefs.quiet_start,
            "quiet_end": prefs.quiet_end,
            "quiet_disabled": prefs.quiet_disabled,
            "time_zone": prefs.time_zone,
        }
        return PreferencesForm(
            data, initial=initial, events=events_for(self.membership), channels=prefs.channels
        )

    def _render(self, form: PreferencesForm, status: int = 200) -> HttpResponse:
        row = org_settings(organization=self.organization)
        context = self.get_context_data(
            form=form,
            org_quiet=(row.quiet_start, row.quiet_end),
            org_time_zone=self.organization.time_zone,
        )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(self._form())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                preferences_update(
                    actor=self.membership,
                    channels=form.grid(),
                    quiet_start=data["quiet_start"],
                    quiet_end=data["quiet_end"],
                    quiet_disabled=data["quiet_disabled"],
                    time_zone=data["time_zone"],
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Your notification preferences are saved."))
                return HttpResponseRedirect(request.path)
        return self._render(form, status=400)


class OrgSettingsView(OrgPageView):
    capability = Capability.MANAGE_ORGANIZATION
    template_name = "notifications/org_settings.html"

    def _form(self, data: Any = None) -> OrgSettingsForm:
        row = org_settings(organization=self.organization)
        channels = {
            e.kind: {c: c in org_default_channels(row, e) for c in MEMBER_CHANNELS}
            for e in EVENTS.values()
        }
        initial = {
            "quiet_start": row.quiet_start,
            "quiet_end": row.quiet_end,
            "digest_weekday": row.digest_weekday,
            "digest_hour": row.digest_hour,
        }
        return OrgSettingsForm(data, initial=initial, channels=channels)

    def _render(self, form: OrgSettingsForm, status: int = 200) -> HttpResponse:
        context = self.get_context_data(form=form)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(self._form())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            grid = form.grid()
            try:
                org_notification_settings_update(
                    actor=self.membership,
                    default_channels={
                        kind: [c for c, on in chosen.items() if on] for kind, chosen in grid.items()
                    },
                    quiet_start=data["quiet_start"],
                    quiet_end=data["quiet_end"],
                    digest_weekday=data["digest_weekday"],
                    digest_hour=data["digest_hour"],
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("The organization's notification defaults are saved."))
                return HttpResponseRedirect(request.path)
        return self._render(form, status=400)


class ChatChannelsView(OrgPageView):
    """The organization's Slack and Teams channels (admins): list, add."""

    capability = Capability.MANAGE_ORGANIZATION
    template_name = "notifications/channels.html"

    def _render(self, form: ChatChannelForm, status: int = 200) -> HttpResponse:
        channels = ChatChannel.objects.for_org(self.organization).order_by("kind", "name", "pk")
        labels = {e.kind: e.label for e in chat_events()}
        rows = [
            {"channel": c, "events": [labels.get(e, e) for e in c.events or []]} for c in channels
        ]
        context = self.get_context_data(form=form, rows=rows)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(ChatChannelForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = ChatChannelForm(request.POST)
        if form.is_valid():
            try:
                channel = chat_channel_create(actor=self.membership, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The channel “%(name)s” was added.") % {"name": channel.name}
                )
                return HttpResponseRedirect(request.path)
        return self._render(form, status=400)


class ChatChannelDeleteView(OrgPageView):
    capability = Capability.MANAGE_ORGANIZATION
    model = ChatChannel
    pk_url_kwarg = "channel_id"

    def load_objects(self) -> None:
        self.channel = self.get_object()

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        chat_channel_delete(actor=self.membership, channel=self.channel)
        messages.success(
            request, _("The channel “%(name)s” was removed.") % {"name": self.channel.name}
        )
        return HttpResponseRedirect(
            reverse("notifications_channels", kwargs={"org_slug": self.organization.slug})
        )


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The signed one-click unsubscribe link of every e-mail. GET asks (link scanners follow
    links), POST unsubscribes: the button, and mail clients' RFC 8058 one-click POST
    (``List-Unsubscribe=One-Click``), which carries no CSRF token and no session."""

    template_name = "notifications/unsubscribe.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        resolved = unsubscribe_resolve(token)
        if resolved is None:
            return render(request, self.template_name, {"invalid": True}, status=400)
        membership, event = resolved
        return render(request, self.template_name, self._context(membership, event))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        resolved = unsubscribe_resolve(token)
        if resolved is None:
            return render(request, self.template_name, {"invalid": True}, status=400)
        membership, event = resolved
        email_unsubscribe(membership=membership, event=event)
        return render(
            request, self.template_name, {**self._context(membership, event), "done": True}
        )

    def _context(self, membership: Any, event: str) -> dict[str, Any]:
        spec = get_event(event) if event != ALL_EVENTS else None
        return {
            "organization_name": membership.organization.name,
            "event_label": spec.label if spec else "",
            "all_events": event == ALL_EVENTS,
            "preferences_url": reverse(
                "notifications_preferences", kwargs={"org_slug": membership.organization.slug}
            ),
        }
