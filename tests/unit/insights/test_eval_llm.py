"""`inbox-agent eval intents --llm`: the configured chat model tags each labelled message as
a run tags replies, and is scored the same way as the rules and the intent model (here
against a local OpenAI-compatible server driving the real langchain-openai client)."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from inbox_agent.cli.main import main
from tests.fixtures_openai import Answer

MESSAGES = [  # (text, gold intents, needs an answer, what the server answers)
    ("Pourquoi 5 % et pas 10 % ? Je n'ai pas compris le calcul.", ["question"], True,
     '{"intents": ["question"], "topics": []}'),
    ("Merci, super numéro !", ["thanks"], False, '{"intents": ["thanks"], "topics": []}'),
    ("Les frais se situent plutôt entre 5 et 15 %, et non 5 à 10 %.", ["correction"], True,
     '{"intents": ["thanks"], "topics": []}'),  # a harmful reading: counted as harm
    ("Idée de sujet : tu pourrais écrire sur la semaine de quatre jours.", ["idea"], True,
     "I think this is an idea."),  # unusable: the first reading stands
]


def labels_file(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(json.dumps(
        {"text": text, "primary": gold[0], "intents": gold, "needs_answer": needs,
         "split": "test"}, ensure_ascii=False) for text, gold, needs, _ in MESSAGES),
        encoding="utf-8")
    return path


def config_file(tmp_path, url):
    path = tmp_path / "config.toml"
    path.write_text('[author]\nemail = "camille@example.org"\n'
                    f'[llm]\nmodel = "openai:tagger-model"\nbase_url = "{url}"\n'
                    "max_retries = 0\n", encoding="utf-8")
    return path


def test_the_chat_model_is_scored_like_the_other_readers(tmp_path, home, openai_server):
    answers = {text: answer for text, _, _, answer in MESSAGES}

    def respond(body):
        prompt = body["messages"][-1]["content"]
        message = re.search(r"<reader_message>\n(.*)\n</reader_message>", prompt, re.S)
        return Answer(answers[message.group(1)])

    openai_server.responder = respond
    result = CliRunner().invoke(main, [
        "--config", str(config_file(tmp_path, openai_server.url)), "eval", "intents",
        "--labels", str(labels_file(tmp_path)), "--rules-only", "--llm", "--json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.output[result.output.index("{"):])
    assert scored["messages"] == 4
    assert scored["accuracy"] == 0.75  # the unusable answer left the rules' "idea"
    assert scored["harm"] == 1 and scored["harmed"] == ["3"]
    assert scored["fallbacks"] == 1 and scored["first_reader"] == "rules"
    assert "openai:tagger-model" in scored["reader"]
    assert scored["confusion"]["correction->thanks"] == 1
    assert len(openai_server.requests) >= 4
    prompt = openai_server.requests[0]["messages"][-1]["content"]
    assert "correction = points out an error" in prompt  # every intent is defined
    assert "A first reading found: question." in prompt  # told the first reading, as in a run


def test_the_text_output_says_which_answers_were_unusable(tmp_path, home, openai_server):
    openai_server.answer("not JSON at all")
    result = CliRunner().invoke(main, [
        "--lang", "en", "--config", str(config_file(tmp_path, openai_server.url)), "eval",
        "intents", "--labels", str(labels_file(tmp_path)), "--rules-only", "--llm"])
    assert result.exit_code == 0, result.output
    assert "read by the chat model openai:tagger-model" in result.output
    assert "4 answers of the model were unusable: those messages are read by the cue rules, " in (
        result.output)


def test_without_a_configured_model_it_says_what_to_set(tmp_path, home):
    config = tmp_path / "config.toml"
    config.write_text('[author]\nemail = "camille@example.org"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "--config", str(config), "eval",
                                       "intents", "--labels", str(labels_file(tmp_path)),
                                       "--llm"])
    assert result.exit_code != 0
    assert "no chat model configured" in result.output
    assert "[llm] model" in result.output
    assert "Traceback" not in result.output
