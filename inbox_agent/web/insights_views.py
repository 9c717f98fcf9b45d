"""The Insights page (topics for future issues, a chart of topics across issues) and the tag
and quote-permission forms of the draft page."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from inbox_agent.config import Config
from inbox_agent.errors import InboxAgentError
from inbox_agent.i18n import words
from inbox_agent.insights import use_cases as insights_use
from inbox_agent.insights.tagging import QUOTE_CHOICES
from inbox_agent.insights.topics import Insights
from inbox_agent.intake.intents import INTENTS
from inbox_agent.web.i18n import N_, PageLanguage
from inbox_agent.web.security import checked_form

MESSAGES = {
    "tags": N_("Tags saved."),
    "quote": N_("Quote permission saved."),
}
CHART_TOPICS = 10
CHART_ISSUES = 16
CELL = 44  # px between two columns or rows of the chart
LABEL_WIDTH = 220
HEAD = 40


def chart(result: Insights, lang: PageLanguage) -> dict:
    """Geometry of the topics-across-issues chart: one row per topic, one column per issue
    answered, a circle whose area follows the number of replies."""
    rows = result.topics[:CHART_TOPICS]
    keys = {k for t in rows for k in t.by_issue}
    numbered = sorted((k for k in keys if k != "none"), key=int)[-CHART_ISSUES:]
    columns = numbered + (["none"] if "none" in keys else [])
    biggest = max((n for t in rows for n in t.by_issue.values()), default=1)
    names = {k: lang.gettext("no issue") if k == "none" else f"#{k}" for k in columns}
    cells = []
    for r, topic in enumerate(rows):
        for c, key in enumerate(columns):
            count = topic.by_issue.get(key, 0)
            if count:
                radius = max(3.0, (CELL / 2 - 3) * math.sqrt(count / biggest))
                cells.append({"x": LABEL_WIDTH + c * CELL + CELL / 2,
                              "y": HEAD + r * CELL + CELL / 2, "r": round(radius, 1),
                              "count": count, "topic": topic.label, "issue": key,
                              "issue_label": names[key]})
    return {
        "width": LABEL_WIDTH + max(1, len(columns)) * CELL + 10,
        "height": HEAD + max(1, len(rows)) * CELL + 10,
        "rows": [{"label": t.label[:34], "y": HEAD + r * CELL + CELL / 2}
                 for r, t in enumerate(rows)],
        "columns": [{"label": names[k],
                     "x": LABEL_WIDTH + c * CELL + CELL / 2} for c, k in enumerate(columns)],
        "cells": cells, "label_x": LABEL_WIDTH - 8, "head_y": HEAD - 14,
    }


def _tag_changes(current: dict, form) -> tuple[list[str], list[str]]:
    """What to add and remove so that the reply's tags become those of the form."""
    intents = [i for i in form.getlist("intents") if i in INTENTS]
    topics = [t.strip() for t in str(form.get("topics") or "").split(",") if t.strip()]
    wanted = set(intents) | set(topics)
    have = set(current["intents"]) | set(current["topics"])
    return sorted(wanted - have), sorted(have - wanted)


def _back(request: Request, draft_id: str, msg: str) -> RedirectResponse:
    """To the draft page (keeping the queue's filters of its address), else Insights."""
    if not str(draft_id).isdigit():
        return RedirectResponse(f"/insights?{urlencode({'msg': msg})}", status_code=303)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "msg"]
    query = urlencode([*kept, ("msg", msg)])
    return RedirectResponse(f"/drafts/{int(draft_id)}?{query}", status_code=303)


def reply_insight(config: Config, reply_id: int, lang: PageLanguage) -> dict:
    """What the draft page shows of a reply's tags and quote permission."""
    info = insights_use.reply_tags(config, reply_id)
    return info | {"choices": [(i, words.label(words.INTENT, i, lang)) for i in INTENTS],
                   "quote_choices": [(q, words.label(words.QUOTES, q, lang))
                                     for q in QUOTE_CHOICES]}


def register(app: FastAPI, site) -> None:
    """Add the insights routes to the review application (their messages are in MESSAGES)."""
    config = site.config

    @app.get("/insights", response_class=HTMLResponse)
    async def insights_page(request: Request, since: str = "") -> Response:
        try:
            result = await run_in_threadpool(
                insights_use.topics_report, config, since or None, index=site.index
            )
        except InboxAgentError as err:
            return site.render(request, "insights.html", 400, result=None, chart=None,
                               since=since, error=err)
        return site.render(request, "insights.html", result=result,
                           chart=chart(result, site.lang), since=since)

    @app.post("/replies/{reply_id}/tags")
    async def save_tags(request: Request, reply_id: int) -> Response:
        form = await checked_form(request)
        current = await run_in_threadpool(insights_use.reply_tags, config, reply_id)
        add, remove = _tag_changes(current, form)
        if add or remove:
            await run_in_threadpool(insights_use.set_tags, config, reply_id, add, remove)
        return _back(request, str(form.get("draft") or ""), "tags")

    @app.post("/replies/{reply_id}/quote")
    async def save_quote(request: Request, reply_id: int) -> Response:
        form = await checked_form(request)
        await run_in_threadpool(insights_use.set_quote, config, reply_id,
                                str(form.get("quote") or ""))
        return _back(request, str(form.get("draft") or ""), "quote")
