"""Security of the review page: Host check, session token, CSRF, response headers.

A form is accepted only from the page itself: its token must be one this server issued
(signed with a secret of the process, so a cookie planted by another page on 127.0.0.1,
whatever its port, is worthless) and match the cookie, and the browser must not say the
request came from another site (`Sec-Fetch-Site`, `Origin`). Uploaded files are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import HTTPException, Request
from starlette.datastructures import FormData, MutableHeaders, UploadFile
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inbox_agent.config import is_loopback
from inbox_agent.web.i18n import N_

CSRF_COOKIE = "inbox_agent_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "inbox_agent_session"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def host_of(header: str) -> str:
    """The host name of a Host header, without port or IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class SecurityMiddleware:
    """Refuses foreign Host headers (DNS rebinding), checks the session token when one is
    set, hands out the CSRF cookie and adds the security headers to every response.
    (Plain ASGI: no per-request task as with BaseHTTPMiddleware.)"""

    def __init__(self, app: ASGIApp, *, session_token: str | None,
                 allowed_hosts: frozenset[str],
                 gettext: Callable[[str], str] = lambda message: message) -> None:
        self.app = app
        self.session_token = session_token
        self.allowed_hosts = allowed_hosts
        self.gettext = gettext
        self._secret = secrets.token_bytes(32)

    def _signature(self, nonce: str) -> str:
        digest = hmac.new(self._secret, nonce.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode("ascii")

    def issue(self) -> str:
        """A new CSRF token: a random nonce and its signature."""
        nonce = secrets.token_urlsafe(24)
        return f"{nonce}.{self._signature(nonce)}"

    def issued(self, token: str) -> bool:
        """True for a token this server signed (anything else, non-ASCII included: False)."""
        nonce, _, signature = token.partition(".")
        if not (nonce and signature and token.isascii()):
            return False
        return hmac.compare_digest(signature.encode("ascii"), self._signature(nonce).encode())

    def _host_ok(self, request: Request) -> bool:
        host = host_of(request.headers.get("host", ""))
        if host in self.allowed_hosts or is_loopback(host):
            return True
        return "*" in self.allowed_hosts and self.session_token is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        early: Response | None = None
        if not self._host_ok(request):
            early = PlainTextResponse(self.gettext(FOREIGN_HOST), status_code=421)
        elif self.session_token is not None:
            early = self._session(request)
        if early is not None:
            await _secure(early)(scope, receive, send)
            return
        token = request.cookies.get(CSRF_COOKIE) or ""
        fresh = not self.issued(token)
        csrf = self.issue() if fresh else token
        scope.setdefault("state", {})["csrf"] = csrf
        static = scope["path"].startswith("/static/")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if static:
                    headers["Cache-Control"] = "public, max-age=86400"
                elif fresh:
                    headers.append("set-cookie", _cookie(CSRF_COOKIE, csrf))
                for name, value in HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_secured)

    def _session(self, request: Request) -> Response | None:
        assert self.session_token is not None
        given = request.query_params.get("token")
        if given is not None and _same(given, self.session_token):
            rest = {k: v for k, v in request.query_params.items() if k != "token"}
            path = "/" + request.url.path.lstrip("/")  # a local path: never //other.host/
            target = path + (f"?{urlencode(rest)}" if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.headers.append("set-cookie", _cookie(SESSION_COOKIE, self.session_token))
            return response
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if cookie and _same(cookie, self.session_token):
            return None
        return PlainTextResponse(self.gettext(NO_SESSION), status_code=401)


def _same(given: str, expected: str) -> bool:
    """A constant-time comparison that any text can be given (non-ASCII is simply wrong)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def _cookie(name: str, value: str) -> str:
    return f"{name}={value}; HttpOnly; Path=/; SameSite=strict"


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


FOREIGN_HOST = N_("Host not allowed: open the review page at the address inbox-agent printed.")
NO_SESSION = N_("Session token missing: open the address with ?token=… that `inbox-agent serve` "
                "printed when it started.")
FOREIGN_FORM = N_(
    "This form has expired or did not come from the review page: reload the page and try again."
)
NO_UPLOADS = N_("The review page takes no file uploads.")


def _from_elsewhere(request: Request) -> bool:
    """True when the browser says the request comes from another site or origin."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return origin.rstrip("/").lower() != own.lower()


async def checked_form(request: Request) -> FormData:
    """The POSTed form, after checking where it comes from and its CSRF token (403 otherwise).

    The token must be the one this server issued for this browser (the cookie, validated by
    the middleware); a file upload is refused (400).
    """
    if _from_elsewhere(request):
        raise HTTPException(status_code=403, detail=FOREIGN_FORM)
    form = await request.form()
    if any(isinstance(value, UploadFile) for _, value in form.multi_items()):
        raise HTTPException(status_code=400, detail=NO_UPLOADS)
    sent = str(form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or "")
    expected = getattr(request.state, "csrf", "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not sent or not expected or not (_same(sent, expected) and _same(cookie, expected)):
        raise HTTPException(status_code=403, detail=FOREIGN_FORM)
    return form
