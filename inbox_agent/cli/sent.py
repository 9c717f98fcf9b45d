"""`inbox-agent sent sync`: read the author's Sent folder on its own."""

from __future__ import annotations

import click

from inbox_agent.cli.common import Group, ProgressBar, config_of, echo_json
from inbox_agent.pipeline import sync_sent_folder


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
