"""The caption checker: one function, used live while an employee types, by content
approval and by sharing.

``check_caption(organization, network, text)`` returns findings (rule, severity, message,
span in the original text, suggested fix). Matching is case- and diacritic-insensitive
(``guidelines.normalize``) and whole-word. All literal terms of an organization (banned
terms and wrong brand spellings) are compiled into one trie-shaped regular expression, so a
caption is scanned once whatever the number of rules. Compiled rules are cached per
organization: the rule rows in Django's cache under a version key that every rule change
bumps, the compiled form in a per-process memo keyed by (organization id, version).
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from advocacy.models import Organization
from advocacy.networks import MAX_CAPTION_LENGTH, Network
from advocacy.soft_cache import soft_cache as cache

from .models import GuidelineRule, RuleKind, Severity
from .normalize import Folded, fold, fold_term
from .patterns import CHECK_TIMEOUT_SECONDS, compile_unchecked

logger = logging.getLogger(__name__)

#: How many findings one rule may report on one caption, and all rules together.
MAX_FINDINGS_PER_RULE = 20
MAX_FINDINGS = 200
_CACHE_TTL = 24 * 3600
_MEMO_SIZE = 256


@dataclass(frozen=True)
class Finding:
    """One problem in a caption. ``start``/``end`` index the original text (Python string
    indices); ``suggestion`` replaces ``text[start:end]`` when the fix is applied."""

    rule_id: int | None
    kind: str
    severity: str
    message: str
    start: int
    end: int
    suggestion: str | None = None

    @property
    def is_blocking(self) -> bool:
        return self.severity == Severity.BLOCK

    def as_dict(self, text: str | None = None) -> dict[str, Any]:
        data = asdict(self)
        if text is not None:
            # Browsers index strings in UTF-16 code units; emoji take two of them.
            data["utf16_start"] = _utf16_len(text[: self.start])
            data["utf16_end"] = _utf16_len(text[: self.end])
            data["excerpt"] = text[self.start : self.end]
        return data


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def has_blocking(findings: list[Finding]) -> bool:
    return any(f.is_blocking for f in findings)


def apply_fix(text: str, finding: Finding) -> str:
    """The text with the finding's suggestion applied."""
    if finding.suggestion is None:
        raise ValueError("This finding has no suggested fix.")
    if not 0 <= finding.start <= finding.end <= len(text):
        raise ValueError("The finding does not fit this text.")
    return text[: finding.start] + finding.suggestion + text[finding.end :]


# --- Compiled rules ------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    id: int
    kind: str
    networks: tuple[str, ...]
    pattern: str
    replacement: str
    max_length: int | None
    severity: str
    message: str

    def applies_to(self, network: str | None) -> bool:
        if not self.networks:
            return True
        return network is not None and network in self.networks


@dataclass
class _Compiled:
    rules: list[_Rule]
    scanner: re.Pattern[str] | None = None
    #: folded term -> rules (banned terms and wrong brand spellings) looking for it
    terms: dict[str, list[_Rule]] = field(default_factory=dict)
    required: list[tuple[_Rule, re.Pattern[str]]] = field(default_factory=list)
    confidential: list[tuple[_Rule, Any]] = field(default_factory=list)
    max_length: list[_Rule] = field(default_factory=list)


_RULE_FIELDS = (
    "id",
    "kind",
    "networks",
    "pattern",
    "replacement",
    "max_length",
    "severity",
    "message",
)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _char_regex(ch: str) -> str:
    return r"\s+" if ch == " " else re.escape(ch)


def _trie_regex(terms: list[str]) -> str:
    """One regular expression matching any of ``terms``, shaped as a trie so that the
    engine follows one branch per character instead of trying every term; longer terms
    are tried before their prefixes."""
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [_char_regex(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(trie)


def _literal_pattern(terms: list[str]) -> str:
    """Whole-word alternation: a term edge that is a letter or digit must not touch another
    one; an edge that is a symbol (#, @) needs no boundary."""
    buckets: dict[tuple[bool, bool], list[str]] = {}
    for term in terms:
        buckets.setdefault((_is_word(term[0]), _is_word(term[-1])), []).append(term)
    parts = []
    for (word_start, word_end), group in sorted(buckets.items()):
        before = r"(?<!\w)" if word_start else ""
        after = r"(?!\w)" if word_end else ""
        parts.append(f"{before}{_trie_regex(group)}{after}")
    return "|".join(parts)


def _compile(rules: list[_Rule]) -> _Compiled:
    compiled = _Compiled(rules=rules)
    for rule in rules:
        if rule.kind in (RuleKind.BANNED_TERM, RuleKind.BRAND_SPELLING):
            term = fold_term(rule.pattern)
            if term:
                compiled.terms.setdefault(term, []).append(rule)
        elif rule.kind == RuleKind.REQUIRED_TEXT:
            term = fold_term(rule.pattern)
            if term:
                compiled.required.append((rule, re.compile(_literal_pattern([term]))))
        elif rule.kind == RuleKind.CONFIDENTIAL_PATTERN:
            try:
                compiled.confidential.append((rule, compile_unchecked(rule.pattern)))
            except Exception:  # a stored pattern that no longer compiles must not break checks
                logger.warning("guideline rule %s: pattern does not compile", rule.id)
        elif rule.kind == RuleKind.MAX_LENGTH and rule.max_length:
            compiled.max_length.append(rule)
    if compiled.terms:
        compiled.scanner = re.compile(_literal_pattern(list(compiled.terms)))
    return compiled


# --- Cache ---------------------------------------------------------------------

_memo: OrderedDict[tuple[str, str], _Compiled] = OrderedDict()
_memo_lock = threading.Lock()


def _org_key(organization: Organization) -> str:
    """The organization's id, with its creation time: ids can come back after a rolled-back
    transaction (SQLite), and cached rules must never pass from one tenant to another."""
    created = organization.created_at
    stamp = int(created.timestamp() * 1_000_000) if created is not None else 0
    return f"{organization.pk}-{stamp}"


def _version_key(org_key: str) -> str:
    return f"guidelines:rules-version:{org_key}"


def _rules_key(org_key: str, version: str) -> str:
    return f"guidelines:rules:{org_key}:{version}"


def _current_version(org_key: str) -> str:
    version = cache.get(_version_key(org_key))
    if version is None:
        cache.add(_version_key(org_key), uuid.uuid4().hex, timeout=None)
        # The cache is away (soft_cache answers a miss): a version of this call alone, so the
        # rules come from the database and no process keeps using rules it compiled earlier.
        version = cache.get(_version_key(org_key)) or f"uncached-{uuid.uuid4().hex}"
    return version


def rules_changed(organization: Organization) -> None:
    """Invalidate the organization's compiled rules. Called by every rule change, now and
    again when the transaction commits (so no other process caches the old rows under the
    new version in between)."""
    key = _version_key(_org_key(organization))

    def bump() -> None:
        cache.set(key, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)


def _load_rules(organization_id: int) -> list[_Rule]:
    rows = (
        GuidelineRule.objects.filter(organization_id=organization_id, is_active=True)
        .order_by("id")
        .values_list(*_RULE_FIELDS)
    )
    return [
        _Rule(
            id=r[0],
            kind=r[1],
            networks=tuple(r[2] or ()),
            pattern=r[3],
            replacement=r[4],
            max_length=r[5],
            severity=r[6],
            message=r[7],
        )
        for r in rows
    ]


def compiled_rules(organization: Organization) -> _Compiled:
    org_key = _org_key(organization)
    version = _current_version(org_key)
    memo_key = (org_key, version)
    with _memo_lock:
        hit = _memo.get(memo_key)
        if hit is not None:
            _memo.move_to_end(memo_key)
            return hit
    rows = cache.get(_rules_key(org_key, version))
    if rows is None:
        rules = _load_rules(organization.pk)
        cache.set(_rules_key(org_key, version), [asdict(r) for r in rules], timeout=_CACHE_TTL)
    else:
        rules = [_Rule(**{**r, "networks": tuple(r["networks"])}) for r in rows]
    result = _compile(rules)
    with _memo_lock:
        _memo[memo_key] = result
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return result


# --- The check -----------------------------------------------------------------


#: Characters that start a hashtag or a mention.
_TAG_MARKS = frozenset("#@")


def _right_form_at(text: str, start: int, right: str) -> bool:
    """The right spelling is already written here as whole words ("Telia Company" for the
    rule Telia -> Telia Company), not merely a prefix of a longer word ("Acmee")."""
    if not text.startswith(right, start):
        return False
    after = start + len(right)
    return after >= len(text) or not (_is_word(text[after]) and _is_word(right[-1]))


def _term_findings(
    compiled: _Compiled, network: str | None, text: str, folded: Folded
) -> list[Finding]:
    findings: list[Finding] = []
    if compiled.scanner is None:
        return findings
    per_rule: dict[int, int] = {}
    for match in compiled.scanner.finditer(folded.text):
        key = " ".join(match.group().split())
        start, end = folded.span(match.start(), match.end())
        original = text[start:end]
        for rule in compiled.terms.get(key, ()):
            if not rule.applies_to(network):
                continue
            if per_rule.get(rule.id, 0) >= MAX_FINDINGS_PER_RULE:
                continue
            if rule.kind == RuleKind.BRAND_SPELLING:
                right = rule.replacement
                if start > 0 and text[start - 1] in _TAG_MARKS:
                    # A hashtag or mention cannot hold spaces: "#BaltijosPienas" is the
                    # right form of "Baltijos Pienas" there.
                    right = "".join(right.split())
                if original == right or _right_form_at(text, start, right):
                    continue
                message = rule.message or _("Write “%(right)s”, not “%(wrong)s”.") % {
                    "right": right,
                    "wrong": original,
                }
                suggestion: str | None = right
            else:
                message = rule.message or _("“%(term)s” is not allowed in captions.") % {
                    "term": original
                }
                suggestion = rule.replacement or None
            per_rule[rule.id] = per_rule.get(rule.id, 0) + 1
            findings.append(
                Finding(rule.id, rule.kind, rule.severity, message, start, end, suggestion)
            )
    return findings


def _required_findings(
    compiled: _Compiled, network: str | None, text: str, folded: Folded
) -> list[Finding]:
    findings = []
    for rule, pattern in compiled.required:
        if not rule.applies_to(network) or pattern.search(folded.text):
            continue
        required = rule.pattern.strip()
        needs_space = bool(text) and not text[-1].isspace()
        message = rule.message or _("Add “%(text)s”.") % {"text": required}
        findings.append(
            Finding(
                rule.id,
                rule.kind,
                rule.severity,
                message,
                len(text),
                len(text),
                (" " if needs_space else "") + required,
            )
        )
    return findings


def _confidential_findings(compiled: _Compiled, network: str | None, text: str) -> list[Finding]:
    findings: list[Finding] = []
    for rule, pattern in compiled.confidential:
        if not rule.applies_to(network):
            continue
        message = rule.message or _("This looks like confidential material.")
        found = 0
        try:
            for match in pattern.finditer(text, timeout=CHECK_TIMEOUT_SECONDS):
                if match.end() == match.start():
                    continue
                findings.append(
                    Finding(
                        rule.id,
                        rule.kind,
                        rule.severity,
                        message,
                        match.start(),
                        match.end(),
                        None,
                    )
                )
                found += 1
                if found >= MAX_FINDINGS_PER_RULE:
                    break
        except TimeoutError:
            logger.warning("guideline rule %s: pattern timed out on a caption", rule.id)
            findings.append(
                Finding(
                    rule.id,
                    rule.kind,
                    Severity.WARN.value,
                    _(
                        "A confidential-material rule took too long on this caption and was "
                        "skipped; ask an admin to simplify its pattern."
                    ),
                    0,
                    0,
                    None,
                )
            )
    return findings


def _length_findings(compiled: _Compiled, network: str | None, text: str) -> list[Finding]:
    findings = []
    length = len(text)
    network_label = dict(Network.choices).get(network or "", _("this network"))
    limits: list[tuple[int | None, int, str, str]] = []
    if network in MAX_CAPTION_LENGTH:
        limits.append((None, MAX_CAPTION_LENGTH[network], Severity.BLOCK.value, ""))
    for rule in compiled.max_length:
        if rule.applies_to(network) and rule.max_length:
            limits.append((rule.id, rule.max_length, rule.severity, rule.message))
    for rule_id, limit, severity, custom in limits:
        if length <= limit:
            continue
        message = custom or _(
            "Captions on %(network)s can be at most %(limit)s characters; this one has %(length)s."
        ) % {"network": network_label, "limit": limit, "length": length}
        findings.append(
            Finding(rule_id, RuleKind.MAX_LENGTH.value, severity, message, limit, length, None)
        )
    return findings


def check_caption(organization: Organization, network: str | None, text: str) -> list[Finding]:
    """Findings for ``text`` as a caption on ``network`` (a ``Network`` value; ``None`` for a
    caption meant for every network: only rules for all networks apply, and no length
    limit). Blocking findings come first at equal positions."""
    if network is not None and network not in Network.values:
        raise ValueError(f"Unknown network {network!r}.")
    text = text or ""
    compiled = compiled_rules(organization)
    folded = fold(text)
    findings = _term_findings(compiled, network, text, folded)
    findings += _required_findings(compiled, network, text, folded)
    findings += _confidential_findings(compiled, network, text)
    findings += _length_findings(compiled, network, text)
    findings.sort(key=lambda f: (f.start, f.severity != Severity.BLOCK, f.end))
    return findings[:MAX_FINDINGS]
