"""The review page: FastAPI + server-rendered Jinja2 templates (autoescaped), vendored htmx.

Every action is a plain form (POST, then redirect) that also works without JavaScript;
htmx only boosts the forms and links so pages swap without a full reload.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
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
from inbox_agent.i18n import notes
from inbox_agent.review import approve as review
from inbox_agent.web import i18n, insights_views, views
from inbox_agent.web.i18n import N_, PageLanguage
from inbox_agent.web.security import CSRF_FIELD, SecurityMiddleware, checked_form, is_loopback

HERE = Path(__file__).parent
MESSAGES = {
    "approved": N_("Approved: the reply is saved in your drafts, ready to send."),
    "sent": N_("Approved and sent."),
    "saved": N_("Draft saved."),
    "skipped": N_("Skipped: no answer for this reply."),
    "idea": N_("Marked as an idea for a future issue."),
    "unidea": N_("No longer marked as an idea."),
    "regenerated": N_("Draft written again."),
    **insights_views.MESSAGES,
}
# What the page says for an HTTP error that carries no message of its own.
HTTP_ERRORS = {
    404: N_("This page does not exist: go back to the queue."),
    405: N_("This address does not take that kind of request."),
}
SOMETHING_WRONG = N_("Something went wrong.")


def safe_url(value: str) -> str:
    """Only http(s) links become links; anything else (javascript:, data:) is dropped."""
    value = (value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""


def _templates(lang: PageLanguage) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    i18n.install(templates.env, lang)
    templates.env.filters["safe_url"] = safe_url
    templates.env.globals["csrf_field"] = CSRF_FIELD
    return templates


@dataclass
class Site:
    """What the routes share: the config, the templates and the adapters to use."""

    config: Config
    templates: Jinja2Templates
    lang: PageLanguage
    source_factory: Callable[[], object] | None = None
    index: object | None = None

    def render(self, request: Request, name: str, status_code: int = 200, **context) -> Response:
        error = context.get("error")
        if isinstance(error, InboxAgentError):  # the message, and what to do on its own line
            context |= {"error": notes.said(error.message, self.lang),
                        "hint": notes.said(error.hint, self.lang)}
        context |= {"csrf": request.state.csrf, "nav": name.removesuffix(".html"),
                    "newsletter": self.config.newsletter.name,
                    "message": self.message(request.query_params)}
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)

    def message(self, params) -> str:
        """The line that says what the last action did (`?msg=…`), in the page's language."""
        key = params.get("msg", "")
        if key == "batch":
            n = int(params.get("n", "0")) if str(params.get("n", "0")).isdigit() else 0
            return self.lang.ngettext("%(num)s quick thanks approved.",
                                      "%(num)s quick thanks approved.", n)
        return self.lang.gettext(MESSAGES[key]) if key in MESSAGES else ""

    def source(self):
        return self.source_factory() if self.source_factory else None

    def retry(self, request: Request, draft_id: int, err: InboxAgentError) -> Response:
        """The draft page again, saying why the action failed."""
        filters = views.QueueFilters.of(request.query_params)
        data = views.detail(self.config, draft_id, self.lang, filters)
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
    lang = PageLanguage.for_config(config)
    app = FastAPI(title="inbox-agent review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SecurityMiddleware, session_token=session_token,
                       allowed_hosts=frozenset(h.lower() for h in allowed_hosts),
                       gettext=lang.gettext)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    site = Site(config, _templates(lang), lang, source_factory, index)
    _error_pages(app, site)
    _pages(app, site)
    _draft_actions(app, site)
    _batch_actions(app, site)
    insights_views.register(app, site)
    return app


def _error_pages(app: FastAPI, site: Site) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = site.lang.gettext(_said(exc))
        if not hasattr(request.state, "csrf"):
            return PlainTextResponse(detail, status_code=exc.status_code)
        return site.render(request, "error.html", exc.status_code, error=detail)

    @app.exception_handler(RequestValidationError)
    async def odd_address(request: Request, exc: RequestValidationError) -> Response:
        return site.render(request, "error.html", 404, error=site.lang.gettext(HTTP_ERRORS[404]))

    @app.exception_handler(InboxAgentError)
    async def domain_error(request: Request, exc: InboxAgentError) -> Response:
        status = 503 if isinstance(exc, StoreError | IndexError_) else 409  # unusable, not a clash
        return site.render(request, "error.html", status, error=exc)


def _said(exc: StarletteHTTPException) -> str:
    """The message of an HTTP error: its own, else one for its status."""
    detail = exc.detail if isinstance(exc.detail, str) else ""
    try:
        generic = HTTPStatus(exc.status_code).phrase
    except ValueError:
        generic = ""
    if detail and detail != generic:
        return detail
    return HTTP_ERRORS.get(exc.status_code, SOMETHING_WRONG)


def _pages(app: FastAPI, site: Site) -> None:
    config, lang = site.config, site.lang

    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request) -> Response:
        filters = views.QueueFilters.of(request.query_params)
        return site.render(request, "queue.html", queue=views.queue(config, filters, lang),
                           filters=filters)

    @app.get("/drafts/{draft_id}", response_class=HTMLResponse)
    def detail_page(request: Request, draft_id: int) -> Response:
        filters = views.QueueFilters.of(request.query_params)
        try:
            data = views.detail(config, draft_id, lang, filters)
        except InboxAgentError as err:
            raise HTTPException(404, lang.gettext(NO_DRAFT, id=draft_id)) from err
        return site.render(request, "detail.html", **data)

    @app.get("/drafts/{draft_id}/original", response_class=HTMLResponse)
    def original_page(request: Request, draft_id: int) -> Response:
        try:
            subject, raw = views.original(config, draft_id)
        except InboxAgentError as err:
            raise HTTPException(404, lang.gettext(NO_DRAFT, id=draft_id)) from err
        return site.render(request, "original.html", subject=subject, raw=raw,
                           draft_id=draft_id)

    @app.get("/other", response_class=HTMLResponse)
    def other_page(request: Request) -> Response:
        return site.render(request, "other.html", **views.other_mail(config, lang))

    @app.get("/other/unsubscribes.csv")
    def unsubscribes() -> Response:
        return Response(views.unsubscribes_csv(config), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="unsubscribes.csv"'})

    @app.get("/status", response_class=HTMLResponse)
    def status_page(request: Request) -> Response:
        return site.render(request, "status.html", info=views.status(config, lang))


NO_DRAFT = N_("There is no draft %(id)s (any more): go back to the queue.")
EMPTY = N_("The reply is empty.")
EMPTY_HINT = N_("Write the reply, then approve it.")
TO_COMPLETE = N_("The reply still has parts to complete: %(parts)s.")
TO_COMPLETE_HINT = N_("Complete or remove them, then approve.")
NO_INSTRUCTION = N_("Say what to change, for example “shorter” or “use tu”.")
PENDING_INSTRUCTION = N_("An instruction is typed: press Regenerate to follow it, or clear it "
                         "to approve.")


def _go(request: Request, draft_id: int | None, msg: str) -> RedirectResponse:
    """To a draft, or to the queue when there is none, keeping the queue's filters."""
    filters = views.QueueFilters.of(request.query_params)
    query = urlencode([*parse_qsl(filters.query()), ("msg", msg)])
    target = f"/drafts/{draft_id}" if draft_id else "/"
    return RedirectResponse(f"{target}?{query}", status_code=303)


def _refusal(lang: PageLanguage, text: str | None,
             instruction: str = "") -> InboxAgentError | None:
    """Why the page will not approve this text, in the author's language (None: it may).
    An instruction typed for regenerating (Enter in its field submits the draft's form)
    stops an approval."""
    if instruction.strip():
        return InboxAgentError(lang.gettext(PENDING_INSTRUCTION))
    if text is None:
        return None
    if not text.strip():
        return InboxAgentError(lang.gettext(EMPTY), hint=lang.gettext(EMPTY_HINT))
    if review.has_placeholders(text):
        parts = " / ".join(review.placeholder_openings(text))
        return InboxAgentError(lang.gettext(TO_COMPLETE, parts=parts),
                               hint=lang.gettext(TO_COMPLETE_HINT))
    return None


def _draft_actions(app: FastAPI, site: Site) -> None:
    config = site.config

    def next_one(request: Request, draft_id: int) -> int | None:
        return views.next_pending(config, draft_id, views.QueueFilters.of(request.query_params))

    @app.post("/drafts/{draft_id}/approve")
    async def approve(request: Request, draft_id: int) -> Response:
        form = await checked_form(request)
        text = form.get("text")
        text = str(text) if text is not None else None
        refused = _refusal(site.lang, text, str(form.get("instruction") or ""))
        try:
            if refused is not None:  # the edit is kept, as approving would have kept it
                if text is not None:
                    await run_in_threadpool(review.save_edit, config, draft_id, text)
                raise refused
            done = await run_in_threadpool(
                review.approve, config, draft_id, text, source=site.source(), index=site.index)
        except InboxAgentError as err:
            return site.retry(request, draft_id, err)
        following = await run_in_threadpool(next_one, request, draft_id)
        return _go(request, following, "sent" if done.sent else "approved")

    @app.post("/drafts/{draft_id}/save")
    async def save(request: Request, draft_id: int) -> Response:
        form = await checked_form(request)
        await run_in_threadpool(review.save_edit, config, draft_id, str(form.get("text") or ""))
        return _go(request, draft_id, "saved")

    @app.post("/drafts/{draft_id}/skip")
    async def skip(request: Request, draft_id: int) -> Response:
        await checked_form(request)
        await run_in_threadpool(review.skip, config, draft_id, source=site.source())
        following = await run_in_threadpool(next_one, request, draft_id)
        return _go(request, following, "skipped")

    @app.post("/drafts/{draft_id}/idea")
    async def idea(request: Request, draft_id: int) -> Response:
        form = await checked_form(request)
        marked = form.get("marked", "1") == "1"
        await run_in_threadpool(review.mark_idea, config, draft_id, marked)
        return _go(request, draft_id, "idea" if marked else "unidea")

    @app.post("/drafts/{draft_id}/regenerate")
    async def regenerate(request: Request, draft_id: int) -> Response:
        form = await checked_form(request)
        instruction = str(form.get("instruction") or "")
        extra = {"index": site.index} if site.index is not None else {}
        try:
            if form.get("text") is not None:  # the words typed and not saved yet are kept
                await run_in_threadpool(review.save_edit, config, draft_id,
                                        str(form.get("text")))
            if not instruction.strip():
                raise InboxAgentError(site.lang.gettext(NO_INSTRUCTION))
            await run_in_threadpool(pipeline.regenerate_draft, config, draft_id, instruction,
                                    **extra)
        except InboxAgentError as err:
            return site.retry(request, draft_id, err)
        return _go(request, draft_id, "regenerated")


def _batch_actions(app: FastAPI, site: Site) -> None:
    @app.post("/quick-thanks")
    async def quick_thanks(request: Request) -> Response:
        form = await checked_form(request)
        ids = [int(v) for v in form.getlist("ids") if str(v).isdigit()]
        report = await run_in_threadpool(review.approve_quick_thanks, site.config, ids,
                                         source=site.source(), index=site.index)
        if report.errors:
            said = "; ".join(site.lang.gettext("draft %(id)s: %(error)s", id=i,
                                               error=notes.said(str(e), site.lang))
                             for i, e in report.errors.items())
            return site.render(request, "error.html", 409, approved=len(report.approved),
                               error=said)
        kept = parse_qsl(views.QueueFilters.of(request.query_params).query())
        query = urlencode([*kept, ("msg", "batch"), ("n", len(report.approved))])
        return RedirectResponse(f"/?{query}", status_code=303)


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
    lang = PageLanguage.for_config(config)
    if token:
        echo(lang.gettext("The review page listens beyond this machine: open %(url)s", url=url))
        echo(lang.gettext("(the token in that address is required; keep it private)"))
    else:
        echo(lang.gettext("Review page: %(url)s  (Ctrl-C to stop)", url=url))
    uvicorn.run(app, host=host, port=port, log_level="warning")
