"""How to greet a reader: their first name, or "" when it cannot be told.

Pure. Three sources, in this order of trust:

1. the name signed under the message ("Élisabeth Vannier" below "Cordialement,"), when it
   is clearly a person's, or when it names the same person as the display name;
2. the display name of the From header: "Marie Dupont", "Dupont, Marie", "DUPONT Marie",
   "Vannier Elisabeth" (the order told by a comma, a surname in capitals, a particle or
   the list of common first names in data/first_names.toml);
3. an address whose local part is clearly first.last ("marie.dupont@…").

Never a surname alone ("Dr Martin", "J. Martin", "Mme Dupont" give ""), never a shared
mailbox ("Contact Acme", "Service RH", "noreply", "The Smiths"); a couple whose first
names are both common ones is greeted as such ("Anne et Marc").
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from importlib import resources
from typing import NamedTuple

from inbox_agent.intake.quotes import signed_name

NAMES_FILE = "first_names.toml"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLES = _words(
    "m mr mrs ms miss mx mme mmes mlle dr pr prof me sir madame monsieur mister herr frau sr"
    " sra srta dott ing dipl mag sig dhr mevr hr mgr rev"
    " dr.-ing dipl.-ing drs ir"
)
_AFTER_TITLE = _words("med rer nat phil jur dent vet habil")  # "Dr. med.", "Dr. rer. nat."
_SUFFIXES = _words("phd md jr sr ii iii iv mba msc bsc ma ba esq dds")
_GENERIC = _words(
    "info contact contacts hello bonjour team teams support admin administration noreply"
    " no-reply donotreply newsletter newsletters service services sales office mail mails"
    " postmaster mailer-daemon webmaster accueil equipe compta comptabilite redaction news"
    " hi rh hr marketing communication billing facturation abonnement abonnements"
    " subscriptions customer client clients help aide secretariat direction association asso"
    " club company societe group groupe inc ltd llc gmbh ag sa sas sarl bv spa srl corp co"
    " delivery notification notifications alerts bureau agence agency studio editions"
)
_COLLECTIVE = _words("the les famille family familie famiglia familia fam")
_CONJUNCTIONS = _words("& + et and und y e en och og i")
_PARTICLES = _words("de du des da di del della dos das van von der den ten ter zu la le")
_NOT_LATIN_NAME = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ASIDE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|<[^>]*>")
_STRAY_BRACKET = re.compile(r"[()\[\]{}<>]")
_COMPANY_SEPARATOR = re.compile(r"\s+(?:[|/•–—-]|via|at|chez|bei)\s+", re.IGNORECASE)
_INITIAL = re.compile(r"^(?:[^\W\d_]\.-?)+$")  # "J.", "J.-P."
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?$")


class _Known(NamedTuple):
    first: frozenset[str]
    heads: frozenset[str]
    surnames: frozenset[str]


@functools.cache
def _known() -> _Known:
    """The first-names list, read on first use."""
    text = resources.files("inbox_agent.intake.data").joinpath(NAMES_FILE).read_text("utf-8")
    data = tomllib.loads(text)
    first = {fold(w) for group in data["first_names"].values() for w in group.split()}
    return _Known(
        frozenset(first),
        frozenset(fold(w) for w in data["compound_heads"].split()),
        frozenset(fold(w) for w in data["also_surnames"].split()),
    )


def fold(word: str) -> str:
    """Lower case without accents: "Élisabeth" -> "elisabeth"."""
    if word.isascii():
        return word.lower().strip(".")
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return plain.casefold().replace("’", "'").strip(".")


def is_first_name(word: str) -> bool:
    """A common first name, or a hyphenated one made of them ("Jean-Pierre")."""
    folded = fold(word)
    first = _known().first
    return folded in first or ("-" in folded and all(p in first for p in folded.split("-")))


class Person(NamedTuple):
    """What a written name tells: the greeting, its words (folded) and how sure it is."""

    first: str = ""
    words: tuple[str, ...] = ()
    sure: bool = False  # a listed first name, or an order told by a comma or capitals


def first_name(display_name: str, address: str = "", text: str = "") -> str:
    """How to greet the sender of a message from `address`, shown as `display_name`,
    whose plain text is `text` (the signature under the reader's words is read there)."""
    shown = read_name(display_name)
    signed = read_name(signed_name(text, display_name)) if text else Person()
    if signed.first and (signed.sure or set(signed.words) & set(shown.words)):
        return signed.first
    if shown.first and not shown.sure:  # "Tanaka Hiroshi" from h.tanaka@: the address tells
        return _given_by_address(display_name, shown, address) or shown.first
    if shown.first:
        return shown.first
    if shown.words and not shown.sure and len(shown.words) > 1:
        return ""  # a name was given and none of it is a first name: not the address either
    return address_first_name(address)


def read_name(text: str) -> Person:
    """The first name in a display or signed name, with the words it was read from."""
    if not text.strip():
        return Person()
    name = _ASIDE.sub(" ", unicodedata.normalize("NFC", text)).strip().strip("\"'").strip()
    name = _COMPANY_SEPARATOR.split(_STRAY_BRACKET.split(name, maxsplit=1)[0], maxsplit=1)[0]
    name = name.strip()
    if not name or "@" in name or _NOT_LATIN_NAME.search(name):
        return Person()
    parts = [p.strip() for p in name.split(",")]
    while len(parts) > 1 and all(fold(w) in _SUFFIXES for w in parts[-1].split()):
        parts.pop()  # "Marie Dupont, PhD"
    if len(parts) == 2 and parts[0] and parts[1]:  # "Dupont, Marie"
        surname, given = _read_words(parts[0].split()), _read_words(parts[1].split())
        if surname is None or given is None or not given[1]:
            return Person()
        return Person(_given_first(given[1]), surname[0] + given[0], True)
    words = name.replace(",", " ").split()
    read = _read_words(words)
    if read is None:
        return Person()
    folded, kept, titled = read
    couple = _couple(words)
    if couple is not None:
        return Person(couple, folded, bool(couple))
    return _order(kept, folded, titled)


def _read_words(words: list[str]) -> tuple[tuple[str, ...], list[str], bool] | None:
    """(folded words, words without titles and initials, had a title); None when the
    words are not a person's name."""
    if words and fold(words[0]) in _COLLECTIVE:
        return None
    kept: list[str] = []
    titled = initial_first = False
    for word in words:
        bare = fold(word)
        if (bare in _TITLES or (titled and bare in _AFTER_TITLE)) and not kept:
            titled = True
        elif bare in _GENERIC:
            return None
        elif _INITIAL.match(word) or (len(word) == 1 and bare not in _CONJUNCTIONS):
            initial_first = initial_first or not kept
        elif bare in _CONJUNCTIONS or _NAME_WORD.match(word):
            kept.append(word)
        else:
            return None
    names = [w for w in kept if fold(w) not in _CONJUNCTIONS]
    if (titled or initial_first) and len(names) == 1:
        return tuple(fold(w) for w in names), [], titled  # "Dr Martin", "J. Martin"
    return tuple(fold(w) for w in names), kept, titled


def _couple(words: list[str]) -> str | None:
    """ "Anne et Marc" for "Anne et Marc Dupont", "" for another pair, None for one person."""
    joins = [k for k, w in enumerate(words) if fold(w) in _CONJUNCTIONS]
    if not joins:
        return None
    k = joins[0]
    if len(joins) > 1 or k == 0 or k == len(words) - 1:
        return ""
    left = [w for w in words[:k] if fold(w) not in _TITLES]
    right = words[k + 1 :]
    if left and is_first_name(left[0]) and is_first_name(right[0]):
        return f"{_cap(left[0])} {words[k]} {_cap(right[0])}"
    return ""


def _order(words: list[str], folded: tuple[str, ...], titled: bool) -> Person:
    """Which of the words is the first name ("Vannier Elisabeth" -> "Elisabeth")."""
    if not words:
        return Person("", folded)
    if len(words) == 1:
        known = is_first_name(words[0])
        return Person(_cap(words[0]) if known else "", folded, known)
    cased = [w for w in words if sum(c.isalpha() for c in w) > 1]
    capitals = [w.isupper() for w in cased]
    if any(capitals) and not all(capitals):  # "VANNIER Elisabeth", "Jean-Pierre DUPONT"
        given = [w for w in cased if not w.isupper() and fold(w) not in _PARTICLES]
        return Person(_given_first(given), folded, bool(given))
    particle = next((k for k, w in enumerate(words) if fold(w) in _PARTICLES), None)
    if particle == 0:  # "De Vries Jan", "Da Silva João": the surname comes first
        known = is_first_name(words[-1])
        return Person(_cap(words[-1]) if known else "", folded, known)
    if particle:  # "Jan de Vries", "Ludwig van Beethoven"
        return Person(_given_first(words[:particle]), folded, is_first_name(words[0]))
    first, last = words[0], words[-1]
    surnames = _known().surnames
    first_known, last_known = is_first_name(first), is_first_name(last)
    if last_known and (not first_known or (fold(first) in surnames and fold(last) not in surnames)):
        return Person(_given_first(words[1:]), folded, True)  # "Vannier Elisabeth"
    return Person(_given_first(words[:-1]), folded, first_known)


def _given_first(given: list[str]) -> str:
    """The first name among given names: "Marie Claire" stays whole, "Anna M." is Anna."""
    if not given:
        return ""
    if len(given) > 1 and fold(given[0]) in _known().heads and is_first_name(given[1]):
        return f"{_cap(given[0])} {_cap(given[1])}"
    return _cap(given[0])


def _given_by_address(display_name: str, shown: Person, address: str) -> str:
    """The given name of a display name whose order the names list cannot tell, from a
    first.last address: "Tanaka Hiroshi" from "h.tanaka@…", "Nguyen Van An" from
    "an.nguyen@…" (the word read as the first name is the address's last part, and another
    word is its first part, or starts with it when that is an initial); "" otherwise."""
    local = address.split("@", 1)[0].split("+", 1)[0].lower()
    parts = [p.rstrip("0123456789") for p in re.split(r"[._]", local)]
    if len(parts) != 2 or not all(p.isalpha() for p in parts):
        return ""
    given, family = fold(parts[0]), fold(parts[1])
    if fold(shown.first) != family:
        return ""
    for word in display_name.split():
        bare = fold(word)
        if bare != family and _NAME_WORD.match(word) and (
            bare == given or (len(given) == 1 and len(bare) > 1 and bare.startswith(given))
        ):
            return _cap(word)
    return ""


def address_first_name(address: str) -> str:
    """The first name of a first.last address ("marie.dupont@…" -> "Marie"), else ""."""
    local = address.split("@", 1)[0].split("+", 1)[0].lower()
    parts = [p.rstrip("0123456789") for p in re.split(r"[._]", local)]
    if len(parts) == 1 and local.count("-") == 1:  # "marie-dupont@", "jean-pierre@"
        if is_first_name(local):
            return _cap(local)
        parts = local.split("-")
    if len(parts) != 2 or any(len(p) < 2 or not p.replace("-", "").isalpha() for p in parts):
        return ""
    if any(fold(p) in _GENERIC for p in parts):
        return ""
    for part in parts:  # first.last, else last.first
        if is_first_name(part):
            return _cap(part)
    return ""


def _cap(word: str) -> str:
    """ "JEAN-PIERRE" and "jean-pierre" -> "Jean-Pierre"; "McNeil" stays as written."""
    word = word.rstrip(".")
    if word.isupper() or word.islower():
        return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))
    return word
