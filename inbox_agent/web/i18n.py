"""The review page in the author's language: gettext catalogs read with Babel, dates and
numbers in the author's locale and time zone.

The catalogs are the `locale/<language>/LC_MESSAGES/messages.po` files beside this module.
They are compiled in memory by Babel when an application is created (nothing binary ships),
and installed on that application's Jinja2 environment with the `jinja2.ext.i18n`
extension. The page speaks `web.language`, or else `author.default_language`; a language
without a catalog gets English.
"""

from __future__ import annotations

import functools
import io
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
PAGE_LANGUAGES = ("fr", "en")  # the languages with a catalog
FALLBACK = "en"
DOMAIN = "messages"


def N_(message: str) -> str:  # noqa: N802 - the gettext name for "translated later"
    """Marks a message for the catalogs where it is defined; it is translated when shown."""
    return message


def page_language(config: Config) -> str:
    """`web.language`, else `author.default_language`; English when there is no catalog."""
    wanted = (config.web.language or config.author.default_language or "").lower()
    return wanted if wanted in PAGE_LANGUAGES else FALLBACK


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=len(PAGE_LANGUAGES))
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
class PageLanguage:
    """What the page needs to speak one language: its messages, its locale, the time zone."""

    code: str
    messages: Translations
    locale: Locale
    zone: ZoneInfo

    @classmethod
    def for_config(cls, config: Config) -> PageLanguage:
        code = page_language(config)
        return cls(code, translations(code), Locale.parse(code), _zone(config.schedule.timezone))

    def gettext(self, message: str, **values: object) -> str:
        text = self.messages.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self.messages.ngettext(singular, plural, n) % {"num": n, **values}

    def _local(self, value: object) -> datetime | None:
        moment = _moment(value)
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(self.zone)
        return moment

    def when(self, value: object, now: datetime | None = None) -> str:
        """"lundi 23 octobre, 14:02" in the author's time zone (with the year when not this
        year's); "" when there is no readable moment."""
        moment = self._local(value)
        if moment is None:
            return ""
        this_year = (now or datetime.now(self.zone)).year == moment.year
        pattern = "EEEE d MMMM, HH:mm" if this_year else "EEEE d MMMM y, HH:mm"
        return format_datetime(moment, pattern, locale=self.locale)

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
        """The name of a language in the page's language ("anglais"); "?" when unknown."""
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


def install(env, language: PageLanguage) -> None:
    """The i18n extension on a Jinja2 environment, with `language`'s messages and formats."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(language.messages, newstyle=True)
    env.globals["page_lang"] = language.code
    env.filters["when"] = language.when
    env.filters["day"] = language.day
    env.filters["language_name"] = language.language_name
    env.filters["percent"] = language.percent
    env.filters["decimal"] = language.decimal
    env.filters["number"] = language.number
    env.filters["day_of_month"] = language.day_of_month
