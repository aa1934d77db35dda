"""Deterministic simulated engagement.

Every metric is a pure function of (post key, creation time, audience, now): impressions grow
with the post's age towards a per-post ceiling proportional to the author's audience, and the
other metrics are per-post fractions of impressions. Each is ``floor(constant * g(age))`` with
``g`` non-decreasing, so every metric is monotonic non-decreasing in ``now``.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

REACTION_TYPES = {
    "linkedin": ["LIKE", "PRAISE", "EMPATHY", "INTEREST", "APPRECIATION", "ENTERTAINMENT"],
    "facebook": ["like", "love", "wow", "haha", "sorry", "anger"],
}


def unit(key: str, salt: str) -> float:
    """A stable pseudo-random number in [0, 1) for (key, salt)."""
    digest = hashlib.sha256(f"{key}|{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def growth(key: str, created_at: float, now: float) -> float:
    """Share of the post's eventual reach achieved at ``now`` (0 before creation, -> 1)."""
    age_hours = max(0.0, now - created_at) / 3600.0
    half_life_hours = 3.0 + 21.0 * unit(key, "half-life")
    return 1.0 - math.pow(2.0, -age_hours / half_life_hours)


def _impressions(key: str, created_at: float, audience: int, now: float) -> float:
    ceiling = (max(int(audience), 0) + 25) * (0.35 + 1.1 * unit(key, "reach"))
    return ceiling * growth(key, created_at, now)


def _fraction(key: str, name: str, low: float, high: float) -> float:
    return low + (high - low) * unit(key, name)


@dataclass(frozen=True)
class Metrics:
    impressions: int
    reached: int
    reaction_parts: tuple[int, ...]
    comments: int
    reshares: int
    saves: int
    clicks: int

    @property
    def reactions(self) -> int:
        return sum(self.reaction_parts)

    def reactions_by_type(self, network: str) -> dict[str, int]:
        return dict(zip(REACTION_TYPES[network], self.reaction_parts, strict=True))


def metrics(key: str, created_at: float, audience: int, now: float) -> Metrics:
    """All simulated metrics of one post."""
    raw = _impressions(key, created_at, audience, now)
    reactions_base = raw * _fraction(key, "reactions", 0.01, 0.06)
    weights = [0.5 + unit(key, f"reaction-{i}") * (1.5 if i == 0 else 0.4) for i in range(6)]
    total_weight = sum(weights)
    return Metrics(
        impressions=math.floor(raw),
        reached=math.floor(raw * _fraction(key, "reached", 0.55, 0.9)),
        reaction_parts=tuple(math.floor(reactions_base * w / total_weight) for w in weights),
        comments=math.floor(raw * _fraction(key, "comments", 0.001, 0.01)),
        reshares=math.floor(raw * _fraction(key, "reshares", 0.0005, 0.006)),
        saves=math.floor(raw * _fraction(key, "saves", 0.0005, 0.008)),
        clicks=math.floor(raw * _fraction(key, "clicks", 0.004, 0.03)),
    )
