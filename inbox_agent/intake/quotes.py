"""Split a plain-text reply into the reader's own words and the quoted history.

Pure functions, no I/O. The splitter works line by line:

* quote headers ("On … wrote:", "Le … a écrit :", "Am … schrieb …:", Outlook
  "From: / Sent: / To: / Subject:" blocks in many languages, "-----Original Message-----",
  "________________________________" rules before a header block) start quoted history;
* a header followed by ``>`` lines quotes only those lines, so text written below or
  between them (bottom posting, inline answers) stays the reader's;
* a header followed by unquoted text (Outlook style) quotes everything after it;
* ``>`` blocks without a header are quoted too;
* signatures ("-- ", mobile "Sent from my iPhone", short sign-off + name blocks) are cut
  from the end of the reader's words when ``strip_signature`` is true.
"""

from __future__ import annotations

import re

_MAX_HEADER_LINES = 5
_MAX_HEADER_CHARS = 320

# Words that end a "somebody wrote:" line, in the languages readers commonly use.
_WROTE = (
    r"wrote|sent|a\s+[ée]crit|schrieb|escribi[óo]|ha\s+scritto|schreef|geschreven|escreveu"
    r"|skrev|napisa[łl](?:\(a\)|a)?|kirjoitti|đã\s+viết|пишет|написал(?:\(а\)|а)?|yazd[ıi]"
    r"|írta|napsal(?:\(a\)|a)?|scrie|έγραψε"
)
_WROTE_END = re.compile(
    rf"(?:\b|\s)(?:{_WROTE})\s*:?\s*$|(?:{_WROTE})\s*-{{2,}}\s*$", re.IGNORECASE
)
# One literal piece of each word above: a line holding none of them cannot end with one.
_WROTE_STEMS = (
    "wrote", "sent", "crit", "schrieb", "escribi", "scritto", "schreef", "geschreven",
    "escreveu", "skrev", "napisa", "kirjoitti", "viết", "пишет", "написал", "yazd", "írta",
    "napsal", "scrie", "έγραψε",
)  # fmt: skip
_STEM = re.compile("|".join(map(re.escape, _WROTE_STEMS)))  # on case-folded text
_EMAIL_COLON_END = re.compile(r"@[\w.-]+\s*[>)\]]?\s*:\s*$")
_MARKS = re.compile(r"[:@]|[-=_*]{2}")


def _may_start_header(line: str) -> bool:
    """False for a line no quote header can start with, true for the others.

    A one-line header holds a colon, an address or a rule, or else ends with a "wrote"
    word (at most 10 characters long); a header spread over several lines starts like
    _MULTILINE_START. Most lines of a reader's prose fail all three at once.
    """
    return bool(
        _MARKS.search(line)
        or _STEM.search(line.rstrip()[-16:].casefold())
        or _MULTILINE_START.match(line)
    )


_OPENER = re.compile(
    r"(?:^|-{2,}\s*)(?:on|le|am|el|il|op|em|den|på|w\s+dniu|dnia|vào|da|dne|el\s+día)\s",
    re.IGNORECASE,
)
_MULTILINE_START = re.compile(
    r"^\s*(?:-{2,}\s*)?(?:(?:on|le|am|el|il|op|em|den|på|w\s+dniu|dnia|vào|da|dne)\s|\S{0,12}\s?\d)",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_DATE_EMAIL_LINE = re.compile(
    r"^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b.*?<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?\s*:?\s*$"
)

_SEPARATOR = re.compile(
    r"^\s*[-=_*]{2,}\s*(?:original\s+message|message\s+d'origine|mensaje\s+original"
    r"|urspr[üu]ngliche\s+nachricht|messaggio\s+originale|oorspronkelijk\s+bericht"
    r"|mensagem\s+original|original\s+meddelelse|opprinnelig\s+melding|alkuper[äa]inen\s+viesti"
    r"|ursprungligt\s+meddelande|oryginalna\s+wiadomo[śs][ćc]|reply\s+message|oprindelig\s+besked"
    r"|original-nachricht|p[ůu]vodn[íi]\s+zpr[áa]va|исходное\s+сообщение|originalnachricht)"
    r"\s*[-=_*]*\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*_{8,}\s*$")
_FORWARDED = re.compile(
    r"forwarded\s+message|message\s+transf[ée]r[ée]|weitergeleitete\s+nachricht"
    r"|mensaje\s+reenviado|messaggio\s+inoltrato|doorgestuurd\s+bericht|begin\s+forwarded",
    re.IGNORECASE,
)

_FIELD = re.compile(
    r"^\s*[*>]?\s*(from|de|von|da|fra|från|van|od|lähettäjä|от|feladó|sent|date|datum|envoyé"
    r"|gesendet|inviato|sendt|skickat|verzonden|enviado|enviada|wysłano|lähetetty|data|fecha"
    r"|to|à|a|an|til|till|aan|para|do|vastaanottaja|кому|subject|objet|betreff|oggetto|emne"
    r"|ämne|onderwerp|assunto|asunto|temat|aihe|тема|cc)\s*:?\*?\s*:\s*\S?",
    re.IGNORECASE,
)
_FIRST_FIELD = re.compile(
    r"^\s*\*?\s*(from|de|von|da|fra|från|van|od|lähettäjä|от|feladó|date|datum)\s*:?\*?\s*:",
    re.IGNORECASE,
)

_QUOTE_LINE = re.compile(r"^ ?>")

_MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:sent\s+(?:from|with|via|using)\s+|envoy[ée]\s+(?:de|depuis|à\s+partir\s+de)\s+"
    r"|get\s+outlook\s+for\s+|obtenir\s+outlook\s+pour\s+|t[ée]l[ée]charger\s+outlook"
    r"|gesendet\s+(?:von|mit)\s+|enviado\s+(?:desde|do|de)\s+|inviato\s+da\s+"
    r"|verzonden\s+(?:vanaf|met|van)\s+|skickat\s+från\s+|sendt\s+fra\s+|wysłane\s+z\s+)",
    re.IGNORECASE,
)
_SIGNATURE_WINDOW = 8  # content lines at the end where a signature may start
_NAME_LINE = re.compile(r"^\s*[A-ZÀ-Ý][\w'’-]*\.?(?:\s+[A-ZÀ-Ý][\w'’.-]*){0,2}\s*$")
_SIG_DELIMITER = re.compile(r"^(?:-- ?|--|[—–]+|__)\s*$")
_SIGN_OFF = re.compile(
    r"^\s*(?:best(?:\s+regards|\s+wishes)?|kind\s+regards|warm\s+regards|regards|cheers"
    r"|thanks(?:\s+again)?|thank\s+you|many\s+thanks|sincerely|yours|all\s+the\s+best|take\s+care"
    r"|cordialement|bien\s+cordialement|bien\s+à\s+(?:toi|vous)|amitiés|amicalement|bises"
    r"|à\s+bientôt|a\s+bientot|belle\s+journée|bonne\s+journée|salutations|merci(?:\s+encore)?"
    r"|viele\s+grüße|liebe\s+grüße|mit\s+freundlichen\s+grüßen|saludos|un\s+saludo|cordiali"
    r"\s+saluti|saluti|groeten|met\s+vriendelijke\s+groet|abraços|atenciosamente)"
    r"\s*[,.!]?\s*$",
    re.IGNORECASE,
)


def split_reply(text: str, *, strip_signature: bool = True, signer: str = "") -> tuple[str, str]:
    """Return (the reader's own words, the removed quoted history and signature).

    ``strip_signature=False`` keeps signatures in the reader's words; ``signer`` (the
    sender's display name) helps find a signature block that starts with their name.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quoted = _quoted_mask(lines)
    own = [line for line, is_quoted in zip(lines, quoted, strict=True) if not is_quoted]
    removed = [line for line, is_quoted in zip(lines, quoted, strict=True) if is_quoted]
    if strip_signature:
        own, signature = _cut_signature(own, signer)
        removed.extend(signature)
    return _tidy(own), _tidy(removed)


def _tidy(lines: list[str]) -> str:
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _quoted_mask(lines: list[str]) -> list[bool]:
    """Mark every line that belongs to quoted history."""
    mask = [False] * len(lines)
    i = 0
    while i < len(lines):
        span = _header_span(lines, i)
        if span:
            i, span = _extend_header_back(lines, i, span, mask)
            end = i + span
            nxt = _next_nonblank(lines, end)
            if nxt is not None and _QUOTE_LINE.match(lines[nxt]):
                stop = _end_of_quote_block(lines, nxt)
                for k in range(i, stop):
                    mask[k] = True
                i = stop
                continue
            for k in range(i, len(lines)):
                mask[k] = True
            break
        if _QUOTE_LINE.match(lines[i]):
            stop = _end_of_quote_block(lines, i)
            if _looks_like_quote_block(lines[i:stop]):
                for k in range(i, stop):
                    mask[k] = True
            i = stop
            continue
        i += 1
    return mask


_LEAD_IN = re.compile(r"^\s*(?:[=\-_*~]{3,}|message\s+du\s*:.*\d.*)\s*$", re.IGNORECASE)


def _extend_header_back(lines: list[str], i: int, span: int, mask: list[bool]) -> tuple[int, int]:
    """Take in rules ("====") and "Message du : <date>" lines right above a header."""
    start = i
    k = i - 1
    while k >= 0 and not mask[k] and (not lines[k].strip() or _LEAD_IN.match(lines[k])):
        if lines[k].strip():
            start = k
        k -= 1
    return start, span + (i - start)


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for k in range(start, len(lines)):
        if lines[k].strip():
            return k
    return None


def _end_of_quote_block(lines: list[str], start: int) -> int:
    """Index after a run of '>' lines, blank lines inside it and the blank lines after it."""
    k = start
    last_quote = start
    while k < len(lines):
        if _QUOTE_LINE.match(lines[k]) or _is_wrapped_continuation(lines, k):
            last_quote = k
        elif lines[k].strip():
            break
        k += 1
    stop = last_quote + 1
    while stop < len(lines) and not lines[stop].strip():
        stop += 1
    return stop


def _is_wrapped_continuation(lines: list[str], k: int) -> bool:
    """An unquoted line a mail program broke off a long '>' line, between two '>' lines."""
    if k == 0 or k + 1 >= len(lines) or not lines[k].strip():
        return False
    before, after = lines[k - 1], lines[k + 1]
    if not (_QUOTE_LINE.match(before) and _QUOTE_LINE.match(after)):
        return False
    return len(before) >= 60 or bool(re.search(r"https?://\S*$", before))


def _looks_like_quote_block(block: list[str]) -> bool:
    """A headerless '>' block is quoted history when some line is quoted exactly once."""
    for line in block:
        stripped = line.lstrip()
        if stripped.startswith(">") and not stripped[1:].lstrip().startswith(">"):
            return True
    return False


def _header_span(lines: list[str], i: int) -> int:
    """How many lines starting at i form a quote header (0 when none does)."""
    line = lines[i]
    if not line.strip():
        return 0
    if not _may_start_header(line):
        return 0
    if _SEPARATOR.match(line):
        return 1
    if _RULE.match(line):
        nxt = _next_nonblank(lines, i + 1)
        if nxt is not None and nxt - i <= 2 and _FIRST_FIELD.match(lines[nxt]):
            return 1
        return 0
    if _FIRST_FIELD.match(line) and _is_field_block(lines, i):
        return 1
    if _DATE_EMAIL_LINE.match(line) and len(line) < _MAX_HEADER_CHARS:
        return 1
    return _wrote_span(lines, i)


def _is_field_block(lines: list[str], i: int) -> bool:
    """From:/De :/Von: followed by other header fields, not a forwarded message."""
    names = {_FIELD.match(lines[i]).group(1).lower()}  # type: ignore[union-attr]
    for k in range(i + 1, min(i + 7, len(lines))):
        found = _FIELD.match(lines[k])
        if found:
            names.add(found.group(1).lower())
            names.update(m.lower() for m in re.findall(r"\b(Objet|Subject|To|À)\s*:", lines[k]))
    if len(names) < 2:
        return False
    before = [lines[k] for k in range(max(0, i - 2), i)]
    return not any(_FORWARDED.search(b) for b in before)


def _wrote_span(lines: list[str], i: int) -> int:
    first = lines[i]
    if _QUOTE_LINE.match(first) or len(first) > _MAX_HEADER_CHARS:
        return 0
    joined = ""
    for span in range(1, _MAX_HEADER_LINES + 1):
        k = i + span - 1
        if k >= len(lines):
            return 0
        joined = f"{joined} {lines[k].strip()}".strip()
        if len(joined) > _MAX_HEADER_CHARS:
            return 0
        if span > 1 and not lines[k].strip():
            continue
        if _is_wrote_header(joined, first):
            return span
        if not _MULTILINE_START.match(first):
            return 0
    return 0


def _is_wrote_header(joined: str, first: str) -> bool:
    if "http" in joined.lower() and not _EMAIL.search(joined):
        return False
    tail = joined[-80:]
    ends_wrote = bool(_STEM.search(tail.casefold())) and bool(_WROTE_END.search(tail))
    if ends_wrote:
        anchored = _OPENER.search(first) or _DIGIT.search(joined) or _EMAIL.search(joined)
        return bool(anchored) or joined.rstrip().endswith("-")
    if _EMAIL_COLON_END.search(joined[-120:]):
        return bool(_DIGIT.search(joined.split("@")[0]))
    return False


def _cut_signature(lines: list[str], signer: str) -> tuple[list[str], list[str]]:
    """Split trailing signature lines off the reader's words (a sign-off word stays)."""
    removed: list[str] = []
    content = [k for k, line in enumerate(lines) if line.strip()]
    for cutter in (_at_delimiter, _at_device_line, _at_signer, _after_sign_off, _at_bare_name):
        if len(content) < 2:
            break
        cut = cutter(lines, content, signer)
        if cut is not None:
            removed = lines[cut:] + removed
            lines = lines[:cut]
            content = [k for k in content if k < cut]
    return lines, removed


def _at_delimiter(lines: list[str], content: list[int], signer: str) -> int | None:
    return next((k for k in content[1:] if _SIG_DELIMITER.match(lines[k])), None)


_TAGS_AND_LINKS = re.compile(r"<[^>]*>|\(?https?://\S+\)?")


def _at_device_line(lines: list[str], content: list[int], signer: str) -> int | None:
    """A bare "Sent from my Wiko 4G" line: nothing the reader wrote follows it."""
    for k in content[1:]:
        line = lines[k]
        bare = (_TAGS_AND_LINKS.sub("", line) if "<" in line or "http" in line else line).strip()
        if _MOBILE_SIGNATURE.match(bare) and len(bare) <= 60 and "," not in bare:
            return k
    return None


def _at_signer(lines: list[str], content: list[int], signer: str) -> int | None:
    """The sender's own name opening a short block at the end: their signature."""
    token = signer.split()[0].casefold() if signer.split() else ""
    if len(token) < 2:
        return None
    for pos in range(max(1, len(content) - _SIGNATURE_WINDOW), len(content)):
        k = content[pos]
        rest = [lines[j] for j in content[pos + 1 :]]
        line = lines[k].strip()
        if line.casefold().startswith(token) and len(line) <= 60 and _signature_tail(rest):
            return k
    return None


def _after_sign_off(lines: list[str], content: list[int], signer: str) -> int | None:
    """Below "Cordialement," / "Thanks,": a short name block, cut while the word stays."""
    for pos in range(max(1, len(content) - _SIGNATURE_WINDOW), len(content)):
        k = content[pos]
        rest = [lines[j] for j in content[pos + 1 :]]
        if rest and _SIGN_OFF.match(lines[k]) and _signature_tail(rest):
            return content[pos + 1]
    return None


def _at_bare_name(lines: list[str], content: list[int], signer: str) -> int | None:
    """A lone "Marie" or "Jean-Luc Marchand" closing the message."""
    last, before = content[-1], lines[content[-2]].rstrip()
    if _NAME_LINE.match(lines[last]) and (
        re.search(r"[.!?…:)]$", before) or _SIGN_OFF.match(before)
    ):
        return last
    return None


def _signature_tail(rest: list[str], limit: int = 5) -> bool:
    if len(rest) > limit or any(len(r.strip()) > 80 for r in rest):
        return False
    if rest and len(rest[0].split()) > 5:
        return False
    return all(not re.search(r"[?!;]\s*$", r) for r in rest)
