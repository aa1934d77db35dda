"""The API documentation pages: Redoc (``/api/v1/docs/``) and Swagger UI
(``/api/v1/docs/swagger/``), both loading their scripts from our own static files
(drf-spectacular-sidecar, ``SPECTACULAR_SETTINGS[...] = "SIDECAR"``).

A Content-Security-Policy keeps the pages on our own origin: Redoc's sidebar shows its
vendor's logo from a CDN, and with ``img-src 'self' data:`` the browser never asks for it,
so the pages work offline and tell no third party who reads them.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Redoc and Swagger UI start from a small inline script; Redoc's search runs in a
        # web worker built from a blob.
        "script-src 'self' 'unsafe-inline' blob:",
        "worker-src 'self' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ]
)


class _SameOriginOnly:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response


class RedocView(_SameOriginOnly, SpectacularRedocView):
    # drf-spectacular's template without its Google Fonts links (system fonts instead).
    template_name = "api_docs/redoc.html"


class SwaggerView(_SameOriginOnly, SpectacularSwaggerView):
    pass
