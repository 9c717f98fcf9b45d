"""Explicit topic suggestions in a reader's own words: "Une idée de sujet : les salariés
aidants", "tu pourrais écrire sur la reconversion après 45 ans", "you should cover the right
to disconnect". Pure: the text in, the suggested phrase (or None) out.

A suggestion is read only where a reader names a subject for the newsletter itself, so the
cues are phrases about writing, covering or an issue, never a bare "tu devrais" (advice to
the author on something else). The phrase is what follows the cue up to the end of its
clause, without a leading article, at most MAX_WORDS words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_WORDS = 9
MIN_CHARS = 4

_ISSUE = (r"(?:num[ée]ro|article|billet|[ée]dition|newsletter|lettre|post|issue|piece|episode"
          r"|épisode|sujet|th[èe]me|dossier|chronique)")
_WRITE_FR = (r"(?:[ée]crire|parler|traiter|aborder|faire\s+un\s+(?:num[ée]ro|article|billet|"
             r"point)|consacrer\s+un\s+(?:num[ée]ro|article|billet)|creuser|enqu[êe]ter)")
_WRITE_EN = (r"(?:(?:consider\s+)?(?:writing|covering|doing\s+(?:an?\s+)?(?:issue|piece|post))"
             r"|write|cover|do\s+(?:an?\s+)?(?:issue|piece|post)|talk|dig\s+into|look\s+into"
             r"|explore)")
# Each cue ends where the suggested subject begins (after "sur", "about", ":"…).
_CUES = re.compile(
    "|".join([
        # French
        rf"id[ée]e\s+(?:de|d['’])\s*{_ISSUE}s?(?:\s+pour\s+[^:.!?\n]{{0,40}}?)?\s*(?::|,|sur|:)?",
        rf"suggestion\s+(?:de\s+)?{_ISSUE}\s*(?::|,|sur)?",
        rf"(?:je\s+(?:te|vous)\s+)?(?:sugg[èe]re|propose|soumets)\s+(?:un\s+)?{_ISSUE}\s*(?::|,|sur)?",
        rf"(?:sugg[ée]rer|proposer|soumettre)\s+(?:un\s+)?{_ISSUE}\s*(?::|,|sur)?",
        rf"(?:tu\s+pourrais|vous\s+pourriez|tu\s+devrais|vous\s+devriez|pourquoi\s+ne\s+pas"
        rf"|pourquoi\s+pas)\s+(?:un\s+jour\s+|peut-[êe]tre\s+|aussi\s+)?{_WRITE_FR}\s+"
        rf"(?:sur|des\b|du\b|de\b|d['’]|à\s+propos\s+de)",
        rf"(?:j['’]aimerais|je\s+voudrais|j['’]adorerais)\s+(?:bien\s+|beaucoup\s+)?"
        rf"(?:lire|voir|avoir)\s+(?:un\s+)?{_ISSUE}\s+(?:sur|consacr[ée]\s+[àa])",
        r"(?:j['’]aimerais|je\s+voudrais)\s+(?:bien\s+|beaucoup\s+)?que\s+(?:tu|vous)\s+"
        r"(?:parles|parliez|[ée]crives|[ée]criviez|traites|traitiez|abordes|abordiez)\s+"
        r"(?:des\b|du\b|de\b|d['’])",
        rf"(?:un|le|ton|votre|ce)\s+prochain\s+{_ISSUE}\s+(?:sur|consacr[ée]\s+[àa]|pourrait\s+"
        rf"(?:porter|parler)\s+(?:sur|de))",
        rf"(?:[çc]a|cela|ce\s+sujet)\s+m[ée]riterait\s+(?:un|son)\s+{_ISSUE}",
        rf"(?:ce\s+serait|[çc]a\s+serait)\s+(?:vraiment\s+)?(?:bien|super|g[ée]nial|int[ée]ressant"
        rf"|chouette|top)\s+(?:d['’]avoir\s+|de\s+lire\s+|de\s+faire\s+)?un\s+{_ISSUE}\s+"
        rf"(?:entier\s+)?(?:sur|consacr[ée]\s+[àa])",
        # English
        r"(?:an?\s+)?(?:topic|story|subject)\s+(?:idea|suggestion)\s*(?::|,|for\s+you\s*:?)?",
        rf"idea\s+for\s+(?:an?|the|your)\s+(?:next|future|upcoming)?\s*{_ISSUE}\s*(?::|,|on|about)?",
        rf"(?:you\s+should|you\s+could|you\s+might|could\s+you|would\s+you|why\s+not)\s+"
        rf"(?:consider\s+|maybe\s+|also\s+|one\s+day\s+)?{_WRITE_EN}\s+(?:about|on)?",
        rf"(?:i['’]d|i\s+would)\s+love\s+(?:to\s+(?:read|see)\s+)?(?:an?\s+)?{_ISSUE}\s+"
        rf"(?:on|about)",
        rf"(?:i['’]d|i\s+would)\s+love\s+(?:it\s+if\s+)?you\s+(?:to\s+)?{_WRITE_EN}\s+(?:about|on)?",
        rf"(?:a\s+)?(?:future|next|upcoming)\s+{_ISSUE}\s+(?:on|about)",
        rf"(?:how|what)\s+about\s+(?:an?\s+)?{_ISSUE}\s+(?:on|about)",
        rf"(?:i\s+)?(?:suggest|propose)\s+(?:an?\s+)?{_ISSUE}\s*(?::|,|on|about)?",
        rf"(?:would\s+be\s+)?worth\s+(?:an?\s+)?(?:whole\s+)?{_ISSUE}",
        # German, Spanish, Italian, Portuguese, Dutch (the drafts speak them too)
        r"themenvorschlag\s*:?|idee\s+f[üu]r\s+(?:einen|eine|den|die)\s+(?:n[äa]chsten?\s+)?"
        r"(?:artikel|ausgabe|beitrag|newsletter)\s*:?|(?:du\s+k[öo]nntest|sie\s+k[öo]nnten)\s+"
        r"(?:mal\s+)?[üu]ber",
        r"idea\s+para\s+(?:un|el|tu|el\s+pr[óo]ximo)\s+(?:n[úu]mero|art[íi]culo|bolet[íi]n|tema)"
        r"\s*:?|podr[íi]as\s+(?:escribir|hablar)\s+(?:sobre|de)",
        r"un['’]idea\s+per\s+(?:un|il\s+prossimo)\s+(?:numero|articolo|tema)\s*:?|potresti\s+"
        r"(?:scrivere|parlare)\s+(?:sull['’]|sull[oae]\b|sugli\b|sul\b|su\b|dell['’]|dell[oae]\b"
        r"|degli\b|del\b|di\b)",
        r"ideia\s+para\s+(?:um|o\s+pr[óo]ximo)\s+(?:n[úu]mero|artigo|tema)\s*:?|poderias\s+"
        r"(?:escrever|falar)\s+sobre",
        r"idee\s+voor\s+(?:een|de\s+volgende)\s+(?:editie|nieuwsbrief|artikel|onderwerp)\s*:?"
        r"|je\s+zou\s+(?:eens\s+)?(?:moeten\s+)?(?:schrijven|iets\s+schrijven)\s+over",
    ]),
    re.IGNORECASE,
)
# Where a suggested subject ends: the end of a clause, or the start of a reason or an aside.
_END = re.compile(
    r"[.!?;()\n«»\"“”]|,\s|\s[-–—]\s|:\s|\s(?:car|parce\s+qu|puisqu|qui\s+(?:est|sont|serait|me)"
    r"|because|since|which|as\s+(?:i|we|it)|je\s|j['’]|i\s|it\s|c['’]est|ce\s+serait|that\s+would"
    r"|[çc]a\s+(?:serait|me|pourrait)|would|could|serait|pourrait|selon\s+moi|par\s+exemple"
    r"|for\s+example|dans\s+(?:un|ton|votre|le)\s+prochain|in\s+(?:a|your|the)\s+(?:next|future))",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:(?:de|du|des|d['’]|sur|à\s+propos\s+de|about|on|of)\s+)?(?:(?:le|la|les|l['’]|un|une"
    r"|ce|cette|ces|the|a|an|this|these|der|die|das|den|el|la|los|las|il|lo|gli|o|os|as|de|het"
    r"|een)\s+|l['’])?",
    re.IGNORECASE,
)

# A verb left at the end by German word order ("über Gewerkschaften schreiben").
_TRAILING = re.compile(r"\s+(?:schreiben|berichten|sprechen|reden)$", re.IGNORECASE)


@dataclass(frozen=True)
class Suggestion:
    """A subject a reader proposes: their phrase and the sentence it comes from."""

    phrase: str
    sentence: str


def suggested_subject(text: str) -> Suggestion | None:
    """The subject a reader explicitly proposes for a future issue, or None."""
    text = re.sub(r"[ \t]*(?<!\n)\n(?!\n)[ \t]*", " ", text)  # hard-wrapped lines joined
    for cue in _CUES.finditer(text):
        rest = text[cue.end():]
        colon = re.match(r"[^.!?\n]{0,50}?:\s+", rest)  # "Une idée de sujet pour la rentrée : …"
        if colon and not cue.group(0).rstrip().endswith(":"):
            rest = rest[colon.end():]
        rest = rest.lstrip(" :,\t")
        phrase = _phrase(rest)
        if phrase:
            return Suggestion(phrase, _sentence_around(text, cue.start()))
    return None


def _phrase(rest: str) -> str:
    end = _END.search(rest)
    phrase = rest[: end.start()] if end else rest
    phrase = _LEADING.sub("", phrase.strip(), count=1).strip(" ,:;'’-")
    phrase = _TRAILING.sub("", phrase)
    words = phrase.split()
    if len(words) > MAX_WORDS:
        return ""  # a whole sentence, not a subject: the quote will say it
    phrase = " ".join(words)
    return phrase if len(phrase) >= MIN_CHARS and any(c.isalpha() for c in phrase) else ""


def _sentence_around(text: str, position: int, limit: int = 240) -> str:
    start = max(text.rfind(mark, 0, position) for mark in (".", "!", "?", "\n")) + 1
    found = re.search(r"[.!?\n]", text[position:])
    end = position + found.end() if found else len(text)
    sentence = " ".join(text[start:end].split())
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence
