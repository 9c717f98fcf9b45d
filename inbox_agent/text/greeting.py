"""A reply's text without its greeting, and the text embedded for a reply."""

from __future__ import annotations

import re

_GREETING = re.compile(
    r"^\s*(?:bonjour|bonsoir|salut|coucou|hello|hi|hey|dear|cher|chère|chers)\b[^\n.!?:,]{0,40}"
    r"[,.!:]?",
    re.IGNORECASE,
)
# The reader's first 500 characters are embedded; BM25 reads all the words. Hybrid search
# finds the same posts as with 2,000 on both blog corpora, and a reply costs 0.4 of the
# embedding time (docs/performance.md, "The text embedded for a reply").
EMBED_CHARS = 500


def strip_greeting(text: str) -> str:
    """The text without a leading "Salut Camille," / "Hi Michael,"."""
    return _GREETING.sub("", text, count=1)


def embedding_text(text: str) -> str:
    """What is embedded for a reply, by retrieval, the style memory and the topics alike."""
    return strip_greeting(text).strip()[:EMBED_CHARS] or text[:EMBED_CHARS]
