"""Passages of a reader's message that try to instruct the assistant instead of the author.

Readers can dodge a plain pattern match with look-alike letters (Cyrillic "о" in "ignоre"),
zero-width or invisible tag characters, full-width or spaced-out letters, or by hiding the
instruction in the subject. Matching therefore runs on a normalised copy of the message and
its subject (NFKC, format characters dropped, look-alikes mapped to Latin, spaced letters
joined); what the reader wrote is never changed.
"""

from __future__ import annotations

import re
import unicodedata

# Cyrillic and Greek letters that look like Latin ones, as readers use them to dodge filters.
_LOOKALIKES = str.maketrans(
    "аАеЕоОрРсСуУхХіІјЈѕЅԁɡһӏВКМНТԌαΑεΕοΟρΡιΙνκΚτΤχΧυΥβΒηΗζΖ",
    "aAeEoOpPcCyYxXiIjJsSdghlBKMHTGaAeEoOpPiIvkKtTxXuYbBnHzZ",
)
_SPACED = re.compile(r"(?<!\w)(?:\w[ .\-_*·]){3,}\w(?!\w)")


def normalised(text: str) -> str:
    """The text as matched: NFKC, no format characters, look-alikes as Latin, letters joined."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = text.translate(_LOOKALIKES)
    return _SPACED.sub(lambda m: re.sub(r"[ .\-_*·]", "", m.group(0)), text)


# Phrases a reader's message uses when it tries to steer the assistant instead of the author.
INJECTION_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(ignore|disregard|forget|oublie[zr]?|ignore[zr]?)\s+(all\s+|any\s+|the\s+|toutes\s+)?"
        r"(your|my|previous|prior|above|earlier|preceding|tes|vos|mes|les|ces)\s+(\w+\s+)?"
        r"(instructions?|consignes?|r[eè]gles?|rules|prompt)\b",
        r"\bsystem\s*prompt\b|\bprompt\s+syst[eè]me\b",
        r"\b(reveal|révèle[zr]?|revele[zr]?|affiche[zr]?|print|show)\b.{0,30}\b(prompt|instructions?|"
        r"consignes?|secret|api key|clé)\b",
        r"\b(send|forward|envoie[zr]?|transf[eè]re[zr]?)\b.{0,60}\bto\b\s+\S+@|"
        r"\b(envoie[zr]?|transf[eè]re[zr]?)\b.{0,60}\b(à|a)\s+\S+@",
        r"\byou are now\b|\btu es maintenant\b|\bvous êtes maintenant\b|\bact as\b",
        r"\b(as an ai|en tant qu'ia|language model|assistant)\b.{0,40}\b(must|dois|devez)\b",
        r"\bnew instructions?\b|\bnouvelles? (consignes?|instructions?)\b",
        # a role marker at the start of a line, as in a chat transcript
        r"(?:^|\n)\s*[\[<(]?\s*(system|assistant|developer|syst[eè]me|admin)\s*[\]>)]?\s*:",
        # a note addressed to the tool rather than to the author
        r"\b(p\.?\s?s\.?|nb|note)\b\W{0,3}.{0,20}\b(pour|à|a|to|for)\s+(l'|the\s+|ton\s+|votre\s+|your\s+)?"
        r"(outil|ia|ai|assistant|robot|bot|llm|gpt|chatgpt)\b",
        r"\b(si tu es|si vous êtes|if you are|if you're)\s+(une?|an?)\s+(ia|ai|assistant|robot|bot|"
        r"modèle de langage|language model|llm)\b",
        r"\b(to|pour|à)\s+(the|l')\s*(ai|ia|assistant|llm)\s+(reading|qui lit|qui traite)\b",
    )
)


# The same instructions with every space and sign squeezed out ("i g n o r e y o u r …").
_SQUEEZED = re.compile(
    r"ignore(all|any|the)?(your|previous|prior|above)(\w{0,12})instructions|systemprompt|"
    r"oublie[zr]?(toutes)?(tes|vos|les)(\w{0,12})(consignes|instructions)|promptsysteme|"
    r"youarenow|tuesmaintenant|newinstructions|nouvellesconsignes"
)


def injection_flags(reader_text: str, subject: str = "") -> list[str]:
    """A flag for each passage of the reader's message (or subject) that tries to instruct
    the assistant."""
    text = normalised(f"{subject}\n{reader_text}" if subject else reader_text)
    flags = []
    squeezed = re.sub(r"[\W_]+", "", text.lower())
    found = _SQUEEZED.search(squeezed)
    if found and not any(p.search(text) for p in INJECTION_PATTERNS):
        flags.append(
            f"possible prompt injection in the reader's message: “{found.group(0)}” "
            "(letters spaced out or hidden) — check the draft does not follow it"
        )
    for pattern in INJECTION_PATTERNS:
        match = pattern.search(text)
        if match:
            start, end = max(match.start() - 20, 0), min(match.end() + 20, len(text))
            excerpt = " ".join(text[start:end].split())
            flags.append(
                f"possible prompt injection in the reader's message: “{excerpt}” — "
                "check the draft does not follow it"
            )
    return flags
