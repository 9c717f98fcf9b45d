"""Text bound for a spreadsheet cell (CSV exports)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet never runs as a formula: a leading =, +, -, @ gets a quote."""
    return "'" + value if value[:1] in FORMULA_STARTS else value
