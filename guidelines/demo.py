"""Demo guidelines: a published social-media policy, a brand style guide and an FAQ in the
organization's language (Lithuanian or English), and a useful rule set. Idempotent."""

from __future__ import annotations

from typing import Any

from advocacy.models import Organization, Role

from . import services
from .models import DocumentKind, GuidelineRule, PolicyDocument, RuleKind, Severity
from .selectors import policy_version_latest_published

_LT = {
    DocumentKind.POLICY: (
        "socialiniu-tinklu-politika",
        "Socialinių tinklų politika",
        """# Dalinkimės drąsiai ir atsakingai

Kviečiame dalintis {org} naujienomis savo socialiniuose tinkluose. Keli paprasti principai:

1. **Kalbėkite savo vardu.** Aiškiai nurodykite, kad dirbate {org}: pridėkite žymą `#employee`.
2. **Nedalinkite konfidencialios informacijos**: vidinių projektų kodų, finansinių duomenų,
   klientų vardų be jų sutikimo.
3. **Būkite mandagūs.** Nekomentuokite konkurentų ir neįsitraukite į ginčus įmonės vardu.
4. **Klauskite, jei abejojate.** Programos kontaktas nurodytas žemiau.

## Ko vengti

- Kainų ir finansinių prognozių.
- Sveikatos, politikos ir religijos temų įmonės kontekste.
- Nuotraukų, kuriose matyti ekranai ar dokumentai.

Ačiū, kad pasakojate apie mūsų darbą!
""",
    ),
    DocumentKind.STYLE_GUIDE: (
        "prekes-zenklo-gidas",
        "Prekės ženklo gidas",
        """# Kaip rašome apie {org}

- Pavadinimas visada rašomas **{org}** (ne „{lower}“).
- Naudokite žymas `#employee` ir `#{tag}`.
- Logotipą naudokite tik iš oficialios galerijos; nekeiskite spalvų.

| Taip | Ne |
|---|---|
| {org} | {lower} |
| LinkedIn | Linkedin |
""",
    ),
    DocumentKind.FAQ: (
        "duk",
        "Dažniausi klausimai",
        """# Dažniausi klausimai

**Ar privalau dalintis?** Ne, dalyvavimas savanoriškas.

**Ar galiu keisti siūlomą tekstą?** Taip, rašykite savais žodžiais, Chorus patikrins
tekstą pagal taisykles.

**Kas mato mano įrašus?** Jūsų sekėjai socialiniuose tinkluose; Chorus skaičiuoja tik
paspaudimus ir reakcijas.
""",
    ),
}

_EN = {
    DocumentKind.POLICY: (
        "social-media-policy",
        "Social-media policy",
        """# Share with confidence

We welcome you to share {org} news on your own social accounts. A few simple principles:

1. **Speak for yourself.** Make clear that you work at {org}: add `#employee`.
2. **Keep confidential things confidential**: internal project codes, financial figures,
   customer names without their consent.
3. **Be kind.** Don't comment on competitors or argue on the company's behalf.
4. **Ask when in doubt.** The program contact is below.

## Topics to avoid

- Prices and financial forecasts.
- Health, politics and religion in a company context.
- Photos showing screens or documents.

Thank you for telling the world about our work!
""",
    ),
    DocumentKind.STYLE_GUIDE: (
        "brand-style-guide",
        "Brand style guide",
        """# How we write about {org}

- The name is always **{org}** (not "{lower}").
- Add `#employee` and `#{tag}`.
- Use the logo only from the official gallery; don't change its colours.

| Do | Don't |
|---|---|
| {org} | {lower} |
| LinkedIn | Linkedin |
""",
    ),
    DocumentKind.FAQ: (
        "faq",
        "Frequently asked questions",
        """# Frequently asked questions

**Do I have to share?** No, taking part is voluntary.

**Can I change the suggested caption?** Yes: write in your own words; Chorus checks the
text against the guidelines as you type.

**Who sees my posts?** Your followers on each network; Chorus only counts clicks and
reactions.
""",
    ),
}

_BANNED = {
    "lt": [
        ("konfidencialu", "Konfidenciali informacija neskelbiama."),
        ("tik vidiniam naudojimui", "Vidinė informacija neskelbiama."),
        ("garantuotas pelnas", "Nežadame pelno."),
    ],
    "en": [
        ("confidential", "Confidential information stays inside."),
        ("internal only", "Internal information stays inside."),
        ("guaranteed returns", "We never promise returns."),
    ],
}
_BANNED_COMMON = [("только для внутреннего использования", "")]


def _rule_ensure(organization: Organization, actor: Any, **fields: Any) -> None:
    lookup = {"kind": fields["kind"], "pattern": fields.get("pattern", "")}
    if fields["kind"] == RuleKind.MAX_LENGTH:
        lookup["max_length"] = fields["max_length"]
    if GuidelineRule.objects.for_org(organization).filter(**lookup).exists():
        return
    services.guideline_rule_create(actor=actor, **fields)


def seed(*, organization: Organization, members: Any) -> None:
    memberships = list(members)
    admin = next((m for m in memberships if m.role == Role.ADMIN), None)
    if admin is None:
        return
    actor = admin
    lang = "lt" if organization.default_language == "lt" else "en"
    texts = _LT if lang == "lt" else _EN
    tag = "".join(part.capitalize() for part in organization.name.split())
    fmt = {"org": organization.name, "lower": organization.name.lower(), "tag": tag}

    for kind, (slug, title, body) in texts.items():
        document = PolicyDocument.objects.for_org(organization).filter(slug=slug).first()
        if document is None:
            document = services.policy_document_create(
                actor=actor,
                kind=kind,
                title=title,
                slug=slug,
                contact_name=actor.user.name or actor.user.email,
                contact_email=actor.user.email,
                body_markdown=body.format(**fmt),
            )
        if policy_version_latest_published(document=document) is None:
            draft = document.versions.order_by("-number").first()
            services.policy_version_publish(version=draft, actor=actor)
        if kind == DocumentKind.POLICY:
            version = policy_version_latest_published(document=document)
            assert version is not None  # published above
            for m in memberships:
                if m.role in (Role.ADMIN, Role.MANAGER, Role.HR):
                    services.policy_acknowledge(actor=m, version=version)

    for term, message in _BANNED[lang] + _BANNED_COMMON:
        _rule_ensure(
            organization,
            actor,
            kind=RuleKind.BANNED_TERM,
            pattern=term,
            message=message,
            severity=Severity.BLOCK,
        )
    _rule_ensure(
        organization,
        actor,
        kind=RuleKind.REQUIRED_TEXT,
        pattern="#employee",
        networks=["linkedin"],
        severity=Severity.WARN,
        message=(
            "Pridėkite #employee: taip sekėjai žino, kad dirbate čia."
            if lang == "lt"
            else "Add #employee so your followers know you work here."
        ),
    )
    wrong_forms = {organization.name.lower(), organization.name.replace(" ", "")}
    wrong_forms.discard(organization.name)
    for wrong in sorted(wrong_forms):
        _rule_ensure(
            organization,
            actor,
            kind=RuleKind.BRAND_SPELLING,
            pattern=wrong,
            replacement=organization.name,
            severity=Severity.WARN,
        )
    _rule_ensure(
        organization,
        actor,
        kind=RuleKind.BRAND_SPELLING,
        pattern="Linkedin",
        replacement="LinkedIn",
        severity=Severity.WARN,
    )
    _rule_ensure(
        organization,
        actor,
        kind=RuleKind.CONFIDENTIAL_PATTERN,
        pattern=r"project [A-Z]{4}-\d+",
        severity=Severity.BLOCK,
        message=(
            "Vidinių projektų kodai neskelbiami."
            if lang == "lt"
            else "Internal project codes are not shared."
        ),
    )
    _rule_ensure(
        organization,
        actor,
        kind=RuleKind.CONFIDENTIAL_PATTERN,
        pattern=r"\b[A-Z]{2}\d{2}(?: ?\d{4}){3,7}\b",
        severity=Severity.BLOCK,
        message=(
            "Panašu į banko sąskaitos numerį (IBAN)."
            if lang == "lt"
            else "This looks like a bank account number (IBAN)."
        ),
    )
    _rule_ensure(
        organization,
        actor,
        kind=RuleKind.MAX_LENGTH,
        max_length=1300,
        networks=["linkedin"],
        severity=Severity.WARN,
        message=(
            "Ilgesni nei 1 300 simbolių įrašai sutrumpinami sraute."
            if lang == "lt"
            else "Posts longer than 1,300 characters are cut off in the feed."
        ),
    )
