"""The author's voice, learned from the replies they really sent (no model needed).

From each answer found in the Sent folder: its greeting line ("Salut Claire,", with the
reader's name made a slot: "Salut {name},"), its thanking first sentence ("Merci pour ton
message !") and its closing line ("Belle journée ! 🌞"), counted per language and register
(tu / vous, as the answer itself is written). A grounded draft uses the forms the author
used at least `MIN_USES` times, and varies among them only: the choice for one reply is
fixed by its id, so a draft written again reads the same. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from inbox_agent.drafting.languages import detect_register
from inbox_agent.drafting.reuse import GREETING_WORDS

MIN_USES = 2  # a form used once is not yet the author's habit
MAX_FORMS = 3  # the most frequent forms a draft varies among
MAX_GREETING_WORDS = 6
MAX_CLOSING_WORDS = 8
MAX_OPENING_WORDS = 14
THANKS = re.compile(
    r"^\W*(merci|thanks|thank you|many thanks|gracias|muchas gracias|danke|vielen dank"
    r"|grazie|obrigad[oa]|muito obrigad[oa]|bedankt|dank je|dank u)\b",
    re.IGNORECASE,
)
SLOT = "{name}"
FIRST_SENTENCE = re.compile(r"^(.+?[.!?…])(?:\s|$)", re.DOTALL)


@dataclass(frozen=True)
class Sample:
    """One answer the author sent: their words, its language, the reader's first name."""

    text: str
    language: str
    first_name: str = ""


@dataclass
class Voice:
    """The author's habitual forms: (language, register) -> forms, most frequent first."""

    greetings_named: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    greetings: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    openings: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    closings: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def greeting(self, language: str, register: str, first_name: str, seed: int = 0) -> str:
        """"Salut Claire," when the author greets this way, else ""."""
        if first_name:
            form = _pick(self.greetings_named.get((language, register), []), seed)
            return form.replace(SLOT, first_name) if form else ""
        return _pick(self.greetings.get((language, register), []), seed)

    def opening(self, language: str, register: str, seed: int = 0) -> str:
        return _pick(self.openings.get((language, register), []), seed)

    def closing(self, language: str, register: str, seed: int = 0) -> str:
        return _pick(self.closings.get((language, register), []), seed)

    def __bool__(self) -> bool:
        return any((self.greetings_named, self.greetings, self.openings, self.closings))


def learn_voice(samples: Iterable[Sample], author_names: Iterable[str] = ()) -> Voice:
    """The forms the author used at least MIN_USES times, per language and register."""
    counts: dict[str, dict[tuple[str, str], Counter]] = defaultdict(lambda: defaultdict(Counter))
    signature = {n.casefold() for n in author_names if n}
    for sample in samples:
        lines = [line.strip() for line in sample.text.strip().splitlines() if line.strip()]
        if len(lines) < 2 or not sample.language:
            continue
        key = (sample.language, detect_register(sample.text, "vous", sample.language))
        greeting, named = greeting_form(lines[0], sample.first_name)
        if greeting:
            counts["greetings_named" if named else "greetings"][key][greeting] += 1
        opening = opening_form(lines[1 if greeting else 0], sample.first_name)
        if opening:
            counts["openings"][key][opening] += 1
        closing = closing_form(lines, signature)
        if closing:
            counts["closings"][key][closing] += 1
    voice = Voice()
    for kind, by_key in counts.items():
        setattr(voice, kind, {
            key: [form for form, n in counter.most_common(MAX_FORMS) if n >= MIN_USES]
            for key, counter in by_key.items()
            if counter.most_common(1)[0][1] >= MIN_USES
        })
    return voice


def greeting_form(line: str, first_name: str) -> tuple[str, bool]:
    """("Salut {name},", True) for "Salut Claire,"; ("", False) when it is no greeting."""
    words = line.split()
    if not words or len(words) > MAX_GREETING_WORDS or _personal(line):
        return "", False
    named = bool(first_name) and re.search(rf"(?<!\w){re.escape(first_name)}(?!\w)", line,
                                           re.IGNORECASE)
    if named:
        form = re.sub(rf"(?<!\w){re.escape(first_name)}(?!\w)", SLOT, line, count=1,
                      flags=re.IGNORECASE)
        other = form.replace(SLOT, "")
        if GREETING_WORDS.match(other) and not re.search(r"[A-ZÀ-Ý][a-zà-ÿ]+\W*$", other[1:]):
            return form, True
        return "", False
    if GREETING_WORDS.match(line) and len(words) <= 3 and line.endswith((",", "!", ":")):
        return line, False
    return "", False


def opening_form(line: str, first_name: str) -> str:
    """The first sentence when it only thanks ("Merci pour ton message !"), else ""."""
    found = FIRST_SENTENCE.match(line)
    sentence = (found.group(1) if found else line).strip()
    if not THANKS.match(sentence) or len(sentence.split()) > MAX_OPENING_WORDS:
        return ""
    if _personal(sentence) or (first_name and first_name.casefold() in sentence.casefold()):
        return ""
    return sentence


def closing_form(lines: list[str], signature: set[str]) -> str:
    """The last line when it is a short closing ("Belle journée ! 🌞"), the author's name
    (a signature left in) skipped."""
    tail = [line for line in lines[-2:] if line.casefold() not in signature]
    if not tail or len(lines) < 3:
        return ""
    line = tail[-1]
    if len(line.split()) > MAX_CLOSING_WORDS or line.endswith(("?", ":")) or _personal(line):
        return ""
    if not re.search(r"[^\W\d_]{2,}", line) or line.startswith((">", "`", "-", "*", "|")):
        return ""  # an emoticon alone, a code fence, a quote or a list item
    return line


def _personal(text: str) -> bool:
    """Digits, links and addresses belong to one exchange, not to a habit."""
    return bool(re.search(r"\d|://|@|www\.", text))


def _pick(forms: list[str], seed: int) -> str:
    return forms[seed % len(forms)] if forms else ""
