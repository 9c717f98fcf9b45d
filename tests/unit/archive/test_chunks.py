"""Chunking: headings respected, sizes bounded, overlap, stable ids, content hashes, metadata."""

from __future__ import annotations

from dataclasses import replace

import pytest

from inbox_agent.archive.chunks import chunk_issue, issue_fingerprint
from inbox_agent.models import Issue


def sentences(prefix: str, count: int, words: int = 10) -> str:
    """count sentences of `words` words each, numbered so every word is traceable."""
    return " ".join(
        " ".join(f"{prefix}{n}w{k}" for k in range(words - 1)) + f" {prefix}{n}end."
        for n in range(count)
    )


TEXT = "\n\n".join(
    [
        sentences("intro", 3),
        "First section",
        sentences("a", 6),
        sentences("b", 6),
        sentences("c", 6),
        "Second section?",
        sentences("d", 2),
        "Third section",
        sentences("e", 40),  # one paragraph far longer than a chunk
        "Bye,\n\nSam",
    ]
)
ISSUE = Issue(
    key="issue-93",
    title="Letter #93",
    text=TEXT,
    number=93,
    date="2024-03-04",
    url="https://x.example/p/93",
    tags=("remote", "hiring"),
    language="en",
)


@pytest.mark.parametrize(("max_words", "overlap"), [(180, 40), (60, 10), (25, 0), (40, 39)])
def test_every_chunk_is_at_most_max_words(max_words, overlap):
    chunks = chunk_issue(ISSUE, max_words=max_words, overlap_words=overlap)
    assert chunks
    assert max(len(c.text.split()) for c in chunks) <= max_words


@pytest.mark.parametrize(("max_words", "overlap"), [(180, 40), (60, 10), (25, 0)])
def test_no_word_of_the_text_is_lost(max_words, overlap):
    chunks = chunk_issue(ISSUE, max_words=max_words, overlap_words=overlap)
    assert set(TEXT.split()) == {word for c in chunks for word in c.text.split()}


def test_each_heading_starts_a_chunk():
    chunks = chunk_issue(ISSUE, max_words=60, overlap_words=10)
    for heading in ("First section", "Second section?", "Third section"):
        assert [c.text.startswith(heading + "\n\n") for c in chunks].count(True) == 1
        assert not any(heading in c.text and not c.text.startswith(heading) for c in chunks)


def test_short_sections_do_not_mix_across_headings():
    chunks = chunk_issue(ISSUE, max_words=180, overlap_words=40)
    second = next(c for c in chunks if c.text.startswith("Second section?"))
    assert second.text == "Second section?\n\n" + sentences("d", 2)


def test_continuation_chunk_starts_with_the_tail_of_the_previous_one():
    chunks = chunk_issue(ISSUE, max_words=60, overlap_words=10)
    start = next(n for n, c in enumerate(chunks) if c.text.startswith("Third section"))
    section = chunks[start:]
    assert len(section) >= 3
    for previous, current in zip(section, section[1:], strict=False):
        overlap = " ".join(current.text.split()[:5])
        assert " ".join(previous.text.split()[-10:]).find(overlap) >= 0


def test_no_overlap_when_overlap_is_zero():
    chunks = chunk_issue(ISSUE, max_words=60, overlap_words=0)
    words = [w for c in chunks for w in c.text.split()]
    assert len(words) == len(TEXT.split())


def test_trailing_signature_stays_with_the_last_section():
    assert chunk_issue(ISSUE)[-1].text.endswith("Bye,\n\nSam")


def test_ids_are_key_and_position_and_stable():
    first = chunk_issue(ISSUE)
    again = chunk_issue(ISSUE)
    assert [c.id for c in first] == [f"issue-93#{n}" for n in range(len(first))]
    assert [c.position for c in first] == list(range(len(first)))
    assert first == again


@pytest.mark.parametrize(
    ("change", "same"),
    [
        ({}, True),
        ({"source": "/elsewhere/issue.md"}, True),
        ({"message_id": "<x@y>"}, True),
        ({"text": TEXT.replace("a0w1", "changed")}, False),
        ({"title": "Letter #93 (fixed)"}, False),
        ({"url": "https://x.example/p/93-new"}, False),
        ({"number": 94}, False),
        ({"date": "2024-03-05"}, False),
        ({"tags": ("remote",)}, False),
        ({"language": "fr"}, False),
    ],
)
def test_content_hash_changes_with_text_and_stored_metadata_only(change, same):
    before = chunk_issue(ISSUE, max_words=60, overlap_words=10)
    after = chunk_issue(replace(ISSUE, **change), max_words=60, overlap_words=10)
    assert ([c.content_hash for c in before] == [c.content_hash for c in after]) is same


def test_text_change_rehashes_only_the_chunks_it_touches():
    before = chunk_issue(ISSUE, max_words=60, overlap_words=10)
    after = chunk_issue(
        replace(ISSUE, text=TEXT.replace("d1w3", "changed")), max_words=60, overlap_words=10
    )
    changed = [b.id for b, a in zip(before, after, strict=True) if b.content_hash != a.content_hash]
    assert len(changed) == 1


def test_metadata_is_flat_with_chroma_types():
    chunk = chunk_issue(ISSUE)[1]
    assert chunk.metadata == {
        "issue_key": "issue-93",
        "title": "Letter #93",
        "number": 93,
        "date": "2024-03-04",
        "url": "https://x.example/p/93",
        "tags": "remote,hiring",
        "language": "en",
        "position": 1,
    }


def test_missing_number_is_stored_as_minus_one():
    chunks = chunk_issue(replace(ISSUE, number=None, tags=()))
    assert {c.metadata["number"] for c in chunks} == {-1}
    assert all(type(v) in {str, int, float, bool} for c in chunks for v in c.metadata.values())


def test_empty_text_gives_no_chunks():
    assert chunk_issue(replace(ISSUE, text="  \n\n ")) == []


@pytest.mark.parametrize(("max_words", "overlap"), [(0, 0), (10, 10), (10, -1)])
def test_impossible_sizes_are_refused(max_words, overlap):
    with pytest.raises(ValueError, match="overlap_words < max_words"):
        chunk_issue(ISSUE, max_words=max_words, overlap_words=overlap)


@pytest.mark.parametrize(
    "change",
    [{"text": "x"}, {"title": "x"}, {"source": "x"}, {"message_id": "x"}, {"tags": ("x",)}],
)
def test_fingerprint_covers_every_field(change):
    assert issue_fingerprint(ISSUE) == issue_fingerprint(replace(ISSUE))
    assert issue_fingerprint(ISSUE) != issue_fingerprint(replace(ISSUE, **change))
