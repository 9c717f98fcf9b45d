"""The passages of a cited issue as the page shows them, with the words they share with the
reader. (The words for what the state database keeps as codes are inbox_agent.i18n.words.)"""

from __future__ import annotations

import re

from inbox_agent.search.keywords import tokenize

COMMON_WORDS = 8
_WORDS = re.compile(r"(\w+)")


def marked_passage(passage: str, reader_terms: set[str]) -> list[tuple[str, bool]]:
    """The passage as (text, shared with the reader) pieces, word by word."""
    pieces: list[tuple[str, bool]] = []
    for part in _WORDS.split(passage):
        terms = tokenize(part) if part and part[0].isalnum() else []
        hit = bool(terms) and terms[0] in reader_terms
        if pieces and pieces[-1][1] == hit:
            pieces[-1] = (pieces[-1][0] + part, hit)
        elif part:
            pieces.append((part, hit))
    return pieces


def evidence(cited: list[dict], reply_text: str) -> list[dict]:
    """The cited issues with their passages marked and the words they share with the
    reader (no score: a number means nothing to the author)."""
    reader_terms = set(tokenize(reply_text or ""))
    shown = []
    for item in cited:
        passages = [marked_passage(p, reader_terms) for p in item.get("passages", ())[:2]]
        common: list[str] = []
        seen: set[str] = set()
        for pieces in passages:
            for text, hit in pieces:
                for word in _WORDS.findall(text) if hit else ():
                    if word.casefold() not in seen and tokenize(word):
                        seen.add(word.casefold())
                        common.append(word)
        shown.append(item | {"passages": passages, "common": common[:COMMON_WORDS]})
    return shown
