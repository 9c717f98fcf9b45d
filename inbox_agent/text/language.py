"""Language of a reader's text: py3langid over a small set of languages, plus short-text rules."""

from __future__ import annotations

import functools
import re

LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "nl")
LANGUAGE_NAMES = {"fr": "French", "en": "English", "es": "Spanish", "de": "German",
                  "it": "Italian", "pt": "Portuguese", "nl": "Dutch"}  # fmt: skip

_SHORT_WORDS = {  # words that settle the language of a very short reply on their own
    lang: frozenset(words.split())
    for lang, words in {
        "fr": "merci bonjour salut génial chouette très vraiment oui avec je tu vous c'est j'ai"
        " pour numéro article bravo encore",
        "en": "thanks thank you great hi hello yes love the this i awesome much really",
        "es": "gracias hola muchas muy bueno excelente",
        "de": "danke hallo vielen sehr schön gut ich",
        "it": "grazie ciao mille molto bellissimo",
        "pt": "obrigado obrigada olá muito ótimo",
        "nl": "bedankt dank hoi heel goed jij",
    }.items()
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_MIN_LETTERS = 3
_SHORT_TEXT = 40
MAX_SAMPLE_CHARS = 400


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` among LANGUAGES, or "" when too short or uncertain."""
    sample = _sample(text)
    words = [w.lower() for w in _WORD.findall(sample)]
    letters = sum(len(w) for w in words)
    if letters < _MIN_LETTERS:
        return ""
    if letters <= _SHORT_TEXT:
        by_words = _vote_short_words(words)
        if by_words:
            return by_words
    lang, prob = _identifier().classify(sample)
    needed = 0.75 if letters <= _SHORT_TEXT else 0.5
    return lang if prob >= needed else ""


def _sample(text: str) -> str:
    """The first MAX_SAMPLE_CHARS characters, cut at a blank: the classifier's cost grows
    with the length of the text and a few hundred words settle the language."""
    if len(text) <= MAX_SAMPLE_CHARS:
        return text
    cut = text.rfind(" ", MAX_SAMPLE_CHARS // 2, MAX_SAMPLE_CHARS)
    return text[: cut if cut > 0 else MAX_SAMPLE_CHARS]


def _vote_short_words(words: list[str]) -> str:
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _SHORT_WORDS.items()}
    best = max(scores, key=scores.__getitem__)
    if scores[best] == 0 or list(scores.values()).count(scores[best]) > 1:
        return ""
    return best
