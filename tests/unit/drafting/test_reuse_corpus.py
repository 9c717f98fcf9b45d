"""Answer reuse and voice on the real reader→author exchanges of the shared blog corpora."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from inbox_agent.drafting.reuse import answer_body, reader_names
from inbox_agent.drafting.voice import Sample, greeting_form, learn_voice
from inbox_agent.intake.names import first_name


def exchanges(corpora, language: str) -> list[tuple[dict, dict]]:
    """(reader comment, the post author's answer to it): fr threads by comment id; en by the
    position of the thread's first comment (answered: the latest reader comment before)."""
    rows = [json.loads(line) for line in
            (corpora / f"blog_comments_{language}" / "comments.jsonl").read_text().splitlines()]
    pairs = []
    by_post: dict[str, list[dict]] = {}
    for row in rows:
        by_post.setdefault(row["post"], []).append(row)
    for comments in by_post.values():
        ids = {str(c["id"]): c for c in comments}
        for answer in (c for c in comments if c["is_post_author"] and c["replying_to"]):
            reader = ids.get(str(answer["replying_to"])) if language == "fr" else None
            if language == "en":
                before = [c for c in comments if not c["is_post_author"]
                          and c["date"] < answer["date"]]
                reader = before[-1] if before else None
            if reader and not reader["is_post_author"]:
                pairs.append((reader, answer))
    return pairs


@pytest.fixture(scope="module", params=["fr", "en"])
def pairs(request, corpora):
    found = exchanges(corpora, request.param)
    assert len(found) > 100, "the corpus should hold its reader→author exchanges"
    return found


def name_words(reader: dict) -> list[str]:
    return [w for w in reader_names(first_name(reader["author"]), reader["author"])
            if len(w) >= 3 and w.isalpha()]


def test_an_answer_offered_to_another_reader_keeps_none_of_the_first_readers_details(pairs):
    kept = 0
    for reader, answer in pairs:
        names = name_words(reader)
        body = answer_body(answer["text"], names)
        for name in names:
            assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", body, re.IGNORECASE), (
                name, body[:200])
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", body)
        assert "[" not in body and "]" not in body
        kept += len(body.split()) >= 3
    assert kept >= 0.8 * len(pairs)  # the substance stays


def test_the_learned_voice_is_made_of_forms_the_author_used_at_least_twice(pairs):
    samples = [Sample(answer["text"], answer.get("post_lang") or "", first_name(reader["author"]))
               for reader, answer in pairs]
    language = next(s.language for s in samples if s.language) if samples[0].language else "en"
    samples = [Sample(s.text, s.language or language, s.first_name) for s in samples]
    voice = learn_voice(samples, ["Romain", "Michael", "Michael Rose"])
    used = Counter()
    for sample in samples:
        line = sample.text.strip().splitlines()[0].strip() if sample.text.strip() else ""
        form, _ = greeting_form(line, sample.first_name)
        used[form] += bool(form)
    for forms in [*voice.greetings_named.values(), *voice.greetings.values()]:
        for form in forms:
            assert used[form] >= 2 and not re.search(r"\d|@|://", form)
    for forms in voice.closings.values():
        for form in forms:
            assert re.search(r"[^\W\d_]{2,}", form) and not form.startswith(("`", ">"))
            assert sum(s.text.rstrip().endswith(form) or f"\n{form}\n" in s.text
                       for s in samples) >= 2
