"""Dates, times and numbers as the member and the organization write them.

The member's interface language says the words; the organization's country says how a
date or a number looks in that language (English in the UK writes 01/12/2026 and 10,540,
in the US 12/01/2026). The country comes from the organization's time zone (tzdata's
zone.tab: Europe/London is GB, Europe/Vilnius is LT). The active language becomes the
regional variant (``en-gb``): Django then takes the formats of ``en_GB`` (ours in
``advocacy/formats/``, then Django's) and falls back to ``en`` for translations and for
regions without formats of their own (``lt-lt`` formats as ``lt``). Times are shown in
the organization's time zone.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from django.utils import timezone, translation

from .models import Organization

logger = logging.getLogger(__name__)


@functools.cache
def _zone_countries() -> dict[str, str]:
    """Time zone -> ISO 3166 country code, from the IANA database's zone.tab."""
    candidates = []
    try:
        import tzdata

        candidates.append(Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab")
    except ImportError:  # pragma: no cover - tzdata is a dependency of the project
        pass
    candidates.append(Path("/usr/share/zoneinfo/zone.tab"))
    for path in candidates:
        if path.exists():
            countries = {}
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.startswith("#") or not line.strip():
                    continue
                parts = line.split("\t")
                if len(parts) >= 3:
                    countries[parts[2]] = parts[0]
            return countries
    logger.warning("No zone.tab found: organizations' countries are unknown.")
    return {}


def organization_country(organization: Organization) -> str:
    """The organization's country code (``GB``), or ``""`` when its time zone has none."""
    return _zone_countries().get(organization.time_zone or "", "")


def format_language(language: str, country: str) -> str:
    """The regional variant of ``language`` for ``country``: ``en`` + ``GB`` is ``en-gb``."""
    base = (language or "").split("-")[0].lower()
    if not base:
        return language
    return f"{base}-{country.lower()}" if country else base


def activate_organization_locale(organization: Organization) -> None:
    """For the rest of this request: the organization's time zone, and the active
    language's regional variant for the organization's country. The middleware resets
    both at the start of every request."""
    try:
        timezone.activate(organization.time_zone or "UTC")
    except Exception:  # an unknown zone in old data: keep UTC rather than fail the page
        logger.warning(
            "organization %s has an unknown time zone %r", organization.pk, organization.time_zone
        )
        timezone.deactivate()
    language = translation.get_language() or ""
    translation.activate(format_language(language, organization_country(organization)))
