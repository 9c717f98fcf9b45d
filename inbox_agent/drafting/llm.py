"""The only place that builds LangChain chat models and messages, and the one way drafts are
asked of them.

`build_chat_model(settings)` turns the [llm] section into a chat model through
`init_chat_model`; `ask_reply(model, messages, …)` gets a validated `ModelReply`
back (structured output when the provider supports it, else JSON or plain text
parsed from the completion), with bounded retries on transient failures and
one repair round on invalid output. Transport failures become DraftError.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field, ValidationError

from inbox_agent.errors import DraftError

log = logging.getLogger(__name__)

PROVIDERS = {"openai", "ollama", "mistralai", "anthropic"}
# Providers whose client takes timeout and max_retries and retries with backoff itself.
CLIENT_RETRIES = {"openai", "mistralai", "anthropic"}


class ModelReply(BaseModel):
    """What the model must return: the reply text and the URLs of the issues it cites."""

    reply: str = Field(min_length=1, description="The reply to the reader, ready to review.")
    cited_issues: list[str] = Field(
        default_factory=list, description="URLs of the archive issues the reply cites."
    )


def prompt_messages(system: str, human: str) -> list[BaseMessage]:
    """The conversation of one request: the system prompt, then the author's request."""
    return [SystemMessage(system), HumanMessage(human)]


def repair_messages(raw: str, again: str) -> list[BaseMessage]:
    """The model's invalid answer, then the request to fix it (one repair round)."""
    return [AIMessage(raw or "(empty)"), HumanMessage(again)]


class InvalidOutputError(Exception):
    """The model answered, but not with a usable reply; the message says why."""

    def __init__(self, reason: str, raw: str = ""):
        super().__init__(reason)
        self.raw = raw


def provider_of(model: str) -> str:
    if ":" not in model:
        raise DraftError(
            f"llm.model = {model!r} names no provider",
            hint='write it as provider:model, e.g. "ollama:mistral-small" or "openai:gpt-4o-mini"'
        )
    provider = model.split(":", 1)[0]
    if provider not in PROVIDERS:
        raise DraftError(
            f"llm.model provider {provider!r} is not supported: use one of "
            + ", ".join(sorted(PROVIDERS))
        )
    return provider


def model_kwargs(settings: Any) -> dict[str, Any]:
    """Keyword arguments for init_chat_model from the [llm] settings."""
    provider = provider_of(settings.model)
    kwargs: dict[str, Any] = {"temperature": settings.temperature}
    if settings.base_url:
        kwargs["base_url"] = settings.base_url
    if provider in CLIENT_RETRIES:
        kwargs["timeout"] = settings.timeout
        kwargs["max_retries"] = settings.max_retries
    if settings.api_key_env:
        key = os.environ.get(settings.api_key_env, "")
        if not key:
            raise DraftError(
                f"the API key for {settings.model} is missing",
                hint=f"set the environment variable {settings.api_key_env} (llm.api_key_env)",
            )
        kwargs["api_key"] = key
    elif provider == "openai" and settings.base_url and not os.environ.get("OPENAI_API_KEY"):
        kwargs["api_key"] = "unused"  # local OpenAI-compatible servers often need no key
    return kwargs


def build_chat_model(settings: Any) -> Any:
    """A LangChain chat model for `settings.model` ("provider:name"); nothing is contacted."""
    from langchain.chat_models import init_chat_model

    provider = provider_of(settings.model)
    kwargs = model_kwargs(settings)
    try:
        return init_chat_model(settings.model, **kwargs)
    except ImportError as err:
        raise DraftError(
            f"the {provider} provider is not installed: pip install 'inbox-agent[{provider}]'"
        ) from err
    except (ValueError, TypeError) as err:
        raise DraftError(f"llm.model = {settings.model!r} cannot be used: {err}") from err
    except Exception as err:  # provider clients check credentials with their own errors
        raise DraftError(
            f"llm.model = {settings.model!r} cannot be used ({str(err)[:200]}): "
            "set llm.api_key_env to the variable holding your API key"
        ) from err


def model_name(model: Any) -> str:
    for attr in ("model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


# --- parsing -----------------------------------------------------------------

FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def content_text(message: Any) -> str:
    """The text of a chat message whose content is a string or a list of parts."""
    content = getattr(message, "content", message)
    if isinstance(content, list):
        parts = [p.get("text", "") if isinstance(p, dict) else str(p) for p in content]
        content = "".join(parts)
    return str(content or "")


def parse_reply(text: str) -> ModelReply:
    """A ModelReply from a completion: a JSON object (fenced or not), else the plain text."""
    stripped = text.strip()
    fenced = FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1).strip()
    if stripped.startswith("{") or fenced:
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as err:
            reason = f"the JSON is malformed ({err.msg} at char {err.pos})"
            raise InvalidOutputError(reason, text) from err
        try:
            return ModelReply.model_validate(data)
        except ValidationError as err:
            reason = f"the JSON does not match the schema: {_short(err)}"
            raise InvalidOutputError(reason, text) from err
    if not stripped:
        raise InvalidOutputError("the answer is empty", text)
    return ModelReply(reply=stripped, cited_issues=[])


def _short(err: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in err.errors())


# --- calling -----------------------------------------------------------------

TRANSIENT = ("timeout", "ratelimit", "connection", "serviceunavailable", "overloaded")


def describe_failure(err: BaseException) -> str:
    """A one-line reason for a failed model call, saying what to do."""
    name = type(err).__name__.lower()
    status = getattr(err, "status_code", None)
    if "timeout" in name:
        return "the model did not answer in time (timeout): raise llm.timeout or check the server"
    if "ratelimit" in name or status == 429:
        return "the model server refused: too many requests (429); try again later"
    if "connection" in name or isinstance(err, ConnectionError):
        return "cannot reach the model server: check llm.base_url and that the server runs"
    if "authentication" in name or status == 401:
        return "the model server refused the API key (401): check llm.api_key_env"
    return f"the model call failed ({type(err).__name__}: {str(err)[:200]})"


def is_transient(err: BaseException) -> bool:
    name = type(err).__name__.lower()
    if isinstance(err, ConnectionError | TimeoutError):
        return True
    return any(word in name for word in TRANSIENT)


def call_with_retries(
    call: Callable[[], Any],
    *,
    attempts: int,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """Run `call`, retrying transient failures with exponential backoff; else DraftError."""
    attempts = max(attempts, 1)
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except InvalidOutputError:
            raise
        except Exception as err:  # provider clients raise their own error types
            if attempt < attempts and is_transient(err):
                log.info("model call failed (%s), retry %d/%d", err, attempt, attempts - 1)
                sleep(backoff * 2 ** (attempt - 1))
                continue
            tries = f" after {attempt} tries" if attempt > 1 else ""
            raise DraftError(describe_failure(err) + tries) from err
    raise AssertionError("unreachable")  # pragma: no cover


def _invoke_once(model: Any, messages: Sequence[Any], structured: bool) -> ModelReply:
    if structured:
        try:
            runnable = model.with_structured_output(ModelReply, include_raw=True)
        except NotImplementedError:
            runnable = None
        if runnable is not None:
            try:
                out = runnable.invoke(list(messages))
            except ValidationError as err:  # some clients validate the schema themselves
                inputs = [e["input"] for e in err.errors() if isinstance(e.get("input"), str)]
                raw = inputs[0] if inputs else ""
                raise InvalidOutputError(f"invalid structured output: {_short(err)}", raw) from err
            if out.get("parsed") is not None and not out.get("parsing_error"):
                parsed = out["parsed"]
                return parsed if isinstance(parsed, ModelReply) else ModelReply(**parsed)
            raw = content_text(out.get("raw"))
            error = out.get("parsing_error")
            try:
                return parse_reply(raw)
            except InvalidOutputError as err:
                raise InvalidOutputError(f"{err} ({error})" if error else str(err), raw) from err
    return parse_reply(content_text(model.invoke(list(messages))))


def ask_reply(
    model: Any,
    messages: Sequence[Any],
    *,
    structured: bool = True,
    attempts: int = 1,
    repair: Callable[[str, str], Sequence[Any]] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[ModelReply | None, str]:
    """Ask for a reply; returns (reply, "") or (None, why the output stayed invalid).

    `repair(raw, reason)` gives the extra messages for one repair round; transport
    failures (after `attempts` tries) raise DraftError.
    """
    def once(msgs: Sequence[Any]) -> ModelReply:
        return call_with_retries(
            lambda: _invoke_once(model, msgs, structured), attempts=attempts, sleep=sleep
        )

    try:
        return once(messages), ""
    except InvalidOutputError as err:
        if repair is None:
            return None, str(err)
        log.info("invalid model output (%s): asking for a repair", err)
        try:
            return once([*messages, *repair(err.raw, str(err))]), ""
        except InvalidOutputError as again:
            return None, str(again)
