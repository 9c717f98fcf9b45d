"""The review page in a real Chromium (Playwright) against a real Dovecot account, in French
(the author's language): queue, draft, approve, the next draft of the same filter, a narrow
window.

Also writes docs/screenshots/queue.png and detail.png (the French page).
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from inbox_agent.mail import compose
from tests.integration.test_approve_imap import imap_drafts
from tests.support import ROOT, require
from tests.unit.review.test_approve import (
    QUESTION,
    REPLIES,
    THANKS,
    Env,
    mail,
    make_env,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


@contextmanager
def running(app) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on 127.0.0.1:<free port>; yields its base URL."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not (server.started and server.servers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM.exists(), "chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright Python package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@contextmanager
def review_site(env: Env) -> Iterator[str]:
    from inbox_agent.web import create_app

    with running(create_app(env.config, source_factory=env.source_factory,
                            index=env.index)) as url:
        yield url


@pytest.fixture
def imap_env(tmp_path, imap_user) -> Env:
    return make_env(tmp_path, [THANKS, QUESTION, REPLIES[2]], imap_user=imap_user)


def test_approve_in_the_browser_saves_a_threaded_draft_in_imap(page, imap_env, imap_user):
    own = mail(9, "Camille <camille@atelier-du-futur.example>", "A note to self", "mine")
    imap_user.append("Drafts", own, flags=[r"\Draft"])
    draft_id = imap_env.draft_id("<m2@reader.example>")
    with review_site(imap_env) as url:
        page.goto(f"{url}/drafts/{draft_id}")
        page.fill("#draft-text", "Hi Tom,\n\nI cancel every meeting without an agenda.\n\nCamille")
        page.click("#approve-btn")
        page.wait_for_selector(".flash.ok")
        assert page.inner_text(".flash.ok").startswith("Approuvé : la réponse est enregistrée")
        page.goto(f"{url}/drafts/{draft_id}")
        assert page.inner_text("#destination") == "Enregistré dans vos brouillons"
        assert "IMAP" not in page.inner_text("main") and "uid" not in page.inner_text("main")
        page.fill("#draft-text", "Hi Tom,\n\nNo agenda, no meeting.\n\nCamille")
        page.click("#approve-btn")
        page.wait_for_selector(".flash.ok")
    drafts = imap_drafts(imap_user)
    assert sorted(m["Subject"] for m, _ in drafts) == ["A note to self",
                                                       "Re: L'Atelier du Futur #38"]
    ours = next(m for m, _ in drafts if m[compose.MARKER_HEADER])
    assert ours["In-Reply-To"] == "<m2@reader.example>"
    assert ours["References"].split()[-1] == "<m2@reader.example>"
    assert ours["To"].addresses[0].addr_spec == "tom.b@other.example"
    assert ours["From"].addresses[0].addr_spec == "camille@atelier-du-futur.example"
    assert "No agenda, no meeting." in ours.get_content()
    assert imap_env.row(draft_id)["status"] == "approved"


def test_quick_thanks_are_batch_approved_from_the_queue(page, imap_env, imap_user):
    with review_site(imap_env) as url:
        page.goto(url)
        boxes = page.locator(".quick input[type=checkbox]")
        assert boxes.count() == 2 and not any(b.is_checked() for b in boxes.all())
        for n, box in enumerate(boxes.all()):  # each reply is on screen in full, then ticked
            assert page.locator(".quick .qt-text").nth(n).is_visible()
            box.check()
        page.click("text=Approuver les remerciements cochés")
        page.wait_for_selector(".flash.ok")
        assert page.locator(".quick").count() == 0
    replied_to = sorted(m["In-Reply-To"] for m, _ in imap_drafts(imap_user))
    assert replied_to == ["<m1@reader.example>", "<m3@reader.example>"]


def test_keyboard_moves_edits_and_skips(page, imap_env):
    first, second = (imap_env.draft_id(f"<m{n}@reader.example>") for n in (1, 2))
    with review_site(imap_env) as url:
        page.goto(url)
        page.keyboard.press("j")
        assert page.evaluate("document.activeElement.closest('.card') !== null")
        page.goto(f"{url}/drafts/{first}")
        page.keyboard.press("e")
        assert page.evaluate("document.activeElement.id") == "draft-text"
        page.keyboard.press("Escape")
        before = page.url
        page.keyboard.press("j")
        page.wait_for_url(lambda u: u != before)
        page.keyboard.press("k")
        page.wait_for_url(f"{url}/drafts/{first}")
        page.goto(f"{url}/drafts/{second}")
        page.keyboard.press("s")
        page.wait_for_selector(".flash.ok")
    assert imap_env.row(second)["status"] == "skipped"


def test_regenerate_with_an_instruction_rewrites_the_draft(page, imap_env):
    from inbox_agent import pipeline

    require(hasattr(pipeline, "regenerate_draft"), "pipeline.regenerate_draft is missing")
    draft_id = imap_env.draft_id("<m1@reader.example>")
    before = imap_env.row(draft_id)["final_text"]
    with review_site(imap_env) as url:
        page.goto(f"{url}/drafts/{draft_id}")
        typed = "Je te réponds en détail lundi, promis."  # typed, never saved
        page.fill("#draft-text", page.input_value("#draft-text").replace(
            "\n\n", f"\n\n{typed}\n\n", 1))
        page.fill("#instruction", "tutoie-la")
        page.press("#instruction", "Enter")  # regenerates: never approves
        page.wait_for_selector(".flash")
        shown = page.input_value("#draft-text")
    after = imap_env.row(draft_id)
    assert after["status"] == "pending"
    assert after["final_text"] != before and shown.strip() == after["final_text"].strip()
    assert typed in after["final_text"]


@pytest.fixture(scope="module")
def local_site(tmp_path_factory) -> Iterator[tuple[Env, str]]:
    env = make_env(tmp_path_factory.mktemp("browser"), [*REPLIES, *many_replies(14)])
    with review_site(env) as url:
        yield env, url


def many_replies(n: int) -> list[bytes]:
    names = ["Léa Moreau", "Hugo Petit", "Sarah Cohen", "Lucas Roux", "Emma Girard",
             "Nina Berger", "Omar Haddad"]
    bodies = [
        "J'ai testé la règle des réunions de 25 minutes avec mon équipe : on tient le rythme, "
        "mais comment faites-vous quand un client impose une heure ?",
        "Merci pour ce numéro, il tombe pile au moment où on réorganise le bureau.",
        "Je ne suis pas d'accord sur le télétravail à 100 % : on perd les conversations "
        "de couloir, et les juniors en souffrent.",
        "Idée de sujet : les coopératives dans le numérique, j'en connais trois à Lyon.",
    ]
    return [
        mail(30 + k, f"{names[k % len(names)]} <r{k}@reader.example>",
             f"Re: L'Atelier du Futur #{36 + k % 3}", bodies[k % len(bodies)])
        for k in range(n)
    ]


def test_mail_content_never_runs_in_the_page(page, local_site):
    env, url = local_site
    draft_id = env.draft_id(f"<m{4}@reader.example>")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/", f"/drafts/{draft_id}", f"/drafts/{draft_id}/original"):
        response = page.goto(url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None
        assert page.title() != "pwned" and page.title().endswith("· inbox-agent")
        assert page.locator("body").is_visible()
    assert dialogs == []
    assert XSS_TEXT in page.locator("pre.raw").inner_text()


XSS_TEXT = "<script>window.__pwned=1;document.title='pwned'</script>"


def test_form_without_csrf_token_is_refused_in_the_browser(page, local_site):
    env, url = local_site
    draft_id = env.draft_id("<m3@reader.example>")
    page.goto(f"{url}/drafts/{draft_id}")
    status = page.evaluate(
        """async (path) => (await fetch(path, {method: 'POST',
             headers: {'Content-Type': 'application/x-www-form-urlencoded'},
             body: 'text=hijacked'})).status""",
        f"/drafts/{draft_id}/save",
    )
    assert status == 403
    assert env.row(draft_id)["final_text"] != "hijacked"


def test_screenshots_of_the_queue_and_a_detail_page(page, local_site):
    env, url = local_site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(url)
    assert page.get_attribute("html", "lang") == "fr"
    page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=False)
    draft_id = env.draft_id("<m30@reader.example>")
    page.goto(f"{url}/drafts/{draft_id}")
    assert page.locator("h2", has_text="Numéros liés").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "detail.png"), full_page=False)
    assert (SCREENSHOTS / "queue.png").stat().st_size > 10_000
    assert shutil.which("chromium") is not None


def test_refused_approval_explains_why_without_breaking_the_csp(page, local_site):
    env, url = local_site
    draft_id = env.draft_id("<m30@reader.example>")
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/drafts/{draft_id}")
    assert page.evaluate("typeof window.htmx") == "object"
    page.click("#approve-btn")
    page.wait_for_selector(".flash.err")
    assert "Complétez-les ou retirez-les" in page.inner_text(".flash.err")
    assert env.row(draft_id)["status"] == "pending"
    assert not [m for m in console if "Content Security Policy" in m], console


@contextmanager
def other_page_on_this_machine(target: str) -> Iterator[str]:
    """Another site on 127.0.0.1 (another port): it plants a CSRF cookie (cookies ignore
    ports) and posts a form with the matching token to the review page."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    planted = "p" * 43
    body = (
        f'<!DOCTYPE html><form id="f" method="post" action="{target}">'
        f'<input name="text" value="Planted by another page">'
        f'<input name="csrf_token" value="{planted}"></form>'
        "<script>document.getElementById('f').submit()</script>"
    ).encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Set-Cookie", f"inbox_agent_csrf={planted}; Path=/")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_page_on_another_port_cannot_change_a_draft(page, tmp_path):
    env = make_env(tmp_path, [THANKS, QUESTION])
    draft_id = env.draft_id("<m2@reader.example>")
    before = env.row(draft_id)["final_text"]
    with review_site(env) as url:
        page.goto(url)  # the author has the review page open in this browser
        target = f"{url}/drafts/{draft_id}/save"
        with other_page_on_this_machine(target) as attacker, page.expect_response(target) as sent:
            page.goto(attacker)
        assert sent.value.status == 403
    assert env.row(draft_id)["final_text"] == before


ENGLISH_WORDS = re.compile(r"\b(Approve|Skip|Drafts|Status|Queue|pending|Save|Insights|"
                           r"Related issues|Other mail|Your reply|score)\b")
FRENCH_MOMENT = re.compile(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} "
                           r"\w+( \d{4})?, \d\d:\d\d\b")


def page_words(page) -> str:
    """What the page says, without the readers' own words (their mail is data)."""
    return page.evaluate("""() => { const main = document.body.cloneNode(true);
      main.querySelectorAll('.mailtext, .qt-text, .excerpt, .subject, textarea, blockquote,'
        + ' pre').forEach(e => e.remove());
      return main.innerText; }""")


def test_the_queue_and_a_draft_speak_french(page, local_site):
    env, url = local_site
    page.goto(url)
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("nav[aria-label=Rubriques] a").all_inner_texts() == [
        "File", "Autre courrier", "Tendances", "État"]
    assert "en attente" in page.inner_text("h1")
    assert ENGLISH_WORDS.findall(page_words(page)) == []
    page.click(".card-link >> nth=0")
    page.wait_for_selector("#draft-text")
    assert FRENCH_MOMENT.search(page.inner_text(".detail-head")), page.inner_text(".detail-head")
    assert page.inner_text("#approve-btn").startswith("Approuver")
    assert ENGLISH_WORDS.findall(page_words(page)) == []


def test_approve_and_skip_go_to_the_next_draft_of_the_same_filter(page, tmp_path):
    env = make_env(tmp_path, many_replies(14))
    with review_site(env) as url:
        page.goto(url)
        everything = page.locator(".card").count()
        page.goto(f"{url}/?intent=question")
        order = [int(i) for i in page.locator(".card").evaluate_all(
            "cards => cards.map(c => c.dataset.draftId)")]
        assert 3 <= len(order) < everything
        page.click(f".card[data-draft-id='{order[0]}'] a")
        page.wait_for_url(f"{url}/drafts/{order[0]}?intent=question")
        page.fill("#draft-text", "Bonjour,\n\nMerci pour votre question !\n\nCamille")
        page.click("#approve-btn")
        page.wait_for_url(f"{url}/drafts/{order[1]}?intent=question&msg=approved")
        assert page.inner_text(".flash.ok").startswith("Approuvé")
        for following in order[2:]:
            page.click("#skip-btn")
            page.wait_for_url(f"{url}/drafts/{following}?intent=question&msg=skipped")
            assert page.inner_text(".flash.ok") == "Passé : pas de réponse à ce message."
        page.click("#skip-btn")
        page.wait_for_url(f"{url}/?intent=question&msg=skipped")
        assert page.locator(".card").count() == 0
        page.goto(url)
        assert page.locator(".card").count() == everything - len(order)
    assert env.row(order[0])["status"] == "approved"
    assert [env.row(i)["status"] for i in order[1:]] == ["skipped"] * (len(order) - 1)


BESIDE_LABELS = """() => Array.from(document.querySelectorAll('label'))
  .filter(label => label.querySelector('input[type=checkbox], input[type=radio]'))
  .map(label => {
    const box = label.querySelector('input').getBoundingClientRect();
    const walk = document.createTreeWalker(label, NodeFilter.SHOW_TEXT,
      {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
    const range = document.createRange();
    range.selectNodeContents(walk.nextNode());
    const words = range.getClientRects()[0];
    return {label: label.innerText.trim().slice(0, 40),
            gap: words.left - box.right,
            rise: Math.abs((words.top + words.bottom) / 2 - (box.top + box.bottom) / 2)};
  })"""


def test_checkboxes_stay_beside_their_labels_in_a_narrow_window(browser, local_site):
    env, url = local_site
    context = browser.new_context(viewport={"width": 760, "height": 900})
    try:
        narrow = context.new_page()
        seen = []
        for path in ("/", f"/drafts/{env.draft_id('<m2@reader.example>')}"):
            narrow.goto(url + path)
            seen += narrow.evaluate(BESIDE_LABELS)
        assert len(seen) > 10  # the quick thanks, the intents and the quote permission
        apart = [s for s in seen if not (0 <= s["gap"] < 16 and s["rise"] < 8)]
        assert apart == []
        assert narrow.evaluate("document.documentElement.scrollWidth") <= 760
    finally:
        context.close()
