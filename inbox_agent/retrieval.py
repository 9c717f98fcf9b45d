"""Pure ranking: tokenization, BM25, rank fusion, grouping per issue, passage selection,
the in-memory corpus BM25 reads, and the flat chunk metadata the filters read.

No I/O and no vector store here: ``index.py`` feeds the hits in, this module ranks them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from inbox_agent.models import Chunk, Evidence, Issue

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")

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


def fold(text: str) -> str:
    """Lower-case and strip accents: "Élève" -> "eleve"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stem(token: str) -> str:
    """A light plural stemmer shared by English and French ("issues" -> "issue")."""
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    if len(token) > 3 and token.endswith(("aux", "eux")):
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Search terms of a text: folded words without stop words, lightly stemmed."""
    words = _WORD.findall(fold(text))
    return [_stem(w) for w in words if len(w) > 1 and w not in STOPWORDS]


class BM25:
    """Okapi BM25 over an inverted index; scoring touches only the query's postings."""

    def __init__(self, documents: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(documents)
        self.k1, self.b = k1, b
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(self.size, dtype=np.float32)
        for doc_id, text in enumerate(documents):
            tokens = tokenize(text)
            lengths[doc_id] = len(tokens)
            counts: dict[str, int] = defaultdict(int)
            for token in tokens:
                counts[token] += 1
            for token, tf in counts.items():
                postings[token].append((doc_id, tf))
        average = float(lengths.mean()) if self.size else 1.0
        self._norm = k1 * (1 - b + b * lengths / max(average, 1e-9))
        self._postings = {
            term: (
                np.array([d for d, _ in p], dtype=np.int64),
                np.array([tf for _, tf in p], dtype=np.float32),
            )
            for term, p in postings.items()
        }

    def idf(self, term: str) -> float:
        df = len(self._postings[term][0]) if term in self._postings else 0
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray:
        """One score per document (0 for documents sharing no term with the query)."""
        result = np.zeros(self.size, dtype=np.float32)
        for term in set(tokenize(query)):
            if term not in self._postings:
                continue
            doc_ids, tf = self._postings[term]
            result[doc_ids] += self.idf(term) * tf * (self.k1 + 1) / (tf + self._norm[doc_ids])
        return result

    def top(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``n`` best documents with a positive score, best first."""
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > n:
            candidates = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
        ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(i), float(scores[i])) for i in ordered]


@dataclass(frozen=True)
class Hit:
    """One chunk found by one method, with its score (higher is better)."""

    chunk_id: str
    issue_key: str
    score: float


def rank_issues(hits: Sequence[Hit]) -> list[tuple[str, float]]:
    """Issues ordered by their best chunk (max pooling), best first."""
    best: dict[str, float] = {}
    for hit in hits:
        if hit.issue_key not in best or hit.score > best[hit.issue_key]:
            best[hit.issue_key] = hit.score
    return sorted(best.items(), key=lambda item: -item[1])


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]],
    weights: Sequence[float] | None = None,
    k: int = 60,
) -> list[tuple[str, float]]:
    """Fuse ranked lists of keys: score = sum of weight / (k + rank), best first."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking, start=1):
            fused[key] += weight / (k + rank)
    return sorted(fused.items(), key=lambda item: -item[1])


def fuse_issue_rankings(
    vector_hits: Sequence[Hit],
    keyword_hits: Sequence[Hit],
    *,
    vector_weight: float = 1.0,
    keyword_weight: float = 1.0,
    k: int = 60,
) -> list[tuple[str, float]]:
    """Hybrid issue ranking: each method ranks issues by their best chunk, then RRF."""
    vector = [key for key, _ in rank_issues(vector_hits)]
    keyword = [key for key, _ in rank_issues(keyword_hits)]
    return reciprocal_rank_fusion([vector, keyword], [vector_weight, keyword_weight], k=k)


def chunk_order(vector_hits: Sequence[Hit], keyword_hits: Sequence[Hit]) -> dict[str, list[str]]:
    """Per issue, its matched chunk ids best first (fused by reciprocal rank)."""
    fused = reciprocal_rank_fusion(
        [[h.chunk_id for h in vector_hits], [h.chunk_id for h in keyword_hits]]
    )
    issue_of = {h.chunk_id: h.issue_key for h in [*vector_hits, *keyword_hits]}
    per_issue: dict[str, list[str]] = defaultdict(list)
    for chunk_id, _ in fused:
        per_issue[issue_of[chunk_id]].append(chunk_id)
    return per_issue


def _units(text: str, max_chars: int) -> list[str]:
    """Paragraphs of a text; long paragraphs cut into windows of whole sentences."""
    units: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        if len(paragraph) <= max_chars:
            units.append(paragraph)
            continue
        window = ""
        for sentence in _SENTENCE_END.split(paragraph):
            if window and len(window) + len(sentence) + 1 > max_chars:
                units.append(window)
                window = ""
            window = f"{window} {sentence}".strip()
        if window:
            units.append(window)
    return units


def shorten(text: str, max_chars: int) -> str:
    """Cut at a word boundary with an ellipsis when longer than ``max_chars``."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def select_passages(
    query: str,
    chunk_texts: Iterable[str],
    *,
    max_passages: int = 2,
    max_chars: int = 500,
    idf: Mapping[str, float] | None = None,
) -> tuple[str, ...]:
    """The paragraphs (or sentence windows) of the best chunks that share most with the query.

    ``chunk_texts`` come best first; when nothing shares a word with the query (a match
    found by meaning only, e.g. across languages) the opening of the best chunk is used.
    """
    terms = set(tokenize(query))
    candidates: list[tuple[float, int, str]] = []
    first = ""
    for order, text in enumerate(chunk_texts):
        for unit in _units(text, max_chars):
            first = first or unit
            overlap = terms.intersection(tokenize(unit))
            weight = sum((idf or {}).get(t, 1.0) for t in overlap)
            if weight > 0:
                candidates.append((weight / (1 + 0.15 * order), -len(candidates), unit))
    candidates.sort(reverse=True)
    chosen = [shorten(unit, max_chars) for _, _, unit in candidates[:max_passages]]
    if not chosen and first:
        chosen = [shorten(first, max_chars)]
    return tuple(chosen)


# -- chunk metadata and filters -------------------------------------------------------


def date_number(date: str) -> int:
    """YYYYMMDD as an int for range filters; 0 when the date is missing or partial."""
    digits = "".join(c for c in date[:10] if c.isdigit())
    return int(digits) if len(digits) == 8 else 0


def chunk_metadata(chunk: Chunk, issue: Issue | None) -> dict[str, Any]:
    """Flat Chroma metadata for a chunk: its own fields plus its issue's."""
    meta = {
        k: v
        for k, v in chunk.metadata.items()
        if isinstance(v, str | int | float | bool) and v is not None
    }
    if issue is not None:
        meta.update(
            title=issue.title,
            number=issue.number if issue.number is not None else -1,
            date=issue.date,
            url=issue.url,
            tags=",".join(issue.tags),
            language=issue.language,
            message_id=issue.message_id,
            source=issue.source,
        )
    meta.update(issue_key=chunk.issue_key, position=chunk.position, content_hash=chunk.content_hash)
    meta["date_num"] = date_number(str(meta.get("date", "")))
    for key in ("title", "date", "url", "tags", "language", "message_id", "source"):
        meta.setdefault(key, "")
    meta.setdefault("number", -1)
    return meta


def issue_from_metadata(meta: dict) -> Issue:
    """The Issue (without text) described by a chunk's metadata."""
    number = int(meta.get("number", -1))
    tags = tuple(t for t in str(meta.get("tags", "")).split(",") if t)
    return Issue(
        key=str(meta["issue_key"]),
        title=str(meta.get("title", "")),
        text="",
        number=None if number < 0 else number,
        date=str(meta.get("date", "")),
        url=str(meta.get("url", "")),
        tags=tags,
        language=str(meta.get("language", "")),
        message_id=str(meta.get("message_id", "")),
        source=str(meta.get("source", "")),
    )


def metadata_matches(
    meta: dict, date_from: str | None, date_to: str | None, lang: str | None
) -> bool:
    """Whether a chunk passes the search filters (undated chunks fail date filters)."""
    num = int(meta.get("date_num", 0))
    if date_from and num < date_number(date_from):
        return False
    if date_to and not 0 < num <= date_number(date_to):
        return False
    return not lang or meta.get("language", "") in (lang, "")


def metadata_filter(
    date_from: str | None, date_to: str | None, language: str | None
) -> dict | None:
    """The search filters as a vector-store ``where`` clause over the chunk metadata
    (the same rule as ``metadata_matches``); None when nothing is filtered."""
    clauses: list[dict] = []
    if date_from:
        clauses.append({"date_num": {"$gte": date_number(date_from)}})
    if date_to:  # undated issues never pass a date filter
        clauses.append({"date_num": {"$lte": date_number(date_to)}})
        clauses.append({"date_num": {"$gt": 0}})
    if language:
        clauses.append({"language": {"$in": [language, ""]}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class Corpus:
    """Every chunk of the archive in memory, for BM25 and issue metadata."""

    ids: list[str]
    texts: list[str]
    metadatas: list[dict]
    bm25: BM25

    def __post_init__(self) -> None:
        self.rows = {chunk_id: i for i, chunk_id in enumerate(self.ids)}
        self.issue_rows: dict[str, list[int]] = {}
        self._languages: dict[str, int] = {}
        for row, meta in enumerate(self.metadatas):
            self.issue_rows.setdefault(str(meta.get("issue_key", "")), []).append(row)
            language = str(meta.get("language", ""))
            self._languages[language] = self._languages.get(language, 0) + 1

    def language_share(self, language: str) -> float:
        """The share of chunks in ``language`` or of unknown language."""
        matching = self._languages.get(language, 0) + self._languages.get("", 0)
        return matching / max(1, len(self.ids))


def evidence(
    text: str,
    key: str,
    chunk_ids: list[str],
    score: float,
    corpus: Corpus,
    *,
    answered: bool,
) -> Evidence:
    """Issue ``key`` as search evidence: its best chunks' passages for ``text``."""
    # the answered issue may not have matched: then look through all its chunks
    rows = [corpus.rows[c] for c in chunk_ids[:3]] or corpus.issue_rows[key]
    issue = issue_from_metadata(corpus.metadatas[rows[0]])
    idf = {term: corpus.bm25.idf(term) for term in tokenize(text)}
    passages = select_passages(text, [corpus.texts[r] for r in rows], idf=idf)
    return Evidence(
        issue_key=issue.key,
        title=issue.title,
        url=issue.url,
        number=issue.number,
        date=issue.date,
        score=round(score, 6),
        passages=passages,
        answered=answered,
    )
