"""Fuzzing the archive importers with mutated real inputs: Issues or ArchiveError, nothing else.

Seeds: Markdown posts with front matter and the Substack export fixtures from the shared
corpora, and the project's RSS/Atom samples. Each example runs under an alarm so a hang fails.
"""

from __future__ import annotations

import contextlib
import io
import signal
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_agent.archive.feed import import_feed
from inbox_agent.archive.markdown import import_markdown
from inbox_agent.archive.substack import import_substack
from inbox_agent.errors import ArchiveError
from inbox_agent.models import Issue
from tests.support import CORPORA, DATA

HANG_SECONDS = 20
FEEDS = sorted((DATA / "archive/feeds").glob("*"))
SUBSTACK = (
    CORPORA / "newsletter_exports/tryghost_migrate_fixtures/packages/mg-substack/test/fixtures"
)


def _markdown_seeds() -> list[Path]:
    posts = sorted((CORPORA / "blog_comments_en/posts").glob("*.md"))[:40]
    buttondown = CORPORA / "newsletter_exports/tryghost_migrate_fixtures/packages/mg-buttondown"
    return posts + sorted(buttondown.rglob("*.md"))


MARKDOWN = _markdown_seeds()
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextlib.contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    def alarm(signum, frame):
        raise TimeoutError(f"the importer ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def mutated(draw: st.DrawFn, raw: bytes) -> bytes:
    """Byte flips, truncation, junk spliced in, a line repeated, or front matter broken."""
    if not raw:
        return draw(st.binary(max_size=200))
    kind = draw(st.sampled_from(["flip", "truncate", "splice", "repeat", "yaml", "encoding"]))
    if kind == "flip":
        data = bytearray(raw)
        for _ in range(draw(st.integers(1, 30))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    cut = draw(st.integers(0, len(raw)))
    if kind == "splice":
        junk = draw(
            st.one_of(
                st.binary(min_size=1, max_size=200),
                st.sampled_from(
                    [b"\x00", b"]]>", b"<![CDATA[", b"&#0;", b"&bogus;", b"<item>", b"\xff\xfe"]
                ),
            )
        )
        return raw[:cut] + junk + raw[cut:]
    if kind == "repeat":
        lines = raw.splitlines(keepends=True)
        n = draw(st.integers(0, max(0, len(lines) - 1)))
        return b"".join(
            lines[: n + 1] + lines[n : n + 1] * draw(st.integers(1, 50)) + lines[n + 1 :]
        )
    if kind == "yaml":
        breaker = draw(
            st.sampled_from(
                [
                    b"---\n",
                    b": [\n",
                    b"date: 2024-13-45\n",
                    b"number: x\n",
                    b"title: {a: b}\n",
                    b"tags: 12\n",
                    b"\t- : -\n",
                ]
            )
        )
        return raw[:cut] + breaker + raw[cut:]
    return raw.decode("utf-8", "replace").encode(
        draw(st.sampled_from(["latin-1", "utf-16"])), "replace"
    )


def check(run) -> None:
    """The importer returns Issues or raises ArchiveError; any other exception fails."""
    with no_hang():
        try:
            issues = run()
        except ArchiveError as err:
            assert str(err)
            return
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue, Issue)
        assert isinstance(issue.key, str) and issue.key
        assert isinstance(issue.text, str) and isinstance(issue.title, str)


@pytest.mark.skipif(not MARKDOWN, reason="the shared corpora are absent")
@FUZZ
@given(data=st.data())
def test_mutated_markdown_with_front_matter_gives_issues_or_archive_error(data) -> None:
    seed = data.draw(st.sampled_from(MARKDOWN))
    raw = data.draw(mutated(seed.read_bytes()))
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / seed.name).write_bytes(raw)
        check(lambda: import_markdown(Path(folder)))


@FUZZ
@given(data=st.data())
def test_mutated_rss_and_atom_feeds_give_issues_or_archive_error(data) -> None:
    seed = data.draw(st.sampled_from(FEEDS))
    raw = data.draw(mutated(seed.read_bytes()))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / seed.name
        path.write_bytes(raw)
        check(lambda: import_feed(path))


def test_an_unterminated_cdata_in_a_feed_gives_issues_or_archive_error(tmp_path) -> None:
    raw = (FEEDS[-1] if FEEDS[-1].suffix == ".rss" else FEEDS[0]).read_bytes()
    damaged = raw.replace(b"</p>]]></description>", b"</p>x]></description>", 1)
    assert damaged != raw
    path = tmp_path / "feed.rss"
    path.write_bytes(damaged)
    check(lambda: import_feed(path))


def _substack_members() -> dict[str, bytes]:
    files = {"posts.csv": (SUBSTACK / "posts.csv").read_bytes()}
    for html in sorted((SUBSTACK / "posts").glob("*.html")):
        files[f"posts/{html.name}"] = html.read_bytes()
    return files


@pytest.mark.skipif(not SUBSTACK.is_dir(), reason="the shared corpora are absent")
@FUZZ
@given(data=st.data())
def test_mutated_substack_zip_gives_issues_or_archive_error(data) -> None:
    members = _substack_members()
    target = data.draw(st.sampled_from(sorted(members)))
    members[target] = data.draw(mutated(members[target]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(f"export/{name}", content)
    raw = buffer.getvalue()
    if data.draw(st.booleans()):  # damage the zip container itself, now and then
        raw = data.draw(mutated(raw))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        path.write_bytes(raw)
        check(lambda: import_substack(path))


def test_fuzz_seeds_are_present(corpora: Path) -> None:
    assert len(MARKDOWN) >= 20 and len(FEEDS) >= 2
    assert len(_substack_members()) >= 4
    assert all(isinstance(i, Issue) for i in import_substack(SUBSTACK))
