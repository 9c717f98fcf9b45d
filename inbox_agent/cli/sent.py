"""`inbox-agent sent sync`: read the author's Sent folder on its own."""

from __future__ import annotations

import click

from inbox_agent.cli.common import Group, ProgressBar, config_of, echo_json
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
    report = sync_sent_folder(config_of(ctx), progress=ProgressBar(quiet or as_json))
    if as_json:
        echo_json({"read": report.sent_read, "answered": report.answered,
                   "notices": report.notices, "errors": report.errors})
        return
    for notice in report.notices:
        click.echo(notice, err=True)
    click.echo(f"{report.sent_read} sent messages read; {report.answered} replies found "
               "answered")


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
    click.echo("week      received  unchanged light heavy rewritten  no-draft skipped open"
               "  similarity  hours")
    for week in [*board["weeks"], {"week": "total", **board["total"]}]:
        through = week["through_draft"]
        similarity = week["median_similarity"]
        hours = week["median_hours_to_answer"]
        click.echo(f"{week['week']:<9} {week['received']:>8}  {through['unchanged']:>9} "
                   f"{through['light']:>5} {through['heavy']:>5} {through['rewritten']:>9}  "
                   f"{week['without_draft']:>8} {week['skipped']:>7} {week['open']:>4}  "
                   f"{'-' if similarity is None else f'{similarity:.2f}':>10}  "
                   f"{'-' if hours is None else f'{hours:.1f}':>5}")
    for title, split in (("by drafter", board["by_drafter"]), ("by intent", board["by_intent"])):
        if split:
            parts = [f"{name} {sum(g['through_draft'].values())} through a draft"
                     + (f" (median {g['median_similarity']:.2f})"
                        if g["median_similarity"] is not None else "")
                     for name, g in split.items()]
            click.echo(f"{title}: " + "; ".join(parts))
