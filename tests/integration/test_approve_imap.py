"""Approval into a real IMAP Drafts folder (Dovecot, Cyrus): only our own draft is replaced."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from inbox_agent.mail import compose
from inbox_agent.review import approve as review
from tests.fixtures_cyrus import on_servers
from tests.fixtures_dovecot import ImapUser
from tests.unit.review.test_approve import (
    AUTHOR,
    QUESTION,
    THANKS,
    mail,
    make_env,
)


@pytest.fixture
def imap_user(imap_server) -> ImapUser:
    """A fresh account on each real IMAP server in turn (tests/fixtures_cyrus.py)."""
    return imap_server.add_user()


def test_imap_approval_replaces_only_our_own_draft(tmp_path, imap_user):
    env = make_env(tmp_path, [THANKS, QUESTION], imap_user=imap_user)
    own = mail(9, f"Camille <{AUTHOR}>", "A note to self", "hand-written draft")
    imap_user.append(imap_user.drafts, own, flags=[r"\Draft"])
    draft_id = env.draft_id("<m1@reader.example>")
    review.approve(env.config, draft_id, source=env.source_factory(), index=env.index)
    review.approve(env.config, draft_id, "Merci Marie, édité.", source=env.source_factory(),
                   index=env.index)
    drafts = imap_drafts(imap_user)
    subjects = sorted(m["Subject"] for m, _ in drafts)
    assert subjects == ["A note to self", "Re: L'Atelier du Futur #38"]
    ours = next(m for m, _ in drafts if m[compose.MARKER_HEADER])
    flags = next(f for m, f in drafts if m[compose.MARKER_HEADER])
    assert b"\\Draft" in flags
    assert ours["In-Reply-To"] == "<m1@reader.example>"
    assert ours["References"].split() == ["<atelier-38@atelier-du-futur.example>",
                                          "<m1@reader.example>"]
    assert ours.get_content().startswith("Merci Marie, édité.")
    assert env.row(draft_id)["destination"].startswith(f"IMAP {imap_user.drafts} (uid ")


def imap_drafts(user) -> list:
    client = user.client()
    try:
        client.select_folder(user.drafts)
        uids = client.search(["ALL"])
        data = client.fetch(uids, ["BODY.PEEK[]", "FLAGS"]) if uids else {}
    finally:
        client.logout()
    return [(message_from_bytes(d[b"BODY[]"], policy=policy.default), d[b"FLAGS"])
            for _, d in sorted(data.items())]


# cyrus-inbox turns 8-bit header bytes into "X" (munge8bit), the reader's own reply included:
# the address is lost on the way in, before any draft exists.
@on_servers("dovecot", "cyrus")
def test_a_reply_to_an_address_beyond_ascii_lands_in_the_imap_drafts(tmp_path, imap_user):
    andre = mail(8, "André <andré@exemple.fr>", "Re: #38", "Merci pour le billet !")
    env = make_env(tmp_path, [andre], imap_user=imap_user)
    draft_id = env.draft_id("<m8@reader.example>")
    review.approve(env.config, draft_id, "Merci André !", source=env.source_factory())
    [(saved, flags)] = imap_drafts(imap_user)
    to = str(saved["To"]).encode("utf-8", "surrogateescape").decode("utf-8")
    assert to == "André <andré@exemple.fr>" and saved["In-Reply-To"] == "<m8@reader.example>"
    assert env.row(draft_id)["status"] == "approved"
