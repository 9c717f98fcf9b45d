"""Build the demo Maildir of reader replies, its ground truth and its README table.

    python examples/make_replies.py           # (re)write replies/, replies.jsonl, README.md
    python examples/make_replies.py --check   # exit 1 when a written file is out of date

The readers' words live in reply_texts.py, the client layouts in mail_layout.py, the
newsletter issues they answer in archive/*.md.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import quopri
import sys
from datetime import datetime, time, timedelta
from email.header import Header
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

HERE = Path(__file__).resolve().parent
PARIS = ZoneInfo("Europe/Paris")
SEND_TIME = time(7, 30)
POLICY = default_policy.clone(linesep="\n")


def _sibling(name: str):
    spec = importlib.util.spec_from_file_location(f"_atelier_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


layout = _sibling("mail_layout")
texts = _sibling("reply_texts")
readme = _sibling("readme_table")


def load_issues(archive: Path = HERE / "archive") -> dict[int, dict]:
    """number -> front matter plus 'body' (Markdown) for every archive issue."""
    issues = {}
    for path in sorted(archive.glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        meta["body"] = body.strip()
        issues[meta["number"]] = meta
    return issues


def excerpt(issue: dict, words: int = 90) -> str:
    """The opening of an issue as a mail client shows it: plain text, wrapped."""
    paras, count = [], 0
    for para in issue["body"].split("\n\n"):
        para = para.replace("**", "").removeprefix("## ")
        paras.append(para)
        count += len(para.split())
        if count >= words:
            break
    return layout.wrap("\n\n".join(paras))


def sent_at(issue: dict) -> datetime:
    return datetime.combine(issue["date"], SEND_TIME, tzinfo=PARIS)


def header(name: str, value: str) -> str:
    """One header line, RFC 2047-encoded and folded when needed.

    A non-ASCII Subject is encoded whole, as mail clients do, so it decodes back exactly.
    """
    if name == "Subject" and not value.isascii():
        encoded = Header(value, "utf-8", header_name=name).encode(linesep="\n")
        return f"{name}: {encoded}\n"
    return POLICY.header_factory(name, value).fold(policy=POLICY)


def message_id(r: dict) -> str:
    digest = hashlib.sha256(r["key"].encode()).digest()
    hexa = digest.hex()
    domain = r["addr"].split("@")[1]
    uuid = f"{hexa[:8]}-{hexa[8:12]}-{hexa[12:16]}-{hexa[16:20]}-{hexa[20:32]}"
    client = r["client"]
    if client == "gmail":
        token = base64.b64encode(digest).decode().rstrip("=").replace("/", "_")
        return f"<CA{token}@mail.gmail.com>"
    if client in ("outlook", "outlook_ios"):
        box = f"PAXPR07MB{hexa[:4].upper()}"
        return f"<{box}{hexa[4:32].upper()}@{box}.eurprd07.prod.outlook.com>"
    if client == "apple_mail":
        return f"<{uuid.upper()}@{domain}>"
    if client == "postfix":
        return f"<20260720053105.4B2C1A0123@{domain}>"
    if client == "webmail":
        return f"<{int(hexa[:8], 16)}.{int(hexa[8:12], 16)}.1782137127000@ox.{domain}>"
    return f"<{uuid}@{domain}>"


def subject(r: dict, issues: dict) -> str:
    if r.get("subject"):
        return r["subject"]
    title = issues[r["issue"]]["title"]
    prefix = {"outlook": "RE : ", "auto_fr": "Réponse automatique : "}
    if r["style"] == "auto_fr":
        return prefix["auto_fr"] + title
    return prefix.get(r["client"], "Re: ") + title


def client_headers(r: dict) -> list[tuple[str, str]]:
    lang = {"fr": "fr-FR", "en": "en-US"}.get(r["lang"], r["lang"])
    extra = {
        "gmail": [],
        "outlook": [("Thread-Index", "AQHa" + hashlib.md5(r["key"].encode()).hexdigest()[:20]),
                    ("Accept-Language", f"{lang}, en-US"), ("Content-Language", lang),
                    ("X-MS-Has-Attach", ""), ("X-Mailer", "Microsoft Outlook 16.0")],
        "outlook_ios": [("Thread-Index", "AQHb" + hashlib.md5(r["key"].encode()).hexdigest()[:20]),
                        ("Content-Language", lang), ("X-MS-Has-Attach", "")],
        "apple_mail": [("X-Mailer", "iPhone Mail (22F76)")],
        "thunderbird": [("User-Agent", "Mozilla Thunderbird"), ("Content-Language", r["lang"])],
        "protonmail": [("X-Pm-Origin", "internal")],
        "webmail": [("X-Mailer", "Open-Xchange Mailer v7.10.6-Rev58")],
    }
    return extra.get(r["client"], [])


def received(r: dict, date: datetime) -> str:
    when = format_datetime(date + timedelta(seconds=2))
    if r["kind"] == "bounce":
        return f"by smtp.atelier-du-futur.example (Postfix)\n\tid 4B2C1A0123; {when}"
    ip = 10 + int(r["key"][1:])
    return (f"from mail{ip}.example.net (mail{ip}.example.net [203.0.113.{ip}])\n"
            f"\tby mx.atelier-du-futur.example (Postfix) with ESMTPS id 4G{r['key'].upper()}X7Q"
            f"\n\tfor <{layout.AUTHOR_ADDR}>; {when}")


def headers(r: dict, issues: dict) -> list[tuple[str, str]]:
    date = datetime.fromisoformat(r["date"])
    issue = issues.get(r["issue"]) if r["issue"] else None
    out = [
        ("Return-Path", "<>" if r["kind"] == "bounce" else f"<{r['addr']}>"),
        ("Delivered-To", layout.AUTHOR_ADDR),
        ("Received", received(r, date)),
        ("MIME-Version", "1.0"),
        ("Date", format_datetime(date)),
        ("From", f"{r['name']} <{r['addr']}>"),
        ("To", layout.AUTHOR if r["client"] != "outlook" else layout.AUTHOR_ADDR),
        ("Subject", subject(r, issues)),
        ("Message-ID", message_id(r)),
    ]
    if r.get("reply_to"):
        out.append(("Reply-To", r["reply_to"]))
    if issue and r.get("in_reply_to", True) and r["kind"] != "bounce":
        out += [("In-Reply-To", issue["message_id"]), ("References", issue["message_id"])]
    if r["kind"] in ("auto_reply", "bounce"):
        out.append(("Auto-Submitted", "auto-replied"))
    if r["style"] == "auto_fr":
        out.append(("X-Auto-Response-Suppress", "All"))
    return out + client_headers(r)


def encode_body(text: str, charset: str, cte: str) -> tuple[str, bytes]:
    """Pick the transfer encoding and encode; plain ASCII stays 7bit."""
    raw = text.encode(charset)
    if raw.isascii() and cte != "base64":
        return "7bit", raw
    if cte == "base64":
        return cte, base64.encodebytes(raw)
    if cte == "8bit":
        return cte, raw
    return "quoted-printable", quopri.encodestring(raw)


def default_cte(r: dict) -> str:
    return r.get("cte") or ("8bit" if r["client"] == "thunderbird" else "quoted-printable")


def leaf(content_type: str, text: str, charset: str, cte: str, extra: str = "") -> bytes:
    """One text part: its two content headers, a blank line, the encoded body."""
    cte, body = encode_body(text, charset, cte)
    head = f'Content-Type: {content_type}; charset="{charset}"{extra}\n'
    head += f"Content-Transfer-Encoding: {cte}\n\n"
    return head.encode() + body.rstrip(b"\n") + b"\n"


def multipart(subtype: str, boundary: str, parts: list[bytes], params: str = "") -> bytes:
    head = f'Content-Type: multipart/{subtype};{params} boundary="{boundary}"\n\n'.encode()
    body = b"".join(f"--{boundary}\n".encode() + p + b"\n" for p in parts)
    return head + body + f"--{boundary}--\n".encode()


def body_part(r: dict, issues: dict) -> bytes:
    """The MIME body of one reply (content headers included)."""
    issue = issues.get(r["issue"]) or issues[max(issues)]
    sent, title, quoted = sent_at(issue), issue["title"], excerpt(issue)
    charset = r.get("charset", "utf-8")
    structure = r.get("structure", "plain")
    boundary = "000000000000" + hashlib.sha1(r["key"].encode()).hexdigest()[:16]
    if structure == "bounce" or r["kind"] == "bounce":
        return bounce_body(r, issues[r["issue"]], boundary)
    if structure == "html":
        return leaf("text/html", layout.webmail_html(r, sent, title, quoted), charset,
                    "quoted-printable")
    plain = layout.plain_body(r, sent, title, quoted)
    flowed = "; format=flowed" if r["client"] == "thunderbird" else ""
    text_part = leaf("text/plain", plain, charset, default_cte(r), flowed)
    if structure == "alternative":
        html_part = leaf("text/html", layout.gmail_html(r, sent, title, quoted), charset,
                         "quoted-printable")
        return multipart("alternative", boundary, [text_part, html_part])
    if structure == "mixed":
        return multipart("mixed", boundary, [text_part, attachment_part(r["attachment"])])
    return text_part


def attachment_part(att: dict) -> bytes:
    data = base64.encodebytes(att["content"].encode("utf-8")).decode()
    return (f'Content-Type: {att["content_type"]}; charset="utf-8"; name="{att["filename"]}"\n'
            f'Content-Disposition: attachment; filename="{att["filename"]}"\n'
            f"Content-Transfer-Encoding: base64\n\n{data}").encode()


def bounce_body(r: dict, issue: dict, boundary: str) -> bytes:
    """multipart/report: notification, delivery-status, returned headers."""
    arrival = format_datetime(sent_at(issue) + timedelta(seconds=2))
    rcpt = r["bounced"]
    notice = ("Content-Description: Notification\n"
              + leaf("text/plain", r["text"], "us-ascii", "7bit").decode())
    status = (
        "Content-Description: Delivery report\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; smtp.atelier-du-futur.example\nX-Postfix-Queue-ID: 4B2C1A0123\n"
        f"X-Postfix-Sender: rfc822; {layout.AUTHOR_ADDR}\nArrival-Date: {arrival}\n\n"
        f"Final-Recipient: rfc822; {rcpt}\nOriginal-Recipient: rfc822;{rcpt}\n"
        "Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.ancienne-agence.example\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User\n"
        "    unknown in virtual mailbox table\n")
    returned = "".join([
        header("Date", format_datetime(sent_at(issue))),
        header("From", layout.AUTHOR),
        header("To", rcpt),
        header("Subject", issue["title"]),
        header("Message-ID", issue["message_id"]),
        header("List-Unsubscribe", "<https://atelier-du-futur.example/desinscription>"),
        "MIME-Version: 1.0\n",
        'Content-Type: text/plain; charset="utf-8"\n',
    ])
    original = ("Content-Description: Undelivered Message Headers\n"
                f"Content-Type: text/rfc822-headers\n\n{returned}")
    return multipart("report", boundary, [notice.encode(), status.encode(), original.encode()],
                     " report-type=delivery-status;")


def render(r: dict, issues: dict) -> bytes:
    """One reply as the bytes a Maildir holds."""
    head = "".join(header(n, v) if n not in ("Received",) else f"{n}: {v}\n"
                   for n, v in headers(r, issues))
    raw = head.encode("ascii") + body_part(r, issues)
    return raw.replace(b"\n", b"\r\n") if r.get("crlf") else raw


def file_name(r: dict, n: int) -> str:
    received = datetime.fromisoformat(r["date"]) + timedelta(seconds=2)
    return f"new/{int(received.timestamp())}.M{n}P{4200 + n}.demo"


def truth(r: dict, name: str, issues: dict) -> dict:
    """The ground-truth record of one reply for replies.jsonl."""
    words = layout.inline_text(r) if r.get("inline") else r["text"]
    boiler = layout.BOILERPLATE.get(r["style"], "")
    return {
        "file": name, "from": r["addr"], "name": r["name"],
        "reply_to": r.get("reply_to") or r["addr"], "language": r["lang"],
        "register": r.get("register"), "kind": r["kind"], "client": r["client"],
        "style": r["style"], "intent": r["intent"], "issue": r["issue"],
        "related_issue": r["related"], "topic": r["topic"], "subject": subject(r, issues),
        "message_id": message_id(r), "traits": r["traits"],
        "signature": layout.normalise(f"{r['sig']}\n{boiler}"),
        "reply_text": layout.normalise(words),
    }


def build() -> dict[str, bytes]:
    """Every generated file, relative to examples/, with its exact bytes."""
    issues = load_issues()
    files: dict[str, bytes] = {"replies/cur/.gitkeep": b"", "replies/tmp/.gitkeep": b""}
    records = []
    for n, r in enumerate(texts.REPLIES, start=1):
        name = file_name(r, n)
        files[f"replies/{name}"] = render(r, issues)
        records.append(truth(r, name, issues))
    files["replies.jsonl"] = "".join(
        json.dumps(rec, ensure_ascii=False) + "\n" for rec in records).encode("utf-8")
    files["README.md"] = readme.render(records, issues).encode("utf-8")
    return files


def stale(files: dict[str, bytes], root: Path = HERE) -> list[str]:
    """Paths whose bytes on disk differ from `files`, plus stray files in replies/new."""
    wrong = [p for p, data in files.items()
             if not (root / p).is_file() or (root / p).read_bytes() != data]
    on_disk = {f"replies/new/{p.name}" for p in (root / "replies" / "new").glob("*")}
    return sorted(wrong + list(on_disk - files.keys()))


def write(files: dict[str, bytes], root: Path = HERE) -> None:
    for stray in (root / "replies" / "new").glob("*"):
        if f"replies/new/{stray.name}" not in files:
            stray.unlink()
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)


def main(argv: list[str]) -> int:
    files = build()
    if "--check" in argv:
        wrong = stale(files)
        for path in wrong:
            print(f"out of date: examples/{path} (run python examples/make_replies.py)")
        return 1 if wrong else 0
    write(files)
    print(f"wrote {len(files)} files under {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
