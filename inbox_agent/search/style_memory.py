"""Style memory: approved replies kept with the reader's message, found later by similarity.

Works over the Chroma collection that ``ArchiveIndex`` opens and hands over (only index.py
imports chromadb); every vector comes from the index's LangChain ``Embeddings``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from langchain_core.embeddings import Embeddings

from inbox_agent.search.embeddings import clean_text
from inbox_agent.text.greeting import embedding_text


class StyleMemory:
    """(reader text, approved reply) pairs in a collection, keyed by the caller's ids.

    ``collection`` and ``embeddings`` are called on each use (the index connects lazily);
    ``errors(action)`` turns a store failure into an IndexError_ naming the action.
    """

    def __init__(
        self,
        collection: Callable[[], Any],
        embeddings: Callable[[], Embeddings],
        errors: Callable[[str], AbstractContextManager[None]],
    ) -> None:
        self._collection = collection
        self._embeddings = embeddings
        self._errors = errors

    def add(self, key: str, reader_text: str, reply_text: str, language: str) -> None:
        """Remember an approved reply to a reader's message, found later by similarity (its
        vector is of the message as the drafts query it: without greeting or signature)."""
        vector = self._embeddings().embed_query(clean_text(embedding_text(reader_text)))
        with self._errors("saving a style example"):
            self._collection().upsert(
                ids=[key],
                embeddings=[vector],
                documents=[clean_text(reader_text)],
                metadatas=[{"reply_text": clean_text(reply_text), "language": language or ""}],
            )

    def similar(self, text: str, k: int = 2, language: str | None = None) -> list[dict]:
        """Past (reader text, approved reply) pairs most similar to ``text``."""
        collection = self._collection()
        with self._errors("reading style examples"):
            total = collection.count()
            if total == 0 or k <= 0:
                return []
            vector = self._embeddings().embed_query(clean_text(embedding_text(text)))
            result = collection.query(
                query_embeddings=[vector],
                n_results=min(k, total),
                where={"language": language} if language else None,
                include=["documents", "metadatas", "distances"],
            )
        return [
            {
                "key": key,
                "reader_text": doc,
                "reply_text": meta["reply_text"],
                "score": round(1.0 - float(distance), 6),
            }
            for key, doc, meta, distance in zip(
                result["ids"][0],
                result["documents"][0],
                result["metadatas"][0],
                result["distances"][0],
                strict=True,
            )
        ]

    def entries(self, keys: Sequence[str]) -> list[dict]:
        """The stored pairs under these keys (the ones that exist), for a reader's export."""
        if not keys:
            return []
        with self._errors("reading style examples"):
            got = self._collection().get(ids=list(keys), include=["documents", "metadatas"])
        return [
            {"key": key, "reader_text": doc, "reply_text": (meta or {}).get("reply_text", "")}
            for key, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def delete(self, keys: Sequence[str]) -> int:
        """Forget these style examples; returns how many existed."""
        if not keys:
            return 0
        collection = self._collection()
        with self._errors("deleting style examples"):
            existing = collection.get(ids=list(keys), include=[])["ids"]
            if existing:
                collection.delete(ids=existing)
        return len(existing)
