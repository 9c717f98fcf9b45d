"""Drafting: the grounded template drafter (no model needed).

The drafter receives everything it needs as arguments (the reply, the
retrieved issues, the author's settings, a `render` function over prompts/);
it performs no I/O of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from inbox_agent.drafting.languages import DRAFT_LANGUAGES, LANGUAGES, no_template_flag
from inbox_agent.drafting.languages import detect_register as detect_register
from inbox_agent.models import Draft, Evidence

Render = Callable[..., str]

STOP_WORDS = (
    "le la les un une des de du et à au aux en dans pour par sur avec que qui quoi est sont "
    "ce ces cette il elle on nous vous je tu me te se mon ton son ma ta sa mes tes ses pas ne "
    "plus mais ou donc or ni car y a the an of to in on for and or is are was were be it this "
    "that with as at by from i you we they my your our their not but so if do does did have has "
    "had"
)
STOP = frozenset(STOP_WORDS.split())


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


def words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return {w for w in re.findall(r"[a-z0-9]{3,}", folded) if w not in STOP}


def sentences(text: str) -> list[str]:
    """Sentences of a text whose lines may be hard-wrapped; list items and headings stand alone."""
    text = re.sub(r"\n(?=\s*(?:[-*•]|\d+[.)]|#)\s)", "\n\n", text)
    text = re.sub(r"(?<=\S)[ \t]+-[ \t]+(?=\w)", "\n\n", text)  # inline "; - item" lists
    text = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
    parts = re.split(r"(?<=[.!?…])\s+(?=[^a-zà-ÿ])|\n{2,}", text)
    return [p.strip(" -*#>\t") for p in parts if len(p.strip()) > 2]


WEAK = re.compile(
    r"prochain numéro|next issue|abonn|subscribe|^(je|i) (vous|you) (raconte|tell)|"
    r"répondez|écrivez-moi|dites-moi|racontez-moi|hit reply|reply to this|write to me",
    re.IGNORECASE,
)


ANAPHORA = re.compile(
    r"(ils?|elles?|ce|cela|ça|celui|celle|ceux|they|it|its|their|this|these|those|he|she)\b",
    re.IGNORECASE,
)


def sentence_quality(sentence: str) -> float:
    """Below 1 for sentences that read badly out of context (questions, teasers, fragments)."""
    factor = 1.0
    if WEAK.search(sentence):
        factor *= 0.3
    if sentence.endswith("?"):
        factor *= 0.6
    if not sentence[:1].isupper() and not sentence[:1].isdigit() or sentence[-1:] in ",;:":
        factor *= 0.4  # a fragment of a list or of a longer sentence
    if sentence.count("«") != sentence.count("»") or sentence.count('"') % 2:
        factor *= 0.5
    if ANAPHORA.match(sentence):
        factor *= 0.5
    return factor


def best_sentence(passages: Sequence[str], reader_text: str, limit: int = 220) -> str:
    """The passage sentence sharing the most words with the reader's message, or "".

    A sentence is quoted only when it reads well out of context and shares at least two
    words with the reader; without reader words, the best-reading sentence.
    """
    reader = words(reader_text)
    best, best_score = "", 0.0
    for passage in passages:
        for sentence in sentences(passage):
            quality = sentence_quality(sentence)
            if quality < 0.5:
                continue  # reads badly out of context, whatever it shares with the reader
            overlap = len(words(sentence) & reader)
            score = overlap / (1 + len(sentence) / 400) * quality
            if len(sentence) >= 30 and overlap >= 2 and score > best_score:
                best, best_score = sentence, score
    if not best and passages and not reader:
        candidates = [
            s for p in passages for s in sentences(p) if len(s) >= 30 and sentence_quality(s) >= 0.5
        ]
        candidates.sort(key=sentence_quality, reverse=True)
        best = candidates[0] if candidates else ""
    return shorten(best, limit)


def salient_point(reply_text: str, intent: str, limit: int = 200) -> str:
    """The reader's sentence the answer should address (their question, objection…)."""
    found = sentences(reply_text)
    if not found or intent == "thanks":
        return ""
    if intent == "question":
        questions = [s for s in found if s.endswith("?")]
        if questions:
            return shorten(questions[0], limit)
    longest = max(found, key=len)
    return shorten(longest, limit) if len(longest) >= 25 else ""


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


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
    if request.short or request.intent in ("correction", "thanks"):
        max_issues = 1
    answered = [e for e in request.evidence if e.answered]
    if request.intent in ("correction", "thanks") and answered:
        cited = answered[:1]  # the issue they thank for or correct, no reading list
    else:
        cited = choose_issues(request.evidence, max_issues)
    # Issues the reader can read come first; the order is otherwise kept.
    cited.sort(key=lambda e: request.issue_languages.get(e.issue_key, language) != language)
    issues = [issue_view(e, request, language) for e in cited]
    text = render(
        f"grounded_{language}.j2",
        first_name=request.first_name,
        full_name=formal_name(request.full_name, request.first_name),
        register=LANGUAGES[language].register_word(register),
        intent=request.intent or "other",
        topic=pick_topic(request),
        point=salient_point(request.reply_text, request.intent) if request.quote_reader else "",
        issues=issues,
        signature=signature.strip(),
    )
    text = tidy(text)
    if language == "fr":
        text = fr_typography(text)
    return Draft(text=text, language=language, cited=list(cited), flags=flags, drafter="grounded")


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


def issue_view(item: Evidence, request: DraftRequest, language: str) -> dict:
    """What the template shows of one cited issue, in the draft's language.

    A passage in another language than the draft is not quoted; the issue is
    marked as written in that language instead.
    """
    entry = LANGUAGES[language]
    issue_language = request.issue_languages.get(item.issue_key, "")
    foreign = bool(issue_language) and issue_language != language
    quiet = request.short or foreign or request.intent == "thanks"
    sentence = "" if quiet else best_sentence(item.passages, request.reply_text)
    for mark, inner in entry.nested.items():
        sentence = sentence.replace(mark, inner)
    return {
        "title": item.title,
        "date": human_date(item.date, language),
        "url": item.url,
        "sentence": sentence,
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
