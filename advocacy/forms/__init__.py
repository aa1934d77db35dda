"""Forms of the core, one module per feature (see the module docstrings)."""
