"""What the Status page shows of the scoreboard (`inbox-agent stats`): the replies of each
week of arrival as a stacked bar by what became of them, with the week's median similarity
under it, the same numbers as a table, and the split by drafter and by intent.

The bars are laid out here and drawn by the template as inline SVG: no script, nothing
fetched, nothing the page's Content-Security-Policy refuses (no style attribute).
"""

from __future__ import annotations

from inbox_agent.config import Config
from inbox_agent.i18n import words
from inbox_agent.review import queries
from inbox_agent.web.i18n import N_, PageLanguage

WEEKS_SHOWN = 12  # the chart's latest weeks with replies
PLOT_HEIGHT = 120  # the tallest bar, in SVG units
BAR_WIDTH = 36
SLOT_WIDTH = 64  # a bar and the space beside it (room for its labels)
TOP = 18  # room above the bars for their totals
BOTTOM = 36  # room below for the day and the median similarity
# The parts of a week's bar, from the bottom up: first the answers sent through a draft, by
# outcome, then those sent without one, the skipped replies and the open ones.
SEGMENTS = {
    "unchanged": N_("Sent as drafted"), "light": N_("Light edit"),
    "heavy": N_("Heavy edit"), "rewritten": N_("Rewritten"),
    "without_draft": N_("Answered without a draft"), "skipped": N_("Skipped"),
    "open": N_("Still open"),
}  # fmt: skip


def counts(group: dict) -> dict[str, int]:
    """A scoreboard group's replies, one count per segment of the bar."""
    return {**group["through_draft"], "without_draft": group["without_draft"],
            "skipped": group["skipped"], "open": group["open"]}


def _segments(group: dict, top: int, lang: PageLanguage) -> list[dict]:
    """The rectangles of one bar, bottom up (empty parts left out), in SVG units."""
    shown, floor = [], TOP + PLOT_HEIGHT
    for key, count in counts(group).items():
        if not count:
            continue
        height = round(count / top * PLOT_HEIGHT, 1)
        floor = round(floor - height, 1)
        shown.append({"key": key, "count": count, "y": floor, "height": height,
                      "label": lang.gettext(SEGMENTS[key])})
    return shown


def _bar(week: dict, position: int, top: int, lang: PageLanguage) -> dict:
    x = position * SLOT_WIDTH + (SLOT_WIDTH - BAR_WIDTH) / 2
    segments = _segments(week, top, lang)
    return {"week": week["week"], "x": x, "middle": x + BAR_WIDTH / 2,
            "top": (segments[-1]["y"] if segments else TOP + PLOT_HEIGHT) - 4,
            "segments": segments, "received": week["received"],
            "day": lang.day_of_month(words.monday(week["week"])),
            "similarity": week["median_similarity"]}


def _row(name: str, group: dict) -> dict:
    """One line of a table: the group's counts and medians."""
    return {"name": name, "received": group["received"], **counts(group),
            "through_draft": sum(group["through_draft"].values()),
            "similarity": group["median_similarity"],
            "hours": group["median_hours_to_answer"]}


def _split(groups: dict[str, dict], name) -> list[dict]:
    """The rows of a split (by drafter, by intent), the most replies first."""
    rows = [_row(name(key), group) for key, group in groups.items()]
    return sorted(rows, key=lambda r: (-r["received"], r["name"]))


def board(config: Config, lang: PageLanguage) -> dict:
    """The chart's bars and legend, the weeks' table and the two splits."""
    data = queries.scoreboard(config)
    weeks = data["weeks"][-WEEKS_SHOWN:]
    top = max((w["received"] for w in weeks), default=0) or 1
    return {
        "empty": not data["total"]["received"],
        "bars": [_bar(w, i, top, lang) for i, w in enumerate(weeks)],
        "width": max(1, len(weeks)) * SLOT_WIDTH, "height": TOP + PLOT_HEIGHT + BOTTOM,
        "baseline": TOP + PLOT_HEIGHT, "bar_width": BAR_WIDTH,
        "earlier_weeks": len(data["weeks"]) - len(weeks),
        "legend": [(key, lang.gettext(label)) for key, label in SEGMENTS.items()],
        "weeks": [_row(words.week(w["week"], lang), w) | {"week": w["week"]}
                  for w in data["weeks"]],
        "total": _row(lang.gettext("All weeks"), data["total"]),
        "by_drafter": _split(data["by_drafter"], lambda k: words.drafter(k, lang)),
        "by_intent": _split(data["by_intent"],
                            lambda k: words.label(words.INTENTS, k, lang)),
    }
