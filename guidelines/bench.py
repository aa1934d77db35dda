"""Benchmark rows of guidelines (``make bench``; see ``bench/harness.py``).

The caption checker with 500 rules over a 3,000-character caption, through the API
(``GET …/guidelines/check/?network=linkedin&text=…``), and the bare function in
``bench_checker()`` for a figure without HTTP around it.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any
from urllib.parse import urlencode

from advocacy.models import Organization

from .checker import check_caption, rules_changed
from .models import GuidelineRule, RuleKind, Severity

BENCH_MARKER = "bench rule"
RULE_COUNT = 500
CAPTION_LENGTH = 3000

_WORDS = (  # noqa: SIM905 - a word list reads better as prose
    "mūsų komanda džiaugiasi naujais projektais ir kviečia prisijungti prie renginio "
    "наша команда рада новым проектам и приглашает всех на встречу "
    "meie meeskond rõõmustab uute projektide üle ja kutsub kõiki üritusele "
    "our team is proud of the new release and invites everyone to the launch event"
).split()


def _term(rng: random.Random, i: int) -> str:
    syllables = ["ka", "lo", "mi", "žu", "rė", "да", "ни", "õu", "tra", "pel"]
    return "".join(rng.choice(syllables) for _ in range(3)) + str(i)


def bench_rules(organization: Organization) -> int:
    """Give ``organization`` the 500 benchmark rules (idempotent): 420 banned terms, 40
    brand spellings, 20 required texts, 15 confidential patterns, 5 length limits."""
    existing = GuidelineRule.objects.for_org(organization).filter(message=BENCH_MARKER).count()
    if existing >= RULE_COUNT:
        return existing
    GuidelineRule.objects.for_org(organization).filter(message=BENCH_MARKER).delete()
    rng = random.Random(500)
    rows: list[dict[str, Any]] = []
    for i in range(420):
        rows.append({"kind": RuleKind.BANNED_TERM, "pattern": _term(rng, i)})
    for i in range(40):
        wrong = _term(rng, 1000 + i)
        rows.append(
            {"kind": RuleKind.BRAND_SPELLING, "pattern": wrong, "replacement": wrong.upper()}
        )
    for i in range(20):
        rows.append({"kind": RuleKind.REQUIRED_TEXT, "pattern": f"#tag{i}", "networks": ["x"]})
    for i in range(15):
        rows.append(
            {"kind": RuleKind.CONFIDENTIAL_PATTERN, "pattern": rf"project{i} [A-Z]{{4}}-\d+"}
        )
    for i in range(5):
        rows.append({"kind": RuleKind.MAX_LENGTH, "max_length": 2500 + i, "networks": ["linkedin"]})
    GuidelineRule.objects.bulk_create(
        GuidelineRule(organization=organization, severity=Severity.WARN, message=BENCH_MARKER, **r)
        for r in rows
    )
    rules_changed(organization)
    return len(rows)


def bench_caption() -> str:
    """A 3,000-character caption in Lithuanian, Russian, Estonian and English that trips a
    few rules."""
    rng = random.Random(3000)
    words = []
    length = 0
    while length < CAPTION_LENGTH:
        word = rng.choice(_WORDS)
        if rng.random() < 0.01:
            word = _term(random.Random(7), 7)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:CAPTION_LENGTH]


def bench_checker(organization: Organization | None = None, runs: int = 200) -> dict[str, Any]:
    """p50/p95 milliseconds of ``check_caption`` (warm cache) over ``runs`` calls. Gives the
    organization the 500 benchmark rules first: run it on a benchmark database."""
    if organization is None:
        organization = Organization.objects.order_by("id").first()
        if organization is None:
            raise RuntimeError("No organization to benchmark against.")
    bench_rules(organization)
    text = bench_caption()
    check_caption(organization, "linkedin", text)  # warm: compile once
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        findings = check_caption(organization, "linkedin", text)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "runs": runs,
        "rules": RULE_COUNT,
        "caption_chars": len(text),
        "findings": len(findings),
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[max(0, int(0.95 * runs) - 1)], 3),
    }


def scenarios(ctx: Any) -> list[Any]:
    from bench.harness import JSON, Scenario

    bench_rules(ctx.organization)
    query = urlencode({"network": "linkedin", "text": bench_caption()})
    return [
        Scenario(
            name="caption check (500 rules, 3,000 chars)",
            path=f"/api/v1/orgs/{ctx.slug}/guidelines/check/?{query}",
            headers=JSON,
        )
    ]
