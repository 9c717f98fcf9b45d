"""How a grounded draft follows the reading of a reply: which openings it makes, which
placeholders it leaves the author, which issues it may cite.

A reply that is nothing but thanks or praise gets a finished draft; every other intent
gets its placeholder(s): one per question when the reader asks several, the objection,
the correction (after the issue's sentence it corrects), the author's availability for a
request… A mixed reply gets an opening for each part, thanks first: at most two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from inbox_agent.drafting.sentences import questions, salient_point
from inbox_agent.intake.intents import PRECEDENCE, THANKS_ONLY, cue_scores

# Intents that earn the second opening of a mixed reply ("… Ton expérience est précieuse").
# A question is quoted in its placeholder instead; "other" has nothing to say.
SECOND_OPENING = frozenset({"disagreement", "idea", "story", "correction", "request"})


def ordered_intents(leading: str, others: Sequence[str] = ()) -> tuple[str, ...]:
    """`leading` then `others`, without repeats, and never led by thanks or praise when the
    reply also does something the author must answer (the same rule as the intent reading:
    thanks leads only a reply that is nothing but thanks)."""
    intents = list(dict.fromkeys([leading or "other", *others]))
    rest = [n for n in intents if n != "other"]
    if len(intents) > 1 and "other" in intents and not set(rest) <= THANKS_ONLY:
        intents = rest  # "other" stays beside thanks only: a message that thanks in passing
        # is not a thank-you, and its draft keeps a placeholder for the author
    needing = [n for n in PRECEDENCE if n in intents and n not in THANKS_ONLY and n != "other"]
    if intents[0] in THANKS_ONLY and needing:
        intents.remove(needing[0])
        intents.insert(0, needing[0])
    return tuple(intents)


@dataclass(frozen=True)
class Gap:
    """A placeholder for the author: its kind (an intent) and the reader's words it answers."""

    kind: str
    quote: str = ""


@dataclass(frozen=True)
class Plan:
    """What a grounded draft says before its citations."""

    intents: tuple[str, ...]
    opening: str  # the first opening: the leading intent, or "message" (thanks, mixed reply)
    follow: str = ""  # the second opening's intent, "" for none
    point: str = ""  # the reader's sentence quoted back to them
    questions: int = 0  # how many distinct questions the reader asks
    gaps: tuple[Gap, ...] = field(default_factory=tuple)

    @property
    def lead(self) -> str:
        return self.intents[0]

    @property
    def finished(self) -> bool:
        """Nothing but thanks or praise: the draft needs no word from the author."""
        return set(self.intents) <= THANKS_ONLY

    @property
    def cites(self) -> bool:
        """A request (screening, talk, interview) gets no reading list: the retrieval cannot
        tell an issue strongly related to it (the issue the reader answered stays cited)."""
        return "request" not in self.intents


def plan_draft(intents: Sequence[str], reply_text: str, *, quote_reader: bool = True) -> Plan:
    """The openings, quoted point and placeholders for a reply with these intents (the
    leading one first). A question never leads a request: in a mail asking for a
    screening or a talk, "what are your terms?" is the request itself."""
    intents = ordered_intents(intents[0] if intents else "other", intents[1:])
    if intents[0] == "question" and "request" in intents:
        intents = ordered_intents("request", intents)  # "would you be free?" asks the request
    lead = intents[0]
    asked = questions(reply_text)
    point = salient_point(reply_text, lead) if quote_reader else ""
    if lead == "question" and len(asked) > 1:
        point = ""  # each question is quoted in its own placeholder
    opening, follow = _openings(intents)
    gaps = _gaps(intents, asked, quote_reader)
    return Plan(intents, opening, follow, point, len(asked), gaps)


def _openings(intents: tuple[str, ...]) -> tuple[str, str]:
    """Thanks first when the reader also thanks, then a word on the leading intent; else the
    leading intent's opening, then a word on the next part worth one."""
    lead = intents[0]
    if lead in THANKS_ONLY:
        return "thanks", ""
    if any(name in THANKS_ONLY for name in intents):
        return "message", lead if lead != "other" else ""
    second = next((name for name in intents[1:] if name in SECOND_OPENING), "")
    return lead, second


def _gaps(intents: tuple[str, ...], asked: list[str], quote_reader: bool) -> tuple[Gap, ...]:
    """A placeholder per intent that needs the author, in the order of the intents; the
    reader's questions each get theirs, quoted. A lone question that leads is quoted
    above it, as the reader's point. In a request, the first question and those the cue
    rules read as the request ("what are your terms?") are the request's: the
    availability placeholder answers them; any other ("will there be subtitles?") gets
    its own."""
    gaps: list[Gap] = []
    for name in intents:
        if name in THANKS_ONLY:
            continue
        if name != "question":
            gaps.append(Gap(name))
            continue
        if "request" in intents:
            asked = [q for q in asked[1:] if not cue_scores(q)["request"]]
            if not asked:
                continue
        if not quote_reader or not asked or (intents[0] == "question" and len(asked) == 1):
            gaps.append(Gap("question"))
        else:
            gaps.extend(Gap("question", _bracket_free(q)) for q in asked)
    return tuple(gaps)


def _bracket_free(text: str) -> str:
    """A quote that cannot close its placeholder early."""
    return text.replace("[", "(").replace("]", ")")
