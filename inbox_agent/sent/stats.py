"""The product's own scoreboard, from the replies and the answers found in Sent.

Per ISO week of a reply's arrival: replies received, answered through a draft of ours (by
outcome), answered without one, skipped, still open; the median similarity of the sent
words to our drafts; the median time from arrival to answer. The same split by drafter
(grounded / the model's name) and by intent.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import UTC, date, datetime
from statistics import median

from inbox_agent.text.similarity import OUTCOMES

_ROWS = """
SELECT r.id, r.date, r.created_at, r.intent, d.status AS draft_status,
       a.sent_at, a.draft_id, a.drafter, a.similarity, a.outcome
FROM replies r
LEFT JOIN drafts d ON d.reply_id = r.id
LEFT JOIN answers a ON a.id = (SELECT min(id) FROM answers WHERE reply_id = r.id)
WHERE r.kind = 'reply' ORDER BY r.id
"""


def _moment(value: str | None) -> datetime | None:
    try:
        when = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _group() -> dict:
    return {"received": 0, "through_draft": dict.fromkeys(OUTCOMES, 0), "without_draft": 0,
            "skipped": 0, "open": 0, "_similarity": [], "_hours": []}


def _add(group: dict, row: sqlite3.Row, arrived: datetime) -> None:
    group["received"] += 1
    if row["sent_at"]:
        if row["draft_id"] is not None and row["outcome"] in OUTCOMES:
            group["through_draft"][row["outcome"]] += 1
            group["_similarity"].append(row["similarity"] or 0.0)
        else:
            group["without_draft"] += 1
        sent = _moment(row["sent_at"])
        if sent is not None:
            group["_hours"].append(max(0.0, (sent - arrived).total_seconds() / 3600))
    elif row["draft_status"] == "skipped":
        group["skipped"] += 1
    else:
        group["open"] += 1


def _finish(group: dict) -> dict:
    similarity, hours = group.pop("_similarity"), group.pop("_hours")
    group["median_similarity"] = round(median(similarity), 3) if similarity else None
    group["median_hours_to_answer"] = round(median(hours), 1) if hours else None
    return group


def scoreboard(conn: sqlite3.Connection, since: date | None = None) -> dict:
    """{"weeks": [...], "by_drafter": {...}, "by_intent": {...}, "total": {...}}."""
    weeks: dict[str, dict] = defaultdict(_group)
    drafters: dict[str, dict] = defaultdict(_group)
    intents: dict[str, dict] = defaultdict(_group)
    total = _group()
    for row in conn.execute(_ROWS):
        arrived = _moment(row["date"]) or _moment(row["created_at"])
        if arrived is None or (since and arrived.date() < since):
            continue
        year, week, _ = arrived.isocalendar()
        _add(weeks[f"{year}-W{week:02d}"], row, arrived)
        _add(intents[row["intent"] or "other"], row, arrived)
        _add(total, row, arrived)
        if row["draft_id"] is not None:
            _add(drafters[row["drafter"] or "grounded"], row, arrived)
    return {
        "weeks": [{"week": k, **_finish(v)} for k, v in sorted(weeks.items())],
        "by_drafter": {k: _finish(v) for k, v in sorted(drafters.items())},
        "by_intent": {k: _finish(v) for k, v in sorted(intents.items())},
        "total": _finish(total),
    }
