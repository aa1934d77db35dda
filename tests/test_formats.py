"""Dates, times and figures follow the member's language and the organization's country
and time zone (advocacy/localization.py): a UK organization reads 01/12/2026 and 10,540,
a Lithuanian one 2026-12-02 and 10 540, each in its own time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from advocacy.localization import format_language, organization_country
from advocacy.models import Organization
from content_library.tests.factories import ApprovedItemFactory
from social.models import ShareState
from social.tests.factories import NetworkAccountFactory, ShareFactory

from .factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

#: 23:30 UTC on 1 December: still the 1st in London, already the 2nd in Vilnius.
MADE_AT = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)


def _my_shares_as(client, *, org: Organization, language: str) -> str:
    member = MembershipFactory.create(organization=org, user=UserFactory.create(language=language))
    item = ApprovedItemFactory.create(organization=org, url="https://example.com/ovens")
    ShareFactory.create(
        membership=member,
        item=item,
        account=NetworkAccountFactory.create(user=member.user),
        state=ShareState.PUBLISHED,
        created_at=MADE_AT,
        clicks=10540,
        impressions=1234567,
    )
    client.force_login(member.user)
    response = client.get(reverse("shares_mine", kwargs={"org_slug": org.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_uk_organization_reads_british_dates_and_grouped_figures(client):
    org = OrganizationFactory.create(
        slug="northwind", time_zone="Europe/London", default_language="en"
    )
    html = _my_shares_as(client, org=org, language="en")
    assert ">01/12/2026 23:30<" in html
    assert ">10,540<" in html and ">1,234,567<" in html
    assert '<html lang="en-gb">' in html
    # The language menu still knows English is the current language.
    assert 'value="en" lang="en" class="menu-item" aria-current="true"' in html


def test_a_lithuanian_organization_reads_its_own_dates_times_and_figures(client):
    org = OrganizationFactory.create(
        slug="pienas", time_zone="Europe/Vilnius", default_language="lt"
    )
    html = _my_shares_as(client, org=org, language="lt")
    assert ">2026-12-02 01:30<" in html  # Vilnius is two hours ahead in winter
    assert ">10\xa0540<" in html and ">1\xa0234\xa0567<" in html


def test_an_english_speaker_in_a_lithuanian_organization_gets_english_words_and_local_time(
    client,
):
    org = OrganizationFactory.create(
        slug="pienas-en", time_zone="Europe/Vilnius", default_language="lt"
    )
    html = _my_shares_as(client, org=org, language="en")
    assert "My shares" in html
    assert ">12/02/2026 1:30 a.m.<" in html  # English without a British region: Django's en
    assert ">10,540<" in html


def test_country_and_regional_language_come_from_the_time_zone():
    assert organization_country(Organization(time_zone="Europe/London")) == "GB"
    assert organization_country(Organization(time_zone="Europe/Vilnius")) == "LT"
    assert organization_country(Organization(time_zone="UTC")) == ""
    assert format_language("en", "GB") == "en-gb"
    assert format_language("lt", "") == "lt"
    assert format_language("en-us", "GB") == "en-gb"
