"""The words the page and the command line show for what the state database keeps as codes:
intents, draft statuses, kinds of set-apart mail, runs and their counts, quote permissions,
weeks, drafters, where an approved reply went, and the parts `doctor` checks."""

from __future__ import annotations

from datetime import date

from inbox_agent.i18n.language import N_, AuthorLanguage

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
    "updated": N_("updated"), "unchanged": N_("unchanged"), "removed": N_("removed"),
}  # fmt: skip
QUOTES = {"with_name": N_("Yes, with the reader's name"), "anonymous": N_("Yes, anonymously"),
          "no": N_("No")}
# The parts `doctor` (and `init`) check.
CHECKS = {
    "config": N_("config"), "state database": N_("state database"),
    "mail source": N_("mail source"), "archive index": N_("archive index"),
    "prompts": N_("prompts"), "drafting model": N_("drafting model"), "archive": N_("archive"),
}  # fmt: skip
DRAFTED_WITHOUT_MODEL = N_("written without a model")
NO_COPY = "(no copy in Sent)"  # how approval says an SMTP reply has no copy in Sent


def label(table: dict[str, str], key: str | None, lang: AuthorLanguage) -> str:
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


def week(iso_week: str, lang: AuthorLanguage) -> str:
    """"2026-W43" as "week of 19 Oct" in the author's language."""
    day = monday(iso_week)
    return lang.gettext("week of %(day)s", day=lang.day(day)) if day else iso_week


def destination(draft: dict, lang: AuthorLanguage) -> str:
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


def drafter(name: str, lang: AuthorLanguage) -> str:
    return lang.gettext(DRAFTED_WITHOUT_MODEL) if name in ("", "grounded") else name
