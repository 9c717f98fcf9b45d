"""llm.py: building chat models from config, parsing and validating their answers, retries."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage

from inbox_agent.drafting import llm
from inbox_agent.errors import DraftError
from tests.fixtures_openai import Answer


@dataclass(frozen=True)
class Llm:
    model: str = "openai:gpt-test"
    base_url: str = ""
    api_key_env: str = ""
    temperature: float = 0.2
    timeout: float = 5.0
    max_retries: int = 0
    structured_output: bool = True


MESSAGES = [("system", "You draft replies."), ("human", "Draft a reply.")]
GOOD = json.dumps({"reply": "Bonjour Marie, merci !", "cited_issues": ["https://x.example/41"]})


@pytest.mark.parametrize(
    ("text", "reply", "cited"),
    [
        (GOOD, "Bonjour Marie, merci !", ["https://x.example/41"]),
        (f"```json\n{GOOD}\n```", "Bonjour Marie, merci !", ["https://x.example/41"]),
        ('{"reply": "Hi"}', "Hi", []),
        ("Hi Marie,\n\nThanks!", "Hi Marie,\n\nThanks!", []),
    ],
)
def test_a_completion_is_parsed_from_json_or_plain_text(text, reply, cited):
    parsed = llm.parse_reply(text)
    assert (parsed.reply, parsed.cited_issues) == (reply, cited)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"reply": "unterminated', "malformed"),
        ('{"text": "wrong key"}', "reply: Field required"),
        ('{"reply": ""}', "reply: String should have at least 1 character"),
        ("   ", "empty"),
    ],
)
def test_an_unusable_completion_says_why(text, reason):
    with pytest.raises(llm.InvalidOutputError, match=reason):
        llm.parse_reply(text)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("gpt-4o", "provider:model"),
        ("cohere:command", "not supported"),
        ("mistralai:mistral-small-latest", r"pip install 'inbox-agent\[mistralai\]'"),
        ("anthropic:claude-sonnet-4-5", r"pip install 'inbox-agent\[anthropic\]'"),
    ],
)
def test_unusable_model_settings_say_what_to_do(model, message):
    with pytest.raises(DraftError) as caught:
        llm.build_chat_model(Llm(model=model))
    assert re.search(message, f"{caught.value} / {caught.value.hint}")


def test_a_missing_api_key_names_the_variable(monkeypatch):
    monkeypatch.delenv("MY_LLM_KEY", raising=False)
    with pytest.raises(DraftError, match="API key") as caught:
        llm.build_chat_model(Llm(api_key_env="MY_LLM_KEY"))
    assert "MY_LLM_KEY" in caught.value.hint


def test_openai_model_gets_the_configured_client_settings(monkeypatch):
    monkeypatch.setenv("MY_LLM_KEY", "sk-test")
    settings = Llm(base_url="http://127.0.0.1:9/v1", api_key_env="MY_LLM_KEY",
                   timeout=7.5, max_retries=4)
    model = llm.build_chat_model(settings)
    assert (model.model_name, model.temperature) == ("gpt-test", 0.2)
    assert (model.request_timeout, model.max_retries) == (7.5, 4)
    assert model.openai_api_base == "http://127.0.0.1:9/v1"
    assert model.openai_api_key.get_secret_value() == "sk-test"


def test_fake_models_without_structured_output_fall_back_to_the_text_answer():
    model = FakeListChatModel(responses=[GOOD])
    reply, why = llm.ask_reply(model, MESSAGES, structured=True)
    assert reply is not None and reply.reply == "Bonjour Marie, merci !" and why == ""


def test_invalid_output_gets_one_repair_round_with_the_reason():
    model = GenericFakeChatModel(messages=iter([AIMessage('{"reply": '), AIMessage(GOOD)]))
    asked = []

    def repair(raw, reason):
        asked.append((raw, reason))
        return [("ai", raw), ("human", f"Invalid: {reason}")]

    reply, _ = llm.ask_reply(model, MESSAGES, repair=repair)
    assert reply is not None and reply.cited_issues == ["https://x.example/41"]
    assert asked[0][0] == '{"reply": ' and "malformed" in asked[0][1]


def test_output_invalid_after_the_repair_returns_the_reason():
    model = FakeListChatModel(responses=['{"nope": 1}', '{"still": "no"}'])
    reply, why = llm.ask_reply(model, MESSAGES, repair=lambda raw, reason: [("human", reason)])
    assert reply is None and "reply: Field required" in why


class Flaky:
    """A callable failing with the given errors before answering."""

    def __init__(self, *errors: BaseException):
        self.errors = list(errors)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


class RateLimitError(Exception):
    status_code = 429


def test_transient_failures_are_retried_with_growing_backoff():
    waits: list[float] = []
    flaky = Flaky(TimeoutError("slow"), RateLimitError("429"))
    assert llm.call_with_retries(flaky, attempts=3, backoff=0.5, sleep=waits.append) == "ok"
    assert flaky.calls == 3 and waits == [0.5, 1.0]


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (TimeoutError("slow"), "timeout"),
        (RateLimitError("slow down"), "429"),
        (ConnectionRefusedError("refused"), "cannot reach the model server"),
        (ValueError("bad"), "ValueError"),
    ],
)
def test_retries_are_bounded_and_end_in_a_draft_error_with_the_reason(error, reason):
    flaky = Flaky(*[error] * 5)
    with pytest.raises(DraftError, match=reason):
        llm.call_with_retries(flaky, attempts=2, sleep=lambda s: None)
    assert flaky.calls == (2 if llm.is_transient(error) else 1)


def test_structured_output_against_an_openai_compatible_server(openai_server):
    openai_server.answer(GOOD)
    model = llm.build_chat_model(Llm(base_url=openai_server.url))
    reply, _ = llm.ask_reply(model, MESSAGES, structured=True)
    assert reply.reply == "Bonjour Marie, merci !"
    sent = openai_server.requests[-1]
    assert sent["response_format"]["type"] == "json_schema"
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]


def test_plain_completion_when_structured_output_is_off(openai_server):
    openai_server.answer("Hello Marie, thanks!")
    model = llm.build_chat_model(Llm(base_url=openai_server.url))
    reply, _ = llm.ask_reply(model, MESSAGES, structured=False)
    assert reply.reply == "Hello Marie, thanks!"
    assert "response_format" not in openai_server.requests[-1]


def test_rate_limit_then_success_is_retried_by_the_client(openai_server):
    openai_server.answer(Answer("slow down", status=429, headers={"retry-after-ms": "10"}), GOOD)
    model = llm.build_chat_model(Llm(base_url=openai_server.url, max_retries=2))
    reply, _ = llm.ask_reply(model, MESSAGES)
    assert reply is not None and len(openai_server.requests) == 2


def test_rate_limit_beyond_the_retries_is_a_draft_error(openai_server):
    openai_server.answer(Answer("slow down", status=429, headers={"retry-after-ms": "10"}))
    model = llm.build_chat_model(Llm(base_url=openai_server.url, max_retries=1))
    with pytest.raises(DraftError, match="429"):
        llm.ask_reply(model, MESSAGES)
    assert len(openai_server.requests) == 2


def test_a_refused_connection_is_a_draft_error():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = llm.build_chat_model(Llm(base_url=f"http://127.0.0.1:{port}/v1", max_retries=0))
    with pytest.raises(DraftError, match="cannot reach the model server"):
        llm.ask_reply(model, MESSAGES)
