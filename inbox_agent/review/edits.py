"""The author's own words in a draft, kept across a regenerate.

A regenerated draft is written from the reader's message again: what the author typed into
the draft (an answer in place of a placeholder, a paragraph of their own) would be lost.
`author_additions` finds those paragraphs; `carry_over` puts them back into the new draft,
in place of its first placeholder when it has one, else where the old draft had them
(before the closing); a regenerate that cannot place them asks first (`EditsInTheWay`).
"""

from __future__ import annotations

import re

from inbox_agent.drafting.guardrails import PLACEHOLDER
from inbox_agent.errors import InboxAgentError

_PARAGRAPHS = re.compile(r"\n\s*\n")


class EditsInTheWay(InboxAgentError):
    """Regenerating would replace words the author wrote into the draft."""


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPHS.split(text or "") if p.strip()]


def _norm(paragraph: str) -> str:
    return " ".join(paragraph.split()).lower()


def author_additions(generated: str, final: str) -> list[str]:
    """The paragraphs of `final` the drafter did not write (the author's own words)."""
    written = {_norm(p) for p in paragraphs(generated)}
    return [p for p in paragraphs(final) if _norm(p) not in written and not PLACEHOLDER.search(p)]


def carry_over(new_text: str, additions: list[str]) -> str | None:
    """`new_text` with the author's paragraphs in place of its first placeholder, or before
    its last paragraph (the closing); None when there is nowhere sensible to put them."""
    if not additions:
        return new_text
    words = "\n\n".join(additions)
    if PLACEHOLDER.search(new_text):
        return PLACEHOLDER.sub(lambda _: words, new_text, count=1)
    parts = paragraphs(new_text)
    if len(parts) < 2:
        return None
    return "\n\n".join([*parts[:-1], words, parts[-1]])
