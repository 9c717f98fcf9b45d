"""Pure triage of a parsed message: its kind, the reader's intent, the issue it answers."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from inbox_agent.intake.intents import read_intents
from inbox_agent.models import UNREADABLE, Issue, ParsedMail, ReplyKind, Triage

DEFAULT_SUBJECT_PATTERNS = (
    r"#\s*(?P<number>\d{1,5})\b",
    r"\bn[°ºo]\s*\.?\s*(?P<number>\d{1,5})\b",
    r"\b(?:issue|num[ée]ro|edition|édition|lettre|ausgabe|nummer|número|edici[óo]n|edizione"
    r"|edi[çc][ãa]o|editie|uitgave|wydanie|numer|vydání|číslo|выпуск|випуск|sayı)\s+"
    r"(?P<number>\d{1,5})\b",
)

_OOO_SUBJECT = re.compile(
    r"r[ée]ponse\s+automatique|absence\s+du\s+bureau|\bout\s+of\s+(?:the\s+)?office"
    r"|automatic\s+reply|\bauto[- ]?reply|\bauto[- ]?response|\bautoreply|abwesenheitsnotiz"
    r"|fuera\s+de\s+la\s+oficina|automatische\s+antwort|risposta\s+automatica"
    # Outlook's "Automatic reply:" and out-of-office subjects in more languages
    r"|automatisch\s+antwoord|respuesta\s+autom[áa]tica|resposta\s+autom[áàa]tica|autosvar"
    r"|automatisk\s+svar|automaattinen\s+vastaus|odpowied[źz]\s+automatyczna"
    r"|automatyczna\s+odpowied[źz]|automatick[áa]\s+odpov[ěe]ď|automatikus\s+v[áa]lasz"
    r"|r[ăa]spuns\s+automat|otomatik\s+(?:yan[ıi]t|cevap)|автоматический\s+ответ"
    r"|автоматична\s+відповідь|автоматичен\s+отговор|αυτόματη\s+απάντηση|automatski\s+odgovor"
    r"|balasan\s+otomatis|trả\s+lời\s+tự\s+động|自動応答|自動返信|自动回复|自動回覆|자동\s*회신"
    r"|תשובה\s+אוטומטית|رد\s+تلقائي|fuori\s+(?:sede|ufficio)|poza\s+biurem|вне\s+офиса"
    r"|ofis\s+d[ıi][şs][ıi]nda|ikke\s+til\s+stede|fr[åa]nvaro|afwezig(?:heid)?\b"
    r"|^\s*(?:absente?|en\s+cong[ée]s?|en\s+vacances|on\s+vacation|on\s+leave|away)\b",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver(?:ed|able)|returned\s+(?:mail|to\s+sender)|delivery\s+status\s+notification"
    r"|delivery\s+(?:failure|failed|has\s+failed|incomplete)|mail\s+delivery\s+(?:failed|system)"
    r"|failure\s+notice|non\s+remis|impossible\s+de\s+remettre|non\s+distribu[ée]"
    r"|[ée]chec\s+de\s+(?:la\s+)?(?:remise|distribution)|message\s+not\s+delivered"
    r"|unzustellbar|nicht\s+zustellbar|no\s+se\s+puede\s+entregar|non\s+recapitabile"
    r"|n[ãa]o\s+(?:foi\s+)?entregue|onbestelbaar|kan\s+inte\s+levereras|nedoru[čc]iteln"
    r"|nie\s+mo[żz]na\s+dostarczy[ćc]|не\s+доставлено|недоставлен|配信不能|无法投递|未送達",
    re.IGNORECASE,
)
_REPLY_PREFIX = re.compile(r"^\s*(?:re|r[ée]f|aw|sv|antw)\s*:", re.IGNORECASE)
_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|bounces?)@", re.IGNORECASE)
_UNSUB_KEY = (
    r"d[ée]sinscri\w*|d[ée]sabonn\w*|unsubscribe|opt[- ]?out|retir\w*[- ]moi|supprim\w*[- ]moi"
    r"|enlev\w*[- ]moi|ne\s+plus\s+(?:recevoir|m['’]\s*envoyer)|remove\s+me|take\s+me\s+off"
    r"|stop\s+(?:sending|emailing|mailing)|no\s+longer\s+receive|\bstop\b"
    # leaving the list in more languages: "abmelden", "darme de baja", "wypisz mnie"
    r"|abmelden|austragen|da(?:r(?:me|se)|me)\s+de\s+baja|disiscriv\w*|cancella\w*\s+"
    r"(?:la\s+(?:mia\s+)?)?iscrizione|cancelar\s+(?:a\s+)?(?:minha\s+)?(?:inscri[çc][ãa]o"
    r"|subscri[çc][ãa]o|assinatura)|afmelden|uitschrijven|avregistrera|avsluta\s+prenumeration"
    r"|wypisa\w*|wypisz|odhl[áa]s\w*|отпи[сш]\w*|abonelikten\s+[çc][ıi]k"
)
_UNSUB_ANY = re.compile(_UNSUB_KEY, re.IGNORECASE)
_UNSUB_REQUEST = re.compile(
    r"(?:merci\s+de|pouvez-vous|pourriez-vous|veuillez|je\s+(?:souhaite|voudrais|veux|d[ée]sire)"
    r"|j['’]aimerais|please|kindly|i\s+(?:want|would\s+like|wish|['’]d\s+like)|can\s+you"
    r"|could\s+you)\b.{0,40}?(?:" + _UNSUB_KEY + r")"
    r"|ne\s+(?:veux|souhaite|d[ée]sire|voudrais)\s+plus\s+(?:recevoir|[êe]tre\s+inscrit)"
    r"|(?:d[ée]sinscri|d[ée]sabonn)\w*[- ]moi|(?:retir|supprim|enlev)\w*[- ]moi"
    r"|^\s*(?:remove\s+me|take\s+me\s+off|stop\s+sending|unsubscribe(?:\s+me)?)\b",
    re.IGNORECASE | re.MULTILINE,
)
_UNSUB_NOT = re.compile(
    r"failli|h[ée]sit|almost|nearly|thought\s+about|pens[ée]\s+à|ne\s+vais\s+pas|won['’]t"
    r"|will\s+not|n['’]ai\s+pas|didn['’]t|never|jamais|pas\s+me\s+d[ée]s",
    re.IGNORECASE,
)
_MAX_UNSUBSCRIBE_WORDS = 40
_BARE_REQUEST_WORDS = 6


def triage(
    mail: ParsedMail,
    issues: Sequence[Issue] | IssueIndex = (),
    subject_patterns: Sequence[str] = (),
) -> Triage:
    """Decide kind, intent and answered issue of one parsed message.

    `issues` may be an IssueIndex built once for a batch (issue_index(issues)).
    """
    kind, reason = classify(mail)
    number = find_issue_number(mail, issues, subject_patterns)
    text = mail.reply_text or mail.body_text
    intent = read_intents(text).primary if kind is ReplyKind.REPLY else ""
    return Triage(kind=kind, reason=reason, issue_number=number, intent=intent)


def classify(mail: ParsedMail) -> tuple[ReplyKind, str]:
    """(kind, reason): bounce, auto-reply, unsubscribe request, reply, or other."""
    for check in (_bounce_reason, _auto_reply_reason):
        found = check(mail)
        if found:
            return found
    text = mail.reply_text.strip()
    unreadable = next((d for d in mail.defects if d.startswith(UNREADABLE)), "")
    if not text and unreadable:
        why = unreadable.split(": ", 1)[-1]
        return ReplyKind.OTHER, f"the reader's words cannot be read: {why}; open it in your " \
            "mail program"
    if not text and mail.body_text.strip():
        return ReplyKind.OTHER, "no words of the reader's own: only quoted history or a signature"
    if not text:
        if mail.attachments:
            names = ", ".join(a.filename or a.content_type for a in mail.attachments[:3])
            return ReplyKind.OTHER, f"no text to answer: only attachments ({names})"
        return ReplyKind.OTHER, "no text to answer: the message body is empty"
    request = _unsubscribe_request(text, mail.subject)
    if request:
        return ReplyKind.UNSUBSCRIBE, request
    return ReplyKind.REPLY, "a reader's message"


def _bounce_reason(mail: ParsedMail) -> tuple[ReplyKind, str] | None:
    ctype = mail.headers.get("content-type", mail.content_type).lower()
    if mail.content_type == "multipart/report":
        if "disposition-notification" in ctype:
            return ReplyKind.AUTO_REPLY, "read receipt (disposition notification)"
        return ReplyKind.BOUNCE, "delivery status report (multipart/report)"
    if _BOUNCE_SENDER.match(mail.from_email):
        return ReplyKind.BOUNCE, f"sent by the mail system ({mail.from_email})"
    if mail.headers.get("x-failed-recipients"):
        return ReplyKind.BOUNCE, "X-Failed-Recipients header present"
    if _BOUNCE_SUBJECT.search(mail.subject) and not _REPLY_PREFIX.match(mail.subject):
        return ReplyKind.BOUNCE, f"delivery failure subject: {mail.subject!r}"
    return None


def _auto_reply_reason(mail: ParsedMail) -> tuple[ReplyKind, str] | None:
    headers = mail.headers
    submitted = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if submitted and submitted != "no":
        return ReplyKind.AUTO_REPLY, f"Auto-Submitted: {submitted}"
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        if headers.get(name):
            return ReplyKind.AUTO_REPLY, f"{name} header present"
    precedence = (headers.get("precedence") or headers.get("x-precedence", "")).strip().lower()
    if precedence in {"auto_reply", "bulk", "junk"}:
        return ReplyKind.AUTO_REPLY, f"Precedence: {precedence}"
    if _OOO_SUBJECT.search(mail.subject):
        if headers.get("x-auto-response-suppress"):
            return ReplyKind.AUTO_REPLY, "out-of-office subject with X-Auto-Response-Suppress"
        return ReplyKind.AUTO_REPLY, f"out-of-office subject: {mail.subject!r}"
    return None


def _unsubscribe_request(text: str, subject: str) -> str:
    """A short message dominated by a request to leave the list, or ""."""
    words = len(text.split())
    if words > _MAX_UNSUBSCRIBE_WORDS or _UNSUB_NOT.search(text):
        return ""
    found = _UNSUB_REQUEST.search(text)
    if found:
        return f"asks to leave the list ({found.group(0).strip()!r})"
    found = _UNSUB_ANY.search(text)
    if found and words <= _BARE_REQUEST_WORDS:
        return f"asks to leave the list ({found.group(0).strip()!r})"
    if _UNSUB_ANY.search(subject) and words <= _BARE_REQUEST_WORDS:
        return f"asks to leave the list (subject {subject!r})"
    return ""


# ---- which issue ------------------------------------------------------------------------


def find_issue_number(
    mail: ParsedMail,
    issues: Sequence[Issue] | IssueIndex = (),
    subject_patterns: Sequence[str] = (),
) -> int | None:
    """The issue answered: by Message-ID, then subject pattern, then quoted-text overlap."""
    index = issue_index(issues)
    for ref in (mail.in_reply_to, *reversed(mail.references)):
        number = index.by_message_id.get(ref.strip())
        if number is not None:
            return number
    number = _number_from_subject(mail.subject, subject_patterns or DEFAULT_SUBJECT_PATTERNS)
    if number is not None:
        return number
    return index.number_from_quotes(mail.quoted_text)


def _number_from_subject(subject: str, patterns: Sequence[str]) -> int | None:
    for pattern in patterns:
        try:
            found = re.search(pattern, subject, re.IGNORECASE)
        except re.error:
            continue
        if found and "number" in found.groupdict() and (found.group("number") or "").isdigit():
            return int(found.group("number"))
    return None


_SHINGLE = 5
_MIN_SHARED = 3  # shingles shared with the quote before an issue counts at all
_MIN_SHARE = 0.2  # part of the quote's shingles found in the issue


class IssueIndex:
    """What find_issue_number needs from a set of issues, built once for a whole batch:
    numbers by Message-ID and the issues holding each 5-word shingle."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = tuple(issues)
        self.by_message_id: dict[str, int] = {}
        self._numbers: list[int] = []
        self._postings: dict[tuple[str, ...], list[int]] = {}
        for issue in self.issues:
            if issue.number is None:
                continue
            if issue.message_id:
                self.by_message_id[issue.message_id.strip()] = issue.number
            position = len(self._numbers)
            self._numbers.append(issue.number)
            for shingle in _issue_shingles(issue.text):
                self._postings.setdefault(shingle, []).append(position)

    def number_from_quotes(self, quoted: str) -> int | None:
        """The issue the quoted history was taken from, when one clearly stands out."""
        quote = _shingles(quoted)
        if len(quote) < _MIN_SHARED:
            return None
        shared: dict[int, int] = {}
        for shingle in quote:
            for position in self._postings.get(shingle, ()):
                shared[position] = shared.get(position, 0) + 1
        scored = sorted(((n, self._numbers[p]) for p, n in shared.items()), reverse=True)
        if not scored:
            return None
        best, number = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0
        if best >= _MIN_SHARED and best / len(quote) >= _MIN_SHARE and best >= 2 * runner_up:
            return number
        return None


_last_index: list[IssueIndex] = []


def issue_index(issues: Sequence[Issue] | IssueIndex) -> IssueIndex:
    """The IssueIndex of `issues`; the last one built is reused while the issues are the same."""
    if isinstance(issues, IssueIndex):
        return issues
    items = tuple(issues)
    if _last_index and _last_index[0].issues == items:  # compares identities first: cheap
        return _last_index[0]
    index = IssueIndex(items)
    _last_index[:] = [index]
    return index


@functools.lru_cache(maxsize=2048)
def _issue_shingles(text: str) -> frozenset[tuple[str, ...]]:
    return frozenset(_shingles(text))


_QUOTE_MARKS = re.compile(r"^[ \t]*>[> \t]*", re.MULTILINE)
_WORDS = re.compile(r"\w+")


def _shingles(text: str) -> set[tuple[str, ...]]:
    plain = unicodedata.normalize("NFKC", text[:100_000]).lower()
    words = _WORDS.findall(_QUOTE_MARKS.sub("", plain))
    return {tuple(words[k : k + _SHINGLE]) for k in range(len(words) - _SHINGLE + 1)}
