"""What each page shows, read from the state database (no HTML here)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urlencode

from inbox_agent import worker
from inbox_agent.config import Config
from inbox_agent.errors import InboxAgentError
from inbox_agent.i18n import notes, words
from inbox_agent.review import approve as review
from inbox_agent.review import queries
from inbox_agent.store import db as store
from inbox_agent.store import review as store_review
from inbox_agent.text.spreadsheet import safe_cell
from inbox_agent.web import evidence, insights_views, scoreboard_views
from inbox_agent.web.i18n import PageLanguage
from inbox_agent.wiring import state

PAGE_SIZE = 50
QUICK_THANKS_SHOWN = 25


@dataclass
class QueueFilters:
    issue: str = ""  # issue number, "none" for replies to no known issue, "" for all
    intent: str = ""
    language: str = ""
    ideas: bool = False
    page: int = 1

    @classmethod
    def of(cls, params) -> QueueFilters:
        """The filters of a query string (the queue's, carried to a draft and its actions)."""
        page = str(params.get("page") or "1")
        return cls(str(params.get("issue") or ""), str(params.get("intent") or ""),
                   str(params.get("lang") or ""), bool(params.get("ideas")),
                   int(page) if page.isdigit() else 1)

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
        "date": row["reply_date"] or "",
        "text": row["final_text"],
    }


def _sort_key(row: sqlite3.Row) -> tuple:
    number, intent, draft_id = row["issue_number"], row["intent"], row["id"]
    return (number is None, -(number or 0), intent or "other", draft_id)


def queue(config: Config, filters: QueueFilters, lang: PageLanguage) -> Queue:
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
        ("none" if n is None else str(n), issue_label(n, titles, lang), c)
        for n, c in sorted(issues.items(), key=lambda kv: (kv[0] is None, -(kv[0] or 0)))
    ]
    intents = Counter(r["intent"] or "other" for r in rows)
    result.by_intent = [(k, words.label(words.INTENTS, k, lang), c)
                        for k, c in intents.most_common()]
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
            {"intent": k, "label": words.label(words.INTENTS, k, lang),
             "cards": [_card(r) for r in g]}
            for k, g in groupby(in_issue, key=lambda r: r["intent"] or "other")
        ]
        result.groups.append({"label": issue_label(number, titles, lang), "kinds": kinds,
                              "count": len(in_issue)})
    return result


def issue_label(number: int | None, titles: dict[int, str], lang: PageLanguage) -> str:
    if number is None:
        return lang.gettext("No issue identified")
    title = titles.get(number)
    if not title:
        return lang.gettext("Issue #%(number)s", number=number)
    return title if f"#{number}" in title else f"#{number} · {title}"


def _in_queue_order(conn: sqlite3.Connection, draft_id: int,
                    filters: QueueFilters) -> tuple[list[int], set[int]]:
    """Ids of the drafts the queue shows with `filters`, in its order, with `draft_id` in
    its place whatever its status; and which of them are still pending."""
    rows = conn.execute(
        "SELECT d.id, d.status, d.language, d.marked_idea, r.issue_number, r.intent "
        "FROM drafts d JOIN replies r ON r.id = d.reply_id "
        "WHERE d.status = 'pending' OR d.id = ?", (draft_id,)
    ).fetchall()
    chosen = sorted((r for r in rows if r["id"] == draft_id or filters.matches(r)),
                    key=_sort_key)
    return [r["id"] for r in chosen], {r["id"] for r in chosen if r["status"] == "pending"}


def neighbours(conn: sqlite3.Connection, draft_id: int,
               filters: QueueFilters) -> tuple[int | None, int | None]:
    """The previous and next pending drafts around `draft_id` in the filtered queue; next
    goes round to the first one when `draft_id` is the last."""
    order, pending = _in_queue_order(conn, draft_id, filters)
    pending.discard(draft_id)
    at = order.index(draft_id) if draft_id in order else -1
    before = [i for i in order[:max(at, 0)] if i in pending]
    after = [i for i in order[at + 1:] + order[:max(at, 0)] if i in pending]
    return (before[-1] if before else None), (after[0] if after else None)


def next_pending(config: Config, after: int, filters: QueueFilters | None = None) -> int | None:
    """The pending draft to review after `after` in the same filtered queue (None: none)."""
    with state(config) as conn:
        return neighbours(conn, after, filters or QueueFilters())[1]


def detail(config: Config, draft_id: int, lang: PageLanguage,
           filters: QueueFilters | None = None) -> dict:
    filters = filters or QueueFilters()
    with state(config) as conn:
        row = store.get_draft(conn, draft_id)
        if row is None:
            raise InboxAgentError(f"no draft {draft_id}")
        reply = store.get_reply(conn, row["reply_id"])
        history = store.reader_history(conn, reply["from_email"], reply["id"])
        previous, following = neighbours(conn, draft_id, filters)
        titles = issue_titles(conn)
        earlier = reused_exchange(conn, row)
    draft = dict(row) | {"flags": json.loads(row["flags"])}
    query = filters.query()
    return {
        "draft": draft,
        "reply": {k: v for k, v in dict(reply).items() if k != "raw"},
        "attachments": json.loads(reply["attachments"]),
        "has_raw": reply["raw"] is not None,
        "history": [dict(h) | {"status_label": words.label(words.STATUSES,
                                                            h["status"] or "none", lang)}
                    for h in history],
        "cited": evidence.evidence(json.loads(row["cited"]), reply["reply_text"]),
        "issue_label": issue_label(reply["issue_number"], titles, lang),
        "previous": previous,
        "next": following,
        "back": f"?{query}" if query else "",
        "placeholders": review.placeholder_openings(row["final_text"]),
        "edited": row["final_text"] != row["generated_text"],
        "status_label": words.label(words.STATUSES, draft["status"], lang),
        "intent_label": words.label(words.INTENT, reply["intent"] or "other", lang),
        "drafter_label": words.drafter(draft["drafter"], lang),
        "destination": words.destination(draft, lang),
        "insight": insights_views.reply_insight(config, reply["id"], lang),
        "earlier": earlier,
    }


def reused_exchange(conn: sqlite3.Connection, draft: sqlite3.Row) -> dict | None:
    """The earlier exchange whose answer the draft adapts, with how close the two readers'
    messages are (0 to 1, None when unknown); None when the draft reuses no answer."""
    if draft["reused_reply"] is None:
        return None
    earlier = queries.earlier_exchange(conn, draft["reused_reply"])
    score = draft["reuse_score"]
    closeness = None if score is None else min(1.0, max(0.0, score))
    return earlier | {"closeness": closeness} if earlier else None


def original(config: Config, draft_id: int) -> tuple[str, str]:
    """The reader's message as received (decoded as UTF-8, for display as text)."""
    with state(config) as conn:
        row = store.get_draft(conn, draft_id)
        if row is None:
            raise InboxAgentError(f"no draft {draft_id}")
        reply = store.get_reply(conn, row["reply_id"])
    raw = reply["raw"] or b""
    return row["subject"], raw.decode("utf-8", "replace")


def other_mail(config: Config, lang: PageLanguage) -> dict:
    items = [i | {"kind_label": words.label(words.KINDS, i["kind"], lang)}
             for i in queries.set_apart(config)]
    kinds = Counter(item["kind"] for item in items)
    shown = [(k, words.label(words.KINDS, k, lang), n) for k, n in sorted(kinds.items())]
    return {"items": items, "kinds": shown}


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


def status(config: Config, lang: PageLanguage) -> dict:
    info = queries.status(config)
    next_runs: list = []
    worker_note = ""
    try:
        next_runs = worker.next_fire_times(config)
    except InboxAgentError as err:  # a schedule the worker cannot read
        worker_note = lang.gettext("Next run unknown: %(reason)s",
                                   reason=notes.said(str(err), lang))
    runs = [run | {"kind_label": words.label(words.RUN_KINDS, run["kind"], lang),
                   "status_label": words.label(words.RUN_STATUSES, run["status"], lang),
                   "count_labels": [(words.label(words.RUN_COUNTS, k, lang), v)
                                    for k, v in run["counts"].items() if v]}
            for run in info["runs"]]
    edits = [w | {"week": words.week(w["week"], lang)} for w in review.edit_stats(config)]
    return info | {"runs": runs, "next_runs": next_runs, "worker_note": worker_note,
                   "edits": edits, "board": scoreboard_views.board(config, lang),
                   "draft_counts": [(s, words.label(words.STAT_TILES, s, lang))
                                    for s in words.STAT_TILES]}
