"""ArchiveIndex.chunk_vectors: the stored vectors of the archive, read back page by page."""

from __future__ import annotations

import numpy as np
import pytest

from inbox_agent.errors import IndexError_
from inbox_agent.search import index as index_module
from inbox_agent.search.index import ArchiveIndex, passage_text
from tests.unit.search.test_index import ARCHIVE, RecordingEmbeddings, Settings, all_of


@pytest.fixture
def synced(tmp_path) -> tuple[ArchiveIndex, RecordingEmbeddings]:
    embeddings = RecordingEmbeddings()
    idx = ArchiveIndex(Settings(path=tmp_path / "vectorstore"), embeddings)
    idx.sync(*all_of())
    return idx, embeddings


def expected_vectors(embeddings: RecordingEmbeddings) -> dict[str, list[float]]:
    titles = {issue.key: issue.title for issue, _ in ARCHIVE}
    chunks = [c for _, cs in ARCHIVE for c in cs]
    texts = [passage_text(c.text, titles[c.issue_key]) for c in chunks]
    return dict(zip([c.id for c in chunks], embeddings.inner.embed_documents(texts), strict=True))


@pytest.mark.parametrize("page", [index_module.PAGE, 2, 1])
def test_chunk_vectors_returns_every_chunk_with_its_embedded_vector(synced, monkeypatch, page):
    idx, embeddings = synced
    monkeypatch.setattr(index_module, "PAGE", page)
    ids, vectors, metadatas = idx.chunk_vectors()
    expected = expected_vectors(embeddings)
    assert sorted(ids) == sorted(expected)
    assert len(vectors) == len(ids) == len(metadatas)
    for chunk_id, vector, meta in zip(ids, vectors, metadatas, strict=True):
        assert np.allclose(vector, expected[chunk_id], atol=1e-6)
        assert meta["issue_key"] == chunk_id.split("#")[0]


def test_chunk_vectors_of_an_empty_index_are_empty(tmp_path):
    idx = ArchiveIndex(Settings(path=tmp_path / "vectorstore"), RecordingEmbeddings())
    assert idx.chunk_vectors() == ([], [], [])


def test_chunk_vectors_failure_says_to_reindex(synced, monkeypatch):
    idx, _ = synced
    collection = idx._collection()

    def broken(*args, **kwargs):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(collection, "get", broken)
    with pytest.raises(IndexError_, match=r"disk I/O error") as caught:
        idx.chunk_vectors()
    assert "archive reindex" in caught.value.hint
