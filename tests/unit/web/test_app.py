"""The review page through FastAPI's TestClient: pages, actions, CSRF, headers, escaping."""

from __future__ import annotations

import csv
import io
import re

import markupsafe
import pytest
from fastapi.testclient import TestClient

from inbox_agent.store import db as store
from inbox_agent.web import create_app
from inbox_agent.web.security import CSRF_COOKIE, SESSION_COOKIE
from tests.unit.review.test_approve import REPLIES, Env, mail, make_env

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def web_env(tmp_path_factory) -> Env:
    tmp = tmp_path_factory.mktemp("web")
    unsubscribe = mail(20, "Paul <paul@reader.example>", "=cmd|' /C calc'!A0 désinscription",
                       "Merci de me désinscrire de la newsletter.",
                       extra="List-Unsubscribe: <mailto:x@y>\r\n")
    return make_env(tmp, [*REPLIES, unsubscribe])


def client_for(env: Env, **kw) -> TestClient:
    app = create_app(env.config, source_factory=env.source_factory, index=env.index, **kw)
    return TestClient(app, base_url=BASE, follow_redirects=False)


@pytest.fixture
def client(web_env) -> TestClient:
    return client_for(web_env)


def csrf_of(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("path", ["/", "/other", "/status", "/drafts/1", "/drafts/1/original"])
def test_every_page_has_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_queue_groups_by_issue_and_counts_the_pending_drafts(client, web_env):
    conn = store.connect(web_env.config.state.db)
    pending = len(store.list_drafts(conn, "pending"))
    conn.close()
    page = client.get("/").text
    assert f"{pending} en attente" in page
    assert "#38" in page and "Remerciements rapides" in page
    assert page.count('class="card"') == pending


FILTERS = {
    "intent=thanks": lambda r: r["intent"] == "thanks",
    "intent=question": lambda r: r["intent"] == "question",
    "lang=en": lambda r: r["language"] == "en",
    "issue=38": lambda r: r["issue_number"] == 38,
    "issue=none": lambda r: r["issue_number"] is None,
    "intent=thanks&lang=fr": lambda r: r["intent"] == "thanks" and r["language"] == "fr",
}


@pytest.mark.parametrize("query", FILTERS)
def test_queue_filters_narrow_the_cards(client, web_env, query):
    conn = store.connect(web_env.config.state.db)
    rows = store.list_drafts(conn, "pending")
    conn.close()
    shown = sum(FILTERS[query](r) for r in rows)
    assert client.get(f"/?{query}").text.count('class="card"') == shown


def test_mail_content_is_escaped_everywhere(client, web_env):
    draft_id = web_env.draft_id("<m4@reader.example>")
    for path in ("/", f"/drafts/{draft_id}", f"/drafts/{draft_id}/original"):
        page = client.get(path).text
        assert "<script>window.__pwned" not in page
        assert "<img src=x" not in page and "<svg onload" not in page
        assert "&lt;script&gt;window.__pwned" in page


def test_post_without_csrf_token_is_refused(client, web_env):
    draft_id = web_env.draft_id("<m2@reader.example>")
    client.get("/")
    response = client.post(f"/drafts/{draft_id}/save", data={"text": "hijacked"})
    assert response.status_code == 403
    wrong = client.post(f"/drafts/{draft_id}/save", data={"text": "x", "csrf_token": "nope"})
    assert wrong.status_code == 403
    assert web_env.row(draft_id)["final_text"] != "hijacked"


def test_csrf_cookie_is_http_only_and_same_site_strict(web_env):
    response = client_for(web_env).get("/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(CSRF_COOKIE) and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()


def test_save_then_idea_then_skip_without_javascript(client, web_env):
    draft_id = web_env.draft_id("<m2@reader.example>")
    token = csrf_of(client, f"/drafts/{draft_id}")
    saved = client.post(f"/drafts/{draft_id}/save",
                        data={"text": "Hi Tom,\n\nAgenda first.", "csrf_token": token})
    assert saved.status_code == 303 and saved.headers["location"].endswith("msg=saved")
    assert web_env.row(draft_id)["final_text"] == "Hi Tom,\n\nAgenda first."
    client.post(f"/drafts/{draft_id}/idea", data={"marked": "1", "csrf_token": token})
    assert web_env.row(draft_id)["marked_idea"] == 1
    skipped = client.post(f"/drafts/{draft_id}/skip", data={"csrf_token": token})
    assert skipped.status_code == 303
    assert web_env.row(draft_id)["status"] == "skipped"


def test_approve_with_placeholders_shows_what_to_do(client, tmp_path):
    env = make_env(tmp_path, [mail(5, "Ann <ann@r.example>", "Re: #38", "How do you do it?")])
    local = client_for(env)
    draft_id = env.draft_id("<m5@reader.example>")
    token = csrf_of(local, f"/drafts/{draft_id}")
    response = local.post(f"/drafts/{draft_id}/approve",
                          data={"text": "Hi [TO FILL: answer]", "csrf_token": token})
    assert response.status_code == 409
    alert = re.search(r'<p class="flash err" role="alert">(.*?)</p>', response.text).group(1)
    assert alert.startswith("La réponse a encore des passages à compléter : [TO FILL: …].")
    assert '<span class="hint">Complétez-les ou retirez-les, puis approuvez.</span>' in alert
    assert env.row(draft_id)["status"] == "pending"
    assert env.row(draft_id)["final_text"] == "Hi [TO FILL: answer]"  # the edit is kept
    assert "Hi [TO FILL: answer]" in response.text


def test_unsubscribe_export_is_csv_without_formulas(client):
    response = client.get("/other/unsubscribes.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["email", "subject"]
    assert rows[1][0] == "paul@reader.example"
    assert rows[1][1].startswith("'=")


@pytest.mark.parametrize("host", ["evil.example", "attacker.test:8765", "192.168.1.20"])
def test_foreign_host_header_is_refused(client, host):
    assert client.get("/", headers={"host": host}).status_code == 421


@pytest.mark.parametrize("host", ["localhost:8765", "127.0.0.1", "[::1]:8765"])
def test_loopback_host_headers_are_accepted(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200


def test_session_token_is_required_and_set_by_the_printed_url(web_env):
    client = client_for(web_env, session_token="s3cret-token", allowed_hosts=("*",))
    assert client.get("/").status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    entry = client.get("/?token=s3cret-token")
    assert entry.status_code == 303 and entry.headers["location"] == "/"
    assert SESSION_COOKIE in entry.headers["set-cookie"]
    assert client.get("/").status_code == 200


def test_status_page_says_when_the_worker_is_not_configured(client):
    page = client.get("/status").text
    assert "Derniers passages" in page
    assert "worker not configured" in page or "Prochains passages prévus" in page


def test_approve_through_the_page_redirects_to_the_next_draft(tmp_path):
    env = make_env(tmp_path, REPLIES[:3])
    client = client_for(env)
    draft_id = env.draft_id("<m1@reader.example>")
    token = csrf_of(client, f"/drafts/{draft_id}")
    response = client.post(f"/drafts/{draft_id}/approve", data={"csrf_token": token})
    assert response.status_code == 303
    assert re.fullmatch(r"/drafts/\d+\?msg=approved", response.headers["location"])
    assert env.row(draft_id)["status"] == "approved"
    assert env.row(draft_id)["destination"].startswith("Maildir drafts")
    page = client.get(f"/drafts/{draft_id}").text
    assert "Approuver à nouveau" in page
    assert '<span class="tag t-ok" id="destination">Enregistré dans vos brouillons</span>' in page
    assert "Maildir" not in page and "uid" not in page
    stats = client.get("/status").text
    assert 'id="edit-stats"' in stats and "100\xa0%" in stats


def test_the_quick_thanks_lane_shows_each_draft_in_full_and_ticks_nothing(client, web_env):
    page = client.get("/").text
    lane = page[page.index('<section class="panel quick"'):]
    lane = lane[: lane.index("</section>")]
    assert lane.count('type="checkbox"') == 2 and "checked" not in lane
    conn = store.connect(web_env.config.state.db)
    try:
        texts = [r["final_text"] for r in store.list_drafts(conn, "pending")
                 if r["message_id"] in ("<m1@reader.example>", "<m3@reader.example>")]
    finally:
        conn.close()
    for text in texts:
        assert str(markupsafe.escape(text)) in lane


def _save(client: TestClient, draft_id: int, token: str, **kw):
    return client.post(f"/drafts/{draft_id}/save", data={"text": "Planted.", "csrf_token": token},
                       **kw)


def test_a_token_the_server_never_issued_is_refused_even_with_a_matching_cookie(web_env):
    """Another page on 127.0.0.1 (any port) can plant the cookie: its pair is worthless."""
    client = client_for(web_env)
    draft_id = web_env.draft_id("<m2@reader.example>")
    before = web_env.row(draft_id)["final_text"]
    planted = "x" * 43
    client.cookies.set(CSRF_COOKIE, planted)
    assert _save(client, draft_id, planted).status_code == 403
    forged = csrf_of(client).split(".")[0] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    client.cookies.set(CSRF_COOKIE, forged)
    assert _save(client, draft_id, forged).status_code == 403
    assert web_env.row(draft_id)["final_text"] == before


@pytest.mark.parametrize(
    "headers",
    [{"origin": "http://127.0.0.1:9999"}, {"origin": "null"}, {"sec-fetch-site": "same-site"},
     {"sec-fetch-site": "cross-site"}],
)
def test_a_form_posted_from_another_origin_is_refused(web_env, headers):
    client = client_for(web_env)
    draft_id = web_env.draft_id("<m2@reader.example>")
    before = web_env.row(draft_id)["final_text"]
    token = csrf_of(client, f"/drafts/{draft_id}")
    assert _save(client, draft_id, token, headers=headers).status_code == 403
    assert web_env.row(draft_id)["final_text"] == before


def test_a_form_from_the_page_itself_is_accepted_with_the_browser_headers(web_env):
    client = client_for(web_env)
    draft_id = web_env.draft_id("<m2@reader.example>")
    token = csrf_of(client, f"/drafts/{draft_id}")
    own = {"origin": BASE.rstrip("/"), "sec-fetch-site": "same-origin"}
    assert _save(client, draft_id, token, headers=own).status_code == 303
    assert web_env.row(draft_id)["final_text"] == "Planted."


def test_odd_tokens_are_refused_cleanly_never_a_server_error(web_env):
    client = client_for(web_env, session_token="s3cret-token", allowed_hosts=("*",))
    assert client.get("/?token=s3cr%C3%A9t").status_code == 401
    odd_cookie = f"{SESSION_COOKIE}={'é' * 12}".encode()
    assert client.get("/", headers={"cookie": odd_cookie}).status_code == 401
    local = client_for(web_env)
    draft_id = web_env.draft_id("<m2@reader.example>")
    csrf_of(local)
    response = local.post(f"/drafts/{draft_id}/save",
                          content=b"text=x&csrf_token=%C3%A9t%C3%A9",
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 403


def test_a_file_posted_as_the_draft_text_is_refused(web_env):
    client = client_for(web_env)
    draft_id = web_env.draft_id("<m2@reader.example>")
    before = web_env.row(draft_id)["final_text"]
    token = csrf_of(client, f"/drafts/{draft_id}")
    response = client.post(f"/drafts/{draft_id}/save", data={"csrf_token": token},
                           files={"text": ("evil.txt", b"payload", "text/plain")})
    assert response.status_code == 400
    assert web_env.row(draft_id)["final_text"] == before


def test_the_token_login_redirects_only_to_a_local_path(web_env):
    client = client_for(web_env, session_token="s3cret-token", allowed_hosts=("*",))
    entry = client.get(f"{BASE}//evil.example/?token=s3cret-token")
    assert entry.status_code == 303
    location = entry.headers["location"]
    assert location.startswith("/") and not location.startswith("//")
