"""`inbox-agent drafts …`: list, read and decide on drafts."""

from __future__ import annotations

import click

from inbox_agent import pipeline
from inbox_agent.cli.common import config_of, echo_json, format_draft
from inbox_agent.models import DraftStatus
from inbox_agent.review import approve as review
from inbox_agent.review import queries


@click.group()
def drafts() -> None:
    """List, read and decide on drafts."""


@drafts.command("list")
@click.option("--status", type=click.Choice([s.value for s in DraftStatus]),
              help="Only drafts with this status.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def drafts_list(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """All drafts, newest last."""
    items = queries.list_drafts(config_of(ctx), status)
    if as_json:
        echo_json(items)
        return
    if not items:
        click.echo("No drafts yet: run `inbox-agent run` first.")
    for d in items:
        cited = ", ".join(f"#{c['number']}" for c in d["cited_issues"] if c["number"])
        name = d["reader_name"] or d["reader_email"]
        click.echo(f"{d['id']:>4}  {d['status']:<8} {d['language']:<2}  {name[:28]:<28} "
                   f"{d['subject'][:40]:<40} {cited}")


@drafts.command("show")
@click.argument("draft_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def drafts_show(ctx: click.Context, draft_id: int, as_json: bool) -> None:
    """One draft with the reader's message."""
    d = queries.get_draft(config_of(ctx), draft_id)
    if as_json:
        echo_json(d)
        return
    click.echo(format_draft(d))


@drafts.command("approve")
@click.argument("draft_id", type=int)
@click.pass_context
def drafts_approve(ctx: click.Context, draft_id: int) -> None:
    """Approve a draft: the threaded reply goes to your Drafts folder (or SMTP)."""
    done = review.approve(config_of(ctx), draft_id)
    click.echo(f"Draft {draft_id} approved: {done.destination}.")


@drafts.command("skip")
@click.argument("draft_id", type=int)
@click.pass_context
def drafts_skip(ctx: click.Context, draft_id: int) -> None:
    """Skip a draft: no answer for this reply."""
    review.skip(config_of(ctx), draft_id)
    click.echo(f"Draft {draft_id} skipped.")


@drafts.command("edit")
@click.argument("draft_id", type=int)
@click.pass_context
def drafts_edit(ctx: click.Context, draft_id: int) -> None:
    """Edit a draft in $EDITOR; approve it afterwards with `drafts approve ID`."""
    config = config_of(ctx)
    current = queries.get_draft(config, draft_id)["draft_text"]
    edited = click.edit(current, extension=".txt", require_save=True)
    if edited is None or edited == current:
        click.echo(f"Draft {draft_id} unchanged.")
        return
    review.save_edit(config, draft_id, edited)
    click.echo(f"Draft {draft_id} saved; approve it with `inbox-agent drafts approve {draft_id}`.")


@drafts.command("regenerate")
@click.argument("draft_id", type=int)
@click.option("--say", "instruction", required=True,
              help='What to change, e.g. "plus court", "tutoie-le", "mentionne le numéro 41".')
@click.pass_context
def drafts_regenerate(ctx: click.Context, draft_id: int, instruction: str) -> None:
    """Draft again following an instruction; approved drafts are left alone."""
    click.echo(format_draft(pipeline.regenerate_draft(config_of(ctx), draft_id, instruction)))
