"""The parts of a library item besides its own fields: suggested captions, topics,
audience targeting and images, the checks of its fields, and its search document.
Used by the item, suggestion and feed-source services; no capability checks here (the
calling service has made them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

from advocacy.models import Department, Organization, Role
from advocacy.networks import MAX_CAPTION_LENGTH, Network

from ..models import (
    AudienceDimension,
    Category,
    ContentAudience,
    ContentImage,
    ContentItem,
    Kind,
    SuggestedCaption,
    Topic,
)
from ..search import refresh_search_vector, search_document
from ..validators import inspect_image


@dataclass(frozen=True)
class CaptionInput:
    network: str
    text: str


def clean_captions(
    captions: Iterable[CaptionInput | tuple[str, str] | dict],
) -> list[CaptionInput]:
    cleaned: list[CaptionInput] = []
    errors: list[str] = []
    for raw in captions:
        if isinstance(raw, dict):
            c = CaptionInput(network=str(raw.get("network", "")), text=str(raw.get("text", "")))
        elif isinstance(raw, tuple):
            c = CaptionInput(network=raw[0], text=raw[1])
        else:
            c = raw
        text = c.text.strip()
        if not text:
            continue
        if c.network not in Network.values:
            errors.append(_("Unknown network “%(network)s”.") % {"network": c.network})
            continue
        limit = MAX_CAPTION_LENGTH.get(c.network)
        if limit and len(text) > limit:
            errors.append(
                _(
                    "A %(network)s caption may have at most %(limit)d characters (this one has %(n)d)."
                )
                % {"network": Network(c.network).label, "limit": limit, "n": len(text)}
            )
            continue
        cleaned.append(CaptionInput(network=c.network, text=text))
    if errors:
        raise ValidationError({"captions": errors})
    return cleaned


def check_fields(data: dict[str, Any], organization: Organization) -> None:
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind not in Kind.values:
        errors.setdefault("kind", []).append(_("Choose a kind."))
    if not (data.get("title") or "").strip():
        errors.setdefault("title", []).append(_("Give the item a title."))
    if kind in (Kind.LINK, Kind.VIDEO) and not (data.get("url") or "").strip():
        errors.setdefault("url", []).append(_("A link or video item needs its address."))
    url = (data.get("url") or "").strip()
    if url and not re.match(r"^https?://", url, re.IGNORECASE):
        errors.setdefault("url", []).append(_("Use an http:// or https:// address."))
    if data.get("category") not in Category.values:
        errors.setdefault("category", []).append(_("Choose a category."))
    if data.get("language") not in dict(settings.LANGUAGES):
        errors.setdefault("language", []).append(_("Choose a language."))
    publish_at, expires_at = data.get("publish_at"), data.get("expires_at")
    if publish_at and expires_at and expires_at <= publish_at:
        errors.setdefault("expires_at", []).append(_("The item must expire after it is published."))
    if errors:
        raise ValidationError(errors)


def set_captions(item: ContentItem, captions: list[CaptionInput]) -> None:
    SuggestedCaption.objects.filter(item=item).delete()
    positions: dict[str, int] = {}
    rows = []
    for c in captions:
        pos = positions.get(c.network, 0)
        positions[c.network] = pos + 1
        rows.append(
            SuggestedCaption(
                organization_id=item.organization_id,
                item=item,
                network=c.network,
                text=c.text,
                position=pos,
            )
        )
    SuggestedCaption.objects.bulk_create(rows)


def captions_of(item: ContentItem) -> list[tuple[str, str]]:
    return list(
        SuggestedCaption.objects.filter(item=item)
        .order_by("network", "position", "id")
        .values_list("network", "text")
    )


def set_topics(item: ContentItem, topics: Iterable[Topic | int]) -> None:
    ids = [t.pk if isinstance(t, Topic) else int(t) for t in topics]
    found = list(Topic.objects.for_org(item.organization).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"topics": [_("Choose topics of this organization.")]})
    item.topics.set(found)


def set_audience(
    item: ContentItem,
    *,
    departments: Iterable[Department | int],
    locations: Iterable[str],
    roles: Iterable[str],
) -> None:
    dept_ids = {d.pk if isinstance(d, Department) else int(d) for d in departments}
    depts = list(Department.objects.for_org(item.organization).filter(pk__in=dept_ids))
    if len(depts) != len(dept_ids):
        raise ValidationError({"departments": [_("Choose departments of this organization.")]})
    locs = sorted({loc.strip()[:120] for loc in locations if loc and loc.strip()})
    role_values = sorted({r for r in roles if r})
    bad_roles = [r for r in role_values if r not in Role.values]
    if bad_roles:
        raise ValidationError({"roles": [_("Unknown role “%(role)s”.") % {"role": bad_roles[0]}]})
    item.target_departments.set(depts)
    ContentAudience.objects.filter(item=item).delete()
    ContentAudience.objects.bulk_create(
        [
            ContentAudience(organization_id=item.organization_id, item=item, dimension=dim, value=v)
            for dim, values in (
                (AudienceDimension.LOCATION, locs),
                (AudienceDimension.ROLE, role_values),
            )
            for v in values
        ]
    )
    item.targets_departments = bool(depts)
    item.targets_locations = bool(locs)
    item.targets_roles = bool(role_values)
    ContentItem.objects.filter(pk=item.pk).update(
        targets_departments=item.targets_departments,
        targets_locations=item.targets_locations,
        targets_roles=item.targets_roles,
    )


def images_attach(item: ContentItem, images: Sequence[File | tuple[File, str]]) -> int:
    start = ContentImage.objects.filter(item=item).count()
    for n, entry in enumerate(images):
        upload, alt = entry if isinstance(entry, tuple) else (entry, "")
        try:
            _fmt, width, height = inspect_image(upload)
        except ValidationError as exc:
            raise ValidationError({"images": exc.messages}) from exc
        ContentImage.objects.create(
            organization_id=item.organization_id,
            item=item,
            image=upload,
            alt_text=(alt or "")[:300],
            width=width,
            height=height,
            position=start + n,
        )
    return len(images)


def reindex(item: ContentItem) -> None:
    captions = [t for _n, t in captions_of(item)]
    item.search_text = search_document(item, captions)
    ContentItem.objects.filter(pk=item.pk).update(search_text=item.search_text)
    refresh_search_vector(item)
