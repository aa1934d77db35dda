"""Translations: every catalog complete, every compiled catalog matching its source,
and the interface really switching language."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*(\w+)\s*\}\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader: enough for Django's makemessages output (no polib needed)."""
    entries: list[Entry] = []
    entry, key = Entry(), None

    def flush() -> None:
        nonlocal entry, key
        if key is not None:
            entries.append(entry)
        entry, key = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            key = match.group(1)
            value = ast.literal_eval(match.group(3))
        else:
            value = ast.literal_eval(line)
        if key == "msgid":
            entry.msgid += value
        elif key == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif key == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif key and key.startswith("msgstr"):
            index = int(key[7:-1]) if "[" in key else 0
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
    flush()
    return [e for e in entries if not e.obsolete]


def _catalog(lang: str) -> list[Entry]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"missing catalog {path}"
    return parse_po(path)


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def _nplurals(header: Entry) -> int:
    match = re.search(r"nplurals=(\d+)", header.msgstr[0])
    assert match, header.msgstr[0]
    return int(match.group(1))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    entries = _catalog(lang)
    header, messages = entries[0], entries[1:]
    assert header.msgid == "" and "fuzzy" not in header.flags
    assert f"Language: {lang}\n" in header.msgstr[0]
    nplurals = _nplurals(header)
    assert messages, "empty catalog"
    problems = []
    for e in messages:
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.msgid!r}")
        expected = nplurals if e.msgid_plural is not None else 1
        forms = [e.msgstr.get(i, "") for i in range(expected)]
        if not all(f.strip() for f in forms):
            problems.append(f"untranslated: {e.msgid!r}")
        source = _placeholders(e.msgid) | _placeholders(e.msgid_plural or "")
        for form in forms:
            got = _placeholders(form)
            if got - source or (e.msgid_plural is None and got != source):
                problems.append(f"placeholders differ: {e.msgid!r} -> {form!r}")
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} problems in {lang})"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_compiled_catalog_matches_its_source(lang):
    """The committed .mo is what `compilemessages` makes of the committed .po."""
    mo_path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"run `make messages`: {mo_path} is missing"
    with mo_path.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    # The parsed messages; typeshed does not declare this private attribute.
    catalog: dict[Any, str] = mo._catalog  # type: ignore[attr-defined]
    stale = []
    for e in _catalog(lang)[1:]:
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            if catalog.get(msgid) != e.msgstr.get(0):
                stale.append(e.msgid)
        else:
            for i, form in e.msgstr.items():
                if catalog.get((msgid, i)) != form:
                    stale.append(e.msgid)
                    break
    assert not stale, f"{lang}: .mo is stale, run `make messages` ({stale[:5]})"


@pytest.mark.parametrize(
    ("lang", "msgid", "expected"),
    [
        ("lt", "Sign out", "Atsijungti"),
        ("et", "Sign out", "Logi välja"),
        ("ru", "Sign out", "Выйти"),
        ("lt", "Skip to content", "Pereiti prie turinio"),
    ],
)
def test_django_loads_our_translations(lang, msgid, expected):
    with translation.override(lang):
        assert translation.gettext(msgid) == expected


def test_switching_to_lithuanian_shows_the_shell_in_lithuanian(client, world):
    client.force_login(world.a.employee)
    home = f"/o/{world.a.org.slug}/"
    html = client.get(home).content.decode()
    assert "Sign out" in html and "Atsijungti" not in html

    resp = client.post("/account/language/", {"language": "lt", "next": home}, follow=True)
    html = resp.content.decode()
    assert '<html lang="lt">' in html
    assert "Atsijungti" in html  # Sign out
    assert "Pereiti prie turinio" in html  # Skip to content
    assert "Jūsų ambasadorių programa" in html  # the employee home
    assert "Sign out" not in html


def test_allauth_pages_follow_the_language_too(client, db):
    client.post("/account/language/", {"language": "ru", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="ru">' in html
    assert "Войти" in html
