"""Jinja2 environment over prompts/ (StrictUndefined): render(name, **context)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import jinja2

from inbox_agent.errors import DraftError

PROMPTS_ENV = "INBOX_AGENT_PROMPTS"


def prompts_dir() -> Path:
    """$INBOX_AGENT_PROMPTS, else the prompts shipped in the wheel, else the source tree's."""
    if os.environ.get(PROMPTS_ENV):
        return Path(os.environ[PROMPTS_ENV])
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_prompts"
    if packaged.is_dir():
        return packaged
    return package.parent / "prompts"


@functools.lru_cache(maxsize=4)
def environment(folder: str | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder or str(prompts_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain-text prompts and mail, never HTML
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def template_names(folder: str | None = None) -> list[str]:
    return sorted(n for n in environment(folder).list_templates() if n.endswith(".j2"))


def render(name: str, /, **context: object) -> str:
    """Render prompts/<name> with the context; a missing variable is an error."""
    try:
        return environment().get_template(name).render(**context).strip() + "\n"
    except jinja2.TemplateNotFound as err:
        raise DraftError(f"prompt template {name} not found in {prompts_dir()}") from err
    except jinja2.UndefinedError as err:
        raise DraftError(f"prompt template {name}: {err.message}") from err
    except jinja2.TemplateSyntaxError as err:
        raise DraftError(f"prompt template {name}, line {err.lineno}: {err.message}") from err
