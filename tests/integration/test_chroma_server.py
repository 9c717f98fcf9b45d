"""ArchiveIndex against a real Chroma server (`chroma run`), through settings.url."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from inbox_agent.errors import IndexError_
from inbox_agent.search.index import ArchiveIndex, SyncReport
from tests.unit.search.test_index import ARCHIVE, RecordingEmbeddings, all_of

pytestmark = pytest.mark.chroma_server


def settings(url: str, collection: str) -> SimpleNamespace:
    return SimpleNamespace(
        path=Path("/nonexistent"), url=url, collection=collection, embedding="fake"
    )


def test_sync_and_search_through_the_server(chroma_server):
    embeddings = RecordingEmbeddings()
    index = ArchiveIndex(settings(chroma_server, "server-archive"), embeddings)
    index.reset()
    assert index.sync(*all_of()) == SyncReport(added=6, updated=0, unchanged=0, removed=0)
    embeddings.documents.clear()
    assert index.sync(*all_of(ARCHIVE[1:])) == SyncReport(0, 0, 4, 2)
    assert embeddings.documents == []
    found = index.search("sourdough starter flour", k=2, answered="velo")
    assert [(e.issue_key, e.answered) for e in found] == [("velo", True), ("bread", False)]
    assert {i.key for i in index.issues()} == {"velo", "bread", "notes"}


def test_a_second_client_sees_the_same_index(chroma_server):
    first = ArchiveIndex(settings(chroma_server, "shared-archive"), RecordingEmbeddings())
    first.reset()
    first.sync(*all_of())
    second = ArchiveIndex(settings(chroma_server, "shared-archive"), RecordingEmbeddings())
    assert second.count() == 6
    assert second.search("pneus cloutés vélo", k=1)[0].issue_key == "velo"


def test_style_memory_through_the_server(chroma_server):
    index = ArchiveIndex(settings(chroma_server, "server-style"), RecordingEmbeddings())
    index.reset()
    index.add_style_example("m1", "Merci !", "Avec plaisir.", "fr")
    assert index.style_examples("Merci !", k=1)[0]["reply_text"] == "Avec plaisir."
    assert index.delete_style_examples(["m1"]) == 1


def test_an_unreachable_server_raises_an_index_error():
    index = ArchiveIndex(settings("http://127.0.0.1:9", "archive"), RecordingEmbeddings())
    with pytest.raises(IndexError_, match="127.0.0.1:9"):
        index.count()
