"""Hybrid search over the archive held in memory: exact vector neighbours and BM25, fused
per issue, with the evidence (matching passages) and the relevance cut-off drafts use.

`ArchiveIndex` brings the corpus (`_load_corpus`), the embeddings and its error translation;
this mixin holds the ranking.
"""

from __future__ import annotations

from collections.abc import Collection

from inbox_agent.models import Evidence
from inbox_agent.search import keywords, retrieval
from inbox_agent.search.embeddings import clean_text
from inbox_agent.text.language import detect_language

VECTOR_CANDIDATES = 50
KEYWORD_CANDIDATES = 50
MIN_KEYWORD_SHARE = 0.5  # of the archive in the query's language, for BM25 to take part


class HybridSearch:
    """Search methods of the archive index (see ArchiveIndex)."""

    def vector_hits(
        self, text: str, n: int = VECTOR_CANDIDATES, filters: tuple = (None, None, None)
    ) -> list[retrieval.Hit]:
        """The chunks nearest to ``text`` by meaning (score = cosine similarity)."""
        return self._vector_search(self._load_corpus(), text, n, filters)[0]

    def _vector_search(
        self, corpus: retrieval.Corpus, text: str, n: int, filters: tuple
    ) -> tuple[list[retrieval.Hit], float | None]:
        """Exact nearest chunks over the vectors the index holds, and the similarity of the
        typical issue searched (see ``Corpus.nearest``)."""
        if not corpus.ids:
            return [], None
        query = self.embeddings.embed_query(clean_text(text))
        with self._errors("searching"):
            found, typical = corpus.nearest(query, n, corpus.mask(*filters))
        hits = [retrieval.Hit(corpus.ids[r], corpus.issue_keys[r], s) for r, s in found]
        return hits, typical

    def keyword_hits(
        self,
        text: str | Collection[str],
        n: int = KEYWORD_CANDIDATES,
        filters: tuple = (None, None, None),
    ) -> list[retrieval.Hit]:
        """The chunks sharing the rarest words with ``text`` (a text or its terms; BM25)."""
        corpus = self._load_corpus()
        return [
            retrieval.Hit(corpus.ids[i], corpus.issue_keys[i], score)
            for i, score in corpus.bm25.top(text, n, corpus.mask(*filters))
        ]

    def _same_language_keyword_hits(
        self, text: str, terms: set[str], filters: tuple
    ) -> tuple[list[retrieval.Hit], float]:
        """BM25 among chunks in the query's language, weighted by their share of the archive.

        Words only match within a language (vectors cross languages), and a ranking of a
        minority of the archive says little (an English query on a French archive with one
        English issue would always rank that issue first): below MIN_KEYWORD_SHARE the query
        is left to the vectors.
        """
        date_from, date_to, language = filters
        detected = "" if language else detect_language(text)
        if not detected:
            return self.keyword_hits(terms, filters=filters), 1.0
        share = self._load_corpus().language_share(detected)
        if share < MIN_KEYWORD_SHARE:
            return [], 0.0
        return self.keyword_hits(terms, filters=(date_from, date_to, detected)), share

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
    ) -> list[Evidence]:
        """Issues related to ``text``, one Evidence per issue, best first.

        Hybrid fuses the vector ranking with a BM25 ranking restricted to issues in the
        query's language (detected), so that common words never match across languages.
        ``answered`` (an issue key) is always included, first, marked ``answered=True``;
        filters narrow the other issues (an issue of unknown language always passes the
        language filter). ``method`` is "hybrid", "vector" or "keyword".

        ``relevant_only`` leaves out the issues far weaker than the best one on both the
        vector and the keyword signal (``retrieval.relevance`` below RELEVANT_SHARE); the
        answered issue stays whatever its strength.
        """
        corpus = self._load_corpus()
        filters = (date_from, date_to, language)
        terms = set(keywords.tokenize(text))
        vector: list[retrieval.Hit] = []
        typical = None
        if method != "keyword":
            vector, typical = self._vector_search(corpus, text, VECTOR_CANDIDATES, filters)
        keyword: list[retrieval.Hit] = []
        weight = 1.0
        if method == "keyword":
            keyword = self.keyword_hits(terms, filters=filters)
        elif method == "hybrid":
            keyword, weight = self._same_language_keyword_hits(text, terms, filters)
        scores = dict(retrieval.fuse_issue_rankings(vector, keyword, keyword_weight=weight))
        chosen = [key for key in scores if key != answered]  # best first
        if relevant_only:
            shares = retrieval.relevance(vector, keyword, typical)
            chosen = [key for key in chosen if shares.get(key, 0.0) >= retrieval.RELEVANT_SHARE]
        if answered in corpus.issue_rows:
            chosen.insert(0, answered)
        limit = max(k, 1) if answered in corpus.issue_rows else k
        chunks_of = retrieval.chunk_order(vector, keyword)
        return [
            retrieval.evidence(
                terms,
                key,
                chunks_of.get(key, []),
                scores.get(key, 0.0),
                corpus,
                answered=key == answered,
            )
            for key in chosen[:limit]
        ]
