"""How mail clients lay out a reply: attribution lines, quoting, signatures, HTML bodies.

Used by make_replies.py. Every function is pure: text in, text out.
"""

from __future__ import annotations

import html
import re
import textwrap
from datetime import datetime

AUTHOR_NAME = "Camille Durand"
AUTHOR_ADDR = "camille@atelier-du-futur.example"
AUTHOR = f"{AUTHOR_NAME} <{AUTHOR_ADDR}>"

DAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]
MONTHS_FR_ABBR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                  "sept.", "oct.", "nov.", "déc."]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTHS_ES_ABBR = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct",
                  "nov", "dic"]
DAYS_ES_ABBR = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]
DAYS_DE_ABBR = ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."]
MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember"]

BOILERPLATE = {
    "apple_fr": "Envoyé de mon iPhone",
    "apple_en": "Sent from my iPhone",
    "outlook_ios_fr": "Obtenir Outlook pour iOS",
    "proton_en": "Sent with Proton Mail secure email.",
}


def strip_marks(text: str) -> str:
    """Drop the **bold** / *italic* marks that only the HTML renderings use."""
    return re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", text)


def normalise(text: str) -> str:
    """Whitespace-normalised words, as stored in replies.jsonl."""
    return " ".join(strip_marks(text).split())


def quote(text: str, prefix: str = "> ") -> str:
    """Prefix every line the way plain-text clients quote."""
    return "\n".join(prefix + line if line else prefix.rstrip() for line in text.split("\n"))


def wrap(text: str, width: int = 76) -> str:
    """Hard-wrap each paragraph, keeping blank lines between them."""
    paras = text.split("\n\n")
    return "\n\n".join(textwrap.fill(" ".join(p.split()), width) for p in paras)


def hhmm(dt: datetime) -> str:
    return dt.strftime("%H:%M")


def ampm(dt: datetime, space: str = " ") -> str:
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d}{space}{'AM' if dt.hour < 12 else 'PM'}"


def attribution(style: str, sent: datetime, reader: str) -> str:
    """The line (or header block) a client writes above the quoted newsletter."""
    d, m, y, wd = sent.day, sent.month - 1, sent.year, sent.weekday()
    fr_abbr = f"{d} {MONTHS_FR_ABBR[m]} {y}"
    lines = {
        "gmail_fr": f"Le {DAYS_FR[wd][:3]}. {fr_abbr} à {hhmm(sent)}, {AUTHOR} a écrit :",
        "gmail_fr_wrapped": f"Le {DAYS_FR[wd][:3]}. {fr_abbr} à {hhmm(sent)}, {AUTHOR_NAME} <\n"
                            f"{AUTHOR_ADDR}> a écrit :",
        "gmail_en": f"On {DAYS_EN[wd][:3]}, {MONTHS_EN[m][:3]} {d}, {y} at {ampm(sent)} "
                    f"{AUTHOR} wrote:",
        "gmail_en_nnbsp": f"On {DAYS_EN[wd][:3]}, {MONTHS_EN[m][:3]} {d}, {y} at "
                          f"{ampm(sent, chr(0x202F))} {AUTHOR} wrote:",
        "gmail_es": f"El {DAYS_ES_ABBR[wd]}, {d} {MONTHS_ES_ABBR[m]} {y} a las "
                    f"{sent.hour}:{sent.minute:02d}, {AUTHOR_NAME} (<{AUTHOR_ADDR}>) escribió:",
        "gmail_de": f"Am {DAYS_DE_ABBR[wd]}, {d}. {MONTHS_DE[m]} {y} um {hhmm(sent)} Uhr "
                    f"schrieb {AUTHOR}:",
        "apple_fr": f"Le {fr_abbr} à {hhmm(sent)}, {AUTHOR} a écrit :",
        "apple_en": f"On {MONTHS_EN[m][:3]} {d}, {y}, at {hhmm(sent)}, {AUTHOR} wrote:",
        "thunderbird": f"Le {sent:%d/%m/%Y} à {hhmm(sent)}, {AUTHOR_NAME} a écrit :",
        "proton_en": f"On {DAYS_EN[wd]}, {MONTHS_EN[m]} {d}{ordinal(d)}, {y} at {ampm(sent)}, "
                     f"{AUTHOR} wrote:",
        "html_webmail": f"Le {sent:%d/%m/%Y} {hhmm(sent)}, {AUTHOR_NAME} a écrit :",
    }
    if style in lines:
        return lines[style]
    fr_long = f"{DAYS_FR[wd]} {d} {MONTHS_FR[m]} {y} {hhmm(sent)}"
    blocks = {
        "outlook_fr": ("-----Message d'origine-----", "De", fr_long),
        "outlook_fr_new": ("_" * 32, "De", fr_long),
        "outlook_ios_fr": ("_" * 32, "De", f"{DAYS_FR[wd]}, {MONTHS_FR[m]} {d}, {y} "
                                           f"{ampm(sent)}"),
        "outlook_en": ("_" * 32, "From", f"{DAYS_EN[wd]}, {MONTHS_EN[m]} {d}, {y} "
                                         f"{ampm(sent)}"),
    }
    rule, first, when = blocks[style]
    if first == "From":
        return f"{rule}\nFrom: {AUTHOR}\nSent: {when}\nTo: {reader}\nSubject: {{title}}"
    return f"{rule}\nDe : {AUTHOR}\nEnvoyé : {when}\nÀ : {reader}\nObjet : {{title}}"


def ordinal(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def signature_block(sig: str, dash: bool) -> str:
    if not sig:
        return ""
    return f"-- \n{sig}" if dash else sig


def own_words(r: dict) -> str:
    """The reader's text followed by the signature, as typed."""
    parts = [strip_marks(r["text"]), signature_block(r["sig"], r.get("sig_dash", False))]
    return "\n\n".join(p for p in parts if p)


def plain_body(r: dict, sent: datetime, title: str, excerpt: str) -> str:
    """The text/plain body of one reply, laid out like its mail client does."""
    style = r["style"]
    reader = f"{r['name']} <{r['addr']}>"
    own = own_words(r)
    if style in ("none", "auto_fr", "auto_en", "bounce", "html_webmail"):
        return own
    if style == "thunderbird_inline":
        return inline_body(r, sent)
    if style.startswith("outlook"):
        head = attribution(style, sent, reader).replace("{title}", title)
        boiler = f"{BOILERPLATE[style]}<https://aka.ms/o0ukef>\n" if style in BOILERPLATE else ""
        return f"{own}\n\n{boiler}{head}\n\n{title}\n\n{excerpt}"
    if style.startswith("apple"):
        attr = attribution(style, sent, reader)
        return f"{own}\n\n{BOILERPLATE[style]}\n\n" + quote(f"{attr}\n\n{title}\n\n{excerpt}")
    quoted = quote(f"{title}\n\n{excerpt}")
    if style == "proton_en":
        attr = attribution(style, sent, reader)
        return (f"{own}\n\n{BOILERPLATE[style]}\n\n------- Original Message -------\n"
                f"{attr}\n\n\n{quoted}")
    if style.startswith("thunderbird"):
        attr = attribution("thunderbird", sent, reader)
        if style == "thunderbird_bottom":
            return f"{attr}\n{quoted}\n\n{own}"
        return f"{own}\n\n{attr}\n{quoted}"
    if style == "gmail_fr_sig_after":
        attr = attribution("gmail_fr", sent, reader)
        sig = signature_block(r["sig"], r["sig_dash"])
        return f"{strip_marks(r['text'])}\n\n{attr}\n\n{quoted}\n\n{sig}"
    return f"{own}\n\n{attribution(style, sent, reader)}\n\n{quoted}"


def inline_body(r: dict, sent: datetime) -> str:
    """Answers typed under each quoted line (interleaved quoting)."""
    parts = [r["text"], attribution("thunderbird", sent, "") + "\n> [...]"]
    for quoted_line, answer in r["inline"]:
        parts.append(quote(textwrap.fill(quoted_line, 72)) + "\n\n" + answer)
    parts.append(signature_block(r["sig"], r["sig_dash"]))
    return "\n\n".join(parts)


def inline_text(r: dict) -> str:
    """The reader's own words of an interleaved reply, in order."""
    return "\n\n".join([r["text"], *(answer for _, answer in r["inline"])])


def html_paragraphs(text: str, tag: str = "div", keep_lines: bool = False) -> str:
    """Paragraphs to HTML, turning **x** into <b>x</b> and *x* into <i>x</i>."""
    out = []
    for para in text.strip().split("\n\n"):
        lines = [html.escape(" ".join(line.split()), quote=False) for line in para.split("\n")]
        joined = "<br>".join(lines) if keep_lines else " ".join(lines)
        joined = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", joined)
        joined = re.sub(r"\*([^*]+)\*", r"<i>\1</i>", joined)
        out.append(f"<{tag}>{joined}</{tag}>")
    return ("<div><br></div>" if tag == "div" else "\n").join(out)


def gmail_html(r: dict, sent: datetime, title: str, excerpt: str) -> str:
    """The text/html alternative Gmail sends next to the plain text."""
    attr = html.escape(attribution("gmail_fr", sent, ""), quote=False).replace(
        f"&lt;{AUTHOR_ADDR}&gt;", f'&lt;<a href="mailto:{AUTHOR_ADDR}">{AUTHOR_ADDR}</a>&gt;')
    own = html_paragraphs(r["text"])
    sig = html_paragraphs(r["sig"], keep_lines=True) if r["sig"] else ""
    quoted = html_paragraphs(f"{title}\n\n{excerpt}")
    return (f'<div dir="ltr">{own}<div><br></div>{sig}</div><br>'
            f'<div class="gmail_quote"><div dir="ltr" class="gmail_attr">{attr}<br></div>'
            '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
            f'border-left:1px solid rgb(204,204,204);padding-left:1ex">{quoted}'
            "</blockquote></div>\n")


def webmail_html(r: dict, sent: datetime, title: str, excerpt: str) -> str:
    """An HTML-only message as a webmail composes it (no text/plain part)."""
    attr = html.escape(attribution("html_webmail", sent, ""), quote=False)
    own = html_paragraphs(r["text"], tag="p")
    sig = html_paragraphs(r["sig"], tag="p", keep_lines=True)
    quoted = html_paragraphs(f"{title}\n\n{excerpt}", tag="p")
    return ("<!doctype html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n</head>\n<body>\n"
            f'<div class="default-style">\n{own}\n</div>\n'
            f'<div class="io-ox-signature">\n{sig}\n</div>\n'
            f"<blockquote type=\"cite\">\n<div>{attr}</div>\n{quoted}\n</blockquote>\n"
            "</body>\n</html>\n")
