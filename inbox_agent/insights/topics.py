"""Pure topics across replies: clusters, labels, quotes, coverage by the archive, ranking.

Replies are grouped by average-linkage agglomerative clustering on a similarity that mixes
their embeddings (centred, cosine) with the topic tags they share (Jaccard); everything is
ordered, nothing is random, so the same input always gives the same topics.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from inbox_agent.insights.tagging import Vocabulary, phrases
from inbox_agent.text.greeting import strip_greeting

MERGE_AT = 0.2  # average similarity above which two groups of replies are one topic
VECTOR_WEIGHT = 0.6  # share of the embeddings in the similarity (the rest: shared tags)
COVERAGE_WEIGHT = 0.6  # how much coverage by the archive lowers a topic's priority
MAX_QUOTES = 3
QUOTE_CHARS = 240
SET_APART = ("correction",)  # intents listed apart rather than as topics
NO_TOPIC = ("thanks", "testimonial")  # intents that are no topic without a topic tag


@dataclass(frozen=True)
class ReplyItem:
    """What insights need of one reply."""

    id: int
    text: str
    name: str = ""
    issue: int | None = None
    date: str = ""  # ISO date or datetime
    quote: str = "no"  # "with_name" | "anonymous" | "no"
    intents: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArchiveVectors:
    """Unit vectors of the archive chunks and the issue each chunk belongs to."""

    matrix: np.ndarray  # (chunks, dim)
    issue_keys: tuple[str, ...]


@dataclass
class Topic:
    label: str
    count: int
    reply_ids: list[int]
    issues: list[int]  # issues the replies answered, most answered first
    quotes: list[dict]  # {"text", "name", "reply_id"}; name "" when anonymous
    coverage: float  # 0 (the archive says nothing about it) .. 1 (already well answered)
    score: float  # priority as a future issue: demand lowered by coverage
    covered_by: str = ""  # key of the archive issue closest to the topic
    by_issue: dict[str, int] = field(default_factory=dict)  # issue number or "none" -> count
    by_month: dict[str, int] = field(default_factory=dict)  # YYYY-MM -> count

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Insights:
    topics: list[Topic]  # suggested topics for future issues, best first
    corrections: list[dict]  # {"reply_id", "issue", "quote": {...} | None}
    replies: int  # replies considered

    def as_dict(self) -> dict:
        return {"topics": [t.as_dict() for t in self.topics], "corrections": self.corrections,
                "replies": self.replies}


# ---- similarity and clustering -------------------------------------------------------------


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def tag_features(item: ReplyItem, issues: dict[str, tuple[str, ...]]) -> set[str]:
    """The reply's topic tags and the archive issues those tags come from."""
    found = {f"i:{key}" for tag in item.topics for key in issues.get(tag, ())}
    return {f"t:{tag}" for tag in item.topics} | found


def similarity(
    items: Sequence[ReplyItem], vectors: np.ndarray | None, vocabulary: Vocabulary | None = None
) -> np.ndarray:
    """Pairwise similarity: centred cosine of the embeddings mixed with shared topic tags
    (and shared archive issues behind those tags)."""
    n = len(items)
    issues = (vocabulary or Vocabulary()).issues_of()
    sets = [tag_features(i, issues) for i in items]
    tags = np.zeros((n, n))
    for a in range(n):
        for b in range(a + 1, n):
            union = len(sets[a] | sets[b])
            if union:
                tags[a, b] = tags[b, a] = len(sets[a] & sets[b]) / union
    if vectors is None or len(vectors) != n or n < 2:
        return tags
    centred = unit_rows(vectors - vectors.mean(axis=0))
    cosine = np.clip(centred @ centred.T, -1.0, 1.0)
    return VECTOR_WEIGHT * cosine + (1 - VECTOR_WEIGHT) * tags


def agglomerate(sim: np.ndarray, threshold: float = MERGE_AT) -> list[list[int]]:
    """Average-linkage clusters of a similarity matrix: merge the most similar pair while its
    average similarity reaches `threshold`; ties go to the lowest indices."""
    n = len(sim)
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    s = sim.astype(float).copy()
    np.fill_diagonal(s, -np.inf)
    active = np.ones(n, dtype=bool)
    while len(groups) > 1:
        masked = np.where(active[:, None] & active[None, :], s, -np.inf)
        flat = int(np.argmax(masked))
        a, b = divmod(flat, n)
        if masked[a, b] < threshold:
            break
        a, b = min(a, b), max(a, b)
        na, nb = len(groups[a]), len(groups[b])
        merged = (na * s[a] + nb * s[b]) / (na + nb)
        s[a, :] = merged
        s[:, a] = merged
        s[a, a] = -np.inf
        active[b] = False
        groups[a] = sorted(groups[a] + groups.pop(b))
    return sorted(groups.values(), key=lambda g: g[0])


# ---- labels, quotes, coverage -------------------------------------------------------------


def label_of(members: Sequence[ReplyItem], vocabulary: Vocabulary) -> str:
    """The topic tag most members carry, directly or as the main tag of the issue their tags
    come from (archive tags first on ties), else the phrase most members share, else the
    start of the first reply."""
    tags: Counter = Counter()
    direct: Counter = Counter()
    place: Counter = Counter()
    for member in members:
        related = [r for t in member.topics for r in vocabulary.related_tags(t)]
        tags.update(set(member.topics) | set(related))
        direct.update(set(member.topics))
        place.update({t: n for n, t in enumerate(member.topics)})
    if tags:
        return min(tags, key=lambda t: (-tags[t], -direct[t], place[t], vocabulary.rank_of(t), t))
    shared: Counter = Counter()
    surface: dict[tuple[str, ...], str] = {}
    for member in members:
        for key, text in phrases(strip_greeting(member.text), max_n=3):
            surface.setdefault(key, text)
            shared[key] += 1
    if shared:
        key = min(shared, key=lambda k: (-shared[k], -len(k), surface[k].lower()))
        if shared[key] > 1 or len(members) == 1:
            return surface[key]
    words = strip_greeting(members[0].text).split()
    return " ".join(words[:6]) + ("…" if len(words) > 6 else "")


_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def excerpt(text: str, label: str = "", limit: int = QUOTE_CHARS) -> str:
    """The sentence of `text` that names the label (else the first ones), cut at a word."""
    body = " ".join(strip_greeting(text).split())
    sentences = _SENTENCE.split(body) or [body]
    wanted = label.lower()
    start = next((i for i, s in enumerate(sentences) if wanted and wanted in s.lower()), 0)
    out = ""
    for sentence in sentences[start:]:
        if out and len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    if len(out) > limit:
        out = out[: limit - 1].rsplit(" ", 1)[0] + "…"
    return out


def quote_of(item: ReplyItem, label: str = "") -> dict | None:
    """A quote as the reader allowed: with their name, anonymous, or none at all."""
    if item.quote not in ("with_name", "anonymous"):
        return None
    name = item.name if item.quote == "with_name" else ""
    return {"text": excerpt(item.text, label), "name": name, "reply_id": item.id}


def coverage(centroid: np.ndarray | None, archive: ArchiveVectors | None) -> tuple[float, str]:
    """How well the archive already answers a topic, 0..1, and the closest issue.

    The best cosine similarity of the topic's centroid to an archive chunk, measured above
    the median similarity (what any passage gets) and scaled to the room left up to 1.
    """
    if centroid is None or archive is None or len(archive.issue_keys) == 0:
        return 0.0, ""
    norm = float(np.linalg.norm(centroid))
    if norm == 0:
        return 0.0, ""
    sims = archive.matrix @ (centroid / norm)
    best = int(np.argmax(sims))
    base = float(np.median(sims))
    room = 1.0 - base
    value = (float(sims[best]) - base) / room if room > 1e-9 else 1.0
    return round(min(max(value, 0.0), 1.0), 4), archive.issue_keys[best]


# ---- the whole computation -------------------------------------------------------------


def _topic(
    members: list[ReplyItem],
    vectors: np.ndarray | None,
    archive: ArchiveVectors | None,
    vocabulary: Vocabulary,
) -> Topic:
    label = label_of(members, vocabulary)
    centroid = vectors.mean(axis=0) if vectors is not None else None
    order = list(range(len(members)))
    if vectors is not None:
        unit = unit_rows(vectors)
        closeness = unit @ (centroid / (np.linalg.norm(centroid) or 1.0))
        order.sort(key=lambda i: (-round(float(closeness[i]), 9), members[i].id))
    else:
        order.sort(key=lambda i: (label not in members[i].topics, members[i].id))
    quotes = [q for q in (quote_of(members[i], label) for i in order) if q][:MAX_QUOTES]
    cov, closest = coverage(centroid, archive)
    answered = Counter(m.issue for m in members if m.issue is not None)
    by_issue = Counter("none" if m.issue is None else str(m.issue) for m in members)
    by_month = Counter(m.date[:7] for m in members if len(m.date) >= 7)
    return Topic(
        label=label, count=len(members), reply_ids=sorted(m.id for m in members),
        issues=[n for n, _ in sorted(answered.items(), key=lambda kv: (-kv[1], kv[0]))],
        quotes=quotes, coverage=cov, score=round(len(members) * (1 - COVERAGE_WEIGHT * cov), 4),
        covered_by=closest, by_issue=dict(sorted(by_issue.items())),
        by_month=dict(sorted(by_month.items())),
    )  # fmt: skip


def _merge_same_label(clusters: list[list[int]], labels: list[str]) -> list[list[int]]:
    merged: dict[str, list[int]] = {}
    for cluster, label in zip(clusters, labels, strict=True):
        merged.setdefault(label, []).extend(cluster)
    return [sorted(c) for c in merged.values()]


def compute(
    items: Sequence[ReplyItem],
    vocabulary: Vocabulary,
    vectors: np.ndarray | None = None,
    archive: ArchiveVectors | None = None,
    threshold: float = MERGE_AT,
) -> Insights:
    """Topics across `items` (vectors: one row per item, or None), ranked for future issues:
    most replies and least coverage first; corrections listed apart."""
    items = sorted(items, key=lambda i: i.id)
    if vectors is not None:
        vectors = np.asarray(vectors, dtype=float)
        if len(vectors) != len(items):
            raise ValueError("one vector per reply is needed")
    corrections = [
        {"reply_id": i.id, "issue": i.issue, "quote": quote_of(i)}
        for i in items
        if i.intents[:1] and i.intents[0] in SET_APART
    ]
    keep = [
        n for n, i in enumerate(items)
        if not (i.intents[:1] and i.intents[0] in SET_APART)
        and not (not i.topics and i.intents[:1] and i.intents[0] in NO_TOPIC)
    ]  # fmt: skip
    chosen = [items[n] for n in keep]
    rows = vectors[keep] if vectors is not None else None
    clusters = agglomerate(similarity(chosen, rows, vocabulary), threshold) if chosen else []
    labels = [label_of([chosen[i] for i in c], vocabulary) for c in clusters]
    clusters = _merge_same_label(clusters, labels)
    topics = [
        _topic([chosen[i] for i in c], rows[c] if rows is not None else None, archive, vocabulary)
        for c in clusters
    ]
    topics.sort(key=lambda t: (-t.score, -t.count, t.label.lower(), t.reply_ids[0]))
    return Insights(topics, corrections, len(items))
