"""What mail programs write around quoted and forwarded mail, one row per language.

LANGUAGES is the only place to add a language or a mail program's wording; the patterns
the splitter (intake/quotes.py) runs are compiled from it once, at import.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple


class Language(NamedTuple):
    """What the mail programs of one language write around quoted and forwarded mail.

    Each value lists phrases separated by "|", matched ignoring case; a space stands for
    any run of blanks; a phrase in Latin letters with accents also matches unaccented.
    """

    wrote: str = ""  # ends a quote header: "On …, X <x@y> wrote:"
    wrote_then: str = ""  # the sender or the date follow it: "Am … schrieb X:", "X schrieb am …:"
    opens: str = ""  # starts a quote header: "On …", "Le …", "Am …"
    fields: str = ""  # the fields of a header block: "From: … Sent: … To: … Subject: …"
    first: str = ""  # the fields such a block starts with
    original: str = ""  # "-----Original Message-----"
    forwarded: str = ""  # "---------- Forwarded message ---------", "Begin forwarded message:"


LANGUAGES: dict[str, Language] = {
    "en": Language("wrote|sent", "", "on", "from|sent|date|to|subject|cc", "from|date",
                   "original message|reply message", "forwarded message|begin forwarded message"),
    "fr": Language("a écrit", "", "le", "de|envoyé|date|à|objet|cc|sujet|pour", "de|date",
                   "message d'origine|mail original",
                   "message transféré|début du message réexpédié|message réexpédié"),
    "de": Language("schrieb", "schrieb", "am", "von|gesendet|datum|an|betreff|cc|kopie",
                   "von|datum|gesendet",
                   "ursprüngliche nachricht|original-nachricht|originalnachricht",
                   "weitergeleitete nachricht|anfang der weitergeleiteten nachricht"
                   "|anfang der weitergeleiteten e-mail"),
    "es": Language("escribió", "", "el|el día", "de|enviado|enviada|fecha|para|asunto|cc",
                   "de|fecha", "mensaje original",
                   "mensaje reenviado|inicio del mensaje reenviado"),
    "it": Language("ha scritto", "", "il|da", "da|inviato|data|a|oggetto|cc", "da|data",
                   "messaggio originale", "messaggio inoltrato|inizio messaggio inoltrato"),
    "pt": Language("escreveu", "", "em", "de|enviado|enviada|data|para|assunto|cc", "de|data",
                   "mensagem original", "mensagem encaminhada|início da mensagem encaminhada"
                   "|mensagem reencaminhada|início da mensagem reencaminhada"),
    "nl": Language("schreef|geschreven", "schreef", "op", "van|verzonden|datum|aan|onderwerp|cc",
                   "van|datum", "oorspronkelijk bericht",
                   "doorgestuurd bericht|begin doorgestuurd bericht"),
    "sv": Language("skrev", "skrev", "den|på", "från|skickat|datum|till|ämne|kopia",
                   "från|datum", "ursprungligt meddelande",
                   "vidarebefordrat meddelande|vidarebefordrat brev"),
    "da": Language("skrev", "", "den", "fra|sendt|dato|til|emne|cc", "fra",
                   "original meddelelse|oprindelig besked|oprindelig meddelelse",
                   "videresendt meddelelse"),
    "no": Language("skrev", "", "", "fra|sendt|til|emne", "fra", "opprinnelig melding",
                   "videresendt melding"),
    "fi": Language("kirjoitti", "", "", "lähettäjä|lähetetty|vastaanottaja|aihe", "lähettäjä",
                   "alkuperäinen viesti"),
    "pl": Language("napisał|napisała|napisał(a)|napisal|napisala|napisal(a)|pisze",
                   "napisana przez", "w dniu|dnia", "od|wysłano|data|do|temat|dw", "od|data",
                   "oryginalna wiadomość", "przekazana wiadomość"),
    "cs": Language("napsal|napsala|napsal(a)", "", "dne", "od", "od", "původní zpráva"),
    "hu": Language("írta", "", "", "feladó", "feladó"),
    "ro": Language("scrie"),
    "tr": Language("yazdı|yazdi"),
    "el": Language("έγραψε"),
    "vi": Language("đã viết", "", "vào"),
    "ru": Language("пишет|написал|написала|написал(а)", "", "",
                   "от|отправлено|дата|кому|тема|копия", "от", "исходное сообщение",
                   "пересылаемое сообщение|начало переадресованного сообщения"),
    "uk": Language("пише|написав|написала", "", "", "від|надіслано|кому|тема|копія", "від"),
    "ja": Language("のメッセージ|のメール|書きました", "", "", "差出人|送信日時|宛先|件名",
                   "差出人", "元のメッセージ", "転送メッセージ|転送されたメッセージ"),
    "zh": Language("写道|寫道", "", "在",
                   "发件人|发送时间|收件人|主题|抄送|寄件者|寄件日期|收件者|主旨|副本",
                   "发件人|寄件者", "原始邮件|原始郵件", "转发的邮件"),
    "ko": Language("님이 작성|님이 작성하였습니다", "", "",
                   "보낸 사람|보낸 날짜|받는 사람|제목|참조", "보낸 사람", "원본 메시지"),
}  # fmt: skip


def _phrases(part: str) -> list[str]:
    """Every phrase of one column of LANGUAGES, with its unaccented spelling."""
    found: list[str] = []
    for language in LANGUAGES.values():
        for phrase in getattr(language, part).split("|"):
            plain = "".join(
                c for c in unicodedata.normalize("NFKD", phrase) if not unicodedata.combining(c)
            )
            latin = all(ord(c) < 0x250 for c in phrase)
            for variant in (phrase, plain) if latin else (phrase,):
                if variant and variant.casefold() not in found:
                    found.append(variant.casefold())
    return found


def _alternatives(part: str, *, bounded: bool = False) -> str:
    """One regex alternation of a column; `bounded` puts a word boundary before words."""
    out = []
    for phrase in _phrases(part):
        body = re.escape(phrase).replace(r"\ ", r"\s+")
        cased = phrase[0].lower() != phrase[0].upper()
        out.append(rf"\b{body}" if bounded and cased else body)
    return "|".join(out)


def _stems(*parts: str) -> tuple[str, ...]:
    """The last word of each phrase, minus those that hold a shorter one."""
    words = {p.split()[-1] for part in parts for p in _phrases(part)}
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))


_WROTE_WORDS = tuple(" ".join(p.split()) for p in _phrases("wrote"))
_WROTE_LAST_WORDS = tuple({w.split()[-1] for w in _WROTE_WORDS})


def ends_with_wrote(text: str) -> bool:
    """ "On … wrote:", "… a écrit :", "… 写道：", "… wrote -----": a "wrote" word ends it."""
    tail = text.rstrip()
    if tail.endswith((":", "：")):
        tail = tail[:-1]
    elif tail.endswith("--"):
        tail = tail.rstrip("-")
    last = tail.rsplit(None, 1)[-1:]
    if not last or not last[0].casefold().endswith(_WROTE_LAST_WORDS):
        return False
    tail = " ".join(tail[-40:].split()).casefold()
    for word in _WROTE_WORDS:
        if tail.endswith(word):
            before = tail[-len(word) - 1 : -len(word)]
            cased = word[0].lower() != word[0].upper()  # a word of a cased script is whole
            if not (cased and (before.isalnum() or before == "_")):
                return True
    return False


# "Am 04.03.24 um 10:15 schrieb Marie:", "Marie schrieb am 04.03.2024 10:15:"; a text
# without one of the WROTE_THEN_WORDS (case-folded) cannot match.
WROTE_THEN_WORDS = tuple({p.split()[0] for p in _phrases("wrote_then")})
WROTE_THEN = re.compile(
    rf"(?:{_alternatives('wrote_then', bounded=True)})\s+\S.{{0,100}}[:：]\s*$", re.IGNORECASE
)
# One literal piece of each "wrote" word, for case-folded text: a line holding none of them
# cannot end with one.
_STEMS = _stems("wrote", "wrote_then")
STEM = re.compile("|".join(map(re.escape, _STEMS)))

_OPENS = "|".join(rf"{w}\s" for w in _alternatives("opens").split("|"))
OPENER = re.compile(rf"(?:^|-{{2,}}\s*)(?:{_OPENS})", re.IGNORECASE)
# The first line of a header the mail program wrapped over several lines.
MULTILINE_START = re.compile(rf"^\s*(?:-{{2,}}\s*)?(?:{_OPENS}|\S{{0,12}}\s?\d)", re.IGNORECASE)

SEPARATOR = re.compile(
    rf"^\s*[-=_*]{{2,}}\s*(?:{_alternatives('original')})\s*[-=_*]*\s*$", re.IGNORECASE
)
FORWARDED = re.compile(_alternatives("forwarded"), re.IGNORECASE)
# A line of its own: "---------- Forwarded message ---------", "Début du message réexpédié :"
FORWARD_MARK = re.compile(
    rf"^\s*>?\s*(?:[-=_*]{{2,}}\s*(?:{FORWARDED.pattern})\s*[-=_*]*|(?:{FORWARDED.pattern})"
    r"\s*[:：])\s*$",
    re.IGNORECASE,
)
FIELD = re.compile(
    rf"^\s*[*>]?\s*({_alternatives('fields')})\s*:?\*?\s*[:：]\s*\S?", re.IGNORECASE
)
FIRST_FIELD = re.compile(rf"^\s*\*?\s*({_alternatives('first')})\s*:?\*?\s*[:：]", re.IGNORECASE)
