"""`inbox-agent sent sync`: read the author's Sent folder on its own."""

from __future__ import annotations

import click

from inbox_agent.cli.common import Group, ProgressBar, config_of, echo_json, lang_of
from inbox_agent.cli.summaries import scoreboard_lines
from inbox_agent.i18n import notes
from inbox_agent.pipeline import sync_sent_folder
from inbox_agent.sent.stats import scoreboard
from inbox_agent.wiring import state


@click.group("sent", cls=Group)
def sent() -> None:
    """The author's Sent folder: which replies were answered, and with what words."""


@sent.command("sync")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def sync_cmd(ctx: click.Context, as_json: bool, quiet: bool) -> None:
    """Read new messages of the Sent folder (never changing them) and record the replies
    they answer: those leave the queue, and the words sent teach the next drafts.

    Every `inbox-agent run` and scheduled pass does this before pulling new mail."""
    lang = lang_of(ctx)
    report = sync_sent_folder(config_of(ctx), progress=ProgressBar(quiet or as_json, lang))
    if as_json:
        echo_json({"read": report.sent_read, "answered": report.answered,
                   "notices": report.notices, "errors": report.errors})
        return
    for notice in report.notices:
        click.echo(notes.said(notice, lang), err=True)
    click.echo(lang.gettext(
        "%(read)s; %(answered)s",
        read=lang.ngettext("%(num)s sent message read", "%(num)s sent messages read",
                           report.sent_read),
        answered=lang.ngettext("%(num)s reply found answered", "%(num)s replies found answered",
                               report.answered)))


@click.command("stats")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only replies that arrived on or after this day (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the scoreboard as JSON.")
@click.pass_context
def stats_cmd(ctx: click.Context, since, as_json: bool) -> None:
    """How the drafts fare, per week of arrival: replies received, answered through a draft
    (sent unchanged / light / heavy edit / rewritten), answered without one, skipped, still
    open; median similarity of what you sent to the draft; median time to answer.

    Answers are found in your Sent folder (`inbox-agent sent sync`)."""
    with state(config_of(ctx)) as conn:
        board = scoreboard(conn, since.date() if since else None)
    if as_json:
        echo_json(board)
        return
    for line in scoreboard_lines(board, lang_of(ctx)):
        click.echo(line)
