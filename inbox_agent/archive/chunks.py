"""Cut issues into indexable chunks whose content hash changes whenever the text or the
stored metadata changes."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict

from inbox_agent.models import Chunk, Issue

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_HEADING_MAX_WORDS = 12


# --- chunking -------------------------------------------------------------------------------


def chunk_issue(issue: Issue, *, max_words: int = 180, overlap_words: int = 40) -> list[Chunk]:
    """Cut an issue into chunks of at most max_words words.

    A heading always starts a new chunk; paragraphs are packed together; a paragraph longer
    than a chunk is cut at sentence ends (or, failing that, between words). A chunk that
    continues a section starts with the last overlap_words words of the previous one.
    """
    if max_words < 1 or not 0 <= overlap_words < max_words:
        raise ValueError("chunking needs max_words >= 1 and 0 <= overlap_words < max_words")
    texts: list[str] = []
    for section in _sections(issue.text):
        texts.extend(_pack_section(section, max_words, overlap_words))
    chunks = []
    for position, text in enumerate(texts):
        metadata = chunk_metadata(issue, position)
        chunks.append(
            Chunk(
                id=f"{issue.key}#{position}",
                issue_key=issue.key,
                text=text,
                content_hash=_hash({"text": text, **metadata}),
                position=position,
                metadata=metadata,
            )
        )
    return chunks


def chunk_metadata(issue: Issue, position: int) -> dict[str, str | int]:
    """The flat metadata stored with a chunk (str and int values only, as Chroma requires)."""
    return {
        "issue_key": issue.key,
        "title": issue.title,
        "number": issue.number if issue.number is not None else -1,
        "date": issue.date,
        "url": issue.url,
        "tags": ",".join(issue.tags),
        "language": issue.language,
        "position": position,
    }


def issue_fingerprint(issue: Issue) -> str:
    """sha256 over every field of the issue: equal fingerprints mean nothing to re-import."""
    return _hash(asdict(issue))


def _hash(data: dict) -> str:
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _is_heading(paragraph: str) -> bool:
    """A one-line, short paragraph that does not end like a sentence."""
    if "\n" in paragraph or paragraph.startswith(("- ", "* ", "> ")):
        return False
    words = paragraph.split()
    return 0 < len(words) <= _HEADING_MAX_WORDS and not paragraph.endswith(
        (".", "!", ",", ";", ":", "…", '"', "»", ")")
    )


def _sections(text: str) -> list[list[str]]:
    """Paragraphs grouped into sections; each heading starts a new section.

    Consecutive headings stay together, and a heading-like last line (a signature) stays
    with the section before it.
    """
    sections: list[list[str]] = []
    for paragraph in (p.strip() for p in re.split(r"\n[ \t]*\n", text or "")):
        if not paragraph:
            continue
        lone_heading = bool(sections) and len(sections[-1]) == 1 and _is_heading(sections[-1][0])
        if not sections or (_is_heading(paragraph) and not lone_heading):
            sections.append([paragraph])
        else:
            sections[-1].append(paragraph)
    if len(sections) > 1 and len(sections[-1]) == 1:
        sections[-2].extend(sections.pop())
    return sections


def _pack_section(paragraphs: list[str], max_words: int, overlap_words: int) -> list[str]:
    heading_words = len(paragraphs[0].split()) if _is_heading(paragraphs[0]) else 0
    budget = max(1, max_words - max(overlap_words, heading_words))
    pieces = [piece for p in paragraphs for piece in _split_long(p, budget)]
    chunks: list[str] = []
    current: list[str] = []
    count, has_body = 0, False
    for index, piece in enumerate(pieces):
        words = len(piece.split())
        if has_body and count + words > max_words:
            chunks.append("\n\n".join(current))
            tail = _tail(chunks[-1], overlap_words)
            current, count, has_body = ([tail] if tail else []), len(tail.split()), False
        current.append(piece)
        count += words
        has_body = has_body or index > 0 or not heading_words
    if current and (has_body or not chunks):
        chunks.append("\n\n".join(current))
    return chunks


def _split_long(paragraph: str, budget: int) -> list[str]:
    """Cut a paragraph longer than budget words at line ends, then sentence ends, then words."""
    if len(paragraph.split()) <= budget:
        return [paragraph]
    units: list[str] = []
    for line in paragraph.split("\n"):
        for sentence in _SENTENCE_END.split(line):
            words = sentence.split()
            units.extend(" ".join(words[i : i + budget]) for i in range(0, len(words), budget))
    pieces: list[str] = []
    for unit in units:
        if pieces and len(pieces[-1].split()) + len(unit.split()) <= budget:
            pieces[-1] = f"{pieces[-1]} {unit}"
        else:
            pieces.append(unit)
    return pieces


def _tail(text: str, overlap_words: int) -> str:
    """The last overlap_words words of a chunk, starting at a sentence when one begins there."""
    if overlap_words <= 0:
        return ""
    words = text.split()[-overlap_words:]
    for index, word in enumerate(words[:-1]):
        if word.endswith((".", "!", "?", "…")) and len(words) - index - 1 >= overlap_words // 2:
            return " ".join(words[index + 1 :])
    return " ".join(words)
