"""Writes examples/README.md from readme_template.md and the ground-truth records."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "readme_template.md"

STYLES = {
    "gmail_fr": "Gmail FR, « Le lun. … a écrit : » + `>`",
    "gmail_fr_wrapped": "Gmail FR, attribution wrapped over two lines",
    "gmail_fr_sig_after": "Gmail FR, signature below the quote",
    "gmail_en": "Gmail EN, « On Mon, … wrote: » + `>`",
    "gmail_en_nnbsp": "Gmail EN, U+202F before AM in the attribution",
    "gmail_es": "Gmail ES, « El lun, … escribió: »",
    "gmail_de": "Gmail DE, « Am Mo., … schrieb … »",
    "outlook_fr": "Outlook desktop FR, `-----Message d'origine-----`, no `>`",
    "outlook_fr_new": "Outlook FR, `____` rule + De/Envoyé/À/Objet, no `>`",
    "outlook_en": "Outlook EN, `____` rule + From/Sent/To/Subject, no `>`",
    "outlook_ios_fr": "Outlook iOS FR, « Obtenir Outlook pour iOS » + De : block",
    "apple_fr": "Apple Mail iPhone FR, « Envoyé de mon iPhone » + `> Le … a écrit :`",
    "apple_en": "Apple Mail iPhone EN, « Sent from my iPhone »",
    "thunderbird_top": "Thunderbird, « Le 20/07/2026 à 07:30, … a écrit : », top-posted",
    "thunderbird_bottom": "Thunderbird, answer below the quote",
    "thunderbird_inline": "Thunderbird, answers interleaved with quoted lines",
    "proton_en": "Proton Mail, « ------- Original Message ------- »",
    "html_webmail": "webmail, text/html only, `<blockquote type=cite>`",
    "auto_fr": "Exchange out-of-office (FR)",
    "auto_en": "vacation responder (EN)",
    "bounce": "Postfix DSN, multipart/report",
    "none": "new message, nothing quoted",
}

TRAITS = {
    "older_issue_answers": "an older issue answers it",
    "charset_windows_1252": "windows-1252 body",
    "crlf": "CRLF line ends",
    "signature_no_dash": "signature without `-- `",
    "base64_body": "base64 body",
    "emoji": "emoji",
    "reply_to_differs": "Reply-To ≠ From",
    "format_flowed": "format=flowed",
    "correction_of_figure": "points out a wrong figure",
    "very_short": "one word",
    "bottom_post": "bottom-posted",
    "topic_suggestion": "topic idea",
    "attribution_wrapped": "wrapped attribution",
    "prompt_injection": "prompt injection attempt",
    "unsubscribe_request": "unsubscribe request",
    "auto_submitted": "Auto-Submitted header",
    "subject_not_re": "subject without Re:",
    "delivery_status_report": "message/delivery-status part",
    "empty_return_path": "Return-Path <>",
    "narrow_nbsp_in_attribution": "U+202F in attribution",
    "multipart_alternative": "multipart/alternative",
    "html_only": "HTML only",
    "attachment": "text/csv attachment",
    "other_language": "neither French nor English",
    "french_reply_to_english_issue": "French reply to the English edition",
    "no_in_reply_to": "no In-Reply-To/References",
    "new_thread": "new thread",
    "interleaved_quotes": "interleaved quoting",
    "signature_after_quote": "signature after the quote",
    "reader_shares_author_first_name": "reader is also called Camille",
}



def render(records: list[dict], issues: dict[int, dict]) -> str:
    """The whole README, tables included."""
    issue_rows = "\n".join(
        f"| {n} | {i['date']} | {i['language']} | {i['title'].split(': ', 1)[-1].strip()} "
        f"| {', '.join(i['tags'])} |"
        for n, i in sorted(issues.items()))
    reply_rows = "\n".join(_reply_row(rec) for rec in records)
    intro = TEMPLATE.read_text(encoding="utf-8")
    return intro.format(n_issues=len(issues), first=min(issues), last=max(issues),
                        n_replies=len(records), issue_rows=issue_rows, reply_rows=reply_rows)


def _reply_row(rec: dict) -> str:
    issue = "—" if rec["issue"] is None else f"#{rec['issue']}"
    related = "—" if rec["related_issue"] is None else f"#{rec['related_issue']}"
    tests = ", ".join(TRAITS[t] for t in rec["traits"]) or "—"
    register = f" ({rec['register']})" if rec["register"] else ""
    return (f"| `{rec['file']}` | {rec['name']} | {rec['language']}{register} | {rec['kind']} "
            f"| {rec['intent']} | {issue} → {related} | {STYLES[rec['style']]} | {tests} |")
