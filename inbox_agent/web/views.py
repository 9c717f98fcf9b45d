"""What each page shows, read from the state database (no HTML here)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from inbox_agent import worker
from inbox_agent.config import Config
from inbox_agent.errors import InboxAgentError
from inbox_agent.review import approve as review
from inbox_agent.review import queries
from inbox_agent.store import db as store
from inbox_agent.store import review as store_review
from inbox_agent.text.spreadsheet import safe_cell
from inbox_agent.web import insights_views
from inbox_agent.wiring import state

PAGE_SIZE = 50
QUICK_THANKS_SHOWN = 25
INTENT_LABELS = {
    "thanks": "Thanks", "question": "Questions", "disagreement": "Disagreements",
    "idea": "Ideas", "story": "Stories", "correction": "Corrections", "other": "Other",
}  # fmt: skip


@dataclass
class QueueFilters:
    issue: str = ""  # issue number, "none" for replies to no known issue, "" for all
    intent: str = ""
    language: str = ""
    ideas: bool = False
    page: int = 1

    def matches(self, row: sqlite3.Row) -> bool:
        if self.issue == "none" and row["issue_number"] is not None:
            return False
        if self.issue not in ("", "none") and str(row["issue_number"]) != self.issue:
            return False
        if self.intent and (row["intent"] or "other") != self.intent:
            return False
        if self.language and row["language"] != self.language:
            return False
        return not (self.ideas and not row["marked_idea"])

    def query(self, **changes) -> str:
        values = {"issue": self.issue, "intent": self.intent, "lang": self.language,
                  "ideas": "1" if self.ideas else "", "page": ""}
        values.update(changes)
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in values.items() if v})


@dataclass
class Queue:
    groups: list[dict] = field(default_factory=list)
    total_pending: int = 0
    shown: int = 0
    matching: int = 0
    page: int = 1
    pages: int = 1
    by_issue: list[tuple[str, str, int]] = field(default_factory=list)
    by_intent: list[tuple[str, str, int]] = field(default_factory=list)
    by_language: list[tuple[str, int]] = field(default_factory=list)
    ideas: int = 0
    quick_thanks: list[dict] = field(default_factory=list)
    quick_thanks_total: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)


def issue_titles(conn: sqlite3.Connection) -> dict[int, str]:
    rows = conn.execute("SELECT number, title FROM archive_issues WHERE number IS NOT NULL")
    return {row[0]: row[1] for row in rows}


def _card(row: sqlite3.Row) -> dict:
    text = row["reply_text"] or ""
    return {
        "id": row["id"], "name": row["reader_name"] or row["reader_email"],
        "email": row["reply_to"] or row["reader_email"], "subject": row["subject"],
        "excerpt": " ".join(text.split())[:180], "intent": row["intent"] or "other",
        "language": row["language"], "issue": row["issue_number"],
        "idea": bool(row["marked_idea"]), "flags": json.loads(row["flags"]),
        "placeholders": review.has_placeholders(row["final_text"]),
        "date": (row["reply_date"] or "")[:10],
        "text": row["final_text"],
    }


def _sort_key(row: sqlite3.Row) -> tuple:
    number, intent, draft_id = row["issue_number"], row["intent"], row["id"]
    return (number is None, -(number or 0), intent or "other", draft_id)


def queue(config: Config, filters: QueueFilters) -> Queue:
    with state(config) as conn:
        rows = store_review.pending_cards(conn)
        titles = issue_titles(conn)
        counts = dict(conn.execute("SELECT status, count(*) FROM drafts GROUP BY status"))
    result = Queue(total_pending=len(rows), status_counts=counts)
    lane = [r for r in rows if review.is_quick_thanks(r, author_email=config.author.email)]
    result.quick_thanks = [_card(r) for r in lane[:QUICK_THANKS_SHOWN]]
    result.quick_thanks_total = len(lane)
    result.ideas = sum(bool(r["marked_idea"]) for r in rows)
    issues = Counter(r["issue_number"] for r in rows)
    result.by_issue = [
        ("none" if n is None else str(n), _issue_label(n, titles), c)
        for n, c in sorted(issues.items(), key=lambda kv: (kv[0] is None, -(kv[0] or 0)))
    ]
    intents = Counter(r["intent"] or "other" for r in rows)
    result.by_intent = [(k, INTENT_LABELS.get(k, k), c) for k, c in intents.most_common()]
    result.by_language = Counter(r["language"] for r in rows).most_common()
    chosen = sorted((r for r in rows if filters.matches(r)), key=_sort_key)
    result.matching = len(chosen)
    result.pages = max(1, -(-len(chosen) // PAGE_SIZE))
    result.page = min(max(1, filters.page), result.pages)
    page = chosen[(result.page - 1) * PAGE_SIZE : result.page * PAGE_SIZE]
    result.shown = len(page)
    for number, in_issue in groupby(page, key=lambda r: r["issue_number"]):
        in_issue = list(in_issue)
        kinds = [
            {"intent": k, "label": INTENT_LABELS.get(k, k), "cards": [_card(r) for r in g]}
            for k, g in groupby(in_issue, key=lambda r: r["intent"] or "other")
        ]
        result.groups.append({"label": _issue_label(number, titles), "kinds": kinds,
                              "count": len(in_issue)})
    return result


def _issue_label(number: int | None, titles: dict[int, str]) -> str:
    if number is None:
        return "No issue identified"
    title = titles.get(number)
    if not title:
        return f"Issue #{number}"
    return title if f"#{number}" in title else f"#{number} · {title}"


def _pending_order(conn: sqlite3.Connection) -> list[int]:
    """Ids of the pending drafts in queue order (issue, newest first; kind; id)."""
    rows = conn.execute(
        "SELECT d.id, r.issue_number, r.intent FROM drafts d JOIN replies r ON r.id = d.reply_id "
        "WHERE d.status = 'pending'"
    )
    return [row["id"] for row in sorted(rows, key=_sort_key)]


def _neighbours(conn: sqlite3.Connection, draft_id: int) -> tuple[int | None, int | None]:
    """The previous and next pending drafts in queue order, around `draft_id`."""
    order = _pending_order(conn)
    if draft_id not in order:
        return None, (order[0] if order else None)
    at = order.index(draft_id)
    return (order[at - 1] if at else None), (order[at + 1] if at + 1 < len(order) else None)


def next_pending(config: Config, after: int) -> int | None:
    with state(config) as conn:
        order = _pending_order(conn)
    later = [i for i in order if i > after]
    return (later or order or [None])[0]


def detail(config: Config, draft_id: int) -> dict:
    with state(config) as conn:
        row = store.get_draft(conn, draft_id)
        if row is None:
            raise InboxAgentError(f"no draft {draft_id}")
        reply = store.get_reply(conn, row["reply_id"])
        history = store.reader_history(conn, reply["from_email"], reply["id"])
        previous, following = _neighbours(conn, draft_id)
        titles = issue_titles(conn)
    cited = json.loads(row["cited"])
    return {
        "draft": dict(row) | {"flags": json.loads(row["flags"])},
        "reply": {k: v for k, v in dict(reply).items() if k != "raw"},
        "attachments": json.loads(reply["attachments"]),
        "has_raw": reply["raw"] is not None,
        "history": [dict(h) for h in history],
        "cited": cited,
        "issue_label": _issue_label(reply["issue_number"], titles),
        "previous": previous,
        "next": following,
        "placeholders": review.placeholder_openings(row["final_text"]),
        "edited": row["final_text"] != row["generated_text"],
        "insight": insights_views.reply_insight(config, reply["id"]),
    }


def original(config: Config, draft_id: int) -> tuple[str, str]:
    """The reader's message as received (decoded as UTF-8, for display as text)."""
    with state(config) as conn:
        row = store.get_draft(conn, draft_id)
        if row is None:
            raise InboxAgentError(f"no draft {draft_id}")
        reply = store.get_reply(conn, row["reply_id"])
    raw = reply["raw"] or b""
    return row["subject"], raw.decode("utf-8", "replace")


def other_mail(config: Config) -> dict:
    items = queries.set_apart(config)
    kinds = Counter(item["kind"] for item in items)
    return {"items": items, "kinds": sorted(kinds.items())}


def unsubscribes_csv(config: Config) -> str:
    """email,subject of every unsubscribe request; cells that a spreadsheet would run as a
    formula are prefixed with a quote."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "subject"])
    seen = set()
    for item in queries.set_apart(config):
        if item["kind"] != "unsubscribe" or item["from"].lower() in seen:
            continue
        seen.add(item["from"].lower())
        writer.writerow([safe_cell(item["from"]), safe_cell(item["subject"])])
    return out.getvalue()


def status(config: Config) -> dict:
    info = queries.status(config)
    next_runs: list[str] = []
    worker_note = ""
    try:
        next_runs = [_when(t) for t in worker.next_fire_times(config)]
    except InboxAgentError as err:  # a schedule the worker cannot read
        worker_note = f"next run unknown: {err}"
    return info | {"next_runs": next_runs, "worker_note": worker_note,
                   "edits": review.edit_stats(config)}


def _when(moment: object) -> str:
    if isinstance(moment, datetime):
        return moment.strftime("%a %d %b %Y, %H:%M %Z").strip()
    return str(moment)
