from social.tests.conftest import sandbox, sandbox_server  # noqa: F401 - fixtures
