"""Benchmark rows of campaigns' features, one module each (joined by ``campaigns/bench.py``)."""
