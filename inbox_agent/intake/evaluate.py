"""Score the reading of intents on a labelled set: `inbox-agent eval intents`.

A labelled set is JSON lines, one message each: {"primary", "intents", "needs_answer",
"split"} and either the message's "text" or where to find it in a comments corpus
({"corpus", "post", "id"}, read from `--corpora DIR/<corpus>/comments.jsonl`). Labels of
the project's own set live in tests/data/intents/ (ids only; GUIDELINES.md says how they
were made).

Figures: accuracy (the tool's leading intent is among the gold intents), a confusion table
(gold primary x tool's leading intent) and the harm count: messages that need an answer
but would be drafted as a finished thank-you.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from inbox_agent.errors import InboxAgentError
from inbox_agent.intake.intents import INTENTS, TAGGED, Reading, read_intents, shipped_model
from inbox_agent.intake.quotes import split_reply
from inbox_agent.models import Progress, no_progress
from inbox_agent.text.greeting import embedding_text

Embed = Callable[[str], Sequence[float]]
# What reads a message again after the rules and the model, as a run's tagging does with a
# chat model: (the reader's words, the first reading) -> its reading, None when it has none
# (the first reading then stands, as in a run).
Tagger = Callable[[str, Reading], Reading | None]


@dataclass(frozen=True)
class Labelled:
    key: str  # corpus/post/id, or the line number
    text: str
    primary: str
    intents: tuple[str, ...]
    needs_answer: bool
    split: str


def comment_key(row: dict) -> str:
    """A comment's id inside its post: its number, else its file's stem (some have none)."""
    if row.get("id") is not None:
        return str(row["id"])
    return Path(str(row.get("source_file", ""))).stem


def load_labels(path: Path, corpora: Path | None = None) -> list[Labelled]:
    """The labelled messages of `path`, their text read from the corpora when not inline."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InboxAgentError(f"cannot read the labels {path} ({err.strerror})") from err
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError:
            raise InboxAgentError(f"{path}, line {number}: not JSON") from None
    texts = _corpus_texts(path, corpora, {r.get("corpus") for _, r in rows if "text" not in r})
    found = []
    for number, row in rows:
        key = f"{row.get('corpus')}/{row.get('post')}/{row.get('id')}"
        text = row["text"] if "text" in row else texts.get(key)
        if text is None:
            raise InboxAgentError(f"{path}, line {number}: no comment {key} in the corpora")
        intents = tuple(row.get("intents") or [row["primary"]])
        unknown = {row["primary"], *intents} - set(INTENTS)
        if unknown:
            raise InboxAgentError(f"{path}, line {number}: unknown intent {sorted(unknown)[0]!r}")
        found.append(Labelled(key if "text" not in row else str(number), text, row["primary"],
                              intents, bool(row.get("needs_answer")), row.get("split", "")))
    return found


def _corpus_texts(path: Path, corpora: Path | None, names: set) -> dict[str, str]:
    names.discard(None)
    if not names:
        return {}
    if corpora is None:
        raise InboxAgentError(f"{path} names comments without their text",
                              hint="pass --corpora DIR, the folder holding " + ", ".join(names))
    texts = {}
    for name in sorted(names):
        file = corpora / name / "comments.jsonl"
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise InboxAgentError(f"cannot read {file} ({err.strerror})",
                                  hint="pass --corpora DIR") from err
        for line in lines:
            row = json.loads(line)
            texts[f"{name}/{row['post']}/{comment_key(row)}"] = row.get("text") or ""
    return texts


def own_words(text: str) -> str:
    """The reader's own words of a message or comment, as the pipeline reads them."""
    reply, _ = split_reply(text)
    return reply or text


def read_all(items: Sequence[Labelled], embed: Embed | None,
             progress: Progress = no_progress, tagger: Tagger | None = None) -> list[Reading]:
    """The tool's reading of each message (rules, and the shipped model when `embed`; then
    `tagger`'s when given and it has one)."""
    model = shipped_model() if embed is not None else None
    readings = []
    for done, item in enumerate(items, 1):
        words = own_words(item.text)
        vector = embed(embedding_text(words)) if model is not None else None
        reading = read_intents(words, vector, model)
        if tagger is not None:
            reading = tagger(words, reading) or reading
        readings.append(reading)
        progress("reading", done, len(items))
    return readings


def score(items: Sequence[Labelled], readings: Sequence[Reading]) -> dict:
    """accuracy, harm, the confusion table and per-intent precision and recall."""
    confusion: Counter[tuple[str, str]] = Counter()
    right: Counter[str] = Counter()  # per gold primary: the tool's intent among the gold ones
    correct = harm = 0
    harmed = []
    for item, reading in zip(items, readings, strict=True):
        confusion[(item.primary, reading.primary)] += 1
        correct += reading.primary in item.intents
        right[item.primary] += reading.primary in item.intents
        if item.needs_answer and reading.thanks_only:
            harm += 1
            harmed.append(item.key)
    needing = sum(item.needs_answer for item in items)
    per_intent = {}
    for name in INTENTS:
        tp = sum(n for (g, t), n in confusion.items() if g == t == name)
        said = sum(n for (_, t), n in confusion.items() if t == name)
        gold = sum(n for (g, _), n in confusion.items() if g == name)
        per_intent[name] = {"precision": round(tp / said, 3) if said else None,
                            "recall": round(tp / gold, 3) if gold else None, "gold": gold}
    total = len(items)
    return {
        "messages": total,
        "accuracy": round(correct / total, 4) if total else 0.0,
        "harm": harm,
        "harm_rate": round(harm / total, 4) if total else 0.0,
        "needs_answer": needing,
        "harmed": harmed,
        "per_intent": per_intent,
        "confusion": {f"{g}->{t}": n for (g, t), n in sorted(confusion.items())},
        "right": {name: right[name] for name in INTENTS if name in {g for g, _ in confusion}},
    }


def evaluate(items: Sequence[Labelled], embed: Embed | None,
             progress: Progress = no_progress, tagger: Tagger | None = None,
             tagger_name: str = "") -> dict:
    """`score` of the tool's readings, with who read them: "rules", "rules+model", or
    `tagger_name` when a tagger read them (then "fallbacks": the messages it could not read,
    left to the first reading)."""
    readings = read_all(items, embed, progress, tagger)
    result = score(items, readings)
    result["reader"] = "rules+model" if embed is not None and shipped_model() else "rules"
    if tagger is not None:
        result["first_reader"] = result["reader"]
        result["reader"] = tagger_name or "tagger"
        result["fallbacks"] = sum(r.source != TAGGED for r in readings)
    return result


def select(items: Iterable[Labelled], split: str) -> list[Labelled]:
    return [item for item in items if split == "all" or item.split == split]


def confusion_table(result: dict) -> str:
    """Gold primary intent (rows) x the tool's leading intent (columns), and when the result
    has them, how many of each row were right: the tool's intent among the row's gold ones
    (a reply labelled story + thanks read as thanks is right, off the diagonal)."""
    cells = {tuple(k.split("->")): n for k, n in result["confusion"].items()}
    names = [n for n in INTENTS if any(n in pair for pair in cells)]
    short = {n: n[:5] for n in names}
    right = result.get("right")
    lines = ["gold \\ tool".ljust(14) + "".join(short[n].rjust(7) for n in names)
             + ("  right" if right is not None else "")]
    for gold in names:
        row = "".join(str(cells.get((gold, tool), "")).rjust(7) for tool in names)
        if right is not None:
            total = sum(n for (g, _), n in cells.items() if g == gold)
            row += f"  {right.get(gold, 0)}/{total}" if total else ""
        lines.append(gold.ljust(14) + row)
    return "\n".join(lines)
