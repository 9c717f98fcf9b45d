"""What the drafters know of each language they write: one entry per language in LANGUAGES.

An entry holds the month names and date pattern, the placeholder opening, the "in French"
notes for issues in another language, the quote marks, and the two registers (familiar,
polite) with the reader's words that reveal each. A draft's register is "tu" (familiar) or
"vous" (polite) whatever its language; `Language.register_word` names it in the language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from inbox_agent.text.language import LANGUAGE_NAMES, guess_language


def _rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags | re.MULTILINE)


NEVER = re.compile(r"(?!)")


@dataclass(frozen=True)
class Language:
    code: str
    months: tuple[str, ...]
    date: str  # "{day}", "{month}", "{year}"
    placeholder: str  # the opening of a gap for the author, as drafts write it
    placeholder_what: str  # the example gap of the model prompts
    written_in: dict[str, str]  # issue language -> "in French" as this language says it
    quotes: tuple[str, str]  # the marks around a quotation
    nested: dict[str, str] = field(default_factory=dict)  # marks changed inside a quotation
    familiar: str = ""  # the register words, "" for a language without registers
    polite: str = ""
    familiar_words: re.Pattern[str] = NEVER  # the reader's words that reveal each register
    polite_words: re.Pattern[str] = NEVER
    familiar_cues: re.Pattern[str] = NEVER  # greetings and sign-offs of the familiar form
    polite_cues: re.Pattern[str] = NEVER
    reused_to: str = "Answer sent to {name} on {date} — adapt it"  # an earlier answer's marker
    reused: str = "Answer sent on {date} — adapt it"  # the same, the reader's name unknown

    def register_word(self, register: str) -> str:
        """'tu'/'vous' as this language calls them ("du"/"Sie"…), "" without registers."""
        return self.familiar if register == "tu" else self.polite

    def human_date(self, day: int, month: int, year: int) -> str:
        return self.date.format(day=day, month=self.months[month - 1], year=year)

    def nest(self, quoted: str) -> str:
        """A text to put inside this language's quote marks, its own marks made inner."""
        for mark, inner in self.nested.items():
            quoted = quoted.replace(mark, inner)
        return quoted


def _months(names: str) -> tuple[str, ...]:
    return tuple(names.split())


LANGUAGES: dict[str, Language] = {
    "fr": Language(
        "fr",
        _months("janvier février mars avril mai juin juillet août septembre octobre novembre"
                " décembre"),
        "{day} {month} {year}",
        "[À COMPLÉTER : ",
        "ce que vous seul savez",
        {"en": "en anglais", "fr": "en français", "es": "en espagnol", "de": "en allemand",
         "it": "en italien", "pt": "en portugais", "nl": "en néerlandais"},
        ("« ", " »"),
        familiar="tu",
        polite="vous",
        familiar_words=_rx(r"\b(tu|te|t'|toi|ton|ta|tes|t’)\b"),
        polite_words=_rx(r"\b(vous|votre|vos)\b"),
        familiar_cues=re.compile(r"^\s*(salut|coucou)\b|\b(a\+|à\+|bises|biz)\s*$", re.IGNORECASE),
        reused_to="Réponse envoyée à {name} le {date} — à adapter",
        reused="Réponse envoyée le {date} — à adapter",
    ),
    "en": Language(
        "en",
        _months("January February March April May June July August September October"
                " November December"),
        "{month} {day}, {year}",
        "[TO FILL: ",
        "what only you know",
        {"fr": "in French", "en": "in English", "es": "in Spanish", "de": "in German",
         "it": "in Italian", "pt": "in Portuguese", "nl": "in Dutch"},
        ('"', '"'),
        nested={'"': "'"},
    ),
    "es": Language(
        "es",
        _months("enero febrero marzo abril mayo junio julio agosto septiembre octubre"
                " noviembre diciembre"),
        "{day} de {month} de {year}",
        "[A COMPLETAR: ",
        "lo que solo usted sabe",
        {"fr": "en francés", "en": "en inglés", "de": "en alemán", "it": "en italiano",
         "pt": "en portugués", "nl": "en neerlandés"},
        ("«", "»"),
        nested={"«": "“", "»": "”"},
        familiar="tú",
        polite="usted",
        familiar_words=_rx(r"\b(tú|tu|tus|te|ti|contigo|tuy[oa]s?|tienes|puedes|sabes|crees"
                           r"|conoces|piensas|quieres|recomiendas|eres|estás|has|podrías|sabrías|recomendarías"
                           r"|harías)\b"),
        polite_words=_rx(r"\b(usted|ustedes|ud|uds|vd)\b"),
        familiar_cues=_rx(r"\b(un abrazo|abrazos|besos)\W*$"),
        polite_cues=_rx(r"^\s*(estimad[oa]s?|apreciad[oa]s?|distinguid[oa]s?)\b"),
        reused_to="Respuesta enviada a {name} el {date} — a adaptar",
        reused="Respuesta enviada el {date} — a adaptar",
    ),
    "de": Language(
        "de",
        _months("Januar Februar März April Mai Juni Juli August September Oktober November"
                " Dezember"),
        "{day}. {month} {year}",
        "[ZU ERGÄNZEN: ",
        "was nur Sie wissen",
        {"fr": "auf Französisch", "en": "auf Englisch", "es": "auf Spanisch",
         "it": "auf Italienisch", "pt": "auf Portugiesisch", "nl": "auf Niederländisch"},
        ("„", "“"),
        nested={"„": "‚", "“": "‘"},
        familiar="du",
        polite="Sie",
        familiar_words=_rx(r"\b(du|dich|dir|dein|deine[mnrs]?)\b"),
        # "Sie", "Ihr…" inside a sentence (at its start they may be "she", "they", "her")
        polite_words=_rx(r"(?<=[\w,] )(?:Sie|Ihre?[mnrs]?)\b|\bIhnen\b", 0),
        familiar_cues=_rx(r"^\s*(hey|hi|servus|moin)\b|\b(lg|liebe grüße|liebe grüsse)\W*$"),
        polite_cues=_rx(r"^\s*sehr geehrte|\bmit freundlichen grüßen\W*$"),
        reused_to="Antwort an {name} vom {date} — anzupassen",
        reused="Antwort vom {date} — anzupassen",
    ),
    "it": Language(
        "it",
        _months("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre"
                " novembre dicembre"),
        "{day} {month} {year}",
        "[DA COMPLETARE: ",
        "ciò che sa solo Lei",
        {"fr": "in francese", "en": "in inglese", "es": "in spagnolo", "de": "in tedesco",
         "pt": "in portoghese", "nl": "in olandese"},
        ("«", "»"),
        nested={"«": "“", "»": "”"},
        familiar="tu",
        polite="Lei",
        familiar_words=_rx(r"\b(tu|ti|te|tuo|tua|tuoi|tue|hai|puoi|sai|pensi|conosci|credi"
                           r"|vuoi|potresti|sapresti|consiglieresti)\b"),
        # the capitalised courtesy forms inside a sentence
        polite_words=_rx(r"(?<=[\w,] )(?:Lei|Le|La|Suo|Sua|Suoi|Sue)\b", 0),
        familiar_cues=_rx(r"^\s*ciao\b|\b(un abbraccio|baci)\W*$"),
        polite_cues=_rx(r"^\s*(gentile|gentilissim[oa]|egregi[oa]|spettabile)\b"
                        r"|\b(cordiali|distinti) saluti\W*$"),
        reused_to="Risposta inviata a {name} il {date} — da adattare",
        reused="Risposta inviata il {date} — da adattare",
    ),
    "pt": Language(
        "pt",
        _months("janeiro fevereiro março abril maio junho julho agosto setembro outubro"
                " novembro dezembro"),
        "{day} de {month} de {year}",
        "[A PREENCHER: ",
        "o que só você sabe",
        {"fr": "em francês", "en": "em inglês", "es": "em espanhol", "de": "em alemão",
         "it": "em italiano", "nl": "em neerlandês"},
        ("“", "”"),
        nested={"“": "‘", "”": "’"},
        familiar="tu",
        polite="você",
        familiar_words=_rx(r"\b(tu|te|ti|teu|tua|teus|tuas|contigo|tens|podes|sabes|achas"
                           r"|conheces|queres|poderias|saberias)\b"),
        polite_words=_rx(r"\b(você|vocês|o senhor|a senhora)\b"),
        polite_cues=_rx(r"^\s*(prezad[oa]s?|exm[oa]s?)\b"),
        reused_to="Resposta enviada a {name} em {date} — a adaptar",
        reused="Resposta enviada em {date} — a adaptar",
    ),
    "nl": Language(
        "nl",
        _months("januari februari maart april mei juni juli augustus september oktober"
                " november december"),
        "{day} {month} {year}",
        "[IN TE VULLEN: ",
        "wat alleen u weet",
        {"fr": "in het Frans", "en": "in het Engels", "es": "in het Spaans",
         "de": "in het Duits", "it": "in het Italiaans", "pt": "in het Portugees"},
        ("“", "”"),
        nested={"“": "‘", "”": "’"},
        familiar="je",
        polite="u",
        familiar_words=_rx(r"\b(je|jij|jou|jouw|jullie)\b"),
        polite_words=_rx(r"\b(u|uw|uzelf)\b"),
        familiar_cues=_rx(r"^\s*(hoi|hey)\b|\b(groetjes|doei)\W*$"),
        polite_cues=_rx(r"^\s*geachte\b"),
        reused_to="Antwoord aan {name} van {date} — aan te passen",
        reused="Antwoord van {date} — aan te passen",
    ),
}
DRAFT_LANGUAGES = tuple(LANGUAGES)


def name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def register_counts(text: str, language: str) -> tuple[int, int]:
    """How many words of `text` belong to the familiar and to the polite register."""
    entry = LANGUAGES.get(language)
    if entry is None or not entry.familiar:
        return 0, 0
    return len(entry.familiar_words.findall(text)), len(entry.polite_words.findall(text))


def detect_register(text: str, default: str = "vous", language: str = "fr") -> str:
    """'tu' (familiar) or 'vous' (polite) as the reader wrote, else the default.

    `text` is the reader's own words (quotes and signature already cut). A language
    without registers, or one the drafters do not know, gives the default.
    """
    entry = LANGUAGES.get(language)
    if entry is None or not entry.familiar:
        return default
    familiar, polite = register_counts(text, language)
    stripped = text.strip()
    if entry.familiar_cues.search(stripped):
        familiar += 2  # "Salut", "Ciao", "Hoi": a reader who writes this way expects it back
    if entry.polite_cues.search(stripped):
        polite += 2  # "Sehr geehrte", "Gentile", "Estimada"
    if familiar > polite:
        return "tu"
    if polite > familiar:
        return "vous"
    return default


# --- placeholders -------------------------------------------------------------------------


def _loose(word: str) -> str:
    """A regex for `word` with or without its accents ("ä" also as "ae"), any blank run."""
    out = []
    for char in word:
        base = unicodedata.normalize("NFKD", char)[0]
        if char.isspace():
            out.append(r"\s+")
        elif base != char:
            extra = "|" + base + "e" if char.lower() in "äöü" else ""
            out.append(f"(?:{re.escape(char)}|{re.escape(base)}{extra})")
        else:
            out.append(re.escape(char))
    return "".join(out)


_OPENING_WORDS = {code: entry.placeholder.strip("[ :") for code, entry in LANGUAGES.items()}
_OPENING_PATTERNS = {
    code: re.compile(_loose(words), re.IGNORECASE) for code, words in _OPENING_WORDS.items()
}


def _reuse_words(entry: Language) -> str:
    """The words both reuse markers of a language start with ("Réponse envoyée")."""
    first = entry.reused_to.split("{")[0].split()
    second = entry.reused.split("{")[0].split()
    return " ".join(w for w, v in zip(first, second, strict=False) if w == v)


_REUSE_WORDS = {code: _reuse_words(entry) for code, entry in LANGUAGES.items()}
_REUSE_PATTERNS = {code: re.compile(_loose(w), re.IGNORECASE) for code, w in _REUSE_WORDS.items()}
# The start of a placeholder the author must fill in, in any draft language: the single
# source for approval, the review page and word counts. An earlier answer offered for
# reuse ("[Réponse envoyée à Hélène le 3 mars 2026 — à adapter : …]") is one too.
PLACEHOLDER_START = (
    r"\[\s*(?:(?:"
    + "|".join(_loose(w) for w in sorted(_OPENING_WORDS.values(), key=len, reverse=True))
    + r")\s*|(?:"
    + "|".join(_loose(w) for w in sorted(set(_REUSE_WORDS.values()), key=len, reverse=True))
    + r")\b[^\[\]\n—]{0,80}—[^\[\]\n:]{0,40}):"
)


def placeholder_opening(found: str) -> str:
    """The opening drafts write for a placeholder start found in a text ("[a completar:")."""
    words = re.sub(r"^\[\s*|\s*:$", "", found)
    for code, pattern in _REUSE_PATTERNS.items():
        if pattern.match(words):
            return f"[{_REUSE_WORDS[code]} "
    for code, pattern in _OPENING_PATTERNS.items():
        if pattern.fullmatch(words):
            return LANGUAGES[code].placeholder
    return f"[{' '.join(words.split())}: "


def placeholder(code: str, what: str = "") -> str:
    """A gap for the author, in the draft's language (English for other languages)."""
    entry = LANGUAGES.get(code) or LANGUAGES["en"]
    return f"{entry.placeholder}{what or entry.placeholder_what}]"


# --- the draft's language -----------------------------------------------------------------


def choose_language(stored: str, reader_text: str, default: str) -> tuple[str, list[str]]:
    """The language to answer in, and flags for the reviewer.

    `stored` is the language intake found (sure) for the reply, "" when it was not sure:
    then the author's default language is used, with a flag naming the likely language
    when it is another one. A reply that mixes languages follows its greeting and first
    sentence, with a flag.
    """
    guess = guess_language(reader_text or "")
    if stored:
        if guess.mixed_with and guess.language == stored:
            return stored, [
                f"the reply mixes {name(stored)} and {name(guess.mixed_with)}: the draft "
                f"follows its greeting and first sentence ({name(stored)})"
            ]
        return stored, []
    if guess.language and guess.language != default:
        return default, [
            f"the reader's language is uncertain (maybe {name(guess.language)}, "
            f"{guess.confidence:.0%} sure): the draft is in {name(default)}, your default "
            "language; check it"
        ]
    return default, []


def no_template_flag(reader: str, draft: str) -> str:
    return (
        f"the reader wrote in {name(reader)}; there is no {name(reader)} template, so the "
        f"draft is in {name(draft)}: translate it"
    )
