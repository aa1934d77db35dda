"""Regular expressions written by admins, made safe to run on every keystroke.

Three layers keep a bad pattern from hanging the server:

1. When saved, a pattern must compile with the ``regex`` module and may not nest
   unbounded repetition (``(a+)+``, ``(\\w+\\s?)*``): the classic shape of catastrophic
   backtracking.
2. Still when saved, it runs against adversarial subjects (long runs of the characters it
   mentions and of common classes, then a character that forces a failure) within a small
   time budget; exceeding it refuses the pattern.
3. At check time every pattern runs with ``timeout=``; a timed-out pattern is reported as a
   warning finding instead of hanging (see ``guidelines.checker``).
"""

from __future__ import annotations

import functools
import time
from typing import Any

import regex
from django.utils.translation import gettext as _

from advocacy.networks import Network

#: Flags of every confidential pattern: case-insensitive, Unicode (admins can opt out
#: inline with ``(?-i)``).
PATTERN_FLAGS = regex.IGNORECASE | regex.UNICODE | regex.VERSION0
#: Time a pattern may take on one caption at check time.
CHECK_TIMEOUT_SECONDS = 0.05
#: Time all probes of a pattern may take together when it is saved.
PROBE_BUDGET_SECONDS = 0.25
PROBE_LENGTH = 3000

_UNBOUNDED_OPEN = ("*", "+")


class UnsafePatternError(ValueError):
    pass


def _skip_class(pattern: str, i: int) -> int:
    """Index after the character class that starts at ``pattern[i] == '['``."""
    n = len(pattern)
    j = i + 1
    if j < n and pattern[j] == "^":
        j += 1
    if j < n and pattern[j] == "]":
        j += 1
    depth = 1
    while j < n and depth:
        c = pattern[j]
        if c == "\\":
            j += 2
            continue
        if c == "[" and j + 1 < n and pattern[j + 1] == ":":
            end = pattern.find(":]", j + 2)
            j = end + 2 if end != -1 else j + 1
            continue
        if c == "]":
            depth -= 1
        j += 1
    return j


def _quantifier_at(pattern: str, i: int) -> tuple[int, bool] | None:
    """If a quantifier starts at ``i``: (its length, whether it repeats without a small
    bound). ``?`` and fixed counts such as ``{3}`` do not count as repetition."""
    n = len(pattern)
    c = pattern[i]
    if c in _UNBOUNDED_OPEN:
        length, unbounded = 1, True
    elif c == "?":
        length, unbounded = 1, False
    elif c == "{":
        end = pattern.find("}", i)
        if end == -1:
            return None
        body = pattern[i + 1 : end]
        parts = body.split(",")
        if len(parts) > 2 or not all(p.strip().isdigit() or p.strip() == "" for p in parts):
            return None
        if len(parts) == 1:
            if not parts[0].strip():
                return None
            unbounded = False
        else:
            low = int(parts[0]) if parts[0].strip() else 0
            high = parts[1].strip()
            unbounded = high == "" or (int(high) > low and int(high) >= 10)
        length = end - i + 1
    else:
        return None
    # Lazy or possessive suffix.
    if i + length < n and pattern[i + length] in "?+":
        length += 1
    return length, unbounded


def has_nested_repetition(pattern: str) -> bool:
    """True when an unbounded quantifier applies to a group that itself contains one."""
    stack: list[bool] = [False]  # per open group: does it contain unbounded repetition?
    closed_group_repeats: bool | None = None  # the group just closed, if the last token
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 2 < n and pattern[i + 1] in "pPNgk" and pattern[i + 2] in "{<":
                close = "}" if pattern[i + 2] == "{" else ">"
                end = pattern.find(close, i + 3)
                i = end + 1 if end != -1 else n
            else:
                i += 2
            closed_group_repeats = None
            continue
        if c == "[":
            i = _skip_class(pattern, i)
            closed_group_repeats = None
            continue
        if c == "(":
            if pattern.startswith("(?#", i):
                end = pattern.find(")", i)
                i = end + 1 if end != -1 else n
                continue
            stack.append(False)
            i += 1
            if i < n and pattern[i] == "?":
                i += 1  # group options: (?:, (?P<name>, (?=, (?i) ... never quantifiers
                while i < n and pattern[i] not in ":)|=!>":
                    if pattern[i] == "<" and i + 1 < n and pattern[i + 1] in "=!":
                        break
                    i += 1
                if i < n and pattern[i] in ":|=!>":
                    i += 1
            closed_group_repeats = None
            continue
        if c == ")":
            inner = stack.pop() if len(stack) > 1 else False
            closed_group_repeats = inner
            i += 1
            continue
        quant = _quantifier_at(pattern, i)
        if quant is not None:
            length, unbounded = quant
            if unbounded and closed_group_repeats:
                return True
            if unbounded or closed_group_repeats:
                stack[-1] = True
            closed_group_repeats = None
            i += length
            continue
        closed_group_repeats = None
        i += 1
    return False


def _probe_subjects(pattern: str) -> list[str]:
    literal = [ch for ch in dict.fromkeys(pattern) if ch.isalnum() or ch in " -_.,:;/@#'\"\n\t"]
    chars = list(dict.fromkeys([*literal[:10], "a", "1", " ", "-", "\n", "ž"]))
    subjects = []
    for ch in chars:
        run = ch * PROBE_LENGTH
        subjects.extend([run + "!", run + "\x00"])
    mixed = "".join(literal) or "a1 "
    subjects.append((mixed * (PROBE_LENGTH // len(mixed) + 1))[:PROBE_LENGTH] + "!")
    subjects.append(("a " * PROBE_LENGTH)[:PROBE_LENGTH] + "!")
    return subjects


@functools.lru_cache(maxsize=512)
def _check(pattern: str) -> tuple[Any, str, str]:
    """(compiled, error code, error detail): cached, so a form and a service validating the
    same pattern pay for the probes once."""
    try:
        compiled = regex.compile(pattern, PATTERN_FLAGS)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        return None, "invalid", str(exc)
    if compiled.fullmatch("") is not None:
        return None, "empty", ""
    if has_nested_repetition(pattern):
        return None, "nested", ""
    deadline = time.perf_counter() + PROBE_BUDGET_SECONDS
    for subject in _probe_subjects(pattern):
        remaining = deadline - time.perf_counter()
        try:
            if remaining <= 0:
                raise TimeoutError
            for _match in compiled.finditer(subject, timeout=remaining):
                pass
        except TimeoutError:
            return None, "slow", ""
    return compiled, "", ""


def compile_pattern(pattern: str) -> Any:
    """The compiled pattern, or ``UnsafePatternError`` with a message an admin can act on."""
    compiled, code, detail = _check(pattern)
    if compiled is not None:
        return compiled
    messages = {
        "invalid": _("This is not a valid regular expression: %(error)s") % {"error": detail},
        "empty": _("This pattern matches empty text; make it more specific."),
        "nested": _(
            "Repetition inside repetition, such as (a+)+, can take forever on some "
            "captions; rewrite the pattern without the nested repeat."
        ),
        "slow": _("This pattern is too slow on some captions (it backtracks); simplify it."),
    }
    raise UnsafePatternError(messages[code])


def compile_unchecked(pattern: str) -> Any:
    """Compile a stored pattern for the checker (already validated when saved; the
    timeout at check time still guards it)."""
    return regex.compile(pattern, PATTERN_FLAGS)


def validate_rule_fields(
    *,
    kind: str,
    networks: Any,
    pattern: str,
    replacement: str,
    max_length: int | None,
) -> dict[str, list[str]]:
    """Field errors of a caption rule, by field name (empty when valid)."""
    from .models import RuleKind

    errors: dict[str, list[str]] = {}
    valid_networks = set(Network.values)
    if not isinstance(networks, list) or not all(
        isinstance(n, str) and n in valid_networks for n in networks
    ):
        errors["networks"] = [
            _("Choose networks from: %(names)s.") % {"names": ", ".join(Network.values)}
        ]
    text = (pattern or "").strip()
    if kind in (RuleKind.BANNED_TERM, RuleKind.REQUIRED_TEXT, RuleKind.BRAND_SPELLING):
        if not text:
            errors["pattern"] = [_("Enter the text this rule looks for.")]
        elif not any(ch.isalnum() for ch in text) and len(text) < 2:
            errors["pattern"] = [_("Enter at least one letter or digit, or two symbols.")]
    if kind == RuleKind.BRAND_SPELLING:
        if not (replacement or "").strip():
            errors["replacement"] = [_("Enter the right spelling.")]
        elif (replacement or "").strip() == text:
            errors["replacement"] = [_("The right spelling must differ from the wrong one.")]
    if kind == RuleKind.MAX_LENGTH and (max_length is None or max_length < 1):
        errors["max_length"] = [_("Enter the maximum number of characters.")]
    if kind == RuleKind.CONFIDENTIAL_PATTERN:
        if not text:
            errors["pattern"] = [_("Enter a regular expression.")]
        else:
            try:
                compile_pattern(pattern)
            except UnsafePatternError as exc:
                errors["pattern"] = [str(exc)]
    if kind not in RuleKind.values:
        errors["kind"] = [_("Choose a valid kind.")]
    return errors
