"""Insights use cases: tag replies during a run, edit tags and quote permissions, compute the
topics for the CLI and the review page (reads the state database and the index, then calls
the pure code in `insights` and `topics`)."""

from __future__ import annotations

import csv
import io
import json
import logging
import sqlite3
from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from inbox_agent.config import Config
from inbox_agent.drafting import llm, prompts
from inbox_agent.errors import InboxAgentError
from inbox_agent.insights.tagging import (
    QUOTE_CHOICES,
    Tags,
    Vocabulary,
    build_vocabulary,
    clean_tag,
    tag_reply,
    validate_model_tags,
    with_emerging,
)
from inbox_agent.insights.topics import ArchiveWords, Insights, ReplyItem, compute
from inbox_agent.intake.intents import INTENTS, TAGGED, Reading
from inbox_agent.search.embeddings import clean_text
from inbox_agent.store import db as store
from inbox_agent.store import insights as store_insights
from inbox_agent.text.greeting import embedding_text
from inbox_agent.text.spreadsheet import safe_cell
from inbox_agent.wiring import make_index, state

log = logging.getLogger(__name__)


# ---- vocabulary, tagging ------------------------------------------------------------------


class ModelTags(BaseModel):
    """What the model must return for one reply."""

    intents: list[str] = Field(description="Intents of the message, the main one first.")
    topics: list[str] = Field(default_factory=list, description="Short topics, at most 5.")


def vocabulary(conn: sqlite3.Connection) -> Vocabulary:
    """Archive tags and key phrases, plus the phrases replies share that the archive lacks."""
    texts = [r["reply_text"] for r in store.list_replies(conn, ["reply"])]
    return with_emerging(build_vocabulary(store.load_issues(conn)), texts)


def model_tags(model: Any, text: str, vocab: Vocabulary, first_intent: str = "") -> Tags | None:
    """Tags asked of a chat model with prompts/tag_reply.j2; None when its answer is invalid
    (the caller then uses the rules)."""
    prompt = prompts.render(
        "tag_reply.j2", message=text[:4_000], intents=list(INTENTS), first_intent=first_intent,
        topics=vocab.labels()[:80],
    )
    try:
        structured = model.with_structured_output(ModelTags)
    except (NotImplementedError, AttributeError):
        structured = None
    try:
        if structured is not None:
            answer = llm.call_with_retries(lambda: structured.invoke(prompt), attempts=2)
            data = answer.model_dump() if isinstance(answer, ModelTags) else answer
            return validate_model_tags(data, vocab)
        raw = llm.call_with_retries(lambda: model.invoke(prompt), attempts=2)
    except InboxAgentError as err:
        log.warning("tagging with the model failed (%s): using the rules", err)
        return None
    except ValidationError:
        log.info("the model's tags do not match the schema: using the rules")
        return None
    content = llm.content_text(raw).strip()
    fenced = llm.FENCE.match(content)
    try:
        data = json.loads(fenced.group(1) if fenced else content)
    except json.JSONDecodeError:
        log.info("the model's tags are not JSON: using the rules")
        return None
    return validate_model_tags(data, vocab)


def model_reader(model: Any) -> Callable[[str, Reading], Reading | None]:
    """The intents a chat model tags a reply with, as `tag_pending` asks it (told the first
    reading's leading intent); None when its answer is unusable. For `eval intents --llm`."""
    empty = Vocabulary()

    def read(text: str, first: Reading) -> Reading | None:
        tags = model_tags(model, text, empty, first.primary)
        return Reading(tags.intents, TAGGED) if tags is not None else None

    return read


def tag_pending(
    config: Config, conn: sqlite3.Connection, *, index: Any = None, model: Any = None
) -> int:
    """Tag every reply not tagged yet (model when configured, else rules), store its embedding
    for the topics; returns how many were tagged. Tags the author edited are kept."""
    rows = store_insights.replies_to_tag(conn)
    if not rows:
        return 0
    vocab = vocabulary(conn)
    if model is None and config.llm.model:
        model = llm.build_chat_model(config.llm)
    for row in rows:
        text = row["reply_text"] or ""
        tags = model_tags(model, text, vocab, row["intent"]) if model is not None else None
        tags = tags or tag_reply(text, vocab, row["intent"])
        tagger = "rules" if tags.tagger == "rules" else _model_name(model)
        with store.transaction(conn):
            store_insights.save_auto_tags(conn, row["id"], tags.intents, tags.topics, tagger)
    try:
        _reply_vectors(config, conn, [r["id"] for r in rows], index or make_index(config))
    except InboxAgentError as err:  # topics embed what is missing later
        log.warning("reply embeddings not stored: %s", err)
    return len(rows)


def _model_name(model: Any) -> str:
    return llm.model_name(model)


def _reply_vectors(
    config: Config, conn: sqlite3.Connection, reply_ids: list[int], index: Any
) -> np.ndarray:
    """One embedding per reply id, from the store or embedded now (and stored)."""
    spec = config.index.embedding
    stored = store_insights.reply_vectors(conn, spec)
    missing = [i for i in reply_ids if i not in stored]
    if missing:
        texts = {r["id"]: r["reply_text"] for r in store.list_replies(conn, ["reply"])}
        embeddings = index.embeddings
        for reply_id in missing:
            text = clean_text(embedding_text(texts.get(reply_id, "")))
            vector = np.asarray(embeddings.embed_query(text), dtype=np.float32)
            with store.transaction(conn):
                store_insights.save_reply_vector(conn, reply_id, spec, vector.tobytes())
            stored[reply_id] = vector.tobytes()
    return np.array([np.frombuffer(stored[i], dtype=np.float32) for i in reply_ids])


# ---- topics ----------------------------------------------------------------------------


def _items(conn: sqlite3.Connection, since: str | None, vocab: Vocabulary) -> list[ReplyItem]:
    rows = [r for r in store.list_replies(conn, ["reply"]) if not since or r["date"][:10] >= since]
    saved = store_insights.tags_of(conn, [r["id"] for r in rows])
    starred = store_insights.starred_replies(conn)
    items = []
    for row in rows:
        info = saved.get(row["id"], {})
        fresh = tag_reply(row["reply_text"] or "", vocab, row["intent"])
        intents = tuple(info.get("intents") or fresh.intents)
        topics = tuple(info.get("topics") or ())
        if not info.get("edited"):  # new emerging topics join the automatic ones
            topics = tuple(dict.fromkeys((*topics, *fresh.topics)))
        items.append(ReplyItem(
            id=row["id"], text=row["reply_text"] or "", name=row["from_name"] or "",
            issue=row["issue_number"], date=row["date"] or "", quote=info.get("quote", "no"),
            intents=intents, topics=topics, starred=row["id"] in starred,
            language=row["language"] or "",
        ))  # fmt: skip
    return items


def topics_report(
    config: Config, since: str | None = None, *, index: Any = None, use_vectors: bool = True
) -> Insights:
    """Topics across the replies (since a date, YYYY-MM-DD), ranked as future issues."""
    if since:
        _check_date(since)
    with state(config) as conn:
        vocab = vocabulary(conn)
        items = _items(conn, since, vocab)
        issues = store.load_issues(conn)
        vectors = embed_labels = None
        if use_vectors and items:
            index = index or make_index(config)
            vectors = _reply_vectors(config, conn, [i.id for i in items], index)
            embed_labels = _label_embedder(index)
    archive = ArchiveWords.of(issues) if items else None
    return compute(items, vocab, vectors, archive, issues=issues, embed_labels=embed_labels)


def _label_embedder(index: Any):
    """Topic labels -> vectors (as queries: short texts compared with each other)."""
    def embed(labels: list[str]) -> np.ndarray:
        try:
            return np.array([index.embeddings.embed_query(label) for label in labels])
        except InboxAgentError as err:
            log.warning("topic labels not compared across languages: %s", err)
            return None

    return embed


def _check_date(value: str) -> None:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError as err:
        raise InboxAgentError(f"--since {value!r}", hint="give a date like 2026-06-01") from err


def topics_json(result: Insights) -> list[dict]:
    """The topics as `inbox-agent topics --format json` prints them."""
    return [
        {"label": t.label, "kind": t.kind, "starred": t.starred, "count": t.count,
         "coverage": t.coverage, "level": t.level, "phrases": t.phrases, "quotes": t.quotes,
         "issues": t.issues, "reply_ids": t.reply_ids, "score": t.score,
         "covered_by": t.covered_by}
        for t in result.topics
    ]


def topics_csv(result: Insights) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["label", "kind", "count", "coverage", "level", "score", "issues",
                     "reply_ids", "quotes"])
    for t in result.topics:
        quotes = " | ".join(quote_line(q) for q in t.quotes)
        writer.writerow([safe_cell(t.label), t.kind, t.count, t.coverage, t.level, t.score,
                         " ".join(map(str, t.issues)), " ".join(map(str, t.reply_ids)),
                         safe_cell(quotes)])
    return out.getvalue()


def quote_line(quote: dict) -> str:
    return f"« {quote['text']} »" + (f" — {quote['name']}" if quote["name"] else "")


# ---- editing -------------------------------------------------------------------------------


def _reply_or_error(conn: sqlite3.Connection, reply_id: int) -> sqlite3.Row:
    row = store.get_reply(conn, reply_id)
    if row is None:
        raise InboxAgentError(
            f"no reply {reply_id}", hint="see `inbox-agent drafts list` (reply_id)"
        )
    return row


def reply_tags(config: Config, reply_id: int) -> dict:
    """{"reply_id", "intents", "topics", "quote", "edited", "tagger"} of one reply."""
    with state(config) as conn:
        _reply_or_error(conn, reply_id)
        info = store_insights.tags_of(conn, [reply_id]).get(reply_id)
    info = info or {"intents": [], "topics": [], "edited": False, "quote": "no", "tagger": ""}
    return {"reply_id": reply_id, **info}


def set_tags(config: Config, reply_id: int, add: list[str], remove: list[str]) -> dict:
    """Add and remove tags (an intent name is an intent, anything else a topic)."""
    def pairs(tags: list[str]) -> list[tuple[str, str]]:
        cleaned = [clean_tag(t) for t in tags if clean_tag(t)]
        return [("intent" if t in INTENTS else "topic", t) for t in cleaned]

    with state(config) as conn:
        _reply_or_error(conn, reply_id)
        with store.transaction(conn):
            store_insights.edit_tags(conn, reply_id, pairs(add), pairs(remove))
    return reply_tags(config, reply_id)


def set_quote(config: Config, reply_id: int, quote: str) -> None:
    quote = quote.replace("-", "_")
    if quote not in QUOTE_CHOICES:
        raise InboxAgentError(
            f"quote permission {quote!r}", hint="use with-name, anonymous or no"
        )
    with state(config) as conn:
        _reply_or_error(conn, reply_id)
        with store.transaction(conn):
            store_insights.set_quote_permission(conn, reply_id, quote)
