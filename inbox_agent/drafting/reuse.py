"""Answer reuse: an earlier answer of the author, offered in a new draft's placeholder.

When a new reply is close to one the author already answered (same language, similar
message), the grounded draft puts that answer where the placeholder would be, marked for
review: "[Réponse envoyée à Hélène le 3 mars 2026 — à adapter : …]". The marker is a
placeholder like the others: approval refuses the draft until the author has read and
adapted it. Pure functions, no I/O; the drafting use case finds the earlier exchange.

What is removed from the earlier answer before it reaches another reader: its greeting
and closing lines (the new draft has its own), the earlier reader's names, e-mail
addresses and phone numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inbox_agent.drafting.languages import LANGUAGES
from inbox_agent.search.keywords import terms_of
from inbox_agent.text.greeting import embedding_text

# Two messages close in meaning (embeddings) also share words when they ask the same thing:
# the share of their (stemmed) terms in common, measured with the cosine threshold by
# bench/reuse_threshold.py (on blog comments, cosine alone offered unrelated answers;
# tuned with it: cosine ≥ 0.90 and overlap ≥ 0.15).
MIN_OVERLAP = 0.15
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)\+?\d[\d .\-/()]{6,}\d(?!\w)")
GREETING_WORDS = re.compile(
    r"^\W*(bonjour|bonsoir|salut|coucou|hello|hi|hey|dear|cher|chère|chers|hola|estimad[oa]"
    r"|hallo|liebe[rs]?|guten tag|ciao|gentile|caro|cara|olá|ola|prezad[oa]|hoi|beste|geachte"
    r"|good (?:morning|afternoon|evening))\b",
    re.IGNORECASE,
)
MAX_CLOSING_WORDS = 6


@dataclass(frozen=True)
class Reuse:
    """An earlier answer of the author that a new draft may adapt."""

    reply_id: int  # the earlier reply it answered
    first_name: str  # the earlier reader's, for the marker ("" when unknown)
    sent_at: str  # ISO date of the answer
    text: str  # the answer's body, without greeting, closing or the reader's details
    score: float  # closeness of the two readers' messages


def answer_body(text: str, names: list[str] = ()) -> str:
    """The body of an earlier answer: no greeting line, no closing lines, the earlier
    reader's names, addresses and phone numbers replaced by "…"."""
    lines = [line.rstrip() for line in (text or "").strip().splitlines()]
    if lines and _is_greeting(lines[0], names):
        lines = lines[1:]
    closings = 0
    while lines and len(lines) > 1 and (not lines[-1].strip()
                                        or (closings < 2 and _is_closing(lines[-1]))):
        closings += bool(lines.pop().strip())
    body = "\n".join(lines).strip()
    body = EMAIL.sub("…", body)
    body = PHONE.sub("…", body)
    for name in sorted({n for n in names if len(n) > 1}, key=len, reverse=True):
        body = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "…", body, flags=re.IGNORECASE)
    body = body.replace("[", "(").replace("]", ")")  # it must not close its marker early
    return re.sub(r"\n{3,}", "\n\n", body)


def marker(reuse: Reuse, language: str) -> str:
    """The whole placeholder: "[Réponse envoyée à Hélène le 3 mars 2026 — à adapter : …]"."""
    entry = LANGUAGES.get(language) or LANGUAGES["en"]
    day = _human(reuse.sent_at, entry)
    head = (entry.reused_to if reuse.first_name else entry.reused).format(
        name=reuse.first_name, date=day)
    return f"[{head} : {reuse.text}]" if language == "fr" else f"[{head}: {reuse.text}]"


def overlap(text: str, other: str, language: str = "") -> float:
    """Terms in common over terms of either (Jaccard), greetings and signatures left out."""
    a = terms_of(embedding_text(text), language)
    b = terms_of(embedding_text(other), language)
    return len(a & b) / len(a | b) if a and b else 0.0


def reader_names(first_name: str, full_name: str) -> list[str]:
    """The words of a reader's name worth removing from an answer meant for another."""
    words = [w.strip(",.;:'’\"") for w in f"{first_name} {full_name}".split()]
    return [w for w in dict.fromkeys(words) if len(w) > 1 and "@" not in w and w[0].isalpha()]


def _is_greeting(line: str, names: list[str]) -> bool:
    words = line.split()
    if not words or len(words) > 8:
        return False
    if GREETING_WORDS.match(line):
        return True
    named = any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", line, re.IGNORECASE) for n in names)
    return named and line.rstrip().endswith((",", "!", ":"))


def _is_closing(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= MAX_CLOSING_WORDS and not line.rstrip().endswith(("?", ":")) \
        and "://" not in line


def _human(iso: str, entry) -> str:
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not match:
        return iso or ""
    year, month, day = (int(g) for g in match.groups())
    return entry.human_date(day, month, year)
