"""Drafting use case: build the context of one stored reply and draft the answer.

Chooses the drafter (a configured chat model, else the grounded template
drafter) and applies the fallbacks.
"""

from __future__ import annotations

import sqlite3

from inbox_agent.config import Config
from inbox_agent.models import Issue


def draft_for(config: Config, row: sqlite3.Row, index, issues: dict[str, Issue]):
    """Retrieve related issues for one stored reply and draft the answer."""
    from inbox_agent import prompts
    from inbox_agent.draft import DraftRequest, grounded_draft

    answered = _answered_key(row["issue_number"], issues)
    evidence = index.search(
        row["reply_text"] or row["subject"], k=config.draft.max_issues, answered=answered
    )
    request = DraftRequest(
        reply_text=row["reply_text"],
        language=row["language"] or config.author.default_language,
        first_name=row["first_name"],
        intent=row["intent"] or "other",
        subject=row["subject"],
        evidence=evidence,
        tags={key: issue.tags for key, issue in issues.items()},
    )
    return grounded_draft(
        request,
        render=prompts.render,
        signature=config.author.signature or config.author.name,
        default_register=config.author.register,
        max_issues=config.draft.max_issues,
    )


def _answered_key(number: int | None, issues: dict[str, Issue]) -> str | None:
    if number is None:
        return None
    for key, issue in issues.items():
        if issue.number == number:
            return key
    return None


def _answered_key(number: int | None, issues: dict[str, Issue]) -> str | None:
    if number is None:
        return None
    for key, issue in issues.items():
        if issue.number == number:
            return key
    return None
