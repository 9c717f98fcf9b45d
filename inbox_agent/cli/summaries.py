"""The lines the commands print about a pass, the state of the desk and the scoreboard, in
the author's language (their --json output stays as the use cases give it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from inbox_agent.i18n import words
from inbox_agent.i18n.language import N_, AuthorLanguage
from inbox_agent.models import RunReport
from inbox_agent.pipeline import ImportReport

INTERRUPTED = N_("interrupted")  # a run whose process died; the next pass resumes the work
# "3 pending": the count of drafts in one status, as `status` says it.
DRAFT_COUNTS: dict[str, Callable[[AuthorLanguage, int], str]] = {
    "pending": lambda lang, n: lang.ngettext("%(count)s pending", "%(count)s pending", n,
                                             count=n),
    "approved": lambda lang, n: lang.ngettext("%(count)s approved", "%(count)s approved", n,
                                              count=n),
    "skipped": lambda lang, n: lang.ngettext("%(count)s skipped", "%(count)s skipped", n,
                                             count=n),
    "failed": lambda lang, n: lang.ngettext("%(count)s failed", "%(count)s failed", n, count=n),
    "answered": lambda lang, n: lang.ngettext("%(count)s answered from your mail program",
                                              "%(count)s answered from your mail program", n,
                                              count=n),
}


def run_summary(report: RunReport, lang: AuthorLanguage) -> str:
    """"3 new messages: 2 replies, 1 set apart …; 2 drafts written" for a pass."""
    fetched = lang.ngettext("%(num)s new message", "%(num)s new messages", report.fetched)
    read = ", ".join([
        lang.ngettext("%(count)s reply", "%(count)s replies", report.replies,
                      count=report.replies),
        lang.ngettext("%(num)s set apart (auto-replies, bounces, unsubscribes)",
                      "%(num)s set apart (auto-replies, bounces, unsubscribes)",
                      report.set_apart),
        lang.ngettext("%(num)s duplicate", "%(num)s duplicates", report.duplicates),
        lang.ngettext("%(num)s skipped", "%(num)s skipped", report.skipped),
        lang.ngettext("%(num)s failed", "%(num)s failed", report.failed),
    ])
    drafted = lang.ngettext("%(num)s draft written", "%(num)s drafts written", report.drafted)
    if report.draft_failed:
        drafted += ", " + lang.ngettext("%(num)s draft failed", "%(num)s drafts failed",
                                        report.draft_failed)
    if report.redrafted:
        drafted += " " + lang.ngettext(
            "(%(num)s written again now that the archive is imported)",
            "(%(num)s written again now that the archive is imported)", report.redrafted)
    text = lang.gettext("%(fetched)s: %(read)s; %(drafted)s", fetched=fetched, read=read,
                        drafted=drafted)
    if report.answered:
        text = lang.gettext("%(summary)s; %(answered)s", summary=text, answered=lang.ngettext(
            "%(num)s reply found answered in Sent", "%(num)s replies found answered in Sent",
            report.answered))
    return text


def import_summary(report: ImportReport, lang: AuthorLanguage) -> str:
    """"15 issues: 40 chunks added, 0 updated, 2 unchanged, 0 removed." for an import."""
    return lang.gettext(
        "%(issues)s: %(added)s, %(updated)s, %(unchanged)s, %(removed)s.",
        issues=lang.ngettext("%(num)s issue", "%(num)s issues", report.issues),
        added=lang.ngettext("%(num)s chunk added", "%(num)s chunks added", report.added),
        updated=lang.ngettext("%(num)s updated", "%(num)s updated", report.updated),
        unchanged=lang.ngettext("%(num)s unchanged", "%(num)s unchanged", report.unchanged),
        removed=lang.ngettext("%(num)s removed", "%(num)s removed", report.removed))


def status_lines(info: dict, lang: AuthorLanguage) -> list[str]:
    """What `status` prints: drafts, skipped mail, the last runs, who runs, what comes next."""
    counts = ", ".join(DRAFT_COUNTS[s](lang, n) if s in DRAFT_COUNTS else f"{n} {s}"
                       for s, n in info["drafts"].items())
    lines = [lang.gettext("Drafts: %(counts)s", counts=counts or lang.gettext("none"))]
    if info["skipped"]:
        why = ", ".join(f"{n} {reason}" for reason, n in info["skipped"].items())
        lines.append(lang.gettext("Mail skipped: %(reasons)s (a message too large is read "
                                  "again once [imap] max_message_mb admits it)", reasons=why))
    lines += [run_line(run, bool(info["running"]), lang) for run in info["runs"]]
    worker = info.get("worker")
    if worker:
        lines.append(lang.gettext("Worker: pid %(pid)s (`%(command)s`) since %(since)s",
                                  pid=worker.get("pid"), command=worker.get("command", ""),
                                  since=lang.when(worker.get("since", "")) or "-"))
    if info["running"]:
        lines.append(lang.gettext("Running now: pid %(pid)s (`%(command)s`)",
                                  pid=info["running"].get("pid"),
                                  command=info["running"].get("command", "")))
    lines.append(lang.gettext("Next passes: %(times)s", times=days(info["next_runs"], lang)))
    lines.append(lang.gettext("Next archive re-import: %(times)s",
                              times=days(info["next_reindex"], lang)))
    lines.append(lang.gettext("(times in %(zone)s)", zone=lang.zone.key))
    return lines


def run_line(run: dict, someone_runs: bool, lang: AuthorLanguage) -> str:
    """"Run 12, pull and draft: Monday 7 December, 13:00–13:02, done (replies: 2, …)"."""
    if run["status"] == "running" and not someone_runs:
        state = lang.gettext(INTERRUPTED)  # its process died; the next pass resumes the work
    else:
        state = words.label(words.RUN_STATUSES, run["status"], lang)
    span = lang.when(run["started_at"]) or run["started_at"] or "-"
    if run["ended_at"]:
        span += "–" + (lang.clock(run["ended_at"]) or run["ended_at"])
    done = ", ".join(lang.gettext("%(what)s: %(count)s", count=n,
                                  what=words.label(words.RUN_COUNTS, k, lang))
                     for k, n in run["counts"].items() if n)
    line = lang.gettext("Run %(id)s, %(kind)s: %(span)s, %(state)s", id=run["id"], span=span,
                        kind=words.label(words.RUN_KINDS, run.get("kind") or "run", lang),
                        state=state)
    return line + (f" ({done})" if done else "")


def days(stamps: list[str], lang: AuthorLanguage, now: datetime | None = None) -> str:
    """Times with each day written once: "Monday 7 December, 13:00, 13:30, 14:00"."""
    out: list[str] = []
    last_day = None
    for stamp in stamps:
        day = lang.long_day(stamp, now)
        out.append(lang.clock(stamp) if day and day == last_day else
                   lang.when(stamp, now) or stamp)
        last_day = day
    return ", ".join(out) or lang.gettext("none")


SCOREBOARD_COLUMNS = (N_("week of"), N_("received"), N_("as drafted"), N_("light"),
                      N_("heavy"), N_("rewritten"), N_("no draft"), N_("skipped"),
                      N_("still open"), N_("similarity"), N_("hours"))


def scoreboard_lines(board: dict, lang: AuthorLanguage) -> list[str]:
    """The scoreboard as a table, a row per week of arrival and the total, then the split by
    drafter and by intent."""
    rows = [[lang.gettext(c) for c in SCOREBOARD_COLUMNS]]
    for week in board["weeks"]:
        monday = words.monday(week["week"])
        rows.append(_scoreboard_row(lang.day(monday) if monday else week["week"], week, lang))
    rows.append(_scoreboard_row(lang.gettext("total"), board["total"], lang))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in rows]
    for title, split, name in (
            (N_("By drafter:"), board["by_drafter"], words.drafter),
            (N_("By intent:"), board["by_intent"],
             lambda key, lang: words.label(words.INTENTS, key, lang))):
        if split:
            lines.append(lang.gettext(title))
            lines += ["  " + _split_item(name(key, lang), group, lang)
                      for key, group in split.items()]
    return lines


def _scoreboard_row(label: str, week: dict, lang: AuthorLanguage) -> list[str]:
    through = week["through_draft"]
    similarity, hours = week["median_similarity"], week["median_hours_to_answer"]
    return [label, *(str(n) for n in (
        week["received"], through["unchanged"], through["light"], through["heavy"],
        through["rewritten"], week["without_draft"], week["skipped"], week["open"])),
        "-" if similarity is None else lang.decimal(similarity),
        "-" if hours is None else lang.number(hours, 1)]


def _split_item(name: str, group: dict, lang: AuthorLanguage) -> str:
    """"written without a model: 3 answered through a draft (median 0.91)"."""
    n = sum(group["through_draft"].values())
    text = lang.ngettext("%(name)s: %(num)s answered through a draft",
                         "%(name)s: %(num)s answered through a draft", n, name=name)
    if group["median_similarity"] is not None:
        text += " " + lang.gettext("(median %(similarity)s)",
                                   similarity=lang.decimal(group["median_similarity"]))
    return text
