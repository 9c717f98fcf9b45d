"""`inbox-agent reader export EMAIL` and `inbox-agent reader forget EMAIL`: readers' data rights."""

from __future__ import annotations

import json
from pathlib import Path

import click

from inbox_agent.cli.common import Group, config_of, lang_of
from inbox_agent.privacy import readers as privacy
from inbox_agent.wiring import state


@click.group("reader", cls=Group)
def reader() -> None:
    """What inbox-agent holds about one reader: export it, or forget it."""


@reader.command("export")
@click.argument("email")
@click.option(
    "--raw", "include_raw", is_flag=True, help="Include each original message, base64-encoded."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON to this file instead of standard output.",
)
@click.pass_context
def export_cmd(ctx: click.Context, email: str, include_raw: bool, output: Path | None) -> None:
    """Everything held about EMAIL (From or Reply-To, any case), as JSON.

    Replies with their headers and text, drafts, tags, quote permission, processed-mail
    rows and style-memory entries.
    """
    data = privacy.export_reader(config_of(ctx), email, include_raw=include_raw)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if output is None:
        click.echo(text)
        return
    output.write_text(text + "\n", encoding="utf-8")
    click.echo(lang_of(ctx).ngettext("%(num)s reply of %(reader)s written to %(path)s",
                                     "%(num)s replies of %(reader)s written to %(path)s",
                                     len(data["replies"]), reader=data["reader"], path=output),
               err=True)


@reader.command("forget")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def forget_cmd(ctx: click.Context, email: str, yes: bool) -> None:
    """Delete everything held about EMAIL: replies, drafts, tags, style memory, unsent drafts
    in the mailbox. The mailbox's own copies of the reader's messages are not touched, and
    they are not imported again."""
    config = config_of(ctx)
    with state(config) as conn:
        count = len(privacy.reader_reply_ids(conn, email))
    reader_email = privacy.normal_email(email)
    lang = lang_of(ctx)
    if count == 0:
        click.echo(lang.gettext("nothing is held about %(reader)s", reader=reader_email))
        return
    if not yes:
        click.confirm(
            lang.ngettext("Delete %(num)s reply of %(reader)s and everything derived from it? "
                          "This cannot be undone",
                          "Delete %(num)s replies of %(reader)s and everything derived from "
                          "them? This cannot be undone", count, reader=reader_email),
            abort=True,
            err=True,
        )
    report = privacy.forget_reader(config, email)
    if not report.deleted or not report.total:
        click.echo(lang.gettext("nothing was held about %(reader)s", reader=report.reader))
        return
    places = ", ".join(f"{place}: {n}" for place, n in report.deleted.items() if n)
    click.echo(lang.gettext("deleted for %(reader)s: %(places)s", reader=report.reader,
                            places=places))
