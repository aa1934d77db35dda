"""Root conftest: fixtures shared by app tests and the top-level tests."""

pytest_plugins = ["tests.fixtures"]
