"""`[author] sign_off` closes every grounded draft, in place of the generic closing line."""

from __future__ import annotations

import pytest

from inbox_agent.drafting import prompts
from inbox_agent.drafting.grounded import DraftRequest, grounded_draft
from inbox_agent.drafting.languages import DRAFT_LANGUAGES

GENERIC = {"fr": "Au plaisir", "en": "Talk soon"}


@pytest.mark.parametrize("language", sorted(DRAFT_LANGUAGES))
def test_the_authors_sign_off_ends_the_draft_above_the_signature(language):
    request = DraftRequest(reply_text="Merci !", language=language, first_name="Claire",
                           intent="thanks")
    plain = grounded_draft(request, render=prompts.render, signature="Camille").text
    signed = grounded_draft(request, render=prompts.render, signature="Camille",
                            sign_off="Belle journée ! 🌞").text
    assert "Belle journée" not in plain
    spaced = signed.replace("\u202f", " ").replace("\xa0", " ")  # French typography
    assert spaced.rstrip().endswith("Belle journée ! 🌞\nCamille")
    lines = [line for line in plain.strip().splitlines() if line.strip()]
    generic = lines[-2]  # the template's own closing, which the sign-off replaces
    assert generic not in signed
    if language in GENERIC:
        assert generic.startswith(GENERIC[language])
