"""The review page in the author's language: the catalogs, dates and numbers of
inbox_agent.i18n, installed on the page's Jinja2 environment with the `jinja2.ext.i18n`
extension. The page speaks `web.language`, or else `author.default_language` (the command
line follows the same rule); a language without a catalog gets English. What the other
stages wrote in English (a draft's flags, why a message was set apart, an error) is said
in it by the `note` filter (inbox_agent.i18n.notes)."""

from __future__ import annotations

import functools

from inbox_agent.i18n import notes
from inbox_agent.i18n.language import N_, AuthorLanguage, author_language

PageLanguage = AuthorLanguage  # the page speaks the author's language
page_language = author_language

__all__ = ["N_", "PageLanguage", "install", "page_language"]


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
    env.filters["note"] = functools.partial(notes.said, lang=language)  # a stage's English
