"""A stand-alone impersonation of LinkedIn, Instagram and Facebook for Chorus's tests and demo.

The sandbox is a WSGI application (``social_sandbox.app.SandboxApp``) served by a threaded
standard-library server (``python -m social_sandbox``, or ``social_sandbox.server.start_in_thread``
in tests). It never imports Django.
"""

from social_sandbox.mapping import bases

__all__ = ["bases"]
