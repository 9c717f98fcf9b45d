"""`inbox-agent drafts …`: list, read and decide on drafts."""

from __future__ import annotations

import sys

import click

from inbox_agent import pipeline
from inbox_agent.cli.common import (
    Ref,
    config_of,
    draft_of,
    echo_json,
    format_draft,
    lang_of,
    message_of,
)
from inbox_agent.i18n import words
from inbox_agent.models import DraftStatus
from inbox_agent.review import approve as review
from inbox_agent.review import queries
from inbox_agent.review.edits import EditsInTheWay


@click.group()
def drafts() -> None:
    """List, read and decide on drafts.

    ID is a draft's number, as `drafts list` prints it first; mN names the draft of message N
    (the number `tags` and `other` print)."""


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
    lang = lang_of(ctx)
    if not items:
        click.echo(lang.gettext("No drafts yet: run `inbox-agent run` first."))
    statuses = [words.label(words.STATUSES, d["status"], lang) for d in items]
    width = max(map(len, statuses), default=0)
    for d, shown in zip(items, statuses, strict=True):
        cited = ", ".join(f"#{c['number']}" for c in cited_now(d) if c["number"])
        name = d["reader_name"] or d["reader_email"]
        click.echo(f"{d['id']:>4} m{d['reply_id']:<4} {shown:<{width}} {d['language']:<2}  "
                   f"{name[:28]:<28} {d['subject']}" + (f"  [{cited}]" if cited else ""))


@drafts.command("show")
@click.argument("ref", type=Ref(), metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def drafts_show(ctx: click.Context, ref: tuple[str | None, int], as_json: bool) -> None:
    """One draft with the reader's message."""
    draft_id = draft_of(ctx, ref)
    d = queries.get_draft(config_of(ctx), draft_id)
    if as_json:
        echo_json(d)
        return
    click.echo(format_draft(d, lang_of(ctx)))


@drafts.command("approve")
@click.argument("ref", type=Ref(), metavar="ID")
@click.pass_context
def drafts_approve(ctx: click.Context, ref: tuple[str | None, int]) -> None:
    """Approve a draft: the threaded reply goes to your Drafts folder (or SMTP)."""
    draft_id = draft_of(ctx, ref)
    done = review.approve(config_of(ctx), draft_id)
    click.echo(lang_of(ctx).gettext(
        "Draft %(id)s (message %(message)s) approved: %(destination)s.", id=draft_id,
        message=message_of(ctx, ("draft", draft_id)), destination=done.destination))


@drafts.command("skip")
@click.argument("ref", type=Ref(), metavar="ID")
@click.pass_context
def drafts_skip(ctx: click.Context, ref: tuple[str | None, int]) -> None:
    """Skip a draft: no answer for this reply."""
    draft_id = draft_of(ctx, ref)
    review.skip(config_of(ctx), draft_id)
    click.echo(lang_of(ctx).gettext("Draft %(id)s (message %(message)s) skipped.", id=draft_id,
                                    message=message_of(ctx, ("draft", draft_id))))


@drafts.command("edit")
@click.argument("ref", type=Ref(), metavar="ID")
@click.pass_context
def drafts_edit(ctx: click.Context, ref: tuple[str | None, int]) -> None:
    """Edit a draft in $EDITOR; approve it afterwards with `drafts approve ID`."""
    draft_id = draft_of(ctx, ref)
    config = config_of(ctx)
    current = queries.get_draft(config, draft_id)["draft_text"]
    edited = click.edit(current, extension=".txt", require_save=True)
    lang = lang_of(ctx)
    if edited is None or edited == current:
        click.echo(lang.gettext("Draft %(id)s unchanged.", id=draft_id))
        return
    review.save_edit(config, draft_id, edited)
    click.echo(lang.gettext("Draft %(id)s saved; approve it with `inbox-agent drafts approve "
                            "%(id)s`.", id=draft_id))


@drafts.command("regenerate")
@click.argument("ref", type=Ref(), metavar="ID")
@click.option("--say", "instruction", required=True,
              help='What to change, e.g. "plus court", "tutoie-le", "mentionne le numéro 41".')
@click.option("--replace-edits", is_flag=True,
              help="Drop the words you wrote into the draft instead of keeping them.")
@click.pass_context
def drafts_regenerate(ctx: click.Context, ref: tuple[str | None, int], instruction: str,
                      replace_edits: bool) -> None:
    """Draft again following an instruction; approved drafts are left alone.

    Words you wrote into the draft are kept (in place of the new draft's placeholder, or
    before its closing); when they cannot be placed, it asks first. Without a model the
    instructions understood are listed in docs/review.md ("plus court", "tutoie-le",
    "mentionne le numéro 41"…)."""
    draft_id = draft_of(ctx, ref)
    config = config_of(ctx)
    lang = lang_of(ctx)
    try:
        done = pipeline.regenerate_draft(config, draft_id, instruction,
                                         replace_edits=replace_edits)
    except EditsInTheWay:
        if not sys.stdin.isatty() or not click.confirm(lang.gettext(
                "Draft %(id)s holds words of yours the new draft has no place for. Replace "
                "them?", id=draft_id), default=False):
            raise
        done = pipeline.regenerate_draft(config, draft_id, instruction, replace_edits=True)
    click.echo(format_draft(done, lang))


def cited_now(d: dict) -> list[dict]:
    """The issues the draft cites as the author left it: after an edit, those still linked."""
    if d["draft_text"] == d["generated_text"]:
        return d["cited_issues"]
    return [c for c in d["cited_issues"] if c["url"] and c["url"] in d["draft_text"]]
