"""triage(): kind, intent and answered issue, in French and English."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from inbox_agent.intake.intents import detect_intent
from inbox_agent.intake.parse import parse_file, parse_message
from inbox_agent.intake.triage import find_issue_number, triage
from inbox_agent.models import Issue, ReplyKind
from tests.support import ROOT, require


def mail(
    body: str = "Merci !",
    *,
    subject: str = "Re: La lettre",
    headers: str = "",
    sender: str = "Marie Dupont <marie@example.org>",
    ctype: str = "",
) -> bytes:
    lines = [
        f"From: {sender}",
        "To: author@news.example",
        f"Subject: {subject}",
        "Message-ID: <r1@example.org>",
        "Date: Mon, 08 Jun 2026 09:12:00 +0200",
        f"Content-Type: {ctype or 'text/plain; charset=utf-8'}",
        *[line for line in headers.strip().splitlines() if line.strip()],
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8")


KINDS = [
    # id, raw message, expected kind, a word the reason must contain
    (
        "auto_submitted",
        mail(headers="Auto-Submitted: auto-replied"),
        "auto_reply",
        "Auto-Submitted",
    ),
    (
        "auto_generated",
        mail(headers="Auto-Submitted: auto-generated"),
        "auto_reply",
        "auto-generated",
    ),
    ("auto_submitted_no", mail("Merci !", headers="Auto-Submitted: no"), "reply", "reader"),
    ("x_autoreply", mail(headers="X-Autoreply: yes"), "auto_reply", "x-autoreply"),
    ("x_autorespond", mail(headers="X-Autorespond: yes"), "auto_reply", "x-autorespond"),
    ("precedence_bulk", mail(headers="Precedence: bulk"), "auto_reply", "bulk"),
    ("precedence_auto", mail(headers="Precedence: auto_reply"), "auto_reply", "auto_reply"),
    (
        "ooo_fr",
        mail("Je suis absente jusqu'au 15.", subject="Réponse automatique : La lettre"),
        "auto_reply",
        "subject",
    ),
    ("ooo_fr_absence", mail("Bonjour", subject="Absence du bureau"), "auto_reply", "subject"),
    ("ooo_en", mail("I am away.", subject="Out of Office: The letter"), "auto_reply", "subject"),
    ("ooo_en_automatic", mail("Away", subject="Automatic reply: hello"), "auto_reply", "subject"),
    (
        "ooo_suppress",
        mail("Away", subject="Absent", headers="X-Auto-Response-Suppress: All"),
        "auto_reply",
        "X-Auto-Response-Suppress",
    ),
    (
        "bounce_daemon",
        mail("failed", sender="MAILER-DAEMON@mx.example", subject="failure"),
        "bounce",
        "mail system",
    ),
    (
        "bounce_postmaster",
        mail("x", sender="postmaster@mx.example", subject="x"),
        "bounce",
        "postmaster",
    ),
    (
        "bounce_subject_en",
        mail("x", subject="Undelivered Mail Returned to Sender"),
        "bounce",
        "delivery",
    ),
    (
        "bounce_subject_dsn",
        mail("x", subject="Delivery Status Notification (Failure)"),
        "bounce",
        "delivery",
    ),
    ("bounce_subject_fr", mail("x", subject="Non remis : La lettre"), "bounce", "delivery"),
    (
        "bounce_report",
        mail(
            "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n",
            ctype='multipart/report; report-type=delivery-status; boundary="b"',
        ),
        "bounce",
        "multipart/report",
    ),
    ("unsub_fr", mail("Merci de me désinscrire."), "unsubscribe", "leave"),
    ("unsub_fr_short", mail("désabonnement"), "unsubscribe", "leave"),
    (
        "unsub_fr_plus",
        mail("Je ne veux plus recevoir cette lettre, merci."),
        "unsubscribe",
        "leave",
    ),
    ("unsub_en", mail("Please remove me from your list."), "unsubscribe", "leave"),
    ("unsub_en_stop", mail("Stop sending me these emails."), "unsubscribe", "leave"),
    ("unsub_en_word", mail("Unsubscribe"), "unsubscribe", "leave"),
    (
        "talks_about_unsub_fr",
        mail(
            "J'ai failli me désabonner le mois dernier, mais ce numéro m'a réconcilié avec la "
            "lettre. Merci !"
        ),
        "reply",
        "reader",
    ),
    (
        "long_message_mentioning_unsub",
        mail(
            "Your piece on attention was great. " * 8 + "Someone in my team wanted to unsubscribe "
            "but forwarded it to everyone instead."
        ),
        "reply",
        "reader",
    ),
    ("reply_fr", mail("Super numéro, merci !"), "reply", "reader"),
    ("empty", mail(""), "other", "empty"),
    (
        "only_quote",
        mail("On Mon, Jun 8, 2026 at 9:12 AM A <a@x.org> wrote:\n> old"),
        "other",
        "quoted history",
    ),
]


@pytest.mark.parametrize(
    ("raw", "kind", "reason_word"), [k[1:] for k in KINDS], ids=[k[0] for k in KINDS]
)
def test_kind_is_decided_with_a_reason(raw: bytes, kind: str, reason_word: str) -> None:
    verdict = triage(parse_message(raw))
    assert verdict.kind is ReplyKind(kind)
    assert reason_word.lower() in verdict.reason.lower()


INTENTS = [
    ("Merci !", "thanks"),
    ("Merci beaucoup pour ce numéro, toujours un plaisir.", "thanks"),
    ("Thanks, great issue!", "thanks"),
    ("Est-ce que tu as une source pour le chiffre sur le télétravail ?", "question"),
    ("Where did you find the data on remote work?", "question"),
    ("Comment tu fais pour écrire chaque semaine", "question"),
    ("Je ne suis pas d'accord avec ta conclusion sur les réunions.", "disagreement"),
    ("Je ne suis pas convaincu par l'argument sur la productivité.", "disagreement"),
    ("I disagree with your take on meetings.", "disagreement"),
    ("Tu devrais parler de la semaine de quatre jours.", "idea"),
    ("Une idée pour un prochain numéro : les tiers-lieux.", "idea"),
    ("You should write about four-day weeks.", "idea"),
    ("Petite coquille dans le deuxième paragraphe : « réunnion ».", "correction"),
    ("Il y a une erreur : le chiffre de 40 % date de 2019, pas de 2023.", "correction"),
    ("Small typo in the title.", "correction"),
    ("Ça m'est arrivé l'an dernier : dans mon entreprise on a supprimé les réunions.", "story"),
    ("I remember when my team tried no-meeting Wednesdays.", "story"),
    ("Voilà.", "other"),
    ("", "other"),
]


@pytest.mark.parametrize(("text", "intent"), INTENTS, ids=[i[1] + ":" + i[0][:30] for i in INTENTS])
def test_intent_follows_keywords_and_punctuation(text: str, intent: str) -> None:
    assert detect_intent(text) == intent


def test_intent_is_only_given_to_replies() -> None:
    verdict = triage(parse_message(mail("Merci !", headers="Auto-Submitted: auto-replied")))
    assert verdict.intent == ""
    assert triage(parse_message(mail("Merci !"))).intent == "thanks"


ISSUE_TEXT_12 = (
    "Cette semaine je parle des réunions qui mangent nos journées, du coût caché des "
    "interruptions et de la manière dont certaines équipes ont supprimé les réunions du mercredi."
)
ISSUE_TEXT_13 = (
    "Le télétravail a changé la géographie du travail : villes moyennes, tiers-lieux, trains "
    "du lundi matin et cafés transformés en bureaux partagés pour indépendants."
)
ISSUES = (
    Issue(
        key="12-reunions",
        title="Réunions",
        text=ISSUE_TEXT_12,
        number=12,
        message_id="<issue-12@news.example>",
    ),
    Issue(
        key="13-teletravail",
        title="Télétravail",
        text=ISSUE_TEXT_13,
        number=13,
        message_id="<issue-13@news.example>",
    ),
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (mail(headers="In-Reply-To: <issue-13@news.example>"), 13),
        (mail(headers="References: <other@x> <issue-12@news.example>"), 12),
        (mail(subject="Re: La lettre #13"), 13),
        (mail(subject="Re: Lettre n° 12 — réunions"), 12),
        (mail(subject="Re: Numéro 13"), 13),
        (
            mail(
                "Tellement vrai !\n\nLe lun. 8 juin 2026 à 09:12, A <a@x.org> a écrit :\n> "
                + ISSUE_TEXT_12[:120]
            ),
            12,
        ),
        (mail("Oui.\n\nOn Mon, Jun 8, 2026 at 9:12 AM A <a@x.org> wrote:\n> " + ISSUE_TEXT_13), 13),
        (mail("Merci !"), None),
        (mail("Oui.\n\nOn Mon, Jun 8, 2026 at 9:12 AM A <a@x.org> wrote:\n> Bonjour à tous"), None),
    ],
    ids=[
        "in-reply-to",
        "references",
        "subject-hash",
        "subject-n°",
        "subject-word",
        "quote-overlap-12",
        "quote-overlap-13",
        "unknown",
        "quote-too-short",
    ],
)
def test_issue_number_by_message_id_subject_or_quote(raw: bytes, expected: int | None) -> None:
    assert triage(parse_message(raw), ISSUES).issue_number == expected


def test_message_id_wins_over_the_subject() -> None:
    raw = mail(subject="Re: #13", headers="In-Reply-To: <issue-12@news.example>")
    assert find_issue_number(parse_message(raw), ISSUES) == 12


@pytest.mark.parametrize(
    ("patterns", "subject", "expected"),
    [
        ((r"Édition\s+(?P<number>\d+)",), "Re: Édition 7 : les communs", 7),
        ((r"Édition\s+(?P<number>\d+)",), "Re: #13", None),
        ((r"[unbalanced(",), "Re: #13", None),
    ],
)
def test_custom_subject_patterns_replace_the_defaults(patterns, subject, expected) -> None:
    assert find_issue_number(parse_message(mail(subject=subject)), (), patterns) == expected


# ---- the demo Maildir ---------------------------------------------------------------------

EXAMPLES = ROOT / "examples"


def _example_rows() -> list:
    index = EXAMPLES / "replies.jsonl"
    if not index.is_file():
        return [pytest.param(None, id="examples-absent")]
    rows = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line]
    return [pytest.param(r, id=str(r.get("file") or r.get("path") or r.get("name"))) for r in rows]


def _example_path(row: dict) -> Path:
    name = row.get("file") or row.get("path") or row.get("name") or ""
    for candidate in (EXAMPLES / name, EXAMPLES / "replies" / name):
        if candidate.is_file():
            return candidate
    found = list((EXAMPLES / "replies").rglob(Path(name).name))
    return found[0] if found else EXAMPLES / name


@pytest.mark.parametrize("row", _example_rows())
def test_demo_maildir_reply_is_triaged_as_expected(row: dict | None) -> None:
    require(row is not None, "examples/replies.jsonl is absent")
    assert row is not None
    parsed = parse_file(_example_path(row))
    verdict = triage(parsed)
    assert verdict.kind.value == row["kind"]
    if "language" in row:
        assert parsed.language == row["language"]
    if row["kind"] == "reply" and "issue" in row:
        assert verdict.issue_number == row["issue"]
    if row.get("reply_text"):
        got, expected = " ".join(parsed.reply_text.split()), " ".join(row["reply_text"].split())
        ratio = difflib.SequenceMatcher(None, got, expected).ratio()
        assert ratio >= 0.8, parsed.reply_text


def test_demo_maildir_intents_agree_with_the_labels_mostly() -> None:
    rows = [r.values[0] for r in _example_rows()]
    require(rows[0] is not None, "examples/replies.jsonl is absent")
    replies = [r for r in rows if r["kind"] == "reply" and r.get("intent")]
    assert replies
    agree = sum(triage(parse_file(_example_path(r))).intent == r["intent"] for r in replies)
    print(f"\ndemo intents: {agree}/{len(replies)} agree with the labels")
    assert agree / len(replies) >= 0.8


# ---- fast paths keep the plain behaviour -------------------------------------------------


def _first_chars(items) -> set[str] | None:
    """Characters a match of a parsed pattern can start with; None when any can."""
    from re import _constants as sre

    out: set[str] = set()
    for op, av in items:
        if op is sre.AT:
            continue
        if op is sre.LITERAL:
            return out | {chr(av)}
        if op is sre.IN:
            for kind, value in av:
                if kind is sre.LITERAL:
                    out.add(chr(value))
                elif kind is sre.RANGE:
                    out.update(chr(c) for c in range(value[0], value[1] + 1))
                else:
                    return None
            return out
        if op in (sre.BRANCH, sre.SUBPATTERN):
            for branch in av[1] if op is sre.BRANCH else [av[-1]]:
                found = _first_chars(branch)
                if found is None:
                    return None
                out |= found
            return out
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            found = _first_chars(av[2])
            if found is None:
                return None
            out |= found
            if av[0] > 0:
                return out
            continue
        return None
    return None


def _intent_patterns():
    from inbox_agent.intake import intents as module

    named = [(f"{s.intent}-{k}", s.pattern) for k, s in enumerate(module._INTENT_SIGNALS)]
    return [*named, ("question-start", module._QUESTION_START), ("thanks", module._THANKS)]


@pytest.mark.parametrize(("name", "pattern"), _intent_patterns())
def test_intent_pattern_guard_lists_every_character_a_match_can_start_with(name, pattern):
    from re import _constants as sre
    from re import _parser

    parsed = list(_parser.parse(pattern.pattern, pattern.flags))
    if parsed[0][0] is not sre.ASSERT:  # unguarded: nothing to check
        return
    guard = _first_chars(parsed[0][1][1])
    starts = _first_chars(parsed[1:])
    assert starts is not None, f"{name}: a match can start anywhere, drop its `first=` guard"
    assert starts <= guard, f"{name}: add {''.join(sorted(starts - guard))!r} to `first=`"


@pytest.mark.parametrize(("name", "pattern"), _intent_patterns())
def test_intent_patterns_are_written_in_lower_case(name, pattern) -> None:
    import re

    letters = re.sub(r"\\[A-Za-z]", "", pattern.pattern)
    assert letters == letters.lower(), f"{name} is matched against lower-cased text"
    assert not pattern.flags & re.IGNORECASE


def _signal_cases():
    from inbox_agent.intake import intents as module

    return [pytest.param(s, id=f"{s.intent}-{k}") for k, s in enumerate(module._INTENT_SIGNALS)]


@pytest.mark.parametrize("signal", _signal_cases())
def test_every_match_of_an_intent_pattern_holds_one_of_its_anchors(signal) -> None:
    """detect_intent skips a pattern when the text holds none of its anchors: that must
    never hide a match. Checked on matches generated from the pattern itself."""
    import re

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pattern = signal.pattern.pattern
    guard = re.match(r"\(\?=\[[^\]]*\]\)\(\?:(.*)\)$", pattern, re.DOTALL)
    inner = guard.group(1) if guard else pattern  # from_regex cannot generate lookaheads

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(re.compile(inner, re.MULTILINE), fullmatch=True))
    def check(match: str) -> None:
        assert signal.pattern.fullmatch(match) or guard, match
        assert any(a in match for a in signal.anchors), f"{match!r} holds no anchor"

    check()


def test_the_anchor_shortcut_changes_no_intent(monkeypatch) -> None:
    """Skipping patterns by anchor only saves work: every demo reply gets the same intent
    as when every pattern runs (an empty anchor is in every text)."""
    from inbox_agent.intake import intents as module

    rows = [r.values[0] for r in _example_rows()]
    require(rows[0] is not None, "examples/replies.jsonl is absent")
    texts = [parse_file(_example_path(r)).reply_text for r in rows]
    texts += ["Merci !", "Pourquoi pas ? Je ne suis pas d'accord.", "We tried it last year."]
    fast = [detect_intent(t) for t in texts]
    every = tuple(s._replace(anchors=("",)) for s in module._INTENT_SIGNALS)
    monkeypatch.setattr(module, "_INTENT_SIGNALS", every)
    assert [detect_intent(t) for t in texts] == fast
    assert len(set(fast)) >= 4  # the texts exercise several intents


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("JE NE SUIS PAS D'ACCORD avec ce numéro.", "disagreement"),
        ("Petite COQUILLE dans le deuxième paragraphe.", "correction"),
        ("Vous Devriez écrire sur les tiers-lieux.", "idea"),
        ("THANK YOU", "thanks"),
    ],
)
def test_intent_ignores_letter_case(text: str, intent: str) -> None:
    assert detect_intent(text) == intent


def _numbers_by_plain_scan(quoted: str, issues) -> int | None:
    """find_issue_number's quote overlap computed issue by issue, without an index."""
    from inbox_agent.intake.triage import _MIN_SHARE, _MIN_SHARED, _shingles

    quote = _shingles(quoted)
    scored = sorted(
        ((len(quote & _shingles(i.text)), i.number) for i in issues if i.number is not None),
        reverse=True,
    )
    if len(quote) < _MIN_SHARED or not scored:
        return None
    best, number = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0
    ok = best >= _MIN_SHARED and best / len(quote) >= _MIN_SHARE and best >= 2 * runner_up
    return number if ok else None


def test_issue_index_finds_the_same_issue_as_a_plain_scan_of_every_issue() -> None:
    from inbox_agent.archive.kinds import import_any
    from inbox_agent.intake.triage import IssueIndex

    issues = [*import_any(ROOT / "examples/archive"), *ISSUES]
    quotes = [i.text[k : k + 300] for i in issues for k in (0, 400, 1200)]
    quotes += [ISSUE_TEXT_12 + " " + ISSUE_TEXT_13, "Bonjour à tous", ""]
    index = IssueIndex(issues)
    found = [index.number_from_quotes(q) for q in quotes]
    assert found == [_numbers_by_plain_scan(q, issues) for q in quotes]
    assert sum(n is not None for n in found) >= len(issues)


def test_issue_index_is_rebuilt_when_the_issues_change() -> None:
    from inbox_agent.intake.triage import issue_index

    issues = list(ISSUES)
    first = issue_index(issues)
    assert issue_index(issues) is first and issue_index(first) is first
    quote = mail("Oui.\n\nOn Mon, Jun 8, 2026 at 9:12 AM A <a@x.org> wrote:\n> " + ISSUE_TEXT_13)
    assert triage(parse_message(quote), issues).issue_number == 13
    issues[1] = Issue(key="14", title="Tiers-lieux", text=ISSUE_TEXT_13, number=14)
    assert issue_index(issues) is not first
    assert triage(parse_message(quote), issues).issue_number == 14


# Mail programs and readers of languages besides French and English, without the headers
# that tell an auto-reply or a bounce (many servers strip them)
ABSENT = "Je suis absente jusqu'au 12 mars, je vous répondrai à mon retour."
ELSEWHERE = [
    ("nl auto-reply", mail(ABSENT, subject="Automatisch antwoord: Re: L'Atelier #44"),
     "auto_reply"),
    ("es auto-reply", mail(ABSENT, subject="Respuesta automática: Re: L'Atelier #44"),
     "auto_reply"),
    ("sv auto-reply", mail(ABSENT, subject="Autosvar: L'Atelier #44"), "auto_reply"),
    ("cs auto-reply", mail(ABSENT, subject="Automatická odpověď: L'Atelier #44"), "auto_reply"),
    ("ru auto-reply", mail(ABSENT, subject="Автоматический ответ: L'Atelier #44"), "auto_reply"),
    ("ja auto-reply", mail(ABSENT, subject="自動応答: L'Atelier #44"), "auto_reply"),
    ("tr auto-reply", mail(ABSENT, subject="Otomatik yanıt: L'Atelier #44"), "auto_reply"),
    ("it out of office", mail(ABSENT, subject="Fuori sede"), "auto_reply"),
    ("de bounce", mail("Die Nachricht konnte nicht zugestellt werden.",
                       subject="Unzustellbar: L'Atelier #44"), "bounce"),
    ("pl bounce", mail("Wiadomość nie została dostarczona.",
                       subject="Nie można dostarczyć: L'Atelier #44"), "bounce"),
    ("de unsubscribe", mail("Bitte abmelden."), "unsubscribe"),
    ("es unsubscribe", mail("Por favor, darme de baja."), "unsubscribe"),
    ("pl unsubscribe", mail("Wypisz mnie, proszę."), "unsubscribe"),
    ("ru unsubscribe", mail("Отпишите меня, пожалуйста."), "unsubscribe"),
    ("nl unsubscribe", mail("Afmelden a.u.b."), "unsubscribe"),
    ("it unsubscribe", mail("Cancella la mia iscrizione, grazie."), "unsubscribe"),
    ("de reply that almost left", mail(
        "Ich hätte mich fast abgemeldet, aber diese Ausgabe über die Viertagewoche war toll "
        "und ich bleibe gerne dabei. Danke für die Arbeit!"), "reply"),
    ("nl reply about an absence", mail("Bedankt! Mijn collega was afwezig maar las het ook.",
                                       subject="Re: L'Atelier #44"), "reply"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "kind"), [c[1:] for c in ELSEWHERE], ids=[c[0] for c in ELSEWHERE])
def test_auto_replies_bounces_and_unsubscribes_of_other_languages_are_set_apart(
    raw: bytes, kind: str
) -> None:
    assert triage(parse_message(raw)).kind is ReplyKind(kind)


@pytest.mark.parametrize(("subject", "number"), [
    ("Re: Ausgabe 12: Die Viertagewoche", 12), ("RE: Edición 7 - La semana corta", 7),
    ("R: Edizione 31, la settimana corta", 31), ("Re: Wydanie 5: tydzień pracy", 5),
    ("Re: Выпуск 18. Четырёхдневка", 18), ("Antw: Nummer 9 – de vierdaagse week", 9),
    ("Re: Vydání 3: čtyřdenní týden", 3), ("Re: L'Atelier #44", 44),
    ("Re: Les 35 heures, vingt ans après", None),
])
def test_the_issue_number_is_read_from_subjects_in_other_languages(subject, number) -> None:
    assert find_issue_number(parse_message(mail(subject=subject)), ()) == number
