"""What the grounded drafter can apply of an author's instruction, without a model:
the register ("tutoie-le", "use Sie"), a shorter draft, issues to mention."""

from __future__ import annotations

import re
from typing import Any

# The register an instruction asks for, in the author's words ("tutoie-le", "use Sie").
TU = re.compile(
    r"\btutoi|\btutoy|\buse\s+[\"«]?(?:tu|tú|du|je)\b|\binformal\b|\bduzen\b|\btutear\b"
    r"|\bdar\s+del\s+tu\b",
    re.IGNORECASE,
)
VOUS = re.compile(
    r"\bvouvoi|\bvouvoy|\buse\s+[\"«]?(?:vous|usted|sie|lei|você|voce|u)\b|\bformal\b"
    r"|\bsiezen\b|\bdar\s+del\s+lei\b",
    re.IGNORECASE,
)
SHORTER = re.compile(
    r"plus court|raccourci|\bbref\b|concis|shorter|\bshort\b|briefer", re.IGNORECASE
)
MENTION = re.compile(r"(?:num[ée]ro|n°|issue|billet|#)\s*#?\s*(\d{1,5})\b", re.IGNORECASE)


def grounded_changes(instruction: str) -> dict[str, Any]:
    """What the grounded drafter can apply of an instruction: register, short, issue numbers."""
    changes: dict[str, Any] = {}
    if TU.search(instruction):
        changes["register"] = "tu"
    elif VOUS.search(instruction):
        changes["register"] = "vous"
    if SHORTER.search(instruction):
        changes["short"] = True
    numbers = [int(n) for n in MENTION.findall(instruction)]
    if numbers:
        changes["mention"] = numbers
    return changes
