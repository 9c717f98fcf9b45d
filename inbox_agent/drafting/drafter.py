"""Drafting use case: build the context of one stored reply and draft the answer.

Chooses the drafter (the configured chat model, else the grounded template
drafter), applies the guardrails, and falls back to the grounded drafter when a
model's output stays invalid after one repair. Also regenerates a draft with an
instruction from the author.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
from dataclasses import dataclass, field, replace
from typing import Any

from inbox_agent.config import Config
from inbox_agent.drafting import guardrails, languages, llm, prompts
from inbox_agent.drafting.grounded import DraftRequest, fr_typography, grounded_draft, human_date
from inbox_agent.drafting.instructions import grounded_changes
from inbox_agent.drafting.languages import detect_register
from inbox_agent.drafting.plan import ordered_intents
from inbox_agent.drafting.reuse import MIN_OVERLAP, Reuse, answer_body, overlap, reader_names
from inbox_agent.drafting.voice import Sample, Voice, learn_voice
from inbox_agent.errors import InboxAgentError
from inbox_agent.intake.intents import rule_intents
from inbox_agent.models import Draft, Evidence, Issue, memory_key, memory_reply
from inbox_agent.store import answers as store_answers
from inbox_agent.store import db as store
from inbox_agent.text.language import LANGUAGE_NAMES, detect_language

log = logging.getLogger(__name__)

PASSAGE_CHARS = 700
HISTORY_CHARS = 600


@dataclass
class ReplyContext:
    """Everything known about one reply, for either drafter."""

    request: DraftRequest
    prompt: dict[str, Any]  # the variables of prompts/system.j2 and draft_reply.j2
    allowed_urls: list[str]
    allowed_emails: list[str]
    evidence: list[Evidence] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # about the reply itself, on every draft


def register_of(config: Config, text: str, language: str) -> str:
    """tu / vous as the reader wrote: the author's default in French, else the polite form."""
    return detect_register(text, config.author.register if language == "fr" else "vous", language)


def build_context(
    config: Config,
    row: sqlite3.Row,
    index: Any,
    issues: dict[str, Issue],
    conn: sqlite3.Connection | None = None,
) -> ReplyContext:
    """The reader, their message, the issue answered, related issues, history and examples."""
    answered = _answered_key(row["issue_number"], issues)
    query = row["reply_text"] or row["subject"]  # the search embeds its embedding_text
    # only issues close to the best match: a weak one would ride along in every draft
    found = index.search(query, k=config.draft.max_issues, answered=answered, relevant_only=True)
    # an issue's link reaches a draft only as http(s): never javascript:, data: or ftp:
    evidence = [e if guardrails.web_links([e.url]) else replace(e, url="") for e in found]
    # the reader's language (else the author's), and flags when it is uncertain or mixed
    language, flags = languages.choose_language(
        row["language"], row["reply_text"], config.author.default_language
    )
    register = register_of(config, row["reply_text"], language)
    entry = languages.LANGUAGES.get(language)
    intents = intents_of(row)
    examples = _similar_answers(config, index, query, language)
    reuse = _reuse(config, conn, row, examples)
    request = DraftRequest(
        reply_text=row["reply_text"],
        language=language,
        first_name=row["first_name"],
        intent=intents[0],
        intents=intents,
        issue_texts={e.issue_key: issues[e.issue_key].text for e in evidence
                     if e.issue_key in issues},
        subject=row["subject"],
        evidence=evidence,
        tags={key: issue.tags for key, issue in issues.items()},
        register=register,
        issue_languages={key: issue.language for key, issue in issues.items()},
        full_name=row["from_name"] or "",
        reuse=reuse,
        voice=author_voice(config, conn),
        seed=int(row["id"]),
    )
    prompt = {
        "author": _author(config),
        "reader": {
            "name": row["from_name"],
            "first_name": row["first_name"],
            "email": row["from_email"],
            "language": language,
            "language_name": LANGUAGE_NAMES.get(language, language),
            "register": entry.register_word(register) if entry else "",
        },
        "subject": row["subject"],
        "message": row["reply_text"].strip(),
        "answered": _issue_view(issues.get(answered or ""), language),
        "evidence": [_evidence_view(e, language) for e in evidence],
        "history": _history(config, conn, row),
        "examples": [_example_view(e) for e in examples[: config.draft.style_examples]],
        "reused": {"text": reuse.text, "date": human_date(reuse.sent_at, language)}
        if reuse else None,
        "placeholder": languages.placeholder(language),
        "min_words": config.draft.min_words,
        "max_words": config.draft.max_words,
    }
    emails = [config.author.email, row["from_email"], row["reply_to"]]
    urls = [e.url for e in evidence if e.url] + _reuse_urls(reuse)
    return ReplyContext(request, prompt, urls, emails, evidence, flags)


def intents_of(row: sqlite3.Row) -> tuple[str, ...]:
    """The reply's intents, the leading one first: the stored one (read again by the model
    before drafting, or set by the author) leads, the cue rules add what else the reader
    does; thanks never leads a reply that also needs an answer."""
    rules = rule_intents(row["reply_text"] or "")
    return ordered_intents(row["intent"] or rules[0], rules)


def _author(config: Config) -> dict[str, str]:
    author = config.author
    return {
        "name": author.name or author.email,
        "newsletter": config.newsletter.name,
        "tone": author.tone,
        "style": author.style,
        "sign_off": author.sign_off,
        "signature": (author.signature or author.name).strip(),
    }


def _issue_view(issue: Issue | None, language: str) -> dict | None:
    if issue is None:
        return None
    return {
        "number": issue.number,
        "title": issue.title,
        "url": issue.url,
        "date": human_date(issue.date, language),
    }


def _evidence_view(item: Evidence, language: str) -> dict:
    return {
        "title": item.title,
        "number": item.number,
        "date": human_date(item.date, language),
        "url": item.url,
        "answered": item.answered,
        "passages": [_clip(p, PASSAGE_CHARS) for p in item.passages[:2]],
    }


def _history(config: Config, conn: sqlite3.Connection | None, row: sqlite3.Row) -> list[dict]:
    if conn is None or config.draft.history <= 0:
        return []

    rows = store.reader_history(conn, row["from_email"], row["id"])[-config.draft.history :]
    return [
        {
            "date": (past["date"] or "")[:10],
            "subject": past["subject"],
            "reader_text": _clip(past["reply_text"], HISTORY_CHARS),
            "author_reply": _clip(past["final_text"] or "", HISTORY_CHARS)
            if past["status"] in ("approved", "sent")
            else "",
        }
        for past in rows
    ]


def _similar_answers(config: Config, index: Any, text: str, language: str) -> list[dict]:
    """The author's answers to the readers' messages closest to this one, in its language
    (the style examples of a model, and the answers a grounded draft may reuse)."""
    k = max(config.draft.style_examples, REUSE_CANDIDATES if config.draft.reuse else 0)
    if k <= 0 or not hasattr(index, "style_examples"):
        return []
    try:
        return index.style_examples(text, k=k + 1, language=language)  # +1: this reply's own
    except InboxAgentError as err:
        log.warning("style examples unavailable: %s", err)
        return []


def _example_view(example: dict) -> dict:
    return {"reader_text": _clip(example["reader_text"], HISTORY_CHARS),
            "reply_text": example["reply_text"]}


REUSE_CANDIDATES = 3  # the closest answered messages a reply's reuse is chosen among


def _reuse(config: Config, conn: sqlite3.Connection | None, row: sqlite3.Row,
           examples: list[dict]) -> Reuse | None:
    """The author's answer to another reader's message close enough to this one, if any.

    Drops this reply's own entry from `examples` (a draft written again finds it)."""
    own = memory_key(row["id"])
    examples[:] = [e for e in examples if e.get("key") != own]
    if conn is None or not config.draft.reuse:
        return None
    for example in examples[:REUSE_CANDIDATES]:
        if example.get("score", 0.0) < config.draft.reuse_min_score:
            break  # the closest first: the others are further
        earlier = memory_reply(example.get("key", ""))
        if earlier is None:
            continue
        if overlap(row["reply_text"], example["reader_text"], row["language"]) < MIN_OVERLAP:
            continue
        reuse = _earlier(conn, row, earlier, float(example["score"]))
        if reuse:
            return reuse
    return None


def _earlier(conn: sqlite3.Connection, row: sqlite3.Row, reply_id: int,
             score: float) -> Reuse | None:
    earlier = store_answers.earlier_answer(conn, reply_id)
    if earlier is None or earlier["email"].lower() == (row["from_email"] or "").lower():
        return None  # what the author told this reader before is in the history instead
    names = reader_names(earlier["first_name"], earlier["full_name"])
    body = answer_body(earlier["text"], names)
    if len(body.split()) < 3:
        return None
    return Reuse(earlier["reply_id"], earlier["first_name"], earlier["sent_at"][:10], body,
                 round(score, 4))


def _reuse_urls(reuse: Reuse | None) -> list[str]:
    """The links of the author's own earlier answer: theirs to keep."""
    return guardrails.web_links(guardrails.URL.findall(reuse.text)) if reuse else []


def reuse_flag(reuse: Reuse) -> str:
    who = reuse.first_name or "another reader"
    return (f"a close message was answered before ({who}, {reuse.sent_at}, "
            f"{reuse.score:.0%} alike): your answer is offered in the draft; adapt it")


_VOICES: dict[tuple[str, int], Voice] = {}


def author_voice(config: Config, conn: sqlite3.Connection | None) -> Voice | None:
    """The author's voice learned from their sent answers (None without any); learned once
    per new answer."""
    if conn is None or not config.draft.voice:
        return None
    database = conn.execute("PRAGMA database_list").fetchone()[2] or str(id(conn))
    key = (database, store_answers.latest_voice_sample(conn))
    if key[1] == 0:
        return None
    if key not in _VOICES:
        _VOICES.clear()
        samples = [Sample(r["text"], r["language"], r["first_name"] or "")
                   for r in store_answers.voice_samples(conn)]
        names = [config.author.name, *(config.author.name or "").split()[:1],
                 (config.author.signature or "").strip()]
        _VOICES[key] = learn_voice(samples, names)
    return _VOICES[key] or None


def _clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _answered_key(number: int | None, issues: dict[str, Issue]) -> str | None:
    if number is None:
        return None
    for key, issue in issues.items():
        if issue.number == number:
            return key
    return None


# --- drafting -------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def chat_model(settings: Any) -> Any:
    """The configured chat model, built once per settings."""
    return llm.build_chat_model(settings)


def draft_for(
    config: Config,
    row: sqlite3.Row,
    index: Any,
    issues: dict[str, Issue],
    conn: sqlite3.Connection | None = None,
    *,
    model: Any = None,
) -> Draft:
    """Draft the answer to one stored reply, with the model when one is configured."""
    context = build_context(config, row, index, issues, conn)
    if model is None and config.llm.model:
        model = chat_model(config.llm)
    if model is None:
        return grounded_for(config, context)
    return model_draft(config, context, model, "draft_reply.j2")


def grounded_for(config: Config, context: ReplyContext, **changes: Any) -> Draft:
    """The deterministic draft, with the guardrails that apply to it."""
    if guardrails.injection_flags(context.request.reply_text, context.request.subject):
        changes.setdefault("quote_reader", False)  # never echo an injection attempt
    request = replace(context.request, **changes) if changes else context.request
    draft = grounded_draft(
        request,
        render=prompts.render,
        signature=config.author.signature or config.author.name,
        default_register=config.author.register,
        max_issues=config.draft.max_issues,
        default_language=config.author.default_language,
        sign_off=config.author.sign_off,
    )
    draft.flags[:0] = context.flags
    if draft.reused_reply is not None and request.reuse:
        draft.flags.append(reuse_flag(request.reuse))
    return guardrails.check_draft(
        draft,
        reader_text=request.reply_text,
        subject=request.subject,
        allowed_urls=[e.url for e in request.evidence] + _reuse_urls(request.reuse),
        allowed_emails=context.allowed_emails,
    )


def model_draft(
    config: Config, context: ReplyContext, model: Any, template: str, **extra: Any
) -> Draft:
    """Ask the model; guard its answer; grounded draft with a flag if it stays invalid."""
    variables = {**context.prompt, **extra}
    messages = llm.prompt_messages(
        prompts.render("system.j2", **variables), prompts.render(template, **variables)
    )

    def repair(raw: str, reason: str) -> list:
        again = prompts.render("repair.j2", reason=reason, reader=variables["reader"])
        return llm.repair_messages(raw, again)

    attempts = 1 if hasattr(model, "max_retries") else 1 + config.llm.max_retries
    reply, why = llm.ask_reply(
        model, messages, structured=config.llm.structured_output, attempts=attempts, repair=repair
    )
    if reply is None:
        fallback = grounded_for(config, context)
        fallback.flags.append(
            f"the model's answer was invalid twice ({why}): this is the grounded draft instead"
        )
        return fallback
    language = context.request.language
    text = reply.reply.strip() + "\n"
    if language == "fr":
        text = fr_typography(text)
    cited_urls = {u.rstrip("/") for u in reply.cited_issues}
    cited = [
        e for e in context.evidence if e.url and (e.url.rstrip("/") in cited_urls or e.url in text)
    ]
    reuse = context.request.reuse
    draft = Draft(
        text=text, language=language, cited=cited, flags=list(context.flags),
        drafter=llm.model_name(model),
        reused_reply=reuse.reply_id if reuse else None, reuse_score=reuse.score if reuse else None,
    )
    return guardrails.check_draft(
        draft,
        reader_text=context.request.reply_text,
        subject=context.request.subject,
        allowed_urls=context.allowed_urls,
        allowed_emails=context.allowed_emails,
        min_words=config.draft.min_words,
        max_words=config.draft.max_words,
        detect=detect_language,
        register=context.request.register,
    )


# --- regenerate -----------------------------------------------------------------

def regenerate(
    config: Config,
    row: sqlite3.Row,
    previous_text: str,
    instruction: str,
    index: Any,
    issues: dict[str, Issue],
    conn: sqlite3.Connection | None = None,
    *,
    model: Any = None,
) -> Draft:
    """A new draft following the author's instruction ("plus court", "tutoie-le"…)."""
    instruction = instruction.strip()
    if not instruction:
        raise InboxAgentError('say what to change, e.g. --say "plus court"')
    context = build_context(config, row, index, issues, conn)
    if model is None and config.llm.model:
        model = chat_model(config.llm)
    if model is not None:
        context = _with_register(context, grounded_changes(instruction).get("register"))
        return model_draft(
            config,
            context,
            model,
            "regenerate.j2",
            previous_draft=previous_text.strip(),
            instruction=instruction,
        )
    changes = grounded_changes(instruction)
    if not changes:
        kept = Draft(
            text=previous_text,
            language=context.request.language,
            cited=context.evidence,
            drafter="grounded",
        )
        kept.flags.append(
            f"the instruction “{instruction}” needs a language model (set "
            "llm.model); the draft was kept as it was"
        )
        return kept
    flags: list[str] = []
    if "mention" in changes:
        numbers = changes.pop("mention")
        changes["evidence"], flags = _with_issues(context.request.evidence, numbers, issues)
        changes["mentioned"] = tuple(i.key for i in issues.values() if i.number in numbers)
    draft = grounded_for(config, context, **changes)
    draft.flags.extend(flags)
    return draft


def _with_register(context: ReplyContext, register: str | None) -> ReplyContext:
    """The context with the register the author asked for, told to the model and checked."""
    entry = languages.LANGUAGES.get(context.request.language)
    if not register or entry is None:
        return context
    reader = {**context.prompt["reader"], "register": entry.register_word(register)}
    request = replace(context.request, register=register)
    return replace(context, request=request, prompt={**context.prompt, "reader": reader})


def _with_issues(
    evidence: Any, numbers: list[int], issues: dict[str, Issue]
) -> tuple[list[Evidence], list[str]]:
    """The evidence with the issues of these numbers placed first."""
    ranked = list(evidence)
    flags = []
    top = max((e.score for e in ranked), default=0.0) + 1.0
    for number in reversed(numbers):
        issue = next((i for i in issues.values() if i.number == number), None)
        if issue is None:
            flags.append(f"there is no issue #{number} in the archive: nothing was added")
            continue
        was_answered = any(e.answered for e in ranked if e.issue_key == issue.key)
        ranked = [e for e in ranked if e.issue_key != issue.key]
        paragraphs = [p for p in re.split(r"\n\s*\n", issue.text) if len(p.strip()) > 40]
        ranked.insert(
            0,
            Evidence(
                issue.key,
                issue.title,
                issue.url,
                issue.number,
                issue.date,
                top,
                tuple(paragraphs[:6]),
                answered=was_answered,
            ),
        )
    return ranked, flags
