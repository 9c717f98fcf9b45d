"""Every template in prompts/ renders under StrictUndefined with a full context."""

from __future__ import annotations

import jinja2
import pytest

from inbox_agent import prompts
from inbox_agent.errors import DraftError

ISSUE = {"title": "T", "date": "1 juin 2026", "url": "https://x.example/p/t", "sentence": "S.",
         "answered": False}
CONTEXTS = {
    "grounded_fr.j2": dict(first_name="Ana", register="tu", intent="question", topic="",
                           point="Une question ?", issues=[ISSUE], signature="Camille"),
    "grounded_en.j2": dict(first_name="Ana", intent="idea", topic="", point="An idea.",
                           issues=[ISSUE, ISSUE], signature="Camille"),
}


def test_every_template_has_a_test_context():
    assert set(prompts.template_names()) <= set(CONTEXTS), "add a context for the new template"


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_template_renders_with_its_context(name):
    text = prompts.render(name, **CONTEXTS[name])
    assert "Camille" in text and "{{" not in text


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_template_refuses_a_missing_variable(name):
    context = dict(CONTEXTS[name])
    context.pop("signature")
    with pytest.raises(DraftError, match="signature"):
        prompts.render(name, **context)


def test_environment_is_strict():
    assert prompts.environment().undefined is jinja2.StrictUndefined
