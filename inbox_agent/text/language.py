"""Language of a reader's text: py3langid over a small set of languages, plus short-text rules.

`detect_language` names the language of any text (a reply, an issue, a query, a draft).
`guess_language` decides the language of a reader's own words, with a confidence: long
quotations are left out, and a reply that mixes languages takes the language of its
greeting and first sentence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "nl")
LANGUAGE_NAMES = {
    "fr": "French", "en": "English", "es": "Spanish", "de": "German", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian",
    "nb": "Norwegian", "fi": "Finnish", "pl": "Polish", "cs": "Czech", "sk": "Slovak",
    "ca": "Catalan", "gl": "Galician", "eu": "Basque", "ro": "Romanian", "hu": "Hungarian",
    "el": "Greek", "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish", "ar": "Arabic",
    "he": "Hebrew", "ja": "Japanese", "zh": "Chinese", "ko": "Korean", "vi": "Vietnamese",
}  # fmt: skip

_SHORT_WORDS = {  # words that settle the language of a very short reply on their own
    lang: frozenset(words.split())
    for lang, words in {
        "fr": "merci bonjour salut génial chouette très vraiment oui avec je tu vous c'est j'ai"
        " pour numéro article bravo encore",
        "en": "thanks thank you great hi hello yes love the this i awesome much really",
        "es": "gracias hola muchas muy bueno excelente saludos enhorabuena felicidades genial"
        " buenísimo",
        "de": "danke hallo vielen sehr schön gut ich grüße toll herzlichen",
        "it": "grazie ciao mille molto bellissimo complimenti saluti bravissimo",
        "pt": "obrigado obrigada olá muito ótimo parabéns abraço adorei",
        "nl": "bedankt dank hoi heel goed jij groetjes leuk fijn mooi dankjewel",
    }.items()
}
_SHORT_PHRASES = {"nl": ("dank je", "dank u"), "es": ("muchas gracias",), "de": ("vielen dank",)}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_MIN_LETTERS = 3
_SHORT_TEXT = 40
MAX_SAMPLE_CHARS = 400
SURE_LONG, SURE_SHORT = 0.5, 0.75  # classifier probability a language needs, by text length
OTHER_SURE = 0.9  # a language outside LANGUAGES is named only when the wide model is this sure
_VOTE_CONFIDENCE = 0.9  # a short reply settled by its words
GREETING_WORDS = 4  # a first line this short is a greeting ("Hola Camille,", "Hi!")
# A quotation inside the reader's own words (a sentence of the newsletter, pasted).
_QUOTATION = re.compile(r"«[^«»]{30,}»|“[^“”]{30,}”|„[^„“”]{30,}[“”]|\"[^\"\n]{30,}\"")
_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+|\n+")


@dataclass(frozen=True)
class LanguageGuess:
    """The language a text is most likely in, how sure that is, and whether it was mixed."""

    language: str = ""  # ISO 639-1 code of the best candidate, "" when there is none
    confidence: float = 0.0  # 0..1
    sure: bool = False  # confident enough to answer in it
    mixed_with: str = ""  # another language the text is also written in


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


@functools.lru_cache(maxsize=1)
def _wide_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``, or "" when too short or uncertain.

    One of LANGUAGES, or another language when the text is long enough and clearly in it
    (a Swedish reply is Swedish, not the German the small model would pick).
    """
    guess = _classify(_sample(text))
    return guess.language if guess.sure else ""


def guess_language(text: str) -> LanguageGuess:
    """The language of a reader's own words, with its confidence.

    Quotations of 30 characters or more are left out. When the opening (greeting and
    first sentence) and the rest are each clearly in a different language, the opening's
    language wins and ``mixed_with`` names the other one.
    """
    own = _QUOTATION.sub(" ", text)
    whole = _classify(_sample(own))
    if not whole.sure and own != text:
        own = text  # too little besides the quotation: the quotation tells
        whole = _classify(_sample(own))
    opening, rest = _opening(own)
    if _letters(rest) <= _SHORT_TEXT or _letters(opening) < _MIN_LETTERS:
        return whole
    # the opening by the classifier alone: a loan greeting ("Hello", "Ciao") is no language
    first, second = _classify(opening, by_words=False), _classify(_sample(rest))
    if first.sure and second.sure and first.language != second.language:
        return LanguageGuess(first.language, first.confidence, True, second.language)
    return whole


def reader_language(text: str) -> str:
    """The language a reply is answered in: ``guess_language``'s when sure, else ""."""
    guess = guess_language(text)
    return guess.language if guess.sure else ""


@functools.lru_cache(maxsize=1024)  # a reply's words are read at several stages
def _classify(sample: str, *, by_words: bool = True) -> LanguageGuess:
    words = [w.lower() for w in _WORD.findall(sample)]
    letters = sum(len(w) for w in words)
    if letters < _MIN_LETTERS:
        return LanguageGuess()
    if letters <= _SHORT_TEXT and by_words:
        by_words = _vote_short_words(words)
        if by_words:
            return LanguageGuess(by_words, _VOTE_CONFIDENCE, True)
    lang, prob = _identifier().classify(sample)
    needed = SURE_SHORT if letters <= _SHORT_TEXT else SURE_LONG
    if letters > _SHORT_TEXT and prob < OTHER_SURE:
        other, other_prob = _wide_identifier().classify(sample)
        if other not in LANGUAGES and other_prob >= OTHER_SURE:
            return LanguageGuess(other, float(other_prob), True)
    return LanguageGuess(lang, float(prob), prob >= needed)


def _letters(text: str) -> int:
    return sum(len(w) for w in _WORD.findall(text))


def _opening(text: str) -> tuple[str, str]:
    """(greeting and first sentence, the rest of the text)."""
    parts = [p for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    taken = 2 if parts and len(parts[0].split()) <= GREETING_WORDS else 1
    return " ".join(parts[:taken]), " ".join(parts[taken:])


def _sample(text: str) -> str:
    """The first MAX_SAMPLE_CHARS characters, cut at a blank: the classifier's cost grows
    with the length of the text and a few hundred words settle the language."""
    if len(text) <= MAX_SAMPLE_CHARS:
        return text
    cut = text.rfind(" ", MAX_SAMPLE_CHARS // 2, MAX_SAMPLE_CHARS)
    return text[: cut if cut > 0 else MAX_SAMPLE_CHARS]


def _vote_short_words(words: list[str]) -> str:
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _SHORT_WORDS.items()}
    joined = f" {' '.join(words)} "
    for lang, phrases in _SHORT_PHRASES.items():
        scores[lang] += sum(2 * joined.count(f" {phrase} ") for phrase in phrases)
    best = max(scores, key=scores.__getitem__)
    if scores[best] == 0 or list(scores.values()).count(scores[best]) > 1:
        return ""
    return best
