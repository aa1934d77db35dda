"""Small request/response helpers for the WSGI application (no framework)."""

from __future__ import annotations

import base64
import html
import json
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

MAX_BODY = 20 * 1024 * 1024


class Request:
    """A parsed WSGI request."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        raw_path = environ.get("PATH_INFO", "") or "/"
        # WSGI hands the path over as latin-1-decoded bytes: recover UTF-8.
        self.path = raw_path.encode("latin-1").decode("utf-8", "replace")
        self.raw_query = environ.get("QUERY_STRING", "")
        self.query = parse_qs(self.raw_query, keep_blank_values=True)
        self.headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            self.headers["content-type"] = environ["CONTENT_TYPE"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        length = min(max(length, 0), MAX_BODY)
        self.body = environ["wsgi.input"].read(length) if length else b""
        self._form: dict[str, list[str]] | None = None

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    @property
    def form(self) -> dict[str, list[str]]:
        if self._form is None:
            if self.content_type in ("application/x-www-form-urlencoded", "") and self.body:
                self._form = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
            else:
                self._form = {}
        return self._form

    def form_value(self, name: str, default: str | None = None) -> str | None:
        values = self.form.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The body parsed as JSON; raises ValueError when it is not JSON."""
        return json.loads(self.body.decode("utf-8"))

    def params(self) -> dict[str, str]:
        """Query, form and JSON-object body merged (Graph accepts parameters in any of them)."""
        merged: dict[str, str] = {k: v[0] for k, v in self.query.items()}
        merged.update({k: v[0] for k, v in self.form.items()})
        if self.content_type == "application/json" and self.body:
            try:
                data = self.json()
            except ValueError:
                data = None
            if isinstance(data, dict):
                for key, value in data.items():
                    if isinstance(value, bool):
                        merged[key] = "true" if value else "false"
                    elif isinstance(value, list | dict):
                        merged[key] = json.dumps(value)
                    elif value is not None:
                        merged[key] = str(value)
        return merged

    def bearer(self) -> str | None:
        auth = self.header("authorization") or ""
        scheme, _, value = auth.partition(" ")
        if scheme.lower() in ("bearer", "oauth") and value.strip():
            return value.strip()
        return None

    def basic_auth(self) -> tuple[str, str] | None:
        auth = self.header("authorization") or ""
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip()).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        user, sep, password = decoded.partition(":")
        return (user, password) if sep else None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = None

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        return cls(
            status=status,
            body=json.dumps(data).encode("utf-8"),
            headers=list(headers or []),
            content_type="application/json; charset=utf-8",
        )

    @classmethod
    def html(cls, markup: str, status: int = 200) -> Response:
        return cls(
            status=status, body=markup.encode("utf-8"), content_type="text/html; charset=utf-8"
        )

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> Response:
        return cls(
            status=status, body=text.encode("utf-8"), content_type=f"{content_type}; charset=utf-8"
        )

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status=status, headers=[("Location", location)])

    @classmethod
    def empty(cls, status: int = 204, headers: list[tuple[str, str]] | None = None) -> Response:
        return cls(status=status, headers=list(headers or []))

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def status_line(self) -> str:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Status"
        return f"{self.status} {phrase}"

    def wsgi_headers(self) -> list[tuple[str, str]]:
        headers = list(self.headers)
        if self.content_type:
            headers.append(("Content-Type", self.content_type))
        headers.append(("Content-Length", str(len(self.body))))
        return headers


class HttpError(Exception):
    """Raised by handlers to answer at once with a prepared response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def fbtrace_id() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(11))


def add_query(url: str, params: Mapping[str, str | None], fragment: str | None = None) -> str:
    """Append params to url's query (keeping what it has; ``None`` values are left out),
    optionally replacing the fragment."""
    parts = urlsplit(url)
    query = parts.query
    extra = urlencode([(k, v) for k, v in params.items() if v is not None])
    query = f"{query}&{extra}" if query and extra else (query or extra)
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            parts.path,
            query,
            parts.fragment if fragment is None else fragment,
        )
    )


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


PAGE_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f3f2ef;color:#1d2226}
main{max-width:34rem;margin:2rem auto;background:#fff;border-radius:.5rem;padding:1.5rem 1.75rem;
box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.35rem;margin:.2rem 0 1rem}
.brand{font-weight:700;letter-spacing:.02em}
fieldset{border:1px solid #ccc;border-radius:.4rem;padding:.5rem 1rem;margin:1rem 0}
label.profile{display:flex;gap:.6rem;align-items:center;padding:.45rem 0;cursor:pointer}
.muted{color:#5e6b75;font-size:.9rem}
.actions{display:flex;gap:.75rem;margin-top:1.25rem;flex-wrap:wrap}
button{font:inherit;padding:.55rem 1.2rem;border-radius:2rem;border:1px solid #0a66c2;cursor:pointer}
button.primary{background:#0a66c2;color:#fff}
button.secondary{background:#fff;color:#0a66c2}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #f5b400;outline-offset:2px}
code{background:#eef;padding:0 .25rem;border-radius:.2rem;word-break:break-all}
ul.scopes{padding-left:1.2rem}
.preview{border:1px solid #ddd;border-radius:.4rem;padding:.75rem;margin:.75rem 0;word-break:break-all}
textarea{width:100%;box-sizing:border-box;font:inherit}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.3rem;text-align:left;
vertical-align:top}
"""


def page(title: str, body: str, brand: str = "Social sandbox") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title><style>{PAGE_STYLE}</style></head>"
        f'<body><main><div class="brand">{esc(brand)} <span class="muted">(sandbox)</span></div>'
        f"{body}</main></body></html>"
    )


def hidden_fields(values: dict[str, str | None]) -> str:
    return "".join(
        f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">'
        for k, v in values.items()
        if v is not None
    )


Handler = Callable[..., Response]
