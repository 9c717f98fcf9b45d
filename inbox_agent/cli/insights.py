"""`inbox-agent topics`, `tags …` and `quote`: what readers write about, and quoting them."""

from __future__ import annotations

import click

from inbox_agent.cli.common import Ref, aligned, config_of, echo_json, lang_of, message_of
from inbox_agent.i18n import words
from inbox_agent.i18n.language import N_, AuthorLanguage
from inbox_agent.insights import use_cases as insights_use
from inbox_agent.insights.topics import Insights, Topic

COVERAGE_WORDS = {"none": N_("not covered yet"), "partly": N_("partly covered"),
                  "well": N_("well covered")}


@click.command("topics")
@click.option("--since", metavar="DATE", help="Only replies from this date on (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "json"]), default="md",
              show_default=True, help="Output format.")
@click.pass_context
def topics_cmd(ctx: click.Context, since: str | None, fmt: str) -> None:
    """Topics your readers raise, ranked as ideas for future issues (most asked, least
    covered by the archive first), with the quotes they allowed."""
    result = insights_use.topics_report(config_of(ctx), since)
    if fmt == "json":
        echo_json(insights_use.topics_json(result))
    elif fmt == "csv":
        click.echo(insights_use.topics_csv(result), nl=False)
    else:
        click.echo(topics_markdown(result, lang_of(ctx)), nl=False)


def topics_markdown(result: Insights, lang: AuthorLanguage) -> str:
    """The topics as a Markdown report in the author's language: readers' suggestions,
    then what they write about, then the corrections."""
    _ = lang.gettext
    lines = [_("# Suggested topics (%(count)s replies)", count=result.replies), ""]
    if not result.topics:
        lines.append(_("No topic yet: no reader reply to group."))
    suggested = [t for t in result.topics if t.kind == "suggestion"]
    others = [t for t in result.topics if t.kind != "suggestion"]
    if suggested:
        lines += [_("## Suggested by readers"), ""]
        for t in suggested:
            star = " ★" if t.starred else ""
            lines.append(f"- **{t.label}**{star}: {_replies(t.count, lang)}, {_covered(t, lang)}")
            lines.extend(f"  > {insights_use.quote_line(q)}" for q in t.quotes)
        lines.append("")
    if others:
        if suggested:
            lines += [_("## What readers write about"), ""]
        for n, t in enumerate(others, 1):
            issues = ", ".join(f"#{i}" for i in t.issues) or "–"
            answered = _("issues answered: %(issues)s", issues=issues)
            lines.append(f"{n}. **{t.label}**: {_replies(t.count, lang)}, {_covered(t, lang)} "
                         f"({answered})")
            lines.extend(f"   > {insights_use.quote_line(q)}" for q in t.quotes)
    if result.corrections:
        lines += ["", _("## Corrections raised by readers"), ""]
        for c in result.corrections:
            where = (_("issue #%(number)s", number=c["issue"]) if c["issue"] is not None
                     else _("no issue identified"))
            if c.get("title"):
                where += f" ({c['title']})"
            line = f"- {_('Reply %(id)s', id=c['reply_id'])}, {where}"
            if c.get("sentence"):
                line += f"; {_('The sentence corrected:')} « {c['sentence']} »"
            if c["quote"]:
                line += f"; {_('The reader:')} {insights_use.quote_line(c['quote'])}"
            lines.append(line)
    return "\n".join(lines) + "\n"


def _replies(count: int, lang: AuthorLanguage) -> str:
    return lang.ngettext("%(num)s reply", "%(num)s replies", count)


def _covered(topic: Topic, lang: AuthorLanguage) -> str:
    said = lang.gettext(COVERAGE_WORDS[topic.level])
    if topic.level != "none" and topic.covered_number is not None:
        said += " " + lang.gettext("by #%(number)s", number=topic.covered_number)
    return said


@click.group("tags")
def tags_group() -> None:
    """Tags of a reply: intents and topics."""


@tags_group.command("show")
@click.argument("ref", type=Ref(), metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def tags_show(ctx: click.Context, ref: tuple[str | None, int], as_json: bool) -> None:
    """The tags of message ID (dN: the message of draft N) and whether it may be quoted."""
    reply_id = message_of(ctx, ref)
    info = insights_use.reply_tags(config_of(ctx), reply_id)
    if as_json:
        echo_json(info)
        return
    lang = lang_of(ctx)
    if info["edited"]:
        click.echo(lang.gettext("Message %(id)s (tags edited by you)", id=reply_id))
    else:
        click.echo(lang.gettext("Message %(id)s", id=reply_id))
    for line in aligned([
            (lang.gettext("intents:"), intent_words(info["intents"], lang)),
            (lang.gettext("topics:"), ", ".join(info["topics"]) or "-"),
            (lang.gettext("quote:"), words.label(words.QUOTES, info["quote"], lang))]):
        click.echo("  " + line)


@tags_group.command("set")
@click.argument("ref", type=Ref(), metavar="ID")
@click.option("--add", "add", multiple=True, metavar="TAG", help="Tag to add (repeatable).")
@click.option("--remove", "remove", multiple=True, metavar="TAG",
              help="Tag to remove (repeatable).")
@click.pass_context
def tags_set(ctx: click.Context, ref: tuple[str | None, int], add: tuple[str, ...],
             remove: tuple[str, ...]) -> None:
    """Add or remove tags of message ID, or dN for draft N's (an intent name such as
    `question` is an intent, anything else a topic); your tags are never overwritten."""
    reply_id = message_of(ctx, ref)
    if not add and not remove:
        raise click.UsageError("give --add TAG or --remove TAG")
    info = insights_use.set_tags(config_of(ctx), reply_id, list(add), list(remove))
    lang = lang_of(ctx)
    click.echo(lang.gettext("Message %(id)s: intents %(intents)s; topics %(topics)s",
                            id=reply_id, intents=intent_words(info["intents"], lang),
                            topics=", ".join(info["topics"]) or "-"))


@click.command("quote")
@click.argument("ref", type=Ref(), metavar="ID")
@click.argument("permission", type=click.Choice(["with-name", "anonymous", "no"]))
@click.pass_context
def quote_cmd(ctx: click.Context, ref: tuple[str | None, int], permission: str) -> None:
    """Whether insights may quote message ID (dN: draft N's): with the name, anonymously, or no."""
    reply_id = message_of(ctx, ref)
    insights_use.set_quote(config_of(ctx), reply_id, permission)
    lang = lang_of(ctx)
    click.echo(lang.gettext("Message %(id)s: %(question)s %(answer)s", id=reply_id,
                            question=lang.gettext("May insights quote this reply?"),
                            answer=words.label(words.QUOTES, permission.replace("-", "_"),
                                               lang)))


def intent_words(intents: list[str], lang: AuthorLanguage) -> str:
    """"question, thanks" in the author's language; "-" for none."""
    return ", ".join(words.label(words.INTENT, i, lang) for i in intents) or "-"
