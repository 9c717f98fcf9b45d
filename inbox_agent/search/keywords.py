"""Words and keyword scoring: folding, French and English stop words, stemming per
language (Snowball, through PyStemmer), tokenization, and BM25 over the archive's chunks.
Pure, no I/O."""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Callable, Collection, Sequence

import numpy as np
import Stemmer

_WORD = re.compile(r"[a-z0-9]+")

# Folded (lower case, no accents) English and French function words.
_STOPWORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    im ive id youre dont doesnt didnt cant isnt thats theres get got really thanks thank hi
    hello one like use using would could way much many even well still
    au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur
    leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se
    ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y ete etee etes etais
    etait etions etiez etaient suis es est sommes sont serai sera serons seront serais serait
    ai as avons avez ont avais avait avions aviez avaient eu aurai aura auront aurais aurait
    ceci cela ca celui celle ceux celles comme donc dont ici la ou plus moins tres tout tous
    toute toutes sans sous si aussi alors bien bonjour merci encore fait faire peu quand quel
    quelle quels quelles sont chez entre vers avant apres depuis pendant deja car ni soit
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


# The Snowball stemmer of each language the archive and the replies are written in.
STEMMERS = {
    "fr": "french", "en": "english", "es": "spanish", "de": "german", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish", "no": "norwegian",
    "nb": "norwegian", "fi": "finnish", "ca": "catalan", "ro": "romanian", "ru": "russian",
}  # fmt: skip


class _Unaccent(dict):
    """A ``str.translate`` table deleting combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_UNACCENT = _Unaccent()
_TERMS: dict[str, dict[str, str]] = {}  # language -> word -> term ("" for a stop word)
_TERMS_MAX = 500_000
_STEMMERS: dict[str, Callable[[str], str]] = {}
_STEMMER_LOCK = threading.Lock()  # a PyStemmer object is not safe across threads


def fold(text: str) -> str:
    """Lower-case and strip accents: "Élève" -> "eleve"."""
    text = text.casefold()
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_UNACCENT)


def _plural(token: str) -> str:
    """A light plural stemmer for a language without a Snowball stemmer ("issues" -> "issue")."""
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    if len(token) > 3 and token.endswith(("aux", "eux")):
        return token[:-1]
    return token


def stemmer(language: str) -> Callable[[str], str]:
    """The stemmer of a language (ISO 639-1), applied to folded words: a reader who types
    "securite" and an issue that says "sécurité" meet on one stem. Light plurals otherwise."""
    if language not in _STEMMERS:
        name = STEMMERS.get(language)
        if name is None:
            _STEMMERS[language] = _plural
        else:
            engine = Stemmer.Stemmer(name)

            def stem(word: str, engine: Stemmer.Stemmer = engine) -> str:
                with _STEMMER_LOCK:
                    return engine.stemWord(word)

            _STEMMERS[language] = stem
    return _STEMMERS[language]


def _term(word: str, language: str, known: dict[str, str]) -> str:
    """The search term of a folded word, "" for a stop word; remembered for the next texts."""
    if len(known) >= _TERMS_MAX:
        known.clear()
    term = known[word] = "" if len(word) < 2 or word in STOPWORDS else stemmer(language)(word)
    return term


def tokenize(text: str, language: str = "") -> list[str]:
    """Search terms of a text: folded words without stop words, stemmed in ``language``."""
    words = _WORD.findall(fold(text))
    known = _TERMS.setdefault(language if language in STEMMERS else "", {})
    terms = list(map(known.get, words))
    if None in terms:
        terms = [
            _term(w, language, known) if t is None else t for w, t in zip(words, terms, strict=True)
        ]
    return [t for t in terms if t]


def terms_of(query: str | Collection[str], language: str = "") -> set[str]:
    return set(tokenize(query, language)) if isinstance(query, str) else set(query)


def words_in_common(text: str, terms: Collection[str], language: str = "") -> tuple[str, ...]:
    """The words of ``text`` whose search term is among ``terms``, as the text writes them,
    once per term, in the text's order."""
    known = _TERMS.setdefault(language if language in STEMMERS else "", {})
    found: dict[str, str] = {}
    for word in re.findall(r"\w+", text):
        for part in _WORD.findall(fold(word)):
            term = known.get(part)
            if term is None:
                term = _term(part, language, known)
            if term and term in terms and term not in found:
                found[term] = word
    return tuple(found.values())


# Term-frequency saturation and length normalisation. k1 = 1.6 (the usual range is
# 1.2-2.0) measured as good as 1.2 on French reader comments and better on English ones;
# other values chosen on one half of the posts did no better on the other (docs/performance.md).
K1, B = 1.6, 0.75


class BM25:
    """Okapi BM25 over an inverted index whose postings hold each (term, document) weight,
    computed once: scoring a query only adds up the postings of its terms.

    With ``groups`` (one group per document: the issue a chunk belongs to), a term's
    rarity (idf) is counted in groups, not documents: a word that runs through the chunks
    of one issue only is as rare as a word in a single chunk, so it still singles that
    issue out (an issue's title, repeated in each of its chunks, too)."""

    def __init__(
        self,
        documents: Sequence[str],
        languages: Sequence[str] | None = None,
        k1: float = K1,
        b: float = B,
        groups: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        """``languages`` (one per document, "" when unknown) choose each document's stemmer;
        ``groups`` (one int per document) make idf count groups (see the class)."""
        self.size = len(documents)
        self.k1, self.b = k1, b
        self._vocabulary: dict[str, int] = {}
        vocabulary = self._vocabulary
        term_ids: list[int] = []
        lengths = np.zeros(self.size, dtype=np.int64)
        for doc_id, text in enumerate(documents):
            tokens = tokenize(text, languages[doc_id] if languages else "")
            lengths[doc_id] = len(tokens)
            ids = list(map(vocabulary.get, tokens))
            if None in ids:
                ids = [vocabulary.setdefault(t, len(vocabulary)) for t in tokens]
            term_ids.extend(ids)
        # one posting per (term, document), grouped by term, documents in order
        size = max(self.size, 1)
        docs = np.repeat(np.arange(self.size, dtype=np.int64), lengths)
        pairs, tf = _distinct(np.array(term_ids, dtype=np.int64) * size + docs)
        terms, self._docs = np.divmod(pairs, size)
        postings = np.bincount(terms, minlength=len(vocabulary))  # documents per term
        self._offsets = np.concatenate(([0], np.cumsum(postings)))
        self._units, self._df = self.size, postings  # what idf counts, and in how many
        if groups is not None and self.size:
            group_of = np.unique(np.asarray(groups, dtype=np.int64), return_inverse=True)[1]
            group_of = group_of.reshape(-1)
            self._units = int(group_of.max()) + 1
            term_groups = _distinct(terms * self._units + group_of[self._docs])[0]
            self._df = np.bincount(term_groups // self._units, minlength=len(vocabulary))
        average = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths / max(average, 1e-9))
        idf = np.log(1 + (self._units - self._df + 0.5) / (self._df + 0.5))
        self._weights = idf[terms] * tf * (k1 + 1) / (tf + norm[self._docs])

    def idf(self, term: str) -> float:
        term_id = self._vocabulary.get(term)
        df = 0 if term_id is None else int(self._df[term_id])
        return math.log(1 + (self._units - df + 0.5) / (df + 0.5))

    def scores(self, query: str | Collection[str], language: str = "") -> np.ndarray:
        """One score per document (0 for documents sharing no term with the query);
        ``query`` is a text (in ``language``) or its terms."""
        result = np.zeros(self.size, dtype=np.float64)
        for term in sorted(terms_of(query, language)):  # a fixed order: equal sums stay equal
            term_id = self._vocabulary.get(term)
            if term_id is not None:
                start, end = self._offsets[term_id], self._offsets[term_id + 1]
                result[self._docs[start:end]] += self._weights[start:end]
        return result

    def top(
        self, query: str | Collection[str], n: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The ``n`` best documents with a positive score, best first."""
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return best_rows(scores, np.flatnonzero(scores > 0), n)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, sorted, and how often each occurs: ``np.unique(values,
    return_counts=True)``, by one sort (numpy 2's ``unique`` of a million integers takes
    about ten times as long as sorting them)."""
    ordered = np.sort(values)
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(first)
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def best_rows(scores: np.ndarray, candidates: np.ndarray, n: int) -> list[tuple[int, float]]:
    """The ``n`` candidates with the highest scores, best first (ties in row order)."""
    if n <= 0:
        return []
    if len(candidates) > n:
        candidates = np.sort(candidates[np.argpartition(-scores[candidates], n - 1)[:n]])
    ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
    return [(int(i), float(scores[i])) for i in ordered]
