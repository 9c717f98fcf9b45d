"""Hybrid search over the archive held in memory: exact vector similarities and BM25, each
turned into one strength per issue and fused on their spread (``fusion``), with the
evidence (matching passages, why each issue was found) and the cut-off drafts use.

`ArchiveIndex` brings the corpus (`_load_corpus`), the embeddings and its error translation;
this mixin holds the ranking.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from inbox_agent.search import fusion, keywords, retrieval
from inbox_agent.search.embeddings import clean_text
from inbox_agent.text.greeting import embedding_text, strip_greeting
from inbox_agent.text.language import detect_language

VECTOR_CANDIDATES = 50
KEYWORD_CANDIDATES = 50
MIN_KEYWORD_SHARE = 0.5  # of the archive in the query's language, for BM25 to take part


@dataclass
class _Ranking:
    """One query's scores: per chunk (to order an issue's passages) and per issue."""

    issues: np.ndarray  # fused score per issue code, -inf when the issue is not a candidate
    meaning: np.ndarray  # vector signal per issue, in spreads
    words: np.ndarray  # keyword signal per issue, in spreads
    chunks: np.ndarray  # fused score per chunk
    searched: int  # issues that passed the filters


class HybridSearch:
    """Search methods of the archive index (see ArchiveIndex)."""

    def vector_hits(
        self, text: str, n: int = VECTOR_CANDIDATES, filters: tuple = (None, None, None)
    ) -> list[retrieval.Hit]:
        """The chunks nearest to ``text`` by meaning (score = cosine similarity)."""
        corpus = self._load_corpus()
        if not corpus.ids or corpus.vectors is None:
            return []
        query = self.embeddings.embed_query(clean_text(embedding_text(text)))
        with self._errors("searching"):
            found = corpus.nearest(query, n, corpus.mask(*filters))
        return [retrieval.Hit(corpus.ids[r], corpus.issue_keys[r], s) for r, s in found]

    def keyword_hits(
        self,
        text: str | Collection[str],
        n: int = KEYWORD_CANDIDATES,
        filters: tuple = (None, None, None),
    ) -> list[retrieval.Hit]:
        """The chunks sharing the rarest words with ``text`` (a text or its terms; BM25)."""
        corpus = self._load_corpus()
        language = filters[2] or (detect_language(text) if isinstance(text, str) else "")
        terms = keywords.terms_of(text, language or corpus.main_language())
        return [
            retrieval.Hit(corpus.ids[i], corpus.issue_keys[i], score)
            for i, score in corpus.bm25.top(terms, n, corpus.mask(*filters))
        ]

    def _keyword_rows(
        self, corpus: retrieval.Corpus, detected: str, filters: tuple, method: str
    ) -> tuple[np.ndarray | None, float]:
        """The chunks BM25 ranks and the weight of the keyword signal.

        Words only match within a language (vectors cross languages), and a ranking of a
        minority of the archive says little (an English query on a French archive with one
        English issue would always rank that issue first): in hybrid search, BM25 ranks the
        chunks in the query's language, weighted by their share of the archive, and below
        MIN_KEYWORD_SHARE the query is left to the vectors.
        """
        date_from, date_to, language = filters
        if method == "keyword" or language or not detected:
            return corpus.mask(*filters), 1.0
        share = corpus.language_share(detected)
        if share < MIN_KEYWORD_SHARE:
            return corpus.mask(*filters), 0.0
        return corpus.mask(date_from, date_to, detected), share

    def _rank(
        self,
        corpus: retrieval.Corpus,
        text: str,
        terms: set[str],
        detected: str,
        filters: tuple,
        method: str,
    ) -> _Ranking:
        """Every issue's fused score for one query, with each signal and the chunk scores."""
        rows = corpus.mask(*filters)
        valid_rows = np.ones(len(corpus.ids), dtype=bool) if rows is None else rows
        grouping = corpus.grouping
        valid = np.logical_or.reduceat(valid_rows[grouping.by_issue], grouping.starts)
        flat = np.zeros(len(valid))
        meaning, meaning_rows, meaning_weight = flat, np.zeros(len(corpus.ids)), 0.0
        if method != "keyword" and corpus.vectors is not None and valid_rows.any():
            query = self.embeddings.embed_query(clean_text(embedding_text(text)))
            with self._errors("searching"):
                similarities = corpus.similarities(query)
            meaning_rows = similarities - float(np.median(similarities[valid_rows]))
            meaning = fusion.issue_strength(meaning_rows, grouping, valid_rows)[0]
            meaning_weight = 1.0
        words, words_rows, words_weight = flat, np.zeros(len(corpus.ids)), 0.0
        if method != "vector":
            keyword_rows, share = self._keyword_rows(corpus, detected, filters, method)
            if share > 0:
                keep = valid_rows if keyword_rows is None else keyword_rows & valid_rows
                words_rows = np.where(keep, corpus.bm25.scores(terms), 0.0)
                words = fusion.issue_strength(words_rows, grouping, keep)[0]
                words_weight = share * (1.0 if method == "keyword" else fusion.KEYWORD_WEIGHT)
        candidates = valid & (words > 0) if method == "keyword" else valid
        signals = [(meaning, meaning_weight), (words, words_weight)]
        chunk_signals = [(meaning_rows, meaning_weight), (words_rows, words_weight)]
        return _Ranking(
            issues=np.where(candidates, fusion.fuse(signals, valid), -np.inf),
            meaning=fusion.spread_normalised(meaning, valid),
            words=fusion.spread_normalised(words, valid),
            chunks=fusion.fuse(chunk_signals, valid_rows, against_chance=False),
            searched=int(valid.sum()),
        )

    def search(
        self,
        text: str,
        k: int = 3,
        *,
        answered: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        language: str | None = None,
        method: str = "hybrid",
        relevant_only: bool = False,
    ) -> list[fusion.Found]:
        """Issues related to ``text``, one ``Found`` (an Evidence with ``why``) per issue,
        best first.

        ``text`` is a reader's message (or any text), greeting included: BM25 reads all of
        it but the greeting, the vector is of ``text.greeting.embedding_text`` (its first
        ``EMBED_CHARS``, the text every stage embeds for a reply, so one vector serves them
        all). Hybrid fuses the vector and keyword strengths of each issue (``fusion``); BM25
        reads only issues in the query's language (detected), so that common words never
        match across languages. ``answered`` (an issue key) is always included, first,
        marked ``answered=True``; filters narrow the other issues (an issue of unknown
        language always passes the language filter). ``method`` is "hybrid", "vector" or
        "keyword".

        ``relevant_only`` keeps only the issues related enough to cite (``fusion.related``:
        a calibrated floor on the fused score and a gap to the best candidate); with fewer
        than ``fusion.MIN_ISSUES`` issues searched there is nothing to compare with and
        every issue found is kept. The answered issue stays whatever its strength.
        """
        corpus = self._load_corpus()
        if not corpus.ids:
            return []
        filters = (date_from, date_to, language)
        words = strip_greeting(text)
        detected = "" if language else detect_language(words)
        terms = set(keywords.tokenize(words, language or detected or corpus.main_language()))
        ranking = self._rank(corpus, text, terms, detected, filters, method)
        scores = ranking.issues
        order = np.lexsort((np.arange(len(scores)), -scores))  # ties: in key order
        order = order[np.isfinite(scores[order])]
        if answered in corpus.issue_code:
            order = order[order != corpus.issue_code[answered]]
        chosen = order[: max(k, 1)].tolist()  # no more are ever returned
        related = len(chosen)  # with too few issues to compare, every issue found counts
        if ranking.searched >= fusion.MIN_ISSUES:
            related = fusion.related([float(scores[c]) for c in chosen[: max(k, 1)]])
        if relevant_only:
            chosen = chosen[:related]
        related_codes = set(chosen[:related])
        if answered in corpus.issue_rows:
            chosen.insert(0, corpus.issue_code[answered])
        limit = max(k, 1) if answered in corpus.issue_rows else k
        idf = {term: corpus.bm25.idf(term) for term in terms}
        return [
            self._found(corpus, ranking, (terms, idf), code, answered, code in related_codes)
            for code in chosen[:limit]
        ]

    @staticmethod
    def _found(
        corpus: retrieval.Corpus,
        ranking: _Ranking,
        query: tuple[set[str], dict[str, float]],
        code: int,
        answered: str | None,
        related: bool,
    ) -> fusion.Found:
        """Issue ``code`` as a search result, its passages in the order of its chunks' scores;
        ``query`` is the query's terms and their idf."""
        key = corpus.issue_list[code]
        rows = sorted(corpus.issue_rows[key], key=lambda r: (-ranking.chunks[r], r))
        score = float(ranking.issues[code]) if np.isfinite(ranking.issues[code]) else 0.0
        why = fusion.Why(
            meaning=round(float(ranking.meaning[code]), 4),
            keywords=round(float(ranking.words[code]), 4),
            score=round(score, 4),
            related=related,
        )
        terms, idf = query
        return retrieval.evidence(
            terms, key, rows, corpus, answered=key == answered, why=why, idf=idf
        )
