"""The author's language: gettext catalogs read with Babel, dates and numbers in the author's
locale and time zone. The review page and the command line speak it alike.

The catalogs are the `locale/<language>/LC_MESSAGES/messages.po` files beside this module,
one domain for the page and the command line. They are compiled in memory by Babel the
first time a language is asked for (nothing binary ships). The author's language is
`web.language`, or else `author.default_language`; without a config, the one of the
environment's locale (LC_ALL, LC_MESSAGES, LANG). A language without a catalog gets English.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages import mofile, pofile
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from inbox_agent.config import Config

LOCALE_DIR = Path(__file__).parent / "locale"
SPOKEN = ("fr", "en")  # the languages with a catalog: those inbox-agent speaks to the author
FALLBACK = "en"
DOMAIN = "messages"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX order: the first set one wins


def N_(message: str) -> str:  # noqa: N802 - the gettext name for "translated later"
    """Marks a message for the catalogs where it is defined; it is translated when shown."""
    return message


def spoken(code: str | None) -> str:
    """`code` when it has a catalog ("fr", "en"), else English."""
    wanted = (code or "").lower()
    return wanted if wanted in SPOKEN else FALLBACK


def author_language(config: Config) -> str:
    """`web.language`, else `author.default_language`; English when there is no catalog."""
    return spoken(config.web.language or config.author.default_language)


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the environment's locale ("fr_FR.UTF-8" -> "fr"), for when no config
    says it; English for C, POSIX and any language without a catalog."""
    environ = os.environ if environ is None else environ
    value = next((environ[name] for name in LOCALE_VARIABLES if environ.get(name)), "")
    return spoken(value.split(".")[0].split("_")[0].split("-")[0])


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=len(SPOKEN))
def translations(language: str) -> Translations:
    """The compiled catalog of `language` (read once per process)."""
    with catalog_path(language).open("rb") as po:
        catalog = pofile.read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    mofile.write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _moment(value: object) -> datetime | None:
    """A datetime from a datetime or an ISO text (as the state database keeps them)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class AuthorLanguage:
    """What the page or the command line needs to speak one language: its messages, its
    locale, the author's time zone."""

    code: str
    messages: Translations
    locale: Locale
    zone: ZoneInfo

    @classmethod
    def for_config(cls, config: Config) -> AuthorLanguage:
        return cls.for_code(author_language(config), config.schedule.timezone)

    @classmethod
    def for_code(cls, code: str, timezone: str = "") -> AuthorLanguage:
        code = spoken(code)
        return cls(code, translations(code), Locale.parse(code), _zone(timezone))

    def gettext(self, message: str, /, **values: object) -> str:
        text = self.messages.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        return self.messages.ngettext(singular, plural, n) % {"num": n, **values}

    def _local(self, value: object) -> datetime | None:
        moment = _moment(value)
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(self.zone)
        return moment

    def when(self, value: object, now: datetime | None = None) -> str:
        """"lundi 23 octobre, 14:02" in the author's time zone (with the year when not this
        year's); "" when there is no readable moment."""
        day = self.long_day(value, now)
        return f"{day}, {self.clock(value)}" if day else ""

    def long_day(self, value: object, now: datetime | None = None) -> str:
        """"lundi 23 octobre" ("Monday 23 October"), with the year when not this year's."""
        moment = self._local(value)
        if moment is None:
            return ""
        this_year = (now or datetime.now(self.zone)).year == moment.year
        pattern = "EEEE d MMMM" if this_year else "EEEE d MMMM y"
        return format_datetime(moment, pattern, locale=self.locale)

    def clock(self, value: object) -> str:
        """"14:02", in the author's time zone."""
        moment = self._local(value)
        return format_datetime(moment, "HH:mm", locale=self.locale) if moment else ""

    def day(self, value: object, now: datetime | None = None) -> str:
        """"23 oct." ("23 Oct"), with the year when not this year's."""
        moment = self._local(value)
        if moment is None:
            return ""
        this_year = (now or datetime.now(self.zone)).year == moment.year
        return format_date(moment, "d MMM" if this_year else "d MMM y", locale=self.locale)

    def day_of_month(self, value: object) -> str:
        """"23 oct." ("23 Oct") whatever the year: for labels too narrow for one."""
        moment = self._local(value)
        return format_date(moment, "d MMM", locale=self.locale) if moment else ""

    def language_name(self, code: str | None) -> str:
        """The name of a language in the author's language ("anglais"); "?" when unknown."""
        if not code:
            return "?"
        return self.locale.languages.get(code, code)

    def percent(self, ratio: float) -> str:
        return format_percent(ratio, locale=self.locale)

    def decimal(self, value: float) -> str:
        return format_decimal(value, "0.00", locale=self.locale)

    def number(self, value: float, decimals: int = 0) -> str:
        """"1 234" ("1,234"), with up to `decimals` digits after the separator."""
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        return format_decimal(value, pattern, locale=self.locale)
