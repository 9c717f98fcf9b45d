"""Pure tagging of replies: intents, key phrases, the topic vocabulary, validation of model tags.

The topic vocabulary comes from the archive (issue tags, then the key phrases that set each
issue apart, TF-IDF over 1- to 4-word phrases with French and English stop words) and grows
with the phrases many replies share that the archive does not have (emerging topics).
Clustering, coverage and ranking live in `topics`.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from inbox_agent.intake.intents import INTENTS, rule_intents
from inbox_agent.models import Issue
from inbox_agent.text.greeting import strip_greeting

QUOTE_CHOICES = ("with_name", "anonymous", "no")
MAX_TOPICS = 5
MAX_TOPIC_CHARS = 60
MAX_PHRASE = 4

_STOP_WORDS = (
    """a à afin ai aie ainsi alors après as au aucun aussi autre autres aux avais avait avant
    avec avez avoir avons bah bien bon bonne ça car ce ceci cela celle celles celui cependant
    ces cet cette ceux chaque chez ci comme comment dans de des deja déjà depuis dès donc dont
    du elle elles en encore entre es est et étaient était été être eu eux fait faire fais
    faut fois font ici il ils je jusqu la là le les leur leurs lui ma mais me même mes moi
    moins mon ne ni nos notre nous on ont ou où par parce pas peu peut plus pour pourquoi
    qu quand que quel quelle quelles quels qui quoi sa sans se ses si sien soit son sont sous
    suis sur ta te tes toi ton tous tout toute toutes très tu un une vos votre vous vu y
    c d j l m n s t qu cest jai jsuis
    the of and to in is it that for on with as was are be this have at by from or an but not
    they we you he she i me my our your his her its their them us what which who whom when
    where why how all any both each few more most other some such no nor only own same so
    than too very can will just should would could may might must shall do does did done
    has had having been being am were there here then these those into about above below
    up down out off over under again further once also yet if because while until after
    before through during get got let lets dont doesnt didnt im ive youre thats its isnt
    behind already around across against along among away back beyond enough ever far often
    perhaps quite rather since soon within without actually maybe probably almost always
    never instead else anyway though whether per via
    s t ll re ve d m"""
)
# Words of reply etiquette: frequent in replies, never a topic by themselves.
_CHATTER_WORDS = (
    """merci bonjour salut hello hi hey dear cher chère chers coucou bravo super genial génial
    article articles numero numéro numeros newsletter lettre issue issues post posts blog
    thanks thank great love loved nice cool awesome really vraiment beaucoup toujours jamais
    chose choses truc trucs question questions idee idée reponse réponse lire lu read reading
    write wrote écrire écrit ecrit dernier derniere dernière last week semaine mois month
    year année annee an ans aujourd aujourdhui hui today cordialement regards best cheers
    bises amitiés amities belle beau bonne journee journée everything something anything
    thing things way lot lots bit much many well good like want think know see make need
    going use using used also still even though pense crois sais veux peux dois voulais
    aimerais trouve trouvé suis étais avais ferais serait pourrait faudrait plutôt plutot
    peut-être peutetre exemple example oui non yes yeah ok okay exactement personne
    personnes people gens coup fait"""
)
# Stop words allowed inside a phrase: "droit à la déconnexion", "semaine de 4 jours".
_CONNECTORS = frozenset(
    ["de", "du", "des", "d", "a", "au", "aux", "la", "le", "les", "l", "en", "et", "of", "the",
     "for", "and", "in", "on", "to"]
)
_NUMBER_WORDS = {
    "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6", "sept": "7",
    "huit": "8", "neuf": "9", "dix": "10", "two": "2", "three": "3", "four": "4",
    "five": "5", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
}  # fmt: skip
_TOKEN = re.compile(r"[^\W_]+")
# ---- text ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)  # the same words come back in every reply and issue
def fold(word: str) -> str:
    """Lower case without accents: "Déconnexion" -> "deconnexion"."""
    decomposed = unicodedata.normalize("NFKD", word.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=65536)
def norm(surface: str) -> str:
    """The form words are compared in: acronyms kept as written, else folded, numbers as
    digits, a plural -s dropped."""
    if 2 <= len(surface) <= 4 and surface.isupper() and surface.isalpha():
        return surface
    word = fold(surface)
    word = _NUMBER_WORDS.get(word, word)
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


_STOP = frozenset(fold(w) for w in _STOP_WORDS.split())
_CHATTER = frozenset(fold(w) for w in _CHATTER_WORDS.split())
_BREAK = re.compile(r"[.,;:!?()\[\]{}«»\"“”|/\n\r\t…]+|\s[-–—]\s|#\d+")


def _is_stop(surface: str) -> bool:
    return fold(surface) in _STOP


def tokens(text: str) -> list[tuple[str, str]]:
    """(surface, normalised) for every word of `text`."""
    return [(m.group(0), norm(m.group(0))) for m in _TOKEN.finditer(text)]


def _edge_ok(surface: str, key: str) -> bool:
    folded = fold(surface)
    if folded in _STOP or folded in _CHATTER or key in _CHATTER or key.isdigit():
        return False
    return len(key) >= 4 or key.isupper()


def _inner_ok(surface: str, key: str) -> bool:
    folded = fold(surface)
    return folded in _CONNECTORS or key.isdigit() or (folded not in _STOP and len(key) >= 2)


def phrases(text: str, max_n: int = MAX_PHRASE) -> Iterable[tuple[tuple[str, ...], str]]:
    """Candidate key phrases: (normalised key, surface), 1 to `max_n` words within one clause,
    no stop word at either end (a number may start one), only connectors inside."""
    for clause in _BREAK.split(text):
        toks = tokens(clause)
        for start, (surface, key) in enumerate(toks):
            if not (_edge_ok(surface, key) or (key.isdigit() and len(toks) > start + 1)):
                continue
            for n in range(1, max_n + 1):
                span = toks[start : start + n]
                if len(span) < n or not all(_inner_ok(s, k) for s, k in span[1:-1]):
                    break
                if (n == 1 and key.isdigit()) or not _edge_ok(*span[-1]):
                    continue
                yield tuple(k for _, k in span), " ".join(s for s, _ in span)


# ---- vocabulary ------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One topic of the vocabulary: its display label and normalised words."""

    label: str
    key: tuple[str, ...]
    source: str  # "tag" (issue tag), "archive" (key phrase of an issue), "emerging" (replies)
    issues: tuple[str, ...] = ()  # keys of the archive issues it comes from


def term_key(label: str) -> tuple[str, ...]:
    return tuple(k for _, k in tokens(label))


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[Term, ...] = ()
    main_tags: tuple[tuple[str, str], ...] = ()  # (issue key, its first tag)

    def related_tags(self, label: str) -> list[str]:
        """The main tags of the archive issues a term comes from (a key phrase of issue 41
        points to issue 41's first tag)."""
        main = dict(self.main_tags)
        issues = self.issues_of().get(label, ())
        return list(dict.fromkeys(main[k] for k in issues if k in main))

    def by_key(self) -> dict[tuple[str, ...], Term]:
        found: dict[tuple[str, ...], Term] = {}
        for term in self.terms:
            found.setdefault(term.key, term)
        return found

    def issues_of(self) -> dict[str, tuple[str, ...]]:
        """Label -> keys of the archive issues the term comes from."""
        return {t.label: t.issues for t in self.terms}

    def labels(self) -> list[str]:
        return [t.label for t in self.terms]

    def rank_of(self, label: str) -> int:
        """Position of a label in the vocabulary (archive tags first); unknown last."""
        for n, term in enumerate(self.terms):
            if term.label == label:
                return n
        return len(self.terms)

    def match(self, text: str, limit: int = MAX_TOPICS) -> list[str]:
        """Labels of the terms found in `text`, most specific first; a term inside a longer
        one found at the same place is dropped."""
        table = self.by_key()
        keys = [k for _, k in tokens(strip_greeting(text))]
        found: dict[str, tuple[int, int, int]] = {}
        covered: set[int] = set()
        for n in range(MAX_PHRASE, 0, -1):
            for start in range(len(keys) - n + 1):
                term = table.get(tuple(keys[start : start + n]))
                span = set(range(start, start + n))
                if term is None or span <= covered:
                    continue
                covered |= span
                rank = (0 if term.source == "tag" else 1, -n, start)
                found[term.label] = min(found.get(term.label, rank), rank)
        return sorted(found, key=found.__getitem__)[:limit]


def build_vocabulary(issues: Sequence[Issue], per_issue: int = 6) -> Vocabulary:
    """Issue tags, then the `per_issue` key phrases that best set each issue apart."""
    terms: dict[tuple[str, ...], Term] = {}
    for issue in issues:
        for tag in issue.tags:
            key = term_key(tag)
            if key:
                old = terms.get(key)
                owners = (old.issues if old else ()) + (issue.key,)
                terms[key] = Term(old.label if old else tag.strip(), key, "tag", owners)
    for issue, picked in zip(issues, _tfidf_phrases(issues, per_issue), strict=True):
        for key, label in picked:
            if key not in terms:
                terms[key] = Term(label, key, "archive", (issue.key,))
            elif issue.key not in terms[key].issues:
                old = terms[key]
                terms[key] = Term(old.label, key, old.source, (*old.issues, issue.key))
    ordered = sorted(terms.values(), key=lambda t: (t.source != "tag", t.label.lower()))
    main = tuple((i.key, i.tags[0].strip()) for i in issues if i.tags and i.tags[0].strip())
    return Vocabulary(tuple(ordered), main)


def _tfidf_phrases(
    issues: Sequence[Issue], per_issue: int
) -> list[list[tuple[tuple[str, ...], str]]]:
    counts: list[Counter] = []
    surfaces: list[dict[tuple[str, ...], Counter]] = []
    for issue in issues:
        count: Counter = Counter()
        seen: dict[tuple[str, ...], Counter] = {}
        for weight, text in ((3, bare_title(issue.title)), (1, issue.text[:60_000])):
            for key, surface in phrases(text):
                count[key] += weight
                seen.setdefault(key, Counter())[surface] += 1
        counts.append(count)
        surfaces.append(seen)
    df = Counter(key for count in counts for key in count)
    total = len(issues)
    result = []
    for count, seen in zip(counts, surfaces, strict=True):
        scored = sorted(
            (
                (-(tf * (1 + 0.5 * (len(key) - 1)) * (math.log((total + 1) / (df[key] + 1)) + 1)),
                 key)
                for key, tf in count.items()
                if tf >= 2 and (total < 3 or df[key] <= max(2, total // 2))
            ),
        )
        chosen: list[tuple[tuple[str, ...], str]] = []
        for _, key in scored:
            if any(_overlaps(key, other) and len(key) <= len(other) for other, _ in chosen):
                continue
            chosen.append((key, seen[key].most_common(1)[0][0]))
            if len(chosen) >= per_issue:
                break
        result.append(chosen)
    return result


_TITLE_PREFIX = re.compile(r"^.{0,80}?#\s*\d+\s*[:\-–—·|]?\s*")


def bare_title(title: str) -> str:
    """A title without its "Newsletter #41 :" prefix."""
    return _TITLE_PREFIX.sub("", title, count=1)


def contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """Whether the words of `short` appear in `long`, in order and together."""
    n = len(short)
    return n > 0 and any(long[i : i + n] == short for i in range(len(long) - n + 1))


def is_topic_label(label: str, vocabulary: Vocabulary | None = None) -> bool:
    """Whether `label` reads as a topic: two content words or more ("droit à la
    déconnexion", "reconversion après 45 ans"), or one that is an issue tag of the author's
    or an acronym ("IA", "TJM"); never a lone common word ("days", "accord", "managers")."""
    toks = tokens(label)
    content = [(s, k) for s, k in toks if fold(s) not in _STOP and fold(s) not in _CONNECTORS]
    if len(content) >= 2:  # at least one of them a word of substance
        return any(fold(s) not in _CHATTER and not k.isdigit() for s, k in content)
    if len(content) != 1:
        return False
    surface, key = content[0]
    if surface.isupper() and 2 <= len(surface) <= 5:
        return True
    term = (vocabulary or Vocabulary()).by_key().get(tuple(k for _, k in toks))
    return term is not None and term.source == "tag"


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether one key is a contiguous part of the other."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return contains(long, short)


def emerging_terms(
    vocabulary: Vocabulary, texts: Sequence[str], min_replies: int = 3, limit: int = 20
) -> list[Term]:
    """Phrases of two words or more that at least `min_replies` replies share (and at most
    half of them) and no term of the vocabulary covers: topics the archive does not have."""
    df: Counter = Counter()
    seen: dict[tuple[str, ...], Counter] = {}
    for text in texts:
        keys = set()
        for key, surface in phrases(strip_greeting(text), max_n=3):
            keys.add(key)
            seen.setdefault(key, Counter())[surface] += 1
        df.update(keys)
    known = list(vocabulary.by_key())
    ceiling = max(min_replies, len(texts) // 2)
    candidates = sorted(
        (-(n * (1 + 0.5 * (len(key) - 1))), key)
        for key, n in df.items()
        if min_replies <= n <= ceiling and len(key) > 1
    )
    chosen: list[Term] = []
    for _, key in candidates:
        if any(_overlaps(key, other) for other in known):
            continue
        known.append(key)
        chosen.append(Term(seen[key].most_common(1)[0][0], key, "emerging"))
        if len(chosen) >= limit:
            break
    return chosen


def with_emerging(vocabulary: Vocabulary, texts: Sequence[str], min_replies: int = 3) -> Vocabulary:
    found = emerging_terms(vocabulary, texts, min_replies)
    return Vocabulary(vocabulary.terms + tuple(found), vocabulary.main_tags)


# ---- tags ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tags:
    intents: tuple[str, ...]
    topics: tuple[str, ...]
    tagger: str = "rules"


def detect_intents(text: str, first: str = "") -> tuple[str, ...]:
    """The leading intent first (`first` when given: the stored one, which the author may have
    corrected), then every other intent the cue rules see in the text."""
    found = rule_intents(text)
    main = first or found[0]
    return (main, *(name for name in found if name not in (main, "other")))


def tag_reply(text: str, vocabulary: Vocabulary, first_intent: str = "") -> Tags:
    """Intents and topics of one reply, by rules (deterministic)."""
    return Tags(detect_intents(text, first_intent), tuple(vocabulary.match(text)))


def clean_tag(tag: str) -> str:
    """A topic as stored: one line, single spaces, at most MAX_TOPIC_CHARS."""
    return " ".join(str(tag).split())[:MAX_TOPIC_CHARS].strip(" ,;")


def validate_model_tags(data: object, vocabulary: Vocabulary) -> Tags | None:
    """Tags from a model's answer {"intents": [...], "topics": [...]}, or None when invalid.

    Intents must be known; topics are short phrases (at most 6 words); a topic that names a
    vocabulary term (compared normalised) takes the term's label.
    """
    if not isinstance(data, dict):
        return None
    intents, topics = data.get("intents"), data.get("topics")
    if not isinstance(intents, list) or not isinstance(topics, list) or not intents:
        return None
    if not all(isinstance(i, str) and i in INTENTS for i in intents):
        return None
    table = vocabulary.by_key()
    labels: list[str] = []
    for topic in topics:
        if not isinstance(topic, str) or not clean_tag(topic) or len(topic.split()) > 6:
            return None
        term = table.get(term_key(topic))
        label = term.label if term else clean_tag(topic)
        if label not in labels:
            labels.append(label)
    return Tags(tuple(dict.fromkeys(intents)), tuple(labels[:MAX_TOPICS]), "model")
