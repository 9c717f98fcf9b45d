"""Pure topics across replies: clusters, labels, quotes, coverage by the archive, ranking.

Explicit suggestions ("une idée de sujet : …", "you should cover …") and the replies the
author starred come first, each under the reader's own phrase. The other replies are grouped
by average-linkage agglomerative clustering on a similarity that mixes their embeddings
(centred, cosine) with the topic tags they share (Jaccard); each group is labelled with a
noun phrase readers or the archive use (never a lone common word), and groups whose labels
name the same thing (one inside the other, or a translation) are one topic. Coverage by the
archive reads in three levels. Corrections are listed apart, with the sentence of the issue
they correct. Everything is ordered, nothing is random: the same input gives the same topics.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from inbox_agent.archive.chunks import chunk_issue
from inbox_agent.drafting.sentences import corrected_sentence
from inbox_agent.insights.suggestions import suggested_subject
from inbox_agent.insights.tagging import (
    Vocabulary,
    bare_title,
    contains,
    is_topic_label,
    phrases,
    term_key,
)
from inbox_agent.models import Issue
from inbox_agent.search.keywords import BM25
from inbox_agent.search.retrieval import TITLE_WEIGHT
from inbox_agent.text.greeting import strip_greeting

MERGE_AT = 0.2  # average similarity above which two groups of replies are one topic
VECTOR_WEIGHT = 0.6  # share of the embeddings in the similarity (the rest: shared tags)
COVERAGE_WEIGHT = 0.6  # how much coverage by the archive lowers a topic's priority
MAX_QUOTES = 3
QUOTE_CHARS = 240
# Coverage levels, on `keyword_coverage` (bench/topic_coverage.py: a post's comments read
# "well covered" with the post in the archive, and not with the post taken out).
WELL_COVERED = 2.9
PARTLY_COVERED = 2.0
# Two labels in different words name one topic when their embeddings are this close: a
# translation ("semaine de 4 jours" / "four-day week" 0.96, "droit à la déconnexion" /
# "right to disconnect" 0.93) and not two neighbours ("congés" / "vacances" 0.89, "réunions"
# / "bureau" 0.87), measured with the bundled embeddings in tests/unit/insights.
SAME_LABEL = 0.925
LEVELS = ("none", "partly", "well")
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
    starred: bool = False  # the author marked it as an idea for an issue
    language: str = ""


@dataclass(frozen=True)
class ArchiveWords:
    """The archive's chunks for keyword matching: BM25 over them (each stemmed in its
    issue's language, the title counted TITLE_WEIGHT times), grouped by issue."""

    bm25: BM25
    starts: np.ndarray  # first chunk of each issue (chunks are stored issue by issue)
    issue_keys: tuple[str, ...]  # one per issue

    @classmethod
    def of(cls, issues: Sequence[Issue]) -> ArchiveWords | None:
        texts, languages, starts, keys = [], [], [], []
        for issue in issues:
            chunks = chunk_issue(issue)
            if not chunks:
                continue
            starts.append(len(texts))
            keys.append(issue.key)
            titled = "\n".join([issue.title] * TITLE_WEIGHT)
            texts.extend(f"{titled}\n\n{c.text}" for c in chunks)
            languages.extend([issue.language] * len(chunks))
        if not keys:
            return None
        return cls(BM25(texts, languages), np.array(starts), tuple(keys))

    def issue_scores(self, text: str, language: str = "") -> np.ndarray:
        """The best chunk's BM25 score of each issue for `text`."""
        return np.maximum.reduceat(self.bm25.scores(text, language), self.starts)


@dataclass
class Topic:
    label: str
    count: int
    reply_ids: list[int]
    issues: list[int]  # issues the replies answered, most answered first
    quotes: list[dict]  # {"text", "name", "reply_id"}; name "" when anonymous
    coverage: float  # how far the closest issue stands out (`keyword_coverage`); 0 = nothing
    score: float  # priority as a future issue: demand lowered by coverage
    covered_by: str = ""  # key of the archive issue closest to the topic
    by_issue: dict[str, int] = field(default_factory=dict)  # issue number or "none" -> count
    by_month: dict[str, int] = field(default_factory=dict)  # YYYY-MM -> count
    level: str = "none"  # coverage read in words: "none" | "partly" | "well"
    kind: str = "topic"  # "suggestion" (a reader proposed it, or the author starred it)
    phrases: list[str] = field(default_factory=list)  # the readers' own words for it
    starred: bool = False
    covered_number: int | None = None  # number of the covered_by issue, when known

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Insights:
    topics: list[Topic]  # suggested topics for future issues, best first (suggestions first)
    # {"reply_id", "issue", "title", "sentence" (of the issue, corrected), "quote": {...} | None}
    corrections: list[dict]
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


def label_of(members: Sequence[ReplyItem], vocabulary: Vocabulary,
             rarity: dict[str, float] | None = None) -> str:
    """The topic tag most members carry, directly or as the main tag of the issue their tags
    come from (archive tags first on ties), among those that read as a topic
    (`is_topic_label`: no lone common word); else the phrase of two words or more most
    members share; else the reply's most specific such phrase (`rarity` of its words: how
    few replies use them); else the start of the first reply."""
    tags: Counter = Counter()
    direct: Counter = Counter()
    place: Counter = Counter()
    for member in members:
        related = [r for t in member.topics for r in vocabulary.related_tags(t)]
        tags.update({t for t in (*member.topics, *related) if is_topic_label(t, vocabulary)})
        direct.update(set(member.topics))
        place.update({t: n for n, t in enumerate(member.topics)})
    if tags:
        return min(tags, key=lambda t: (-tags[t], -direct[t], place[t], vocabulary.rank_of(t), t))
    shared: Counter = Counter()
    surface: dict[tuple[str, ...], str] = {}
    for member in members:
        found = {key: text for key, text in phrases(strip_greeting(member.text), max_n=3)
                 if len(key) > 1 and is_topic_label(text, vocabulary)}
        for key, text in found.items():
            surface.setdefault(key, text)
        shared.update(found.keys())
    rarity = rarity or {}

    def specific(key: tuple[str, ...]) -> float:
        return sum(rarity.get(word, 1.0) for word in key) / (1 + 0.25 * (len(key) - 2))

    common = [k for k in shared if shared[k] > 1]
    if common:
        key = min(common, key=lambda k: (-shared[k], -specific(k), surface[k].lower()))
        return surface[key]
    if shared:
        key = min(shared, key=lambda k: (-round(specific(k), 6), surface[k].lower()))
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


def keyword_coverage(members: Sequence[ReplyItem], archive: ArchiveWords | None
                     ) -> tuple[float, str]:
    """How well the archive already answers what `members` write about, and the issue that
    does: for each reply, how many standard deviations each issue's keyword match stands
    above the archive's mean (BM25 of the reply's own words against the issue's best chunk);
    averaged over the replies, the best issue's figure. About 3 for replies written on an
    issue of the archive, about 2 when that issue is taken out (bench/topic_coverage.py)."""
    if archive is None or not members or len(archive.issue_keys) < 2:
        return 0.0, ""
    rows = []
    for member in members:
        scores = archive.issue_scores(strip_greeting(member.text), member.language)
        spread = float(scores.std())
        if spread > 0:
            rows.append((scores - scores.mean()) / spread)
    if not rows:
        return 0.0, ""
    mean = np.mean(rows, axis=0)
    best = int(np.argmax(mean))
    return round(max(float(mean[best]), 0.0), 4), archive.issue_keys[best]


def declared_by(label: str, vocabulary: Vocabulary, issues: Sequence[Issue]) -> str:
    """The key of an issue the author says is about `label` (one of its tags, or its title
    names it), else ""."""
    key = term_key(label)
    if not key:
        return ""
    term = vocabulary.by_key().get(key)
    if term is not None and term.source == "tag" and term.issues:
        return term.issues[0]
    for issue in issues:
        if contains(term_key(bare_title(issue.title)), key):
            return issue.key
    return ""


def level_of(value: float) -> str:
    """Coverage in words: "well" (WELL_COVERED and above), "partly", or "none"."""
    return "well" if value >= WELL_COVERED else "partly" if value >= PARTLY_COVERED else "none"


# ---- the whole computation -------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    vocabulary: Vocabulary
    archive: ArchiveWords | None
    issues: Sequence[Issue]
    rarity: dict[str, float]


def _topic(members: list[ReplyItem], vectors: np.ndarray | None, context: _Context,
           label: str = "", kind: str = "topic", said: Sequence[str] = ()) -> Topic:
    label = label or label_of(members, context.vocabulary, context.rarity)
    centroid = vectors.mean(axis=0) if vectors is not None else None
    order = list(range(len(members)))
    if vectors is not None:
        unit = unit_rows(vectors)
        closeness = unit @ (centroid / (np.linalg.norm(centroid) or 1.0))
        order.sort(key=lambda i: (-round(float(closeness[i]), 9), members[i].id))
    else:
        order.sort(key=lambda i: (label not in members[i].topics, members[i].id))
    quotes = [q for q in (quote_of(members[i], label) for i in order) if q][:MAX_QUOTES]
    cov, closest = keyword_coverage(members, context.archive)
    declared = declared_by(label, context.vocabulary, context.issues)
    if declared:  # an issue the author tagged or titled with it: well covered, by that issue
        cov, closest = max(cov, WELL_COVERED), declared
    answered = Counter(m.issue for m in members if m.issue is not None)
    by_issue = Counter("none" if m.issue is None else str(m.issue) for m in members)
    by_month = Counter(m.date[:7] for m in members if len(m.date) >= 7)
    return Topic(
        label=label, count=len(members), reply_ids=sorted(m.id for m in members),
        issues=[n for n, _ in sorted(answered.items(), key=lambda kv: (-kv[1], kv[0]))],
        quotes=quotes, coverage=cov,
        score=round(len(members) * (1 - COVERAGE_WEIGHT * min(cov / WELL_COVERED, 1.0)), 4),
        covered_by=closest, by_issue=dict(sorted(by_issue.items())),
        by_month=dict(sorted(by_month.items())), level=level_of(cov), kind=kind,
        phrases=list(dict.fromkeys(said)), starred=any(m.starred for m in members),
        covered_number=next((i.number for i in context.issues if i.key == closest), None),
    )  # fmt: skip


def _merge_same_label(clusters: list[list[int]], labels: list[str]) -> list[list[int]]:
    merged: dict[str, list[int]] = {}
    for cluster, label in zip(clusters, labels, strict=True):
        merged.setdefault(label, []).extend(cluster)
    return [sorted(c) for c in merged.values()]


def same_topic_groups(labels: Sequence[str], sizes: Sequence[int],
                      label_vectors: np.ndarray | None = None) -> list[list[int]]:
    """Indices of `labels` that name one topic: one label's words inside the other's
    ("congés" / "congés payés", "4 jours" / "semaine de 4 jours"), or, with their
    embeddings, a translation (cosine >= SAME_LABEL and no word in common). Each group
    is led by its largest member (`sizes`), then its earliest."""
    keys = [term_key(label) for label in labels]
    parent = list(range(len(labels)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    unit = unit_rows(np.asarray(label_vectors, dtype=float)) if label_vectors is not None else None
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            ka, kb = keys[a], keys[b]
            same = bool(ka and kb) and (contains(ka, kb) or contains(kb, ka))
            if not same and unit is not None and not _shared_words(ka, kb):
                same = float(unit[a] @ unit[b]) >= SAME_LABEL
            if same:
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for i in range(len(labels)):
        groups.setdefault(root(i), []).append(i)
    return [sorted(g, key=lambda i: (-sizes[i], i)) for g in groups.values()]


def _shared_words(a: tuple[str, ...], b: tuple[str, ...]) -> set[str]:
    """Words two labels have in common, figures aside ("4" in "four-day week")."""
    return {w for w in set(a) & set(b) if not w.isdigit() and len(w) > 2}


def corrections_of(items: Sequence[ReplyItem], issues: Sequence[Issue]) -> list[dict]:
    """The replies that correct an issue, each with the issue's sentence they correct (the
    issue they answered first, then any other) when one is found."""
    by_number = {i.number: i for i in issues if i.number is not None}
    found = []
    for item in items:
        if not any(name in SET_APART for name in item.intents):
            continue
        answered = by_number.get(item.issue)
        order = [answered] if answered else []
        order += [i for i in issues if i is not answered]
        where, sentence = answered, ""
        for issue in order:
            sentence = corrected_sentence([issue.text], item.text)
            if sentence:
                where = issue
                break
        found.append({
            "reply_id": item.id, "issue": where.number if where else item.issue,
            "title": bare_title(where.title) if where else "", "sentence": sentence,
            "quote": quote_of(item),
        })  # fmt: skip
    return found


def _rarity(items: Sequence[ReplyItem]) -> dict[str, float]:
    """Inverse document frequency of each word over the replies (how specific it is)."""
    df: Counter = Counter()
    for item in items:
        df.update({k for key, _ in phrases(item.text, max_n=1) for k in key})
    total = len(items) + 1
    return {word: float(np.log(total / n)) + 1.0 for word, n in df.items()}


def compute(
    items: Sequence[ReplyItem],
    vocabulary: Vocabulary,
    vectors: np.ndarray | None = None,
    archive: ArchiveWords | None = None,
    threshold: float = MERGE_AT,
    *,
    issues: Sequence[Issue] = (),
    embed_labels: Callable[[list[str]], np.ndarray] | None = None,
) -> Insights:
    """Topics across `items` (vectors: one row per item, or None), ranked for future issues:
    the readers' explicit suggestions and the author's starred replies first, then the
    most asked and least covered; corrections listed apart. `issues` (the archive) gives
    the sentences corrected and the issues that declare a topic; `embed_labels` (texts ->
    vectors) lets labels in two languages name one topic."""
    items = sorted(items, key=lambda i: i.id)
    if vectors is not None:
        vectors = np.asarray(vectors, dtype=float)
        if len(vectors) != len(items):
            raise ValueError("one vector per reply is needed")
    context = _Context(vocabulary, archive, issues, _rarity(items))
    corrections = corrections_of(items, issues)

    def rows_of(indices: list[int]) -> np.ndarray | None:
        return vectors[indices] if vectors is not None else None

    proposed: dict[tuple[str, ...], tuple[str, list[int], list[str]]] = {}
    rest: list[int] = []
    for n, item in enumerate(items):
        if item.intents[:1] and item.intents[0] in SET_APART:
            continue
        found = suggested_subject(item.text)
        if found or item.starred:
            label = found.phrase if found else label_of([item], vocabulary, context.rarity)
            key = term_key(label) or (str(item.id),)
            old = proposed.get(key, (label, [], []))
            proposed[key] = (old[0], [*old[1], n], [*old[2], *([found.sentence] if found else [])])
        elif not (not item.topics and item.intents[:1] and item.intents[0] in NO_TOPIC):
            rest.append(n)
    chosen = [items[n] for n in rest]
    sim = similarity(chosen, rows_of(rest), vocabulary)
    clusters = agglomerate(sim, threshold) if chosen else []
    labels = [label_of([chosen[i] for i in c], vocabulary, context.rarity) for c in clusters]
    clusters = _merge_same_label(clusters, labels)
    # (label, members as indices of items, suggested?, the readers' sentences)
    entries = [(label, members, True, said) for label, members, said in proposed.values()]
    entries += [(label_of([chosen[i] for i in c], vocabulary, context.rarity),
                 [rest[i] for i in c], False, []) for c in clusters]
    labels = [e[0] for e in entries]
    label_vectors = embed_labels(labels) if embed_labels and len(labels) > 1 else None
    sizes = [len(e[1]) + (len(items) + 1) * e[2] for e in entries]  # a suggestion leads
    suggestions, topics = [], []
    for group in same_topic_groups(labels, sizes, label_vectors):
        members = sorted({i for g in group for i in entries[g][1]})
        suggested = any(entries[g][2] for g in group)
        said = [s for g in group for s in entries[g][3]]
        topic = _topic([items[i] for i in members], rows_of(members), context,
                       labels[group[0]], "suggestion" if suggested else "topic", said)
        (suggestions if suggested else topics).append(topic)
    suggestions.sort(key=lambda t: (not t.starred, -t.count, t.reply_ids[0]))
    topics.sort(key=lambda t: (-t.score, -t.count, t.label.lower(), t.reply_ids[0]))
    return Insights(suggestions + topics, corrections, len(items))
