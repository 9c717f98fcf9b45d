"""Sentences of the reader's message and of the archive that a draft quotes: the reader's
point and questions, the issue sentence that best answers them, the one a reader corrects."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from inbox_agent.intake.intents import THANKS_ONLY, cue_scores

STOP_WORDS = (
    "le la les un une des de du et à au aux en dans pour par sur avec que qui quoi est sont "
    "ce ces cette il elle on nous vous je tu me te se mon ton son ma ta sa mes tes ses pas ne "
    "plus mais ou donc or ni car y a the an of to in on for and or is are was were be it this "
    "that with as at by from i you we they my your our their not but so if do does did have has "
    "had"
)
STOP = frozenset(STOP_WORDS.split())
MAX_QUESTIONS = 3  # a placeholder each; more would bury the draft
QUESTION_CHARS = 90  # a reader's question quoted in a placeholder
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
NUMBER_WEIGHT = 3  # a figure the reader repeats points at the sentence more than a word
MIN_CORRECTED_SCORE = 4  # a shared figure and a word, or four words


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]{3,}", _fold(text)) if w not in STOP}


def numbers(text: str) -> set[str]:
    """The figures of a text, "5,5" and "5.5" alike."""
    return {n.replace(",", ".") for n in NUMBER.findall(text)}


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
    """The reader's sentence the answer should address: their question, else the sentence
    where the cue rules read `intent` (the objection, the correction, the request…), else
    their longest sentence; "" for thanks and praise."""
    found = sentences(reply_text)
    if not found or intent in THANKS_ONLY:
        return ""
    if intent == "question":
        asked = questions(reply_text, limit=limit)
        if asked:
            return asked[0]
    cued = [(cue_scores(s).get(intent, 0), -n, s) for n, s in enumerate(found)]
    points, _, sentence = max(cued)
    if points > 0:
        return shorten(sentence, limit)
    longest = max(found, key=len)
    return shorten(longest, limit) if len(longest) >= 25 else ""


def questions(reply_text: str, *, limit: int = QUESTION_CHARS) -> list[str]:
    """The reader's distinct questions (sentences ending with "?"), at most MAX_QUESTIONS,
    each shortened to `limit` characters."""
    found: dict[str, str] = {}
    for sentence in sentences(reply_text):
        if sentence.endswith("?") and len(sentence) >= 8:
            found.setdefault(" ".join(sorted(words(sentence))) or sentence, sentence)
    return [shorten(s, limit) for s in list(found.values())[:MAX_QUESTIONS]]


def corrected_sentence(texts: Sequence[str], reader_text: str, limit: int = 240) -> str:
    """The sentence of `texts` (an issue's text) that the reader's correction is about, or "".

    Sentences are scored by the words and the figures they share with the reader, a figure
    counting NUMBER_WEIGHT words ("5 à 10 %" in "entre 5 et 15 %, et non 5 à 10 %").
    """
    reader_words, reader_numbers = words(reader_text), numbers(reader_text)
    best, best_score = "", 0.0
    for text in texts:
        for sentence in sentences(_plain(text)):
            if len(sentence) < 20 or "://" in sentence:
                continue
            shared = len(words(sentence) & reader_words)
            shared += NUMBER_WEIGHT * len(numbers(sentence) & reader_numbers)
            score = shared / (1 + len(sentence) / 600)
            if shared >= MIN_CORRECTED_SCORE and score > best_score:
                best, best_score = sentence, score
    return shorten(best, limit)


def _plain(markdown: str) -> str:
    """Markdown links and emphasis reduced to their words."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)", "", text)


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
