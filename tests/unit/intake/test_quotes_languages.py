"""Quote headers, Outlook blocks and forwarded mail of localized mail programs.

Each case is written the way the mail program lays out a reply: the reader's words, then
the program's quote header in the reader's language, then the quoted issue (">" lines for
Gmail, Apple Mail and Thunderbird; plain lines below a header block for Outlook). The
reader answers the French newsletter, so the quoted text is French whatever the language.
"""

from __future__ import annotations

import pytest

from inbox_agent.intake.parse import parse_message
from inbox_agent.intake.quotes import signed_name, split_reply
from inbox_agent.intake.triage import triage
from inbox_agent.models import ReplyKind

AUTHOR = "Camille Durand <camille@lettre.example>"
ISSUE = [
    "La semaine de quatre jours ne réduit pas le travail : elle le comprime.",
    "Dans ce numéro, trois entreprises racontent leur première année.",
]
QUOTED = "\n".join(f"> {line}" for line in [*ISSUE[:1], "", *ISSUE[1:]])
PLAIN = "\n".join([*ISSUE[:1], "", *ISSUE[1:]])

READER = {
    "de": "Danke für die Ausgabe über die Vier-Tage-Woche.\n"
    "Bei uns im Team läuft der Test seit März, mit gemischten Ergebnissen.",
    "es": "Gracias por el número sobre la semana de cuatro días.\n"
    "En mi empresa lo probamos desde marzo y el balance es mixto.",
    "it": "Grazie per il numero sulla settimana corta.\n"
    "Nella mia azienda la sperimentiamo da marzo, con risultati alterni.",
    "pt": "Obrigada pela edição sobre a semana de quatro dias.\n"
    "Na minha empresa testamos desde março, com resultados mistos.",
    "nl": "Bedankt voor de editie over de vierdaagse werkweek.\n"
    "Bij ons team loopt de proef sinds maart, met wisselende resultaten.",
    "sv": "Tack för numret om fyradagarsveckan.\n"
    "Hos oss har vi testat sedan mars, med blandat resultat.",
    "pl": "Dziękuję za numer o czterodniowym tygodniu pracy.\n"
    "W mojej firmie testujemy to od marca, z mieszanymi wynikami.",
    "ru": "Спасибо за выпуск о четырёхдневной рабочей неделе.\n"
    "У нас в компании пробуем с марта, результаты пока смешанные.",
    "uk": "Дякую за випуск про чотириденний робочий тиждень.\n"
    "У нашій компанії пробуємо з березня, результати поки що різні.",
    "ja": "週休3日制の号をありがとうございました。\n"
    "私たちのチームでも3月から試していますが、結果はまちまちです。",
    "zh": "谢谢这一期关于四天工作制的内容。\n我们公司从三月开始试行，效果好坏参半。",
    "fr": "Merci pour ce numéro sur la semaine de quatre jours.\n"
    "Chez nous, l'essai a commencé en mars, avec des résultats mitigés.",
    "en": "Thanks for the issue on the four-day week.\n"
    "We have been trying it since March at work, with mixed results.",
}

# (case id, the quote header exactly as the program writes it above the ">" lines)
WROTE_HEADERS = [
    ("de-gmail", f"Am Mo., 4. März 2024 um 10:15 Uhr schrieb {AUTHOR}:"),
    ("de-gmail-wrapped", "Am Mo., 4. März 2024 um 10:15 Uhr schrieb Camille Durand <\n"
                         "camille@lettre.example>:"),
    ("de-apple", f"Am 04.03.2024 um 10:15 schrieb {AUTHOR}:"),
    ("de-thunderbird", "Am 04.03.24 um 10:15 schrieb Camille Durand:"),
    ("de-thunderbird-author-first", "Camille Durand schrieb am 04.03.2024 10:15:"),
    ("es-gmail", "El lun, 4 mar 2024 a las 10:15, Camille Durand (<camille@lettre.example>)"
                 " escribió:"),
    ("es-gmail-wrapped", "El lun, 4 mar 2024 a las 10:15, Camille Durand (<\n"
                         "camille@lettre.example>) escribió:"),
    ("es-apple", f"El 4 mar 2024, a las 10:15, {AUTHOR} escribió:"),
    ("es-thunderbird", "El 4/3/24 a las 10:15, Camille Durand escribió:"),
    ("it-gmail", f"Il giorno lun 4 mar 2024 alle ore 10:15 {AUTHOR} ha scritto:"),
    ("it-gmail-wrapped", "Il giorno lun 4 mar 2024 alle ore 10:15 Camille Durand <\n"
                         "camille@lettre.example> ha scritto:"),
    ("it-apple", f"Il giorno 4 mar 2024, alle ore 10:15, {AUTHOR} ha scritto:"),
    ("it-thunderbird", "Il 04/03/24 10:15, Camille Durand ha scritto:"),
    ("pt-gmail", f"Em seg., 4 de mar. de 2024 às 10:15, {AUTHOR} escreveu:"),
    ("pt-apple", f"Em 4 de mar. de 2024, à(s) 10:15, {AUTHOR} escreveu:"),
    ("pt-thunderbird", "Em 04/03/2024 10:15, Camille Durand escreveu:"),
    ("nl-gmail", f"Op ma 4 mrt 2024 om 10:15 schreef {AUTHOR}:"),
    ("nl-apple", f"Op 4 mrt. 2024 om 10:15 heeft {AUTHOR} het volgende geschreven:"),
    ("nl-thunderbird", "Op 04-03-2024 om 10:15 schreef Camille Durand:"),
    ("sv-gmail", f"Den mån 4 mars 2024 kl 10:15 skrev {AUTHOR}:"),
    ("sv-apple", f"4 mars 2024 kl. 10:15 skrev {AUTHOR}:"),
    ("sv-thunderbird", "Den 2024-03-04 kl. 10:15, skrev Camille Durand:"),
    ("pl-gmail", f"pon., 4 mar 2024 o 10:15 {AUTHOR} napisał(a):"),
    ("pl-apple", f"Wiadomość napisana przez {AUTHOR} w dniu 04.03.2024, o godz. 10:15:"),
    ("pl-thunderbird", "W dniu 4.03.2024 o 10:15, Camille Durand pisze:"),
    ("pl-webmail", "Dnia 4 marca 2024 10:15 Camille Durand napisała:"),
    ("ru-gmail", f"пн, 4 мар. 2024 г. в 10:15, {AUTHOR}:"),
    ("ru-apple", f"4 марта 2024 г., в 10:15, {AUTHOR} написал(а):"),
    ("ru-thunderbird", "04.03.2024 10:15, Camille Durand пишет:"),
    ("uk-gmail", f"пн, 4 бер. 2024 р. о 10:15 {AUTHOR} пише:"),
    ("uk-thunderbird", "04.03.2024 10:15, Camille Durand пише:"),
    ("ja-gmail", f"2024年3月4日(月) 10:15 {AUTHOR}:"),
    ("ja-apple", f"2024/03/04 10:15、{AUTHOR}のメール:"),
    ("ja-outlook-mac", f"2024年3月4日 10:15、{AUTHOR} のメッセージ:"),
    ("ja-thunderbird", "On 2024/03/04 10:15, Camille Durand wrote:"),
    ("ja-webmail", "2024/03/04 10:15 Camille Durand さんは書きました:"),
    ("zh-gmail", f"{AUTHOR} 于2024年3月4日周一 10:15写道："),
    ("zh-gmail-traditional", f"{AUTHOR} 於 2024年3月4日 週一 上午10:15寫道："),
    ("zh-apple", f"在 2024年3月4日，10:15，{AUTHOR} 写道："),
    ("zh-thunderbird", "在 2024/3/4 10:15, Camille Durand 写道:"),
    ("fr-gmail", f"Le lun. 4 mars 2024 à 10:15, {AUTHOR} a écrit :"),
    ("fr-thunderbird", "Le 04/03/2024 à 10:15, Camille Durand a écrit :"),
    ("en-gmail", f"On Mon, Mar 4, 2024 at 10:15 AM {AUTHOR} wrote:"),
]  # fmt: skip

# (case id, the header block Outlook or a webmail writes above the unquoted original)
OUTLOOK_BLOCKS = [
    ("de-outlook", f"Von: {AUTHOR}\nGesendet: Montag, 4. März 2024 10:15\n"
                   "An: Jonas Weber <jonas@firma.example>\nBetreff: Die Vier-Tage-Woche"),
    ("de-outlook-rule", f"________________________________\nVon: {AUTHOR}\n"
                        "Gesendet: Montag, 4. März 2024 10:15\nAn: jonas@firma.example\n"
                        "Betreff: AW: Die Vier-Tage-Woche"),
    ("de-gmx", "Gesendet: Montag, 04. März 2024 um 10:15 Uhr\n"
               'Von: "Camille Durand" <camille@lettre.example>\nAn: jonas@firma.example\n'
               "Betreff: Die Vier-Tage-Woche"),
    ("fr-outlook", f"De : {AUTHOR}\nEnvoyé : lundi 4 mars 2024 10:15\n"
                   "À : Élisabeth Vannier <e.vannier@acme.example>\n"
                   "Objet : La semaine de quatre jours"),
    ("fr-zimbra", '----- Mail original -----\nDe: "Camille Durand" <camille@lettre.example>\n'
                  'À: "Élisabeth Vannier" <e.vannier@acme.example>\n'
                  "Envoyé: Lundi 4 Mars 2024 10:15:00\nObjet: La semaine de quatre jours"),
    ("es-outlook", f"De: {AUTHOR}\nEnviado: lunes, 4 de marzo de 2024 10:15\n"
                   "Para: Lucía Pérez <lucia@empresa.example>\n"
                   "Asunto: La semana de cuatro días"),
    ("it-outlook", f"Da: {AUTHOR}\nInviato: lunedì 4 marzo 2024 10:15\n"
                   "A: Giulia Rossi <giulia@azienda.example>\nOggetto: La settimana corta"),
    ("pt-outlook", f"De: {AUTHOR}\nEnviado: segunda-feira, 4 de março de 2024 10:15\n"
                   "Para: João Silva <joao@empresa.example>\n"
                   "Assunto: A semana de quatro dias"),
    ("nl-outlook", f"Van: {AUTHOR}\nVerzonden: maandag 4 maart 2024 10:15\n"
                   "Aan: Jan de Vries <jan@bedrijf.example>\n"
                   "Onderwerp: De vierdaagse werkweek"),
    ("sv-outlook", f"Från: {AUTHOR}\nSkickat: den 4 mars 2024 10:15\n"
                   "Till: Anna Svensson <anna@foretag.example>\nÄmne: Fyradagarsveckan"),
    ("pl-outlook", f"Od: {AUTHOR}\nWysłano: poniedziałek, 4 marca 2024 10:15\n"
                   "Do: Jan Kowalski <jan@firma.example>\nTemat: Czterodniowy tydzień pracy"),
    ("ru-outlook", f"От: {AUTHOR}\nОтправлено: 4 марта 2024 г. 10:15\n"
                   "Кому: Иван Петров <ivan@company.example>\n"
                   "Тема: Четырёхдневная рабочая неделя"),
    ("uk-outlook", f"Від: {AUTHOR}\nНадіслано: 4 березня 2024 р. 10:15\n"
                   "Кому: Олена Коваленко <olena@company.example>\n"
                   "Тема: Чотириденний робочий тиждень"),
    ("ja-outlook", f"差出人: {AUTHOR}\n送信日時: 2024年3月4日 10:15\n"
                   "宛先: 山田 太郎 <taro@company.example>\n件名: 週休3日制"),
    ("zh-outlook", f"发件人: {AUTHOR}\n发送时间: 2024年3月4日 10:15\n"
                   "收件人: 张伟 <zhang@company.example>\n主题: 四天工作制"),
    ("zh-outlook-traditional", f"寄件者: {AUTHOR}\n寄件日期: 2024年3月4日 上午 10:15\n"
                               "收件者: 陳美玲 <chen@company.example>\n主旨: 四天工作制"),
    ("en-outlook", f"From: {AUTHOR}\nSent: Monday, March 4, 2024 10:15 AM\n"
                   "To: Sam Lee <sam@company.example>\nSubject: The four-day week"),
]  # fmt: skip

# (case id, the forwarding program's marker and header block above the forwarded text)
FORWARDS = [
    ("en-gmail", f"---------- Forwarded message ---------\nFrom: {AUTHOR}\n"
                 "Date: Mon, Mar 4, 2024 at 10:15 AM\nSubject: La semaine de quatre jours\n"
                 "To: <sam@company.example>"),
    ("en-apple", f"Begin forwarded message:\n\nFrom: {AUTHOR}\n"
                 "Subject: La semaine de quatre jours\nDate: March 4, 2024 at 10:15:00 CET\n"
                 "To: sam@company.example"),
    ("en-thunderbird", "-------- Forwarded Message --------\n"
                       "Subject: \tLa semaine de quatre jours\n"
                       "Date: \tMon, 4 Mar 2024 10:15:00 +0100\n"
                       f"From: \t{AUTHOR}\nTo: \tsam@company.example"),
    ("fr-gmail", f"---------- Message transféré ---------\nDe : {AUTHOR}\n"
                 "Date: lun. 4 mars 2024 à 10:15\nSubject: La semaine de quatre jours\n"
                 "To: <lea@example.org>"),
    ("fr-apple", f"Début du message réexpédié :\n\nDe: {AUTHOR}\n"
                 "Objet: La semaine de quatre jours\nDate: 4 mars 2024 à 10:15:00 UTC+1\n"
                 "À: lea@example.org"),
    ("fr-thunderbird", "-------- Message transféré --------\n"
                       "Sujet : \tLa semaine de quatre jours\n"
                       "Date : \tMon, 4 Mar 2024 10:15:00 +0100\n"
                       f"De : \t{AUTHOR}\nPour : \tlea@example.org"),
    ("de-gmail", f"---------- Weitergeleitete Nachricht ---------\nVon: {AUTHOR}\n"
                 "Date: Mo., 4. März 2024 um 10:15 Uhr\nSubject: Die Vier-Tage-Woche\n"
                 "To: <jonas@firma.example>"),
    ("de-apple", f"Anfang der weitergeleiteten Nachricht:\n\nVon: {AUTHOR}\n"
                 "Betreff: Die Vier-Tage-Woche\nDatum: 4. März 2024 um 10:15:00 MEZ\n"
                 "An: jonas@firma.example"),
    ("de-thunderbird", "-------- Weitergeleitete Nachricht --------\n"
                       "Betreff: \tDie Vier-Tage-Woche\n"
                       "Datum: \tMon, 4 Mar 2024 10:15:00 +0100\n"
                       f"Von: \t{AUTHOR}\nAn: \tjonas@firma.example"),
    ("es-gmail", f"---------- Mensaje reenviado ---------\nDe: {AUTHOR}\n"
                 "Date: lun, 4 mar 2024 a las 10:15\nSubject: La semana de cuatro días\n"
                 "To: <lucia@empresa.example>"),
    ("es-apple", f"Inicio del mensaje reenviado:\n\nDe: {AUTHOR}\n"
                 "Asunto: La semana de cuatro días\nFecha: 4 de marzo de 2024, 10:15:00 CET\n"
                 "Para: lucia@empresa.example"),
    ("it-gmail", f"---------- Messaggio inoltrato ---------\nDa: {AUTHOR}\n"
                 "Date: lun 4 mar 2024 alle ore 10:15\nSubject: La settimana corta\n"
                 "To: <giulia@azienda.example>"),
    ("it-apple", f"Inizio messaggio inoltrato:\n\nDa: {AUTHOR}\n"
                 "Oggetto: La settimana corta\nData: 4 marzo 2024 10:15:00 CET\n"
                 "A: giulia@azienda.example"),
    ("pt-gmail", f"---------- Mensagem encaminhada ---------\nDe: {AUTHOR}\n"
                 "Date: seg., 4 de mar. de 2024 às 10:15\nSubject: A semana de quatro dias\n"
                 "To: <joao@empresa.example>"),
    ("pt-apple", f"Início da mensagem encaminhada:\n\nDe: {AUTHOR}\n"
                 "Assunto: A semana de quatro dias\nData: 4 de março de 2024 10:15:00 BRT\n"
                 "Para: joao@empresa.example"),
    ("nl-gmail", f"---------- Doorgestuurd bericht ---------\nVan: {AUTHOR}\n"
                 "Date: ma 4 mrt 2024 om 10:15\nSubject: De vierdaagse werkweek\n"
                 "To: <jan@bedrijf.example>"),
    ("nl-apple", f"Begin doorgestuurd bericht:\n\nVan: {AUTHOR}\n"
                 "Onderwerp: De vierdaagse werkweek\nDatum: 4 maart 2024 om 10:15:00 CET\n"
                 "Aan: jan@bedrijf.example"),
    ("sv-gmail", f"---------- Vidarebefordrat meddelande ---------\nFrån: {AUTHOR}\n"
                 "Date: mån 4 mars 2024 kl 10:15\nSubject: Fyradagarsveckan\n"
                 "To: <anna@foretag.example>"),
    ("ru-gmail", f"---------- Пересылаемое сообщение ---------\nОт: {AUTHOR}\n"
                 "Date: пн, 4 мар. 2024 г. в 10:15\nSubject: Четырёхдневная рабочая неделя\n"
                 "To: <ivan@company.example>"),
]  # fmt: skip

LANG_OF = {case_id: case_id.split("-", 1)[0] for case_id, _ in WROTE_HEADERS + OUTLOOK_BLOCKS}


@pytest.mark.parametrize(("case_id", "header"), WROTE_HEADERS, ids=[c[0] for c in WROTE_HEADERS])
def test_a_localized_quote_header_and_its_quote_are_cut(case_id: str, header: str) -> None:
    reader = READER[LANG_OF[case_id]]
    own, quoted = split_reply(f"{reader}\n\n{header}\n{QUOTED}\n")
    assert own == reader
    assert header.splitlines()[-1] in quoted and ISSUE[1] in quoted


@pytest.mark.parametrize(("case_id", "header"), WROTE_HEADERS, ids=[c[0] for c in WROTE_HEADERS])
def test_an_answer_written_below_a_localized_quote_stays_the_readers(
    case_id: str, header: str
) -> None:
    reader = READER[LANG_OF[case_id]]
    own, quoted = split_reply(f"{header}\n{QUOTED}\n\n{reader}\n")
    assert own == reader
    assert ISSUE[0] in quoted


@pytest.mark.parametrize(("case_id", "block"), OUTLOOK_BLOCKS, ids=[c[0] for c in OUTLOOK_BLOCKS])
def test_a_localized_outlook_header_block_quotes_everything_below(
    case_id: str, block: str
) -> None:
    reader = READER[LANG_OF[case_id]]
    own, quoted = split_reply(f"{reader}\n\n{block}\n\n{PLAIN}\n")
    assert own == reader
    assert block.splitlines()[-1] in quoted and ISSUE[1] in quoted


FORWARD_IDS = [c[0] for c in FORWARDS]


@pytest.mark.parametrize(("case_id", "marker"), FORWARDS, ids=FORWARD_IDS)
def test_forwarded_mail_keeps_the_readers_words_and_the_forwarded_text(
    case_id: str, marker: str
) -> None:
    reader = READER[case_id.split("-", 1)[0]]
    body = f"{reader}\n\n{marker}\n\n{PLAIN}"
    own, quoted = split_reply(body + "\n")
    assert own == body
    assert quoted == ""


@pytest.mark.parametrize(("case_id", "marker"), FORWARDS, ids=FORWARD_IDS)
def test_a_forward_without_a_word_of_the_reader_is_kept_for_the_author(
    case_id: str, marker: str
) -> None:
    raw = (
        "From: Léa Martin <lea@example.org>\r\nTo: camille@lettre.example\r\n"
        "Subject: Fwd: La semaine de quatre jours\r\nMessage-ID: <fw-1@example.org>\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n\r\n' + f"{marker}\n\n{PLAIN}\n"
    ).encode()
    mail = parse_message(raw)
    assert ISSUE[0] in mail.reply_text and ISSUE[1] in mail.reply_text
    assert triage(mail).kind is ReplyKind.REPLY


def test_a_forward_inside_the_quoted_history_stays_quoted() -> None:
    marker = FORWARDS[0][1]
    body = f"{READER['en']}\n\n{WROTE_HEADERS[-1][1]}\n> {marker.replace(chr(10), chr(10) + '> ')}"
    own, quoted = split_reply(body)
    assert own == READER["en"]
    assert "Forwarded message" in quoted


def test_a_reply_that_is_only_a_quote_keeps_the_quote_and_is_set_apart() -> None:
    header = dict(WROTE_HEADERS)["de-gmail"]
    raw = (
        "From: Jonas Weber <jonas@firma.example>\r\nSubject: AW: Die Vier-Tage-Woche\r\n"
        'Message-ID: <q-1@firma.example>\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
        f"{header}\n{QUOTED}\n"
    ).encode()
    mail = parse_message(raw)
    assert mail.reply_text == ""
    assert ISSUE[0] in mail.quoted_text and ISSUE[1] in mail.quoted_text
    verdict = triage(mail)
    assert verdict.kind is ReplyKind.OTHER and "quoted history" in verdict.reason


# ---- invisible characters ----------------------------------------------------------------

INVISIBLE = [
    ("mailtrack mark", f"{READER['fr']}\n\nᐧ\n", READER["fr"]),
    ("mark after the words", f"{READER['fr']} ᐧ\n", READER["fr"]),
    ("zero-width space", "Merci pour\u200b ce numéro\u200b !", "Merci pour ce numéro !"),
    ("byte order mark", "\ufeffMerci pour ce numéro !", "Merci pour ce numéro !"),
    ("word joiner", "Merci\u2060 pour ce numéro !", "Merci pour ce numéro !"),
    ("lone joiners", "Merci pour ce numéro !\n\u200c\u200d\n\u200c \u200c",
     "Merci pour ce numéro !"),
    ("joined emoji stay", "Bravo 👩\u200d💻 !", "Bravo 👩\u200d💻 !"),
    ("persian joiner stays", "می\u200cخواهم", "می\u200cخواهم"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in INVISIBLE],
                         ids=[c[0] for c in INVISIBLE])  # fmt: skip
def test_invisible_tracking_characters_are_dropped_from_the_readers_words(
    text: str, expected: str
) -> None:
    own, _ = split_reply(text)
    assert own == expected


def test_a_gmail_reply_with_a_tracking_mark_is_split_as_without_it() -> None:
    header = dict(WROTE_HEADERS)["fr-gmail"]
    tracked = f"\ufeff{READER['fr']}\n\u200b\nᐧ\n\n{header}\n{QUOTED}\n"
    raw = (
        "From: Élisabeth Vannier <e.vannier@acme.example>\r\nSubject: Re: #93\r\n"
        'Message-ID: <t-1@acme.example>\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
        + tracked
    ).encode()
    mail = parse_message(raw)
    assert mail.reply_text == READER["fr"]
    assert "\u200b" not in mail.quoted_text and "ᐧ" not in mail.quoted_text


# ---- layouts around the headers ----------------------------------------------------------


def test_a_message_sent_on_as_it_is_keeps_its_header_block_and_text() -> None:
    """Outlook for Mac forwards without a marker: the header block opens the body."""
    block = dict(OUTLOOK_BLOCKS)["en-outlook"]
    raw = (
        "From: Sam Lee <sam@company.example>\r\nSubject: FW: The four-day week\r\n"
        'Message-ID: <fw-2@company.example>\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
        f"{block}\n\n{PLAIN}\n"
    ).encode()
    mail = parse_message(raw)
    assert mail.reply_text == f"{block}\n\n{PLAIN}"
    assert triage(mail).kind is ReplyKind.REPLY


def test_a_short_answer_that_starts_like_a_header_stays_the_readers() -> None:
    body = f"On Thursday.\n\n{WROTE_HEADERS[-1][1]}\n>\n> When is the next issue out?\n"
    assert split_reply(body) == ("On Thursday.", f"{WROTE_HEADERS[-1][1]}\n>\n> When is the "
                                 "next issue out?")  # fmt: skip


def all_bodies() -> list[str]:
    bodies = []
    for case_id, header in WROTE_HEADERS:
        reader = READER[LANG_OF[case_id]]
        bodies += [f"{reader}\n\n{header}\n{QUOTED}\n", f"{header}\n{QUOTED}\n\n{reader}\n"]
    for case_id, block in OUTLOOK_BLOCKS:
        bodies.append(f"{READER[LANG_OF[case_id]]}\n\n{block}\n\n{PLAIN}\n")
    for case_id, marker in FORWARDS:
        bodies += [f"{READER[case_id.split('-')[0]]}\n\n{marker}\n\n{PLAIN}", f"{marker}\n{PLAIN}"]
    return bodies + [text for _, text, _ in INVISIBLE]


def test_the_header_shortcut_changes_no_split_of_the_language_cases(monkeypatch) -> None:
    """Lines the shortcut skips are never the start of one of these headers."""
    from inbox_agent.intake import quotes

    bodies = all_bodies()
    fast = [split_reply(body) for body in bodies]
    monkeypatch.setattr(quotes, "_may_start_header", lambda line: True)
    quotes._parts.cache_clear()
    assert [split_reply(body) for body in bodies] == fast


# Mail programs of languages intake/quote_headers.py does not list: the splitter reads them by
# their shape (an attribution ending with a colon right above the ">" lines, with an address
# in brackets or a date and a time; an Outlook block of "Label: value" fields with addresses,
# a date and a reply prefix in the subject). The reader writes French here, so only the
# program's lines change from one case to the next.
UNLISTED_WROTE = [
    ("cs-gmail", f"Dne po 4. 3. 2024 v 10:15 odesílatel {AUTHOR} napsal:"),
    ("sk-gmail", f"po 4. 3. 2024 o 10:15 {AUTHOR} napísal(a):"),
    ("tr-gmail", f"4 Mar 2024 Pzt, 10:15 tarihinde {AUTHOR} şunu yazdı:"),
    ("el-gmail", f"Στις Δευ 4 Μαρ 2024 στις 10:15, ο/η {AUTHOR} έγραψε:"),
    ("hu-gmail", f"{AUTHOR} ezt írta (időpont: 2024. márc. 4., H, 10:15):"),
    ("ro-gmail", f"Pe lun., 4 mar. 2024 la 10:15, {AUTHOR} a scris:"),
    ("hr-gmail", f"pon, 4. ožu 2024. u 10:15 {AUTHOR} napisao je:"),
    ("lt-gmail", f"2024-03-04, pr, 10:15 {AUTHOR} rašė:"),
    ("id-gmail", f"Pada tanggal Sen, 4 Mar 2024 pukul 10.15 {AUTHOR} menulis:"),
    ("ca-gmail", f"El dl., 4 de març 2024, a les 10:15, {AUTHOR} va escriure:"),
    ("th-gmail", f"เมื่อ จ. 4 มี.ค. 2024 เวลา 10:15 {AUTHOR} เขียนว่า:"),
    ("hi-gmail", f"सोम, 4 मार्च 2024 को 10:15 am बजे {AUTHOR} ने लिखा:"),
    ("cs-thunderbird", "Dne 04. 03. 24 v 10:15 Camille Durand napsal(a):"),  # no address
    ("ro-wrapped", "Pe lun., 4 mar. 2024 la 10:15, Camille Durand <\ncamille@lettre.example> "
                   "a scris:"),
]  # fmt: skip

UNLISTED_OUTLOOK = [
    ("cs-outlook", f"Od: {AUTHOR}\nOdesláno: pondělí 4. března 2024 10:15\n"
                   "Komu: lea@example.org\nPředmět: RE: La semaine de quatre jours"),
    ("tr-outlook", f"Kimden: {AUTHOR}\nGönderildi: 4 Mart 2024 Pazartesi 10:15\n"
                   "Kime: lea@example.org\nKonu: YNT: La semaine de quatre jours"),
    ("hu-outlook", f"Feladó: {AUTHOR}\nElküldve: 2024. március 4., hétfő 10:15\n"
                   "Címzett: lea@example.org\nTárgy: Vá: La semaine de quatre jours"),
    ("el-outlook", f"Από: {AUTHOR}\nΣτάλθηκε: Δευτέρα, 4 Μαρτίου 2024 10:15 πμ\n"
                   "Προς: lea@example.org\nΘέμα: ΑΠ: La semaine de quatre jours"),
    ("ro-outlook", f"De la: {AUTHOR}\nTrimis: luni, 4 martie 2024 10:15\n"
                   "Către: lea@example.org\nSubiect: RE: La semaine de quatre jours"),
    ("cs-outlook-separator", "-----Původní zpráva-----\n"
                             f"Od: {AUTHOR}\nOdesláno: pondělí 4. března 2024 10:15\n"
                             "Komu: lea@example.org\nPředmět: RE: La semaine de quatre jours"),
]  # fmt: skip


@pytest.mark.parametrize(("case_id", "header"), UNLISTED_WROTE, ids=[c[0] for c in UNLISTED_WROTE])
def test_a_quote_header_of_an_unlisted_language_is_cut_with_its_quote(
    case_id: str, header: str
) -> None:
    reader = READER["fr"]
    own, quoted = split_reply(f"{reader}\n\n{header}\n{QUOTED}\n")
    assert own == reader
    assert header.splitlines()[-1] in quoted and ISSUE[1] in quoted
    own, quoted = split_reply(f"{header}\n{QUOTED}\n\n{reader}\n")  # answered below the quote
    assert own == reader


@pytest.mark.parametrize(("case_id", "block"), UNLISTED_OUTLOOK,
                         ids=[c[0] for c in UNLISTED_OUTLOOK])
def test_an_outlook_block_of_an_unlisted_language_quotes_everything_below(
    case_id: str, block: str
) -> None:
    reader = READER["fr"]
    own, quoted = split_reply(f"{reader}\n\n{block}\n\n{PLAIN}\n")
    assert own.startswith(reader)
    assert "Camille Durand" not in own and ISSUE[1] not in own
    assert block.splitlines()[-1] in quoted and ISSUE[1] in quoted


@pytest.mark.parametrize("text", [
    # a colon line naming someone without brackets, then a quote: the reader's own sentence
    "Voici ce que m'a répondu paul@collegue.example :\n> On garde le vendredi libre.\n\n"
    "Qu'en penses-tu ?",
    # the reader's own list of fields (an event): no reply prefix, so not a header block
    "Je vous propose une intervention :\nContact : marie@asso.example\n"
    "Copie : paul@asso.example\nDate : jeudi 12 mars 2026, 18:30\nLieu : Nantes\n\n"
    "Dites-moi si cela vous convient.",
])
def test_the_readers_own_colon_lines_stay_theirs(text: str) -> None:
    own, _ = split_reply(text)
    assert own.splitlines()[0] == text.splitlines()[0]
    assert own.splitlines()[-1] == text.splitlines()[-1]


def test_a_forward_marker_of_an_unlisted_language_keeps_the_forwarded_block() -> None:
    reader = READER["fr"]
    marker = ("---------- Přeposlaná zpráva ---------\n"
              f"Od: {AUTHOR}\nDate: po 4. 3. 2024 v 10:15\n"
              "Subject: Fwd: La semaine de quatre jours\nTo: <jan@firma.example>")
    own, _ = split_reply(f"{reader}\n\n{marker}\n\n{PLAIN}\n")
    assert own.startswith(reader) and ISSUE[1] in own


# "Sent from my iPhone" as phones write it in other languages, below the reader's words
DEVICE_LINES = [
    "Von meinem iPhone gesendet", "Von meinem Samsung Galaxy Smartphone gesendet",
    "Verstuurd vanaf mijn iPhone", "Отправлено с iPhone", "Надіслано з iPhone",
    "Odesláno z iPhonu", "Lähetetty iPhonesta", "iPhone'umdan gönderildi", "iPhoneから送信",
    "发自我的iPhone", "나의 iPhone에서 보냄", "Στάλθηκε από το iPhone μου",
    "Trimis de pe iPhone-ul meu", "Poslano s mog iPhonea", "Az iPhone-omról küldve",
    "Dikirim dari iPhone saya",
]


@pytest.mark.parametrize("line", DEVICE_LINES)
def test_a_device_line_in_another_language_is_cut(line: str) -> None:
    reader = READER["fr"]
    own, removed = split_reply(f"{reader}\n\n{line}\n")
    assert own == reader and line in removed


@pytest.mark.parametrize("line", ["Von meinem Standpunkt aus ist das falsch.",
                                  "Die Datei wurde gestern gesendet", "Bu mesaj dün gönderildi"])
def test_a_readers_line_with_the_same_verbs_stays(line: str) -> None:
    reader = READER["fr"]
    own, _ = split_reply(f"{reader}\n\n{line}\n")
    assert own.endswith(line)


SIGN_OFFS = ["Pozdrawiam,", "S pozdravem,", "Med vänliga hälsningar,", "Venlig hilsen,",
             "Terveisin,", "Saygılarımla,", "С уважением,", "З повагою,", "Üdvözlettel,",
             "Cu stimă,", "Srdačan pozdrav,", "Beste Grüße,", "Groetjes,", "Un abrazo,",
             "Distinti saluti,", "Cumprimentos,", "Mvh,"]


@pytest.mark.parametrize("sign_off", SIGN_OFFS)
def test_a_signature_below_a_sign_off_of_another_language_is_cut(sign_off: str) -> None:
    reader = READER["de"]
    text = f"{reader}\n\n{sign_off}\nJan Kowalski\nAcme GmbH\n"
    own, removed = split_reply(text)
    assert own.startswith(reader) and "Kowalski" not in own and "Acme" in removed
    assert signed_name(text) == "Jan Kowalski"
