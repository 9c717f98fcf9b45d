"""A local OpenAI-compatible chat server for tests: POST /v1/chat/completions on 127.0.0.1.

Each test scripts the answers (content, HTTP status, delay) or gives a function of the
request; every request body is recorded so tests can check what the client sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Answer:
    content: str = ""
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ChatServer:
    url: str = ""
    requests: list[dict] = field(default_factory=list)
    script: list[Answer] = field(default_factory=list)
    responder: Callable[[dict], Answer] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, *answers: Answer | str) -> None:
        """Queue answers, used in order; the last one repeats."""
        self.script.extend(a if isinstance(a, Answer) else Answer(a) for a in answers)

    def next_answer(self, body: dict) -> Answer:
        with self.lock:
            self.requests.append(body)
            if self.responder is not None:
                return self.responder(body)
            if not self.script:
                return Answer("no answer scripted", status=500)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def messages(self, n: int = -1) -> list[dict]:
        return self.requests[n]["messages"]


def completion(content: str, model: str) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def make_handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            return None

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            if self.path.rstrip("/") != "/v1/chat/completions":
                self.send_error(404)
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            answer = server.next_answer(body)
            time.sleep(answer.delay)
            if answer.status == 200:
                payload = completion(answer.content, body.get("model", "test"))
            else:
                payload = {"error": {"message": answer.content or "error", "type": "test"}}
            data = json.dumps(payload).encode()
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

    return Handler


@pytest.fixture
def openai_server(monkeypatch):
    """A ChatServer listening on 127.0.0.1 (port chosen by the system), stopped afterwards."""
    for name in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    state = ChatServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    httpd.daemon_threads = True
    httpd.block_on_close = False
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
