"""Drafting: the grounded template drafter (no model needed).

The drafter receives everything it needs as arguments (the reply and its intents, the
retrieved issues, the author's settings, a `render` function over prompts/); it performs
no I/O of its own. What the draft says for each intent is planned in `plan.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from inbox_agent.drafting.languages import DRAFT_LANGUAGES, LANGUAGES, no_template_flag
from inbox_agent.drafting.languages import detect_register as detect_register
from inbox_agent.drafting.plan import Plan, plan_draft
from inbox_agent.drafting.reuse import Reuse, marker
from inbox_agent.drafting.sentences import best_sentence, corrected_sentence, words
from inbox_agent.drafting.sentences import salient_point as salient_point
from inbox_agent.drafting.voice import Voice
from inbox_agent.models import Draft, Evidence

Render = Callable[..., str]


@dataclass
class DraftRequest:
    """What the drafter knows about one reply."""

    reply_text: str
    language: str
    first_name: str = ""
    intent: str = "other"
    subject: str = ""
    evidence: Sequence[Evidence] = ()
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # issue key -> tags
    register: str = ""  # tu (familiar) / vous (polite), detected when empty
    issue_languages: dict[str, str] = field(default_factory=dict)  # issue key -> language
    short: bool = False  # fewest issues, no quoted sentence
    quote_reader: bool = True  # False when the reader's words must not be echoed
    full_name: str = ""  # the reader's name as they sign, for formal greetings
    intents: tuple[str, ...] = ()  # every intent, the leading first; () means just `intent`
    issue_texts: dict[str, str] = field(default_factory=dict)  # issue key -> its full text
    mentioned: tuple[str, ...] = ()  # issue keys the author asked to cite, cited whatever
    reuse: Reuse | None = None  # an earlier answer to a close message, offered for adapting
    voice: Voice | None = None  # the author's greetings, openings and closings, from Sent
    seed: int = 0  # fixes which of the author's forms this reply gets (its id)

    def all_intents(self) -> tuple[str, ...]:
        return tuple(self.intents) or (self.intent or "other",)


# The openings a thanking sentence of the author's own may take the place of (the others
# say something about the reader's question, objection or idea).
GENERIC_OPENINGS = frozenset({"thanks", "message", "other"})


def human_date(iso: str, language: str) -> str:
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    entry = LANGUAGES.get(language) or LANGUAGES["en"]
    return entry.human_date(day.day, day.month, day.year)


def pick_topic(request: DraftRequest) -> str:
    """An archive tag of a cited issue that the reader's words touch, if any."""
    reader = words(request.reply_text)
    for item in request.evidence:
        for tag in request.tags.get(item.issue_key, ()):
            if words(tag) & reader:
                return tag
    return ""


def choose_issues(evidence: Sequence[Evidence], max_issues: int) -> list[Evidence]:
    """The best-ranked issues, at most max_issues.

    The issue the reader answered is cited only when it ranks among them on its own
    merit (it is always in `evidence`, marked, even when it did not rank), or when
    nothing else relates.
    """
    ranked = sorted(evidence, key=lambda e: -e.score)
    chosen = [e for e in ranked if not e.answered or e.score > 0][:max_issues]
    return chosen or ranked[:1]


def grounded_draft(
    request: DraftRequest,
    *,
    render: Render,
    signature: str,
    default_register: str = "vous",
    max_issues: int = 3,
    default_language: str = "fr",
    sign_off: str = "",
) -> Draft:
    """A deterministic first draft built from prompts/grounded_<lang>.j2.

    A reader whose language has no template is answered in `default_language` (the
    author's), with a flag naming the reader's language. `default_register` applies to
    French; in the other languages a reader who gives no clue is addressed politely.
    """
    flags: list[str] = []
    language = request.language
    if language not in DRAFT_LANGUAGES:
        language = default_language if default_language in DRAFT_LANGUAGES else "fr"
        if request.language:
            flags.append(no_template_flag(request.language, language))
    register = request.register or detect_register(
        request.reply_text, default_register if language == "fr" else "vous", language
    )
    plan = plan_draft(request.all_intents(), request.reply_text, quote_reader=request.quote_reader)
    source, corrected = correction_of(request, plan, language)
    cited = cited_issues(request, plan, 1 if request.short else max_issues, source)
    # Issues the reader can read come first; the order is otherwise kept.
    cited.sort(key=lambda e: request.issue_languages.get(e.issue_key, language) != language)
    quiet = {source.issue_key} if source else set()  # its sentence is quoted above
    issues = [issue_view(e, request, language, plan, quiet) for e in cited]
    nest = LANGUAGES[language].nest
    gaps = [{"kind": gap.kind, "quote": nest(gap.quote)} for gap in plan.gaps]
    reuse = request.reuse if gaps and request.language == language else None
    if reuse:  # never across languages: a reader without a template gets none
        gaps[0] = {"kind": "reuse", "quote": "", "text": marker(reuse, language)}
    voice = request.voice or Voice()
    generic = plan.opening in GENERIC_OPENINGS
    text = render(
        f"grounded_{language}.j2",
        first_name=request.first_name,
        full_name=formal_name(request.full_name, request.first_name),
        register=LANGUAGES[language].register_word(register),
        intent=plan.lead,
        opening=plan.opening,
        follow=plan.follow,
        questions=plan.questions,
        gaps=gaps,
        corrected={"sentence": nest(corrected), "answered": source.answered,
                   "title": source.title} if source else None,
        topic=pick_topic(request),
        point=plan.point,
        issues=issues,
        signature=signature.strip(),
        sign_off=voice.closing(language, register, request.seed) or sign_off.strip(),
        greeting=voice.greeting(language, register, request.first_name, request.seed),
        opening_text=voice.opening(language, register, request.seed) if generic else "",
    )
    text = tidy(text)
    if language == "fr":
        text = fr_typography(text)
    return Draft(text=text, language=language, cited=list(cited), flags=flags, drafter="grounded",
                 reused_reply=reuse.reply_id if reuse else None,
                 reuse_score=reuse.score if reuse else None)


def correction_of(request: DraftRequest, plan: Plan, language: str) -> tuple[Evidence | None, str]:
    """The issue a correction is about and its sentence being corrected, or (None, "").

    The issue the reader answered is read first (its whole text when known, else the
    passages retrieved), then the other issues found; an issue in another language than
    the draft is never quoted.
    """
    if "correction" not in plan.intents:
        return None, ""
    readable = [e for e in request.evidence
                if request.issue_languages.get(e.issue_key, language) == language]
    for item in sorted(readable, key=lambda e: (not e.answered, -e.score)):
        text = request.issue_texts.get(item.issue_key)
        sentence = corrected_sentence([text] if text else item.passages, request.reply_text)
        if sentence:
            return item, sentence
    return None, ""


def cited_issues(request: DraftRequest, plan: Plan, max_issues: int,
                 source: Evidence | None) -> list[Evidence]:
    """The issues the author asked for first, whatever the reply, then: for a request only
    the issue the reader answered;
    for a thank-you or a correction the one issue it is about (none when the corrected
    sentence, quoted, comes from the issue the reader answered: they have it); else the
    best ranked."""
    asked = [e for e in request.evidence if e.issue_key in request.mentioned]
    planned = _planned_issues(request, plan, max_issues, source)
    return [*asked, *(e for e in planned if e not in asked)][:max(max_issues, len(asked))]


def _planned_issues(request: DraftRequest, plan: Plan, max_issues: int,
                    source: Evidence | None) -> list[Evidence]:
    answered = [e for e in request.evidence if e.answered]
    if not plan.cites:
        return answered[:1]  # the issue the reader wrote back to, and no reading list
    if plan.finished or plan.lead == "correction":
        if source:
            return [] if source.answered else [source]
        return answered[:1] or choose_issues(request.evidence, 1)
    cited = choose_issues(request.evidence, max_issues)
    if source and source not in cited:
        cited = [source, *cited][:max_issues]
    return cited


def formal_name(full_name: str, first_name: str) -> str:
    """The reader's first and last names when their display name is just that
    ("Katrin Vogel"), else their first name."""
    parts = full_name.split()
    if (
        first_name
        and 2 <= len(parts) <= 4
        and parts[0].casefold() == first_name.casefold()
        and all(re.fullmatch(r"[^\W\d_][\w'’-]*", p) for p in parts)
    ):
        return " ".join(parts)
    return first_name


def issue_view(item: Evidence, request: DraftRequest, language: str, plan: Plan,
               quiet: set[str]) -> dict:
    """What the template shows of one cited issue, in the draft's language.

    A passage in another language than the draft is not quoted; the issue is
    marked as written in that language instead.
    """
    entry = LANGUAGES[language]
    issue_language = request.issue_languages.get(item.issue_key, "")
    foreign = bool(issue_language) and issue_language != language
    silent = request.short or foreign or plan.finished or item.issue_key in quiet
    sentence = "" if silent else best_sentence(item.passages, request.reply_text)
    return {
        "title": item.title,
        "date": human_date(item.date, language),
        "url": item.url,
        "sentence": entry.nest(sentence),
        "answered": item.answered,
        "other_language": entry.written_in.get(issue_language, "") if foreign else "",
    }


def tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


NBSP, NNBSP = "\u00a0", "\u202f"


def fr_typography(text: str) -> str:
    """French spacing: no-break spaces inside « » and before : ; ! ?, URLs left alone."""
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*»", NBSP + "»", text)
    out = []
    for token in re.split(r"(\s+)", text):
        if "://" not in token and "@" not in token:
            token = re.sub(r"(?<=\w)([;!?])", NNBSP + r"\1", token)
        out.append(token)
    text = "".join(out)
    text = re.sub(r" ([;!?])", NNBSP + r"\1", text)
    return re.sub(r" :(?=\s|$)", NBSP + ":", text)
