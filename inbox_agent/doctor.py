"""`inbox-agent doctor`: check each part and say how to fix what is wrong."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from typing import NamedTuple

from inbox_agent import wiring
from inbox_agent.config import Config, load_config
from inbox_agent.drafting import prompts
from inbox_agent.errors import InboxAgentError
from inbox_agent.store import db as store


class Check(NamedTuple):
    """One part checked: whether it works, and what was found (with what to do, apart)."""

    ok: bool
    label: str
    detail: str
    hint: str = ""


PROVIDERS = {
    "ollama": "langchain_ollama", "openai": "langchain_openai",
    "mistralai": "langchain_mistralai", "anthropic": "langchain_anthropic",
}


def run_checks(config_path: str | None) -> Iterator[Check]:
    try:
        config = load_config(config_path)
    except InboxAgentError as err:
        yield Check(False, "config", err.message, err.hint)
        return
    yield Check(True, "config", str(config.path))
    yield _guard("state database", lambda: _state(config))
    yield _guard("mail source", lambda: _source(config))
    yield _guard("archive index", lambda: _index(config))
    yield _guard("prompts", lambda: _prompts())
    yield _guard("drafting model", lambda: _llm(config))


def _guard(label: str, check) -> Check:
    try:
        ok, detail = check()
    except InboxAgentError as err:
        return Check(False, label, err.message, err.hint)
    except Exception as err:  # a check must never crash the report
        return Check(False, label, f"{type(err).__name__}: {err}")
    return Check(ok, label, detail)


def _state(config: Config) -> tuple[bool, str]:
    conn = store.connect(config.state.db)
    try:
        replies = conn.execute("SELECT count(*) FROM replies").fetchone()[0]
        drafts = conn.execute("SELECT count(*) FROM drafts").fetchone()[0]
    finally:
        conn.close()
    return True, f"{config.state.db} ({replies} replies, {drafts} drafts)"


def _source(config: Config) -> tuple[bool, str]:
    source = wiring.make_source(config)
    with source:
        folders = source.folders()
        counts = [f"{folder}: {len(source.uids(folder))} messages" for folder in folders]
    return True, f"{source.account} ({'; '.join(counts)})"


def _index(config: Config) -> tuple[bool, str]:
    index = wiring.make_index(config)
    count = index.count()
    if not count:
        return False, "the index is empty: run `inbox-agent archive import`"
    where = config.index.url or str(config.index.path)
    return True, f"{count} chunks in {where}, embeddings {config.index.embedding}"


def _prompts() -> tuple[bool, str]:
    names = prompts.template_names()
    if not names:
        return False, f"no templates in {prompts.prompts_dir()}"
    return True, f"{len(names)} templates in {prompts.prompts_dir()}"


def _llm(config: Config) -> tuple[bool, str]:
    model = config.llm.model
    if not model:
        return True, "none configured: the grounded drafter writes the drafts (no model server)"
    provider = model.split(":", 1)[0]
    package = PROVIDERS.get(provider)
    if package is None:
        return False, f"llm.model {model!r}: use one of {', '.join(p + ':…' for p in PROVIDERS)}"
    if importlib.util.find_spec(package) is None:
        return False, f"{package} is not installed: pip install 'inbox-agent[{provider}]'"
    key = config.llm.api_key_env
    if key and not os.environ.get(key):
        return False, f"the environment variable {key} (API key) is not set"
    return True, f"{model}" + (f" at {config.llm.base_url}" if config.llm.base_url else "")
