"""Defences of the browser front end that sit in front of every route (docs/web.md, threat model).

:class:`Guard` is ASGI middleware. For every request and websocket it

- refuses a ``Host`` header that is a host *name* other than this server's (a DNS-rebinding page
  reaches the server under the attacker's domain name, so it is refused before any route runs;
  an IP address in ``Host`` cannot come from a rebinding page, so any is accepted);
- refuses a websocket, and a POST, whose ``Origin`` is another site or another port (a page on
  ``localhost:9999`` is same-*site* for cookies, so ``SameSite`` alone does not stop it), and a
  POST whose form lacks this server's CSRF token;
- adds the security headers to every HTTP response: a Content-Security-Policy (scripts, styles,
  sockets and forms from this server only, no framing), ``X-Frame-Options``,
  ``X-Content-Type-Options``, ``Referrer-Policy: same-origin`` (the dashboard's address holds the
  admin token) and ``Cache-Control: no-store`` on every page that is not a static file.

:func:`load_message` parses a websocket message with limits on nesting and numbers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from markupsafe import Markup
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
CSRF_FIELD = "csrf"
MAX_FORM = 4096  # bytes of a posted form (a country, a name and the token)
MAX_DEPTH = 8  # nesting of a websocket message: a move is three levels deep
MAX_NUMBER = 10**6  # largest number a message may hold (turns, steps, seconds, levels are far smaller)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' {ws}; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")

_token: ContextVar[str] = ContextVar("csrf_token", default="")


def csrf_token(secret: bytes) -> str:
    """This server's CSRF token: unguessable without the secret, and unreadable by other sites'
    pages (the same-origin policy keeps them from reading ours)."""
    mac = hmac.new(secret, b"csrf-form-token", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def csrf_field() -> Markup:
    """The hidden form field templates put in every POST form (``{{ csrf_field() }}``)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, _token.get())


def host_name(header: str) -> str:
    """The host of a ``Host`` header or an origin's netloc, without the port, lower case."""
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class Guard:
    """The middleware; ``hosts`` are the host names (no ports) the server answers to."""

    def __init__(self, app: ASGIApp, secret: bytes, hosts: Iterable[str]):
        self.app, self.token = app, csrf_token(secret)
        self.hosts = frozenset(h.lower().strip("[]") for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        why = ""
        if not _is_address(host_name(host)) and host_name(host) not in self.hosts:
            why = "unknown host: open the address the game printed"
        elif scope["type"] == "websocket" or scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            why = _cross_site(headers, host)
        if scope["type"] == "websocket":
            if why:
                # the codes the routes use: 4401 sends a seat's page to the start, 4403 the dashboard's
                code = 4403 if scope["path"].startswith("/ws/admin") else 4401
                await send({"type": "websocket.close", "code": code, "reason": why[:100]})
                return
            await self.app(scope, receive, send)
            return
        if not why and scope["method"] == "POST":
            receive, why = await self._check_form(receive)
        if why:
            await _refuse(send, why)
            return
        _token.set(self.token)
        await self.app(scope, receive, _with_headers(send, scope["path"], host))

    async def _check_form(self, receive: Receive) -> tuple[Receive, str]:
        """Read the (small) form, check its token, and hand the same body on to the route."""
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return receive, "the browser left"
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_FORM:
                return receive, "the form is too large"
        fields = dict(parse_qsl(body.decode("utf-8", "replace"), max_num_fields=16))
        if not hmac.compare_digest(fields.get(CSRF_FIELD, "").encode(), self.token.encode()):
            return receive, "this form is out of date or came from another site: reload the page and try again"
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay, ""


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _cross_site(headers: dict[str, str], host: str) -> str:
    """Why a POST or websocket comes from another site's page ('' when it does not)."""
    origin = headers.get("origin")
    if origin is not None and (origin == "null" or urlsplit(origin).netloc.lower() != host.lower()):
        return "refused: the request came from another site's page"
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return "refused: the request came from another site's page"
    return ""


async def _refuse(send: Send, why: str) -> None:
    body = (f"<!doctype html><meta charset=utf-8><title>Refused</title><h1>Refused</h1><p>{_escape(why)}</p>"
            '<p><a href="/">Back to the start</a></p>').encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), *_headers("/refused", "")]})
    await send({"type": "http.response.body", "body": body})


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _headers(path: str, host: str) -> list[tuple[bytes, bytes]]:
    ws = f"ws://{host} wss://{host}" if host else ""
    out = [(b"content-security-policy", CSP.format(ws=ws).replace("  ", " ").encode("latin-1")),
           (b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"same-origin"), (b"cross-origin-opener-policy", b"same-origin")]
    if not path.startswith("/static/"):
        out.append((b"cache-control", b"no-store"))
    return out


def _with_headers(send: Send, path: str, host: str) -> Send:
    extra = _headers(path, host)
    names = {name for name, _ in extra}

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            message = {**message, "headers": kept + extra}
        await send(message)

    return wrapped


# --- websocket messages ----------------------------------------------------------------
def load_message(text: str) -> Any:
    """A websocket message's JSON, refused (ValueError with the reason) when it nests deeper than
    MAX_DEPTH, holds NaN or Infinity, or a number beyond MAX_NUMBER. The depth is measured before
    parsing, so a deeply nested message costs a scan, not the stack."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                raise ValueError(f"a message nests at most {MAX_DEPTH} levels deep")
        elif char in "]}":
            depth -= 1
    return json.loads(text, parse_constant=_no_constant, parse_int=_number(int), parse_float=_number(float))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a message may hold")


def _number(kind: type) -> Any:
    def parse(text: str) -> Any:
        if len(text) > 24:
            raise ValueError(f"numbers in a message are at most {MAX_NUMBER:,}")
        value = kind(text)
        if abs(value) > MAX_NUMBER:
            raise ValueError(f"numbers in a message are at most {MAX_NUMBER:,}")
        return value

    return parse
