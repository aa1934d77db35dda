"""The sandbox as a WSGI application for a production server (the benchmark serves it from
gunicorn): ``gunicorn social_sandbox.wsgi:application``.

``SOCIAL_SANDBOX_STATE_FILE`` names a state file to start from (written by a sandbox run with
``--state-file``); it is read once and never written (``SOCIAL_SANDBOX_PERSIST=1`` writes it
after each changing request, as ``python -m social_sandbox --state-file`` does). The state
lives in the process: with several gunicorn workers, each starts from the file and keeps its
own changes. ``SOCIAL_SANDBOX_PUBLIC_URL`` is the base URL it tells clients (default: from
the request's Host).
"""

from __future__ import annotations

import os

from social_sandbox.app import SandboxApp
from social_sandbox.store import Store

store = Store(state_file=os.environ.get("SOCIAL_SANDBOX_STATE_FILE") or None)
if os.environ.get("SOCIAL_SANDBOX_PERSIST") != "1":
    store.state_file = None
application = SandboxApp(
    store=store, public_url=os.environ.get("SOCIAL_SANDBOX_PUBLIC_URL") or None
)
