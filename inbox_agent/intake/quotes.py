"""Split a plain-text reply into the reader's own words and the quoted history.

Pure functions, no I/O. The splitter works line by line:

* quote headers ("On … wrote:", "Le … a écrit :", "Am … schrieb …:", "… 写道：", Outlook
  "From: / Sent: / To: / Subject:" blocks, "-----Original Message-----", "____" rules
  before a header block) start quoted history; what the mail programs of each language
  write is listed once, in intake/quote_headers.py;
* a mail program of a language not listed is read by the shape of its lines: an
  attribution ending with a colon right above the ``>`` lines, holding an address in
  brackets or a date and a time ("… napsal(a):", "… a scris:"), and an Outlook block of four
  "Label: value" fields or more with addresses, a date and a subject's reply prefix;
* a header followed by ``>`` lines quotes only those lines, so text written below or
  between them (bottom posting, inline answers) stays the reader's;
* a header followed by unquoted text (Outlook style) quotes everything after it;
* ``>`` blocks without a header are quoted too;
* forwarded mail ("---------- Forwarded message ---------", "Début du message réexpédié :")
  is what the reader chose to send: its marker, header block and text stay theirs;
* invisible characters added by mail programs and trackers (zero-width spaces, U+FEFF,
  Mailtrack's "ᐧ") are dropped;
* signatures ("-- ", mobile "Sent from my iPhone", short sign-off + name blocks) are cut
  from the end of the reader's words when ``strip_signature`` is true; signed_name() reads
  the name the reader signed with.
"""

from __future__ import annotations

import functools
import re

from inbox_agent.intake.quote_headers import (
    FIELD,
    FIRST_FIELD,
    FORWARD_MARK,
    FORWARDED,
    MULTILINE_START,
    OPENER,
    SEPARATOR,
    STEM,
    WROTE_THEN,
    WROTE_THEN_WORDS,
    ends_with_wrote,
)

_MAX_HEADER_LINES = 5
_MAX_HEADER_CHARS = 320

_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_EMAIL_COLON_END = re.compile(r"@[\w.-]+\s*[>)\]]?\s*[:：]\s*$")
_MARKS = re.compile(r"[:：@]|[-=_*]{2}")


def _may_start_header(line: str) -> bool:
    """False for a line no quote header can start with, true for the others.

    A one-line header holds a colon, an address or a rule, or else ends with a "wrote"
    word (at most 10 characters long); a header spread over several lines starts like
    MULTILINE_START. Most lines of a reader's prose fail all three at once.
    """
    return bool(
        _MARKS.search(line)
        or STEM.search(line.rstrip()[-16:].casefold())
        or MULTILINE_START.match(line)
    )


_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_DATE_EMAIL_LINE = re.compile(
    r"^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b.*?<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?\s*:?\s*$"
)
_WORD_DOT = re.compile(r"[^\W\d_]{5}\.$")

_RULE = re.compile(r"^\s*_{8,}\s*$")
_INLINE_FIELDS = re.compile(r"\b(Objet|Subject|To|À)\s*:")

_QUOTE_LINE = re.compile(r"^ ?>")

_DEVICE = (r"[^.!?\n]{0,30}(?:iphone|ipad|android|galaxy|samsung|huawei|xiaomi|pixel|outlook"
           r"|smartphone|telefon|handy|mobil)[^.!?\n]{0,20}")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:sent\s+(?:from|with|via|using)\s+|envoy[ée]\s+(?:de|depuis|à\s+partir\s+de)\s+"
    r"|get\s+outlook\s+for\s+|obtenir\s+outlook\s+pour\s+|t[ée]l[ée]charger\s+outlook"
    r"|gesendet\s+(?:von|mit)\s+|enviado\s+(?:desde|do|de)\s+|inviato\s+da\s+"
    r"|verzonden\s+(?:vanaf|met|van)\s+|skickat\s+från\s+|sendt\s+fra\s+|wysłane\s+z\s+"
    # the same line in more languages, as iOS and Android write it ("Odesláno z iPhonu")
    r"|verstuurd\s+(?:vanaf|met|van)\s+|отправлено\s+(?:с|из)\s+|надіслано\s+з\s+"
    r"|odesláno\s+z\s+|odoslané\s+z\s+|lähetetty\s+\S+sta\b|στάλθηκε\s+από\s+"
    r"|trimis\s+de\s+pe\s+|poslano\s+(?:s|sa|iz)\s+|послато\s+са\s+|изпратено\s+от\s+"
    r"|gửi\s+từ\s+|dikirim\s+dari\s+|enviat\s+des\s+de|发自|從我的|נשלח\s+מ|أرسلت\s+من"
    r"|ส่งจาก"
    # … and the languages that put the verb last, with the device named
    rf"|(?:von\s+meine[mr]\s+)?{_DEVICE}(?:\s+gesendet|\s+gönderildi|\s*から送信|\s*에서\s*보냄"
    r"|\s+küldve)\s*$)",
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
    r"\s+saluti|saluti|groeten|met\s+vriendelijke\s+groet|abraços|atenciosamente"
    r"|(?:beste|freundliche|herzliche|schöne)\s+grüße|grüße|gruß|lg|vg|mfg"
    r"|groetjes|(?:hartelijke|vriendelijke)\s+groet(?:en)?|groet|mvg"
    r"|un\s+abrazo|abrazos|saludos(?:\s+cordiales)?|un\s+saludo\s+cordial|atentamente|besos"
    r"|distinti\s+saluti|un\s+saluto|cordialmente|un\s+abbraccio|a\s+presto|ciao"
    r"|cumprimentos|(?:um\s+)?abraço|beijos|pozdrawiam|z\s+poważaniem|pozdrowienia"
    r"|s\s+pozdravem|s\s+pozdravom|(?:med\s+)?vänliga\s+hälsningar|hälsningar|mvh"
    r"|(?:med\s+)?venn?lig\s+hilsen|hilsen|(?:ystävällisin\s+)?terveisin|saygılarımla"
    r"|с\s+уважением|всего\s+доброго|з\s+повагою|üdvözlettel|cu\s+stimă|cu\s+drag"
    r"|(?:srdačan|lep|srdačni)\s+pozdrav(?:i)?|pozdrav|salutacions|με\s+εκτίμηση|φιλικά"
    r"|よろしくお願いします|よろしくお願いいたします|此致|祝好)"
    r"\s*[,.!]?\s*$",
    re.IGNORECASE,
)

# Characters nobody sees: zero-width space, word joiner, byte order mark (always dropped);
# zero-width (non-)joiners and Mailtrack's "ᐧ" when they join nothing visible.
_ALWAYS_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
_LONE_JOINERS = re.compile(r"(?<!\S)[\u200c\u200d\u1427]+|[\u200c\u200d]+(?!\S)")
_INVISIBLE = "\u200b\u2060\ufeff\u200c\u200d\u1427"


def split_reply(text: str, *, strip_signature: bool = True, signer: str = "") -> tuple[str, str]:
    """Return (the reader's own words, the removed quoted history and signature).

    ``strip_signature=False`` keeps signatures in the reader's words; ``signer`` (the
    sender's display name) helps find a signature block that starts with their name.
    """
    own, quoted, signature = _parts(text, signer)
    if strip_signature:
        return _tidy(own), _tidy(quoted + signature)
    return _tidy(own + signature), _tidy(quoted)


def signed_name(text: str, signer: str = "") -> str:
    """The name signed under the reader's words ("Élisabeth Vannier"), or ""."""
    _, _, signature = _parts(text, signer)
    lines = [s.strip() for s in signature if s.strip() and not _SIG_DELIMITER.match(s)]
    for line in lines[:2]:
        bare = line.strip("-–—•*_ ,.")
        words = bare.split()
        if (
            0 < len(words) <= 5 and len(bare) <= 60 and not _SIGN_OFF.match(bare)
            and not _MOBILE_SIGNATURE.match(bare) and all(_name_word(w) for w in words)
        ):  # fmt: skip
            return bare
    return ""


def _name_word(word: str) -> bool:
    """A word a signed name can hold: "Élisabeth", "VANNIER", "J.", "de", "&"."""
    if word in ("&", "+") or (word.islower() and len(word) <= 4 and word.isalpha()):
        return True
    return word[0].isupper() and all(c.isalpha() or c in "-'’." for c in word)


# parse asks for the reader's words, then names for the signed name, of one text: one split.
@functools.lru_cache(maxsize=2)
def _parts(text: str, signer: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(the reader's lines, the quoted lines, the signature lines cut from the reader's)."""
    if any(c in text for c in _INVISIBLE):
        text = _LONE_JOINERS.sub("", text.translate(_ALWAYS_INVISIBLE))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quoted = _quoted_mask(lines)
    own = [line for line, is_quoted in zip(lines, quoted, strict=True) if not is_quoted]
    removed = [line for line, is_quoted in zip(lines, quoted, strict=True) if is_quoted]
    own, signature = _cut_signature(own, signer)
    return tuple(own), tuple(removed), tuple(signature)


def _tidy(lines: tuple[str, ...]) -> str:
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _quoted_mask(lines: list[str]) -> list[bool]:
    """Mark every line that belongs to quoted history."""
    mask = [False] * len(lines)
    first_text = _next_nonblank(lines, 0)
    i = 0
    while i < len(lines):
        span = 0
        if lines[i].strip() and _may_start_header(lines[i]):
            if FORWARD_MARK.match(lines[i]):
                i = _after_forward_header(lines, i)
                continue
            if i == first_text and FIRST_FIELD.match(lines[i]) and _is_field_block(lines, i):
                i = _block_end(lines, i)  # a message sent on as it is, with nothing above
                continue
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
                for k in range(_attribution_above(lines, i, mask), stop):
                    mask[k] = True
            i = stop
            continue
        i += 1
    return mask


def _after_forward_header(lines: list[str], i: int) -> int:
    """Index after a forward marker and the header block below it (kept as the reader's)."""
    k = i + 1
    while k < len(lines) and k - i <= 3 and not lines[k].strip():
        k += 1
    if k >= len(lines) or not FIELD.match(lines[k]):
        return i + 1
    return _block_end(lines, k)


def _block_end(lines: list[str], start: int) -> int:
    """Index after a header block: its lines up to the first blank one (12 at most)."""
    end = start
    while end < len(lines) and lines[end].strip() and end - start < 12:
        end += 1
    return end


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


_ENDS_WITH_COLON = re.compile(r"[:：]\s*$")
_BRACKETED_EMAIL = re.compile(r"[<\[(]\s*(?:mailto:)?[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\s*[>\])]")
_CLOCK = re.compile(r"\b\d{1,2}[:.h]\d{2}\b")


def _attribution_above(lines: list[str], i: int, mask: list[bool]) -> int:
    """Where the line introducing the '>' block at `i` starts, when it reads as a mail
    program's attribution in any language ("… napsal(a):", "… a scris:", "… menulis:"): at
    most three lines right above the block (one blank line between at most), ending with a
    colon, holding an address in brackets ("<jan@example.cz>"), or a time and a date. `i`
    when there is none."""
    k = i - 1
    if k >= 0 and not lines[k].strip():
        k -= 1
    if k < 0 or mask[k] or not _ENDS_WITH_COLON.search(lines[k]):
        return i
    joined = ""
    for start in range(k, max(-1, k - 3), -1):
        line = lines[start].strip()
        if mask[start] or not line or _QUOTE_LINE.match(lines[start]):
            break
        if start < k and _ends_sentence(line):
            break
        joined = f"{line} {joined}".strip()
        if len(joined) > _MAX_HEADER_CHARS:
            break
        clock = _CLOCK.search(joined)
        dated = clock is not None and _DIGIT.search(_CLOCK.sub("", joined))
        if _BRACKETED_EMAIL.search(joined) or dated:
            return start
    return i


def _looks_like_quote_block(block: list[str]) -> bool:
    """A headerless '>' block is quoted history when some line is quoted exactly once."""
    for line in block:
        stripped = line.lstrip()
        if stripped.startswith(">") and not stripped[1:].lstrip().startswith(">"):
            return True
    return False


def _header_span(lines: list[str], i: int) -> int:
    """How many lines starting at i form a quote header (0 when none does).

    The caller has checked that the line is not blank and may start a header.
    """
    line = lines[i]
    if SEPARATOR.match(line):
        return 1
    if _RULE.match(line):
        nxt = _next_nonblank(lines, i + 1)
        if nxt is not None and nxt - i <= 2 and FIRST_FIELD.match(lines[nxt]):
            return 1
        return 0
    if FIRST_FIELD.match(line) and _is_field_block(lines, i):
        return 1
    if _DATE_EMAIL_LINE.match(line) and len(line) < _MAX_HEADER_CHARS:
        return 1
    if _is_any_field_block(lines, i):
        return 1
    return _wrote_span(lines, i)


def _is_field_block(lines: list[str], i: int) -> bool:
    """From:/De :/Von: followed by other header fields, not a forwarded message."""
    names = {FIELD.match(lines[i]).group(1).lower()}  # type: ignore[union-attr]
    for k in range(i + 1, min(i + 7, len(lines))):
        found = FIELD.match(lines[k])
        if found:
            names.add(found.group(1).lower())
            names.update(m.lower() for m in _INLINE_FIELDS.findall(lines[k]))
    if len(names) < 2:
        return False
    return not _below_forward_marker(lines, i)


# "Label: value", the label one to four words of letters (any script), as header fields are
_ANY_FIELD = re.compile(r"^\s*\*?([^\W\d_][^\W\d_'’.-]*(?: [^\W\d_][^\W\d_'’.-]*){0,3})\*?"
                        r"\s?[:：]\s*(\S.*)$")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_REPLY_PREFIX = re.compile(r"^[^\W\d_]{1,5}\s?[:：]")  # a subject's "Re:", "AW:", "Odp:", "ΑΠ:"
# Gmail's forward marker in every language: "---------- Přeposlaná zpráva ---------"
_FORWARD_RULE = re.compile(r"^\s*-{8,}[^-]*[^\W\d_][^-]*-{5,}\s*$")


def _is_any_field_block(lines: list[str], i: int) -> bool:
    """An Outlook header block in a language the tables do not list ("Kimden:", "Feladó:",
    "Από:"): four "Label: value" lines in a row or more, the first and another holding an
    address, one a date or a time, one a subject's reply prefix ("Re:", "Odp:"); not below a
    forward marker."""
    first = _ANY_FIELD.match(lines[i])
    if first is None or not _EMAIL.search(first.group(2)):
        return False
    fields, addresses, dated, subject = 1, 1, False, False
    for k in range(i + 1, min(i + 8, len(lines))):
        found = _ANY_FIELD.match(lines[k])
        if found is None:
            break
        value = found.group(2)
        fields += 1
        addresses += bool(_EMAIL.search(value))
        dated = dated or bool(_YEAR.search(value) or _CLOCK.search(value))
        subject = subject or bool(_REPLY_PREFIX.match(value))
    return (fields >= 4 and addresses >= 2 and dated and subject
            and not _below_forward_marker(lines, i))


def _below_forward_marker(lines: list[str], i: int) -> bool:
    """A forward marker in one of the two lines above `i`: a listed one, or Gmail's
    "---------- … ---------" in any language."""
    return any(FORWARDED.search(b) or _FORWARD_RULE.match(b) for b in lines[max(0, i - 2) : i])


def _wrote_span(lines: list[str], i: int) -> int:
    first = lines[i]
    if _QUOTE_LINE.match(first) or len(first) > _MAX_HEADER_CHARS:
        return 0
    joined = ""
    for span in range(1, _MAX_HEADER_LINES + 1):
        k = i + span - 1
        if k >= len(lines):
            return 0
        line = lines[k].strip()
        if span > 1 and line and _ends_sentence(joined):
            return 0
        joined = f"{joined} {line}".strip()
        if len(joined) > _MAX_HEADER_CHARS:
            return 0
        if span > 1 and not line:
            continue
        if _is_wrote_header(joined, first):
            return span
        if not MULTILINE_START.match(first):
            return 0
    return 0


def _is_wrote_header(joined: str, first: str) -> bool:
    if "http" in joined.lower() and not _EMAIL.search(joined):
        return False
    tail = joined[-80:]
    ends_wrote = ends_with_wrote(tail)
    if ends_wrote:
        anchored = OPENER.search(first) or _DIGIT.search(joined) or _EMAIL.search(joined)
        return bool(anchored) or joined.rstrip().endswith("-")
    if _EMAIL_COLON_END.search(joined[-120:]):
        return bool(_DIGIT.search(joined.split("@")[0]))
    folded = joined.casefold()
    if not any(word in folded for word in WROTE_THEN_WORDS):
        return False
    return bool(_TIME.search(joined)) and bool(WROTE_THEN.search(joined[-160:]))


def _ends_sentence(line: str) -> bool:
    """A line of prose that ends a sentence: a header does not go on below it."""
    line = line.rstrip()
    if not line.endswith((".", "。", "！", "？", "!", "?")):
        return False
    if line[-1] != ".":
        return True
    return bool(_WORD_DOT.search(line)) and "@" not in line.rsplit(None, 1)[-1]


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
