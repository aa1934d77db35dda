"""Chorus benchmarks: ``python -m bench`` (``make bench``).

Scenarios are a registry: every installed project app may have a ``<app>/bench.py``, and
this package may hold modules, with ``def scenarios(ctx: BenchContext) -> list[Scenario]``.
See ``bench/harness.py``.
"""
