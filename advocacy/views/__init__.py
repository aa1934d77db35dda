"""Pages of the core, one module per feature: ``home`` (landing, organization home),
``health`` (``/healthz``), ``account`` (profile, language), ``tokens`` (personal API
tokens), ``members``, ``invitations``, ``invitation_accept`` (the public link),
``departments`` and ``audit_log``."""
