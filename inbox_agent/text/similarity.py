"""How close the text the author sent is to the draft inbox-agent wrote: one word-level
measure for edits in the page and for replies sent from the author's own mail program.

`word_similarity` compares the two texts as sequences of words (letters and digits,
lowercased; punctuation, spacing and line breaks do not count) with difflib's ratio:
2 × matching words / all words. 1.0 is the same words in the same order; a draft whose
placeholder the author replaced by two sentences of their own scores about 0.8.

`outcome` names the band: unchanged (1.0), light edit (≥ 0.8), heavy edit (≥ 0.5),
rewritten (below 0.5).
"""

from __future__ import annotations

import difflib
import re

WORD = re.compile(r"\w+", re.UNICODE)
LIGHT_EDIT = 0.8
HEAVY_EDIT = 0.5
OUTCOMES = ("unchanged", "light", "heavy", "rewritten")


def words(text: str) -> list[str]:
    return WORD.findall((text or "").lower())


def word_similarity(generated: str, final: str) -> float:
    """1.0 when `final` has the words of `generated` in the same order; 0.0 when none."""
    a, b = words(generated), words(final)
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def outcome(similarity: float) -> str:
    """unchanged / light / heavy / rewritten, from a word_similarity."""
    if similarity >= 0.9999:
        return "unchanged"
    if similarity >= LIGHT_EDIT:
        return "light"
    if similarity >= HEAVY_EDIT:
        return "heavy"
    return "rewritten"
