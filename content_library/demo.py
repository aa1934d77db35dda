"""Demo library for ``manage.py seed_demo``: every kind and category, several captions
per network, scheduled, expired and pinned items, drafts and items in review, two
pending employee suggestions and an RSS source served by Chorus itself, link previews
included (no internet needed). Idempotent: keyed on titles."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from advocacy.models import Organization

from .models import ContentItem, ContentSuggestion, FeedSource, Kind, PreviewStatus, Topic
from .services.item_parts import reindex
from .services.items import content_item_create
from .services.review import content_item_approve, content_item_submit
from .services.sources import feed_source_create
from .services.suggestions import suggestion_submit
from .services.topics import topic_create

log = logging.getLogger(__name__)

#: Link previews of the demo's link and video items, seeded so the demo looks alive without
#: internet: (image under DEMO_SITE_URL/previews/, site name, description). The title is the
#: item's. The images are static files of this app, served by Chorus itself.
PREVIEWS: dict[str, tuple[str, str, str]] = {
    "https://example.com/news/vilnius-hub": (
        "opening",
        "Northwind News",
        "Two hundred colleagues move into our new Vilnius hub, with a training centre and a rooftop garden.",
    ),
    "https://example.com/blog/route-ml": (
        "insight",
        "Northwind Engineering",
        "A year of machine-learning route planning: what saved kilometres, and what did not.",
    ),
    "https://example.com/careers/data-engineer": (
        "hiring",
        "Northwind Careers",
        "Join the data platform team: streaming, forecasting and a lot of parcels.",
    ),
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ": (
        "product",
        "YouTube",
        "A two-minute tour of the new tracking app.",
    ),
    "https://example.com/industry/freight-outlook": (
        "market",
        "Freight Review",
        "Volumes, prices and capacity: the European freight market this year.",
    ),
    "https://example.com/events/webinar": (
        "event",
        "Northwind Events",
        "Our spring webinar on warehouse automation, with live questions.",
    ),
    "https://example.com/naujienos/gamykla": (
        "opening",
        "Baltijos pienas",
        "Nauja gamykla Marijampolėje: 150 darbo vietų ir saulės elektrinė ant stogo.",
    ),
    "https://example.com/blogas/plastikas": (
        "insight",
        "Baltijos pieno tinklaraštis",
        "Kaip per metus sumažinome pakuočių plastiką trečdaliu.",
    ),
    "https://example.com/karjera/technologas": (
        "hiring",
        "Baltijos pieno karjera",
        "Ieškome maisto technologų į gamybos komandą.",
    ),
    "https://example.com/rinka/apzvalga": (
        "market",
        "Pieno rinka",
        "Pieno kainos, eksportas ir vartojimas: šių metų apžvalga.",
    ),
    "https://example.com/renginiai/seminaras": (
        "event",
        "Baltijos pieno renginiai",
        "Pavasario seminaras ūkininkams: pašarai, technika ir kainos.",
    ),
}

_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "topics": ["Logistics", "AI", "Careers", "Sustainability"],
        "items": [
            # title, kind, category, company, url, captions {net: [..]}, extra
            (
                "We opened our new Vilnius hub",
                Kind.LINK,
                "company_news",
                True,
                "https://example.com/news/vilnius-hub",
                {
                    "linkedin": [
                        "Proud to see our new Vilnius hub open its doors today! #LifeAtNorthwind",
                        "A new home for 200 colleagues in Vilnius. Come visit! #LifeAtNorthwind",
                        "Big day for our team: the Vilnius hub is open.",
                    ],
                    "x": [
                        "Our Vilnius hub is open! #LifeAtNorthwind",
                        "New hub, new chapter. #LifeAtNorthwind",
                    ],
                    "facebook": ["Our new Vilnius hub is open: have a look inside."],
                },
                {"pinned": True},
            ),
            (
                "Route planning with machine learning: what we learned",
                Kind.LINK,
                "thought_leadership",
                False,
                "https://example.com/blog/route-ml",
                {
                    "linkedin": [
                        "Three lessons from a year of ML-based route planning.",
                        "What actually worked when we put ML into route planning.",
                    ],
                    "x": ["3 lessons from ML route planning"],
                },
                {},
            ),
            (
                "We are hiring data engineers",
                Kind.LINK,
                "recruiting",
                True,
                "https://example.com/careers/data-engineer",
                {
                    "linkedin": [
                        "My team is hiring! Data engineers, come build with us.",
                        "Know a great data engineer? We are hiring.",
                    ],
                    "x": ["We are hiring data engineers!"],
                    "facebook": ["Join us: data engineers wanted."],
                },
                {},
            ),
            (
                "Team day at the lake",
                Kind.TEXT,
                "culture",
                True,
                "",
                {
                    "linkedin": [
                        "What a day with the team at the lake!",
                        "Sun, water and the best colleagues.",
                    ],
                    "instagram": [
                        "Team day ☀️ #LifeAtNorthwind",
                        "Lake day with the crew #LifeAtNorthwind",
                    ],
                },
                {},
            ),
            (
                "Product tour: the new tracking app",
                Kind.VIDEO,
                "product",
                True,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                {
                    "linkedin": [
                        "A 2-minute tour of our new tracking app.",
                        "See where your parcel is, in real time.",
                    ],
                    "x": ["2-minute tour of the new tracking app"],
                },
                {},
            ),
            (
                "European freight market outlook",
                Kind.LINK,
                "industry",
                False,
                "https://example.com/industry/freight-outlook",
                {
                    "linkedin": [
                        "A sober look at the European freight market this year.",
                        "Interesting outlook on freight volumes.",
                    ]
                },
                {},
            ),
            (
                "Spring webinar: warehouse automation",
                Kind.LINK,
                "thought_leadership",
                True,
                "https://example.com/events/webinar",
                {"linkedin": ["Join our spring webinar on warehouse automation."]},
                {"publish_in_days": 5},
            ),
            (
                "Winter campaign recap",
                Kind.TEXT,
                "company_news",
                True,
                "",
                {"linkedin": ["Thanks to everyone who joined our winter campaign."]},
                {"expired": True},
            ),
            (
                "Draft: sustainability report 2025",
                Kind.TEXT,
                "company_news",
                True,
                "",
                {"linkedin": ["Our sustainability report is out."]},
                {"status": "draft"},
            ),
            (
                "Customer story: Baltic Foods",
                Kind.TEXT,
                "product",
                True,
                "",
                {"linkedin": ["How Baltic Foods cut delivery times by 30%."]},
                {"status": "in_review"},
            ),
        ],
        "suggestions": [
            ("link", "https://example.com/press/award", "", "We were mentioned in the press!"),
            (
                "post",
                "",
                "Proud of our volunteering day at the food bank.",
                "Could this go in the library?",
            ),
        ],
        "source": "Industry news (demo)",
        "image": (
            "Our team at the summer party",
            ["Summer party with the best team 🎉", "Good times with great colleagues"],
        ),
    },
    "lt": {
        "topics": ["Logistika", "Tvarumas", "Karjera", "Kultūra"],
        "items": [
            (
                "Atidarėme naują gamyklą Marijampolėje",
                Kind.LINK,
                "company_news",
                True,
                "https://example.com/naujienos/gamykla",
                {
                    "linkedin": [
                        "Didžiuojamės nauja gamykla Marijampolėje! #BaltijosPienas",
                        "Nauji namai 150 kolegų. #BaltijosPienas",
                        "Svarbi diena mūsų komandai.",
                    ],
                    "x": [
                        "Nauja gamykla atidaryta! #BaltijosPienas",
                        "Naujas skyrius mūsų istorijoje.",
                    ],
                    "facebook": ["Užsukite pažiūrėti į mūsų naują gamyklą."],
                },
                {"pinned": True},
            ),
            (
                "Kaip mažiname pieno pakuočių plastiką",
                Kind.LINK,
                "thought_leadership",
                False,
                "https://example.com/blogas/plastikas",
                {
                    "linkedin": [
                        "Trys pamokos, kaip sumažinome plastiko kiekį.",
                        "Ką išmokome mažindami pakuočių plastiką.",
                    ],
                    "x": ["3 pamokos apie mažiau plastiko"],
                },
                {},
            ),
            (
                "Ieškome technologų",
                Kind.LINK,
                "recruiting",
                True,
                "https://example.com/karjera/technologas",
                {
                    "linkedin": [
                        "Mūsų komanda ieško technologų!",
                        "Pažįstate puikų technologą? Pasidalinkite.",
                    ],
                    "x": ["Ieškome technologų!"],
                },
                {},
            ),
            (
                "Komandos diena prie ežero",
                Kind.TEXT,
                "culture",
                True,
                "",
                {
                    "linkedin": ["Puiki diena su komanda prie ežero!"],
                    "instagram": [
                        "Komandos diena ☀️ #BaltijosPienas",
                        "Ežeras ir geriausi kolegos #BaltijosPienas",
                    ],
                },
                {},
            ),
            (
                "Naujo jogurto pristatymas",
                Kind.VIDEO,
                "product",
                True,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                {
                    "linkedin": ["Dviejų minučių pristatymas: mūsų naujas jogurtas."],
                    "x": ["Naujas jogurtas per 2 minutes"],
                },
                {},
            ),
            (
                "Pieno rinkos apžvalga",
                Kind.LINK,
                "industry",
                False,
                "https://example.com/rinka/apzvalga",
                {"linkedin": ["Įdomi pieno rinkos apžvalga šiems metams."]},
                {},
            ),
            (
                "Pavasario seminaras ūkininkams",
                Kind.LINK,
                "thought_leadership",
                True,
                "https://example.com/renginiai/seminaras",
                {"linkedin": ["Kviečiame į pavasario seminarą ūkininkams."]},
                {"publish_in_days": 5},
            ),
            (
                "Žiemos kampanijos apžvalga",
                Kind.TEXT,
                "company_news",
                True,
                "",
                {"linkedin": ["Ačiū visiems, prisidėjusiems prie žiemos kampanijos."]},
                {"expired": True},
            ),
            (
                "Juodraštis: tvarumo ataskaita",
                Kind.TEXT,
                "company_news",
                True,
                "",
                {"linkedin": ["Paskelbėme tvarumo ataskaitą."]},
                {"status": "draft"},
            ),
            (
                "Kliento istorija: Rimi",
                Kind.TEXT,
                "product",
                True,
                "",
                {"linkedin": ["Kaip kartu su Rimi sutrumpinome pristatymo laiką."]},
                {"status": "in_review"},
            ),
        ],
        "suggestions": [
            ("link", "https://example.com/spauda/apdovanojimas", "", "Apie mus rašė spauda!"),
            (
                "post",
                "",
                "Didžiuojuosi mūsų savanorystės diena maisto banke.",
                "Gal tiktų bibliotekai?",
            ),
        ],
        "source": "Pramonės naujienos (demo)",
        "image": (
            "Mūsų komanda vasaros šventėje",
            ["Vasaros šventė su geriausia komanda 🎉", "Puikus laikas su kolegomis"],
        ),
    },
}


def _demo_png() -> ContentFile:
    from io import BytesIO

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1200, 627), (61, 47, 196))
    draw = ImageDraw.Draw(img)
    for i in range(0, 1200, 60):
        draw.ellipse((i, 250 + (i % 120), i + 40, 290 + (i % 120)), fill=(255, 200, 60))
    buf = BytesIO()
    img.save(buf, format="PNG")
    return ContentFile(buf.getvalue(), name="demo.png")


def seed(*, organization: Organization, members: Any) -> None:
    text = _TEXT["lt" if organization.default_language == "lt" else "en"]
    manager = members.manager
    now = timezone.now()
    topics = []
    for name in text["topics"]:
        topic = Topic.objects.for_org(organization).filter(name=name).first()
        topics.append(topic or topic_create(actor=manager, name=name))
    existing = set(ContentItem.objects.for_org(organization).values_list("title", flat=True))
    for n, (title, kind, category, company, url, captions, extra) in enumerate(text["items"]):
        if title in existing:
            continue
        publish_at = (
            now + timedelta(days=extra["publish_in_days"]) if "publish_in_days" in extra else None
        )
        if extra.get("expired"):
            publish_at = now - timedelta(days=30)
        item = content_item_create(
            actor=manager,
            title=title,
            kind=kind,
            category=category,
            url=url,
            body=captions.get("linkedin", [""])[0],
            language=organization.default_language,
            is_company_content=company,
            captions=[(net, t) for net, texts in captions.items() for t in texts],
            topics=[topics[n % len(topics)]],
            publish_at=publish_at,
            is_pinned=bool(extra.get("pinned")),
        )
        status = extra.get("status", "approved")
        if status == "in_review":
            content_item_submit(actor=manager, item=item)
        elif status == "approved":
            try:
                item = content_item_approve(actor=members.admin, item=item)
            except ValidationError as exc:  # the demo's guideline rules may block a caption
                log.info("demo item left in draft: %s (%s)", title, exc)
                continue
            if extra.get("expired"):
                ContentItem.objects.filter(pk=item.pk).update(expires_at=now - timedelta(days=1))
    image_title = text["image"][0]
    if image_title not in existing:
        item = content_item_create(
            actor=manager,
            title=image_title,
            kind=Kind.IMAGE,
            category="culture",
            language=organization.default_language,
            captions=[("instagram", t) for t in text["image"][1]]
            + [("linkedin", text["image"][1][0])],
            images=[(_demo_png(), image_title)],
        )
        try:
            content_item_approve(actor=members.admin, item=item)
        except ValidationError as exc:
            log.info("demo image item left in draft: %s", exc)
    employees = members.employees
    if employees and not ContentSuggestion.objects.for_org(organization).exists():
        for i, (kind, url, body, note) in enumerate(text["suggestions"]):
            suggestion_submit(
                actor=employees[i % len(employees)], kind=kind, url=url, text=body, note=note
            )
    _seed_previews(organization)
    # The feed and its articles are files of this app served by Chorus itself
    # (settings.DEMO_SITE_URL, the fetcher's one loopback allow-list entry): the source
    # imports without internet.
    url = f"{settings.DEMO_SITE_URL}feed.xml"
    sources = FeedSource.objects.for_org(organization)
    earlier = sources.filter(url__endswith="/content_library/demo/feed.xml").exclude(url=url)
    # A demo run on another address (make run PORT=…) moves the demo source along.
    earlier.update(url=url)
    if not sources.filter(url=url).exists():
        feed_source_create(actor=manager, name=text["source"], url=url)


def _seed_previews(organization: Organization) -> None:
    """Store the previews of the demo's link items, as if they had been fetched; the
    preview task then finds nothing pending and leaves them (idempotent)."""
    now = timezone.now()
    items = ContentItem.objects.for_org(organization).filter(
        url__in=list(PREVIEWS), kind__in=(Kind.LINK, Kind.VIDEO)
    )
    stale = ~Q(preview_status=PreviewStatus.OK) | ~Q(
        preview_image_url__startswith=settings.DEMO_SITE_URL
    )
    for item in items.filter(stale):
        image, site_name, description = PREVIEWS[item.url]
        item.preview_status = PreviewStatus.OK
        item.preview_title = item.title
        item.preview_description = description
        item.preview_image_url = f"{settings.DEMO_SITE_URL}previews/{image}.png"
        item.preview_site_name = site_name
        item.preview_error = ""
        item.preview_fetched_at = now
        item.save(
            update_fields=[
                "preview_status",
                "preview_title",
                "preview_description",
                "preview_image_url",
                "preview_site_name",
                "preview_error",
                "preview_fetched_at",
            ]
        )
        reindex(item)
