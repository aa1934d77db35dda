"""The organization's topics, which curators attach to items and members filter by."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.permissions import Capability

from ..models import Topic
from .base import audit_record, require


def topic_create(*, actor: Membership, name: str) -> Topic:
    require(actor, Capability.MANAGE_CONTENT, actor.organization)
    name = " ".join((name or "").split())[:80]
    if not name:
        raise ValidationError({"name": [_("Give the topic a name.")]})
    if Topic.objects.for_org(actor.organization).filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("That topic already exists.")]})
    topic = Topic.objects.create(organization=actor.organization, name=name)
    audit_record(actor, "topic.created", topic, {"name": name})
    return topic


def topic_delete(*, actor: Membership, topic: Topic) -> None:
    require(actor, Capability.MANAGE_CONTENT, topic.organization)
    audit_record(actor, "topic.deleted", topic, {"name": topic.name})
    topic.delete()
