"""The review page: FastAPI + server-rendered Jinja2 templates (autoescaped), vendored htmx.

Every action is a plain form (POST, then redirect) that also works without JavaScript;
htmx only boosts the forms and links so pages swap without a full reload.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from inbox_agent import pipeline
from inbox_agent.config import Config
from inbox_agent.config.checks import valid_host
from inbox_agent.errors import (
    ConfigError,
    InboxAgentError,
    IndexError_,
    StoreError,
    WebError,
)
from inbox_agent.review import approve as review
from inbox_agent.web import insights_views, views
from inbox_agent.web.security import CSRF_FIELD, SecurityMiddleware, checked_form, is_loopback

HERE = Path(__file__).parent
MESSAGES = {
    "approved": "Approved: the reply is in your Drafts folder.",
    "sent": "Approved and sent.",
    "saved": "Draft saved.",
    "skipped": "Skipped: no answer for this reply.",
    "idea": "Marked as an idea for a future issue.",
    "unidea": "No longer marked as an idea.",
    "regenerated": "Draft written again.",
    "batch": "Quick thanks approved.",
    **insights_views.MESSAGES,
}


def safe_url(value: str) -> str:
    """Only http(s) links become links; anything else (javascript:, data:) is dropped."""
    value = (value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    templates.env.filters["safe_url"] = safe_url
    templates.env.globals["csrf_field"] = CSRF_FIELD
    return templates


@dataclass
class Site:
    """What the routes share: the config, the templates and the adapters to use."""

    config: Config
    templates: Jinja2Templates
    source_factory: Callable[[], object] | None = None
    index: object | None = None

    def render(self, request: Request, name: str, status_code: int = 200, **context) -> Response:
        error = context.get("error")
        if isinstance(error, InboxAgentError):  # the message, and what to do on its own line
            context |= {"error": error.message, "hint": error.hint}
        context |= {"csrf": request.state.csrf, "nav": name.removesuffix(".html"),
                    "newsletter": self.config.newsletter.name,
                    "message": MESSAGES.get(request.query_params.get("msg", ""), "")}
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)

    def source(self):
        return self.source_factory() if self.source_factory else None

    def retry(self, request: Request, draft_id: int, err: InboxAgentError) -> Response:
        """The draft page again, saying why the action failed."""
        data = views.detail(self.config, draft_id)
        return self.render(request, "detail.html", 409, **data, error=err)


def create_app(
    config: Config,
    *,
    session_token: str | None = None,
    allowed_hosts: tuple[str, ...] = (),
    source_factory: Callable[[], object] | None = None,
    index=None,
) -> FastAPI:
    """The review application for `config`.

    `session_token`: required as a cookie (set by visiting `/?token=…`) when the page is
    served beyond this machine; `allowed_hosts`: extra Host header names accepted ("*" for
    any, only with a session token); `source_factory`/`index`: the mailbox and index to use
    instead of those built from the config.
    """
    app = FastAPI(title="inbox-agent review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SecurityMiddleware, session_token=session_token,
                       allowed_hosts=frozenset(h.lower() for h in allowed_hosts))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    site = Site(config, _templates(), source_factory, index)
    _error_pages(app, site)
    _pages(app, site)
    _draft_actions(app, site)
    _batch_actions(app, site)
    insights_views.register(app, site)
    return app


def _error_pages(app: FastAPI, site: Site) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "Something went wrong."
        if not hasattr(request.state, "csrf"):
            return PlainTextResponse(detail, status_code=exc.status_code)
        return site.render(request, "error.html", exc.status_code, error=detail)

    @app.exception_handler(InboxAgentError)
    async def domain_error(request: Request, exc: InboxAgentError) -> Response:
        status = 503 if isinstance(exc, StoreError | IndexError_) else 409  # unusable, not a clash
        return site.render(request, "error.html", status, error=exc)


def _pages(app: FastAPI, site: Site) -> None:
    config = site.config

    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request, issue: str = "", intent: str = "", lang: str = "",
                   ideas: str = "", page: int = 1) -> Response:
        filters = views.QueueFilters(issue, intent, lang, bool(ideas), page)
        return site.render(request, "queue.html", queue=views.queue(config, filters),
                           filters=filters)

    @app.get("/drafts/{draft_id}", response_class=HTMLResponse)
    def detail_page(request: Request, draft_id: int) -> Response:
        try:
            data = views.detail(config, draft_id)
        except InboxAgentError as err:
            raise HTTPException(404, f"{err}: go back to the queue.") from err
        return site.render(request, "detail.html", **data)

    @app.get("/drafts/{draft_id}/original", response_class=HTMLResponse)
    def original_page(request: Request, draft_id: int) -> Response:
        try:
            subject, raw = views.original(config, draft_id)
        except InboxAgentError as err:
            raise HTTPException(404, str(err)) from err
        return site.render(request, "original.html", subject=subject, raw=raw,
                           draft_id=draft_id)

    @app.get("/other", response_class=HTMLResponse)
    def other_page(request: Request) -> Response:
        return site.render(request, "other.html", **views.other_mail(config))

    @app.get("/other/unsubscribes.csv")
    def unsubscribes() -> Response:
        return Response(views.unsubscribes_csv(config), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="unsubscribes.csv"'})

    @app.get("/status", response_class=HTMLResponse)
    def status_page(request: Request) -> Response:
        return site.render(request, "status.html", info=views.status(config))


def _go(draft_id: int | None, msg: str) -> RedirectResponse:
    target = f"/drafts/{draft_id}" if draft_id else "/"
    return RedirectResponse(f"{target}?{urlencode({'msg': msg})}", status_code=303)


def _draft_actions(app: FastAPI, site: Site) -> None:
    config = site.config

    @app.post("/drafts/{draft_id}/approve")
    async def approve(request: Request, draft_id: int) -> Response:
        form = await checked_form(request)
        text = form.get("text")
        try:
            done = await run_in_threadpool(
                review.approve, config, draft_id, str(text) if text is not None else None,
                source=site.source(), index=site.index)
        except InboxAgentError as err:
            return site.retry(request, draft_id, err)
        return _go(views.next_pending(config, draft_id), "sent" if done.sent else "approved")

    @app.post("/drafts/{draft_id}/save")
    async def save(request: Request, draft_id: int) -> Response:
        form = await checked_form(request)
        await run_in_threadpool(review.save_edit, config, draft_id, str(form.get("text") or ""))
        return _go(draft_id, "saved")

    @app.post("/drafts/{draft_id}/skip")
    async def skip(request: Request, draft_id: int) -> Response:
        await checked_form(request)
        await run_in_threadpool(review.skip, config, draft_id, source=site.source())
        return _go(views.next_pending(config, draft_id), "skipped")

    @app.post("/drafts/{draft_id}/idea")
    async def idea(request: Request, draft_id: int) -> Response:
        form = await checked_form(request)
        marked = form.get("marked", "1") == "1"
        await run_in_threadpool(review.mark_idea, config, draft_id, marked)
        return _go(draft_id, "idea" if marked else "unidea")

    @app.post("/drafts/{draft_id}/regenerate")
    async def regenerate(request: Request, draft_id: int) -> Response:
        form = await checked_form(request)
        extra = {"index": site.index} if site.index is not None else {}
        try:
            await run_in_threadpool(pipeline.regenerate_draft, config, draft_id,
                                    str(form.get("instruction") or ""), **extra)
        except InboxAgentError as err:
            return site.retry(request, draft_id, err)
        return _go(draft_id, "regenerated")


def _batch_actions(app: FastAPI, site: Site) -> None:
    @app.post("/quick-thanks")
    async def quick_thanks(request: Request) -> Response:
        form = await checked_form(request)
        ids = [int(v) for v in form.getlist("ids") if str(v).isdigit()]
        report = await run_in_threadpool(review.approve_quick_thanks, site.config, ids,
                                         source=site.source(), index=site.index)
        if report.errors:
            return site.render(request, "error.html", 409, approved=len(report.approved),
                               error="; ".join(f"draft {i}: {e}" for i, e in report.errors.items()))
        return RedirectResponse(f"/?msg=batch&n={len(report.approved)}", status_code=303)


def check_listen(host: str, port: int) -> None:
    """One clear line, before the server starts, when the address cannot be listened on."""
    if not valid_host(host):
        raise ConfigError(f"{host!r} is not a host name or an IP address",
                          hint="pass --host 127.0.0.1 or set web.host")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise WebError(f"the review page cannot listen on {host} port {port} ({reason})",
                       hint="pass --port with a free port, or set web.port") from None


def serve(config: Config, host: str | None = None, port: int | None = None,
          echo: Callable[[str], None] = print) -> None:
    """Serve the review page until interrupted; a session token guards non-loopback hosts."""
    import uvicorn

    host = host or config.web.host
    port = config.web.port if port is None else port
    check_listen(host, port)
    token = None
    allowed: tuple[str, ...] = ()
    if not is_loopback(host):
        token = secrets.token_urlsafe(24)
        allowed = ("*",) if host in ("0.0.0.0", "::") else (host,)
    app = create_app(config, session_token=token, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    if token:
        echo(f"The review page listens beyond this machine: open {url}")
        echo("(the token in that address is required; keep it private)")
    else:
        echo(f"Review page: {url}  (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
