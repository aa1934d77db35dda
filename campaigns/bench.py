"""Benchmark rows of campaigns and recognition (``python -m bench``): each feature's rows
live in ``campaigns/benchmarks/<feature>.py`` (``scenarios(ctx)`` and/or
``benchmarks(ctx, out)``); this module joins them, as ``campaigns/demo`` joins the seeds."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any, TextIO

FEATURES = ("points", "boards", "rewards")


def _modules() -> list[Any]:
    found = []
    for feature in FEATURES:
        name = f"campaigns.benchmarks.{feature}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def scenarios(ctx: Any) -> list[Any]:
    rows: list[Any] = []
    for module in _modules():
        if callable(getattr(module, "scenarios", None)):
            rows += module.scenarios(ctx)
    return rows


def benchmarks(ctx: Any, out: TextIO) -> list[str]:
    problems: list[str] = []
    for module in _modules():
        if callable(getattr(module, "benchmarks", None)):
            problems += module.benchmarks(ctx, out) or []
    return problems
