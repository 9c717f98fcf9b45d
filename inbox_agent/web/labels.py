"""The words the page shows for what the state database keeps as codes: intents, draft
statuses, kinds of set-apart mail, run counts, where an approved reply went, and the
passages of a cited issue with the words they share with the reader."""

from __future__ import annotations

import re
from datetime import date

from inbox_agent.search.keywords import tokenize
from inbox_agent.web.i18n import N_, PageLanguage

INTENTS = {
    "thanks": N_("Thanks"), "question": N_("Questions"), "disagreement": N_("Disagreements"),
    "idea": N_("Ideas"), "story": N_("Stories"), "correction": N_("Corrections"),
    "testimonial": N_("Testimonials"), "request": N_("Requests"), "other": N_("Other"),
}  # fmt: skip
# One reply's intent, as the tag of a draft and the tag choices of the draft page.
INTENT = {
    "thanks": N_("thanks"), "question": N_("question"), "disagreement": N_("disagreement"),
    "idea": N_("idea or suggestion"), "story": N_("personal story"),
    "correction": N_("correction"), "testimonial": N_("testimonial"),
    "request": N_("interview, event or partnership request"), "other": N_("other"),
}  # fmt: skip
STAT_TILES = {"pending": N_("Pending"), "approved": N_("Approved"), "skipped": N_("Skipped"),
              "failed": N_("Failed"), "answered": N_("Answered from your mail program")}
STATUSES = {
    "pending": N_("pending"), "approved": N_("approved"), "skipped": N_("skipped"),
    "failed": N_("failed"), "answered": N_("answered from your mail program"),
    "none": N_("no draft"),
}  # fmt: skip
KINDS = {
    "auto_reply": N_("auto-reply"), "bounce": N_("bounce"), "unsubscribe": N_("unsubscribe"),
    "other": N_("other"),
}  # fmt: skip
RUN_KINDS = {"run": N_("pull and draft"), "reindex": N_("archive re-indexing"),
             "sent": N_("Sent folder read")}
RUN_STATUSES = {"ok": N_("done"), "failed": N_("failed"), "running": N_("running")}
RUN_COUNTS = {
    "fetched": N_("new messages"), "replies": N_("replies"), "set_apart": N_("set apart"),
    "duplicates": N_("duplicates"), "skipped": N_("skipped"), "failed": N_("failed"),
    "drafted": N_("drafted"), "draft_failed": N_("drafts failed"),
    "redrafted": N_("drafted again"), "sent_read": N_("sent messages read"),
    "answered": N_("found answered"), "issues": N_("issues"), "added": N_("added"),
    "updated": N_("updated"), "removed": N_("removed"),
}  # fmt: skip
QUOTES = {"with_name": N_("Yes, with the reader's name"), "anonymous": N_("Yes, anonymously"),
          "no": N_("No")}
DRAFTED_WITHOUT_MODEL = N_("written without a model")
NO_COPY = "(no copy in Sent)"  # how approval says an SMTP reply has no copy in Sent
COMMON_WORDS = 8
_WORDS = re.compile(r"(\w+)")


def label(table: dict[str, str], key: str | None, lang: PageLanguage) -> str:
    """The translated word for `key`, or the key itself when the table has none."""
    key = key or ""
    return lang.gettext(table[key]) if key in table else key


def monday(iso_week: str) -> date | None:
    """The Monday of "2026-W43" (None when the text is no ISO week)."""
    year, _, week = iso_week.partition("-W")
    try:
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


def week(iso_week: str, lang: PageLanguage) -> str:
    """"2026-W43" as "week of 19 Oct" in the page's language."""
    day = monday(iso_week)
    return lang.gettext("week of %(day)s", day=lang.day(day)) if day else iso_week


def destination(draft: dict, lang: PageLanguage) -> str:
    """Where an approved reply went, in words: the drafts folder, or sent (with or without
    a copy in Sent). "" when it went nowhere yet."""
    where = draft.get("destination") or ""
    if not where:
        return ""
    if draft.get("sent_at"):
        if NO_COPY in where:
            return lang.gettext("Sent (no copy in your Sent folder)")
        return lang.gettext("Sent, with a copy in your Sent folder")
    return lang.gettext("Saved in your drafts")


def drafter(name: str, lang: PageLanguage) -> str:
    return lang.gettext(DRAFTED_WITHOUT_MODEL) if name in ("", "grounded") else name


def marked_passage(passage: str, reader_terms: set[str]) -> list[tuple[str, bool]]:
    """The passage as (text, shared with the reader) pieces, word by word."""
    pieces: list[tuple[str, bool]] = []
    for part in _WORDS.split(passage):
        terms = tokenize(part) if part and part[0].isalnum() else []
        hit = bool(terms) and terms[0] in reader_terms
        if pieces and pieces[-1][1] == hit:
            pieces[-1] = (pieces[-1][0] + part, hit)
        elif part:
            pieces.append((part, hit))
    return pieces


def evidence(cited: list[dict], reply_text: str) -> list[dict]:
    """The cited issues with their passages marked and the words they share with the
    reader (no score: a number means nothing to the author)."""
    reader_terms = set(tokenize(reply_text or ""))
    shown = []
    for item in cited:
        passages = [marked_passage(p, reader_terms) for p in item.get("passages", ())[:2]]
        common: list[str] = []
        seen: set[str] = set()
        for pieces in passages:
            for text, hit in pieces:
                for word in _WORDS.findall(text) if hit else ():
                    if word.casefold() not in seen and tokenize(word):
                        seen.add(word.casefold())
                        common.append(word)
        shown.append(item | {"passages": passages, "common": common[:COMMON_WORDS]})
    return shown
