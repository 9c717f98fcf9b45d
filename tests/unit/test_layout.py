"""The package's house rules, read from the source: imports point down (no circles), each
outside library has one home, imports inside functions are for heavy or optional parts only,
and every registered kind is one the config accepts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from inbox_agent.archive import kinds as archive_kinds
from inbox_agent.config import CHOICES
from inbox_agent.wiring import SOURCE_KINDS
from tests.support import ROOT

PACKAGE = ROOT / "inbox_agent"

# Outside libraries and the only modules that may import them.
HOMES = {
    "imapclient": {"inbox_agent.mail.imap"},
    "chromadb": {"inbox_agent.search.index"},
    "smtplib": {"inbox_agent.mail.smtp"},
    "langchain_core.messages": {"inbox_agent.drafting.llm"},
    "langchain.chat_models": {"inbox_agent.drafting.llm"},
}
# The package's own modules that may be imported inside a function: those that bring a heavy
# or optional library, loaded only by the commands that need it.
LAZY_OK = (
    "inbox_agent.mail.imap",  # imapclient, for IMAP users only
    "inbox_agent.web",  # FastAPI and uvicorn, for `serve` and `demo`
    "inbox_agent.worker",  # APScheduler, for `worker` and `status`
    "inbox_agent.doctor",  # the provider checks, for `doctor`
    "inbox_agent.demo",
    "inbox_agent.search.evaluate",
    "inbox_agent.intake.evaluate",  # the labelled-set scoring, for `eval intents`
)


def module_name(path: Path) -> str:
    """inbox_agent/mail/imap.py -> inbox_agent.mail.imap"""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULE_NAMES = {module_name(p) for p in PACKAGE.rglob("*.py")}


def imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, inside a function?) for every import of a module of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = inside or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, nested) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:  # a submodule by name, else a name of the module
                    sub = f"{child.module}.{alias.name}"
                    found.append((sub if sub in MODULE_NAMES else child.module, nested))
            visit(child, nested)

    visit(tree, False)
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def project_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        graph[name] = {m for m, _ in imports(path) if m in MODULES and m != name}
    return graph


def test_imports_between_modules_form_no_circle():
    graph = project_graph()
    done: set[str] = set()

    def walk(node: str, trail: list[str]) -> None:
        if node in trail:
            cycle = trail[trail.index(node) :] + [node]
            pytest.fail("import circle: " + " -> ".join(cycle))
        if node in done:
            return
        for target in sorted(graph[node]):
            walk(target, [*trail, node])
        done.add(node)

    for module in sorted(graph):
        walk(module, [])


@pytest.mark.parametrize("library", sorted(HOMES))
def test_each_outside_library_is_imported_in_one_place(library):
    users = {
        name
        for name, path in MODULES.items()
        for module, _ in imports(path)
        if module == library or module.startswith(library + ".")
    }
    assert users <= HOMES[library], f"{library} imported by {sorted(users - HOMES[library])}"


def test_imports_inside_functions_are_only_for_heavy_or_optional_parts():
    lazy = sorted(
        f"{name} imports {module} inside a function"
        for name, path in MODULES.items()
        for module, inside in imports(path)
        if inside and module.startswith("inbox_agent") and not module.startswith(LAZY_OK)
    )
    assert lazy == []


def test_at_most_twelve_modules_sit_at_the_package_root():
    root_modules = [p.name for p in PACKAGE.glob("*.py")]
    assert len(root_modules) <= 12, root_modules


def test_every_mail_source_kind_is_registered_and_accepted_by_the_config():
    assert set(SOURCE_KINDS) == set(CHOICES[("source", "kind")])


def test_every_archive_kind_is_registered_and_accepted_by_the_config():
    assert set(archive_kinds.KINDS) == set(CHOICES[("archive", "kind")])


def test_every_model_and_embedding_provider_is_the_one_the_config_accepts():
    from inbox_agent import doctor
    from inbox_agent.config.settings import EMBEDDING_PROVIDERS, LLM_PROVIDERS
    from inbox_agent.drafting import llm
    from inbox_agent.search import embeddings

    assert set(llm.PROVIDERS) == set(LLM_PROVIDERS) == set(doctor.PROVIDERS)
    assert set(embeddings._PROVIDERS) == set(EMBEDDING_PROVIDERS)
