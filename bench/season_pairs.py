"""Reader → author pairs from a shared blog-comment corpus, for bench/season.py.

Usage: .venv/bin/python bench/season_pairs.py --corpus DIR --out FILE.jsonl [--limit N]

DIR is one of ../shared/corpora/blog_comments_en or blog_comments_fr: `comments.jsonl` (one
comment a line: post, author, text, is_post_author, date, id, replying_to, post_url) and
`posts/*.md` (the posts, Markdown with front matter). A pair is a reader's comment (not by
the post author, not a pingback) and the post author's own comment that answers it:
  - fr (rom1v): `replying_to` is the `id` of the comment answered, within the same post;
  - en (made-mistakes, Staticman): `replying_to` is the 1-based position of the thread's
    top-level comment among the post's top-level comments (in file order); the author's
    comment answers the latest reader comment of that thread written before it.
A reader comment answered several times keeps the first answer.

Writes one JSON line per pair, sorted by the reader comment's date:
  {"date", "reader_name", "reader_email", "text", "author_reply", "post"}
where post is {"title", "url", "date", "text"} of the post commented on (left out when the
post file is missing) and reader_email a stable fake address made from the reader's name
(the corpora hold none). Counts go to stderr. The corpus text is the commenters': write the
output outside the repository (e.g. /tmp).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import yaml

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)  # Jekyll tags, left out of post text
READER_DOMAIN = "readers.example"


def parse_date(value) -> datetime:
    """A corpus date (ISO 8601, with or without offset or 'Z') as an aware datetime."""
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def fake_email(name: str) -> str:
    """The same made-up address for the same name: 'Jean-Luc Ré' -> jean-luc-re@readers.example."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "reader"
    return f"{slug}@{READER_DOMAIN}"


def is_reader(comment: dict) -> bool:
    return not comment["is_post_author"] and not comment.get("is_pingback")


def load_post(path: Path, url: str) -> dict | None:
    """{"title", "url", "date", "text"} of one post file, or None when it is missing."""
    if not path.is_file():
        return None
    source = path.read_text(encoding="utf-8")
    found = FRONT_MATTER.match(source)
    front = (yaml.safe_load(found.group(1)) or {}) if found else {}
    body = source[found.end():] if found else source
    named = re.search(r"\d{4}-\d{2}-\d{2}", path.name)  # Jekyll's YYYY-MM-DD-slug.md
    date = front.get("date") or (named.group(0) if named else "")
    return {
        "title": str(front.get("title") or path.stem),
        "url": str(front.get("url") or url),
        "date": str(date or "")[:10],
        "text": LIQUID.sub("", body).strip(),
    }


def answered_fr(comments: list[dict]) -> list[tuple[dict, dict]]:
    """(reader comment, author comment) where replying_to names the reader comment's id."""
    by_id = {(c["post"], str(c["id"])): c for c in comments}
    found = []
    for comment in comments:
        if not comment["is_post_author"] or comment["replying_to"] in (None, ""):
            continue
        parent = by_id.get((comment["post"], str(comment["replying_to"])))
        if parent is not None and is_reader(parent):
            found.append((parent, comment))
    return found


def answered_en(comments: list[dict]) -> list[tuple[dict, dict]]:
    """(reader comment, author comment) in Staticman threads: replying_to = the position of
    the thread's top-level comment; the author answers the latest reader comment before."""
    by_post: dict[str, list[dict]] = defaultdict(list)
    for comment in comments:
        by_post[comment["post"]].append(comment)
    found = []
    for post_comments in by_post.values():
        ordered = sorted(post_comments, key=lambda c: c["source_file"])
        top = [c for c in ordered if c["replying_to"] in (None, "")]
        threads: dict[str, list[dict]] = {str(i): [c] for i, c in enumerate(top, 1)}
        for comment in ordered:
            if comment["replying_to"] in (None, ""):
                continue
            thread = threads.get(str(comment["replying_to"]))
            if thread is None:
                continue
            if comment["is_post_author"]:
                readers = [c for c in thread if is_reader(c)]
                if readers:
                    found.append((readers[-1], comment))
            thread.append(comment)
    return found


def build_pairs(corpus: Path) -> tuple[list[dict], dict[str, int]]:
    comments = [json.loads(line) for line in (corpus / "comments.jsonl").open(encoding="utf-8")]
    staticman = any(str(c.get("source_file", "")).startswith("src/_data/comments/")
                    for c in comments)
    answered = answered_en(comments) if staticman else answered_fr(comments)
    posts: dict[str, dict | None] = {}
    pairs, seen = [], set()
    for reader, author in sorted(answered, key=lambda p: parse_date(p[1]["date"])):
        if id(reader) in seen or not reader["text"].strip() or not author["text"].strip():
            continue
        seen.add(id(reader))
        if reader["post"] not in posts:
            posts[reader["post"]] = load_post(corpus / "posts" / reader["post"],
                                              reader.get("post_url") or "")
        name = (reader["author"] or "").strip() or "Reader"
        pair = {
            "date": parse_date(reader["date"]).isoformat(),
            "reader_name": name,
            "reader_email": fake_email(name),
            "text": reader["text"].strip(),
            "author_reply": author["text"].strip(),
        }
        if posts[reader["post"]] is not None:
            pair["post"] = posts[reader["post"]]
        pairs.append(pair)
    pairs.sort(key=lambda p: parse_date(p["date"]))
    counts = {
        "comments": len(comments),
        "author comments": sum(1 for c in comments if c["is_post_author"]),
        "author comments answering a reader": len(answered),
        "pairs": len(pairs),
        "posts": len({p["post"]["url"] for p in pairs if "post" in p}),
        "pairs without post": sum(1 for p in pairs if "post" not in p),
    }
    return pairs, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True,
                        help="a blog_comments_* folder of the shared corpora")
    parser.add_argument("--out", type=Path, required=True, help="the .jsonl file to write")
    parser.add_argument("--limit", type=int, default=0, help="keep the first N pairs by date")
    args = parser.parse_args(argv)
    pairs, counts = build_pairs(args.corpus)
    if args.limit:
        pairs = pairs[: args.limit]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for pair in pairs:
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")
    for name, value in counts.items():
        print(f"{name}: {value}", file=sys.stderr)
    span = f" ({pairs[0]['date'][:10]} to {pairs[-1]['date'][:10]})" if pairs else ""
    print(f"wrote {len(pairs)} pairs to {args.out}{span}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
