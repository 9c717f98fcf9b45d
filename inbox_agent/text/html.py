"""Readable text from HTML and Markdown (no scripts, no newsletter chrome); text helpers."""

from __future__ import annotations

import html as html_lib
import re

import lxml.etree
import lxml.html
from inscriptis.html_engine import Inscriptis
from inscriptis.model.config import ParserConfig

# Elements whose content is never text a reader sees.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "template",
    "svg",
    "math",
    "canvas",
    "head",
    "title",
    "meta",
    "link",
    "base",
    "picture",
    "img",
    "video",
    "audio",
    "source",
)
# Substack chrome, by class: buttons, widgets, image links, embeds of other posts.
_SUBSTACK_CLASSES = (
    "button-wrapper",
    "subscription-widget-wrap",
    "subscription-widget-wrap-editor",
    "subscription-widget",
    "subscribe-widget",
    "image-link",
    "image-link-expand",
    "captioned-button-wrap",
    "install-substack-app-embed",
    "digest-post-embed",
    "embedded-publication-wrap",
    "share-dialog",
    "post-ufi",
    "paywall",
    "paywall-jump",
    "pencraft",
    "icon-container",
)
_SCRIPT_ATTR = re.compile(r"<script\b|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_BLANKS = re.compile(r"\n{3,}")


def has_scripts(html: str) -> bool:
    """True when the HTML carries script tags, event-handler attributes or javascript: URLs."""
    return bool(_SCRIPT_ATTR.search(html))


# Characters lxml refuses in text it is given back (C0 controls but tab and newlines, lone
# surrogates, non-characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# Containers that only nest (libxml2 stops reading past 256 levels, and the words inside are
# lost): removed, with their attributes, when a document nests deeper than that.
_CONTAINER_TAG = re.compile(r"</?(?:div|span|font|center|section|article|table|tbody|thead|"
                            r"tr|td|th|o:p|u|b|i|em|strong|small|big)\b[^>]{0,4000}>", re.I)
_ANY_TAG = re.compile(r"<[^>]{0,4000}>")


def _parse_bounded(html: str) -> lxml.html.HtmlElement:
    """Parse; a document nested beyond libxml2's depth limit is read again without its
    container tags, then, if still too deep, as the text between its tags."""
    for attempt in (html, _CONTAINER_TAG.sub(" ", html)):
        parser = lxml.html.HTMLParser()
        root = lxml.html.document_fromstring(attempt, parser=parser)
        if not any("Excessive depth" in entry.message for entry in parser.error_log):
            return root
    text = html_lib.escape(html_lib.unescape(_ANY_TAG.sub(" ", html)))
    return lxml.html.document_fromstring(f"<html><body><p>{text}</p></body></html>")


def parse_html(html: str | None) -> lxml.html.HtmlElement | None:
    """Parse an HTML document or fragment; None when there is nothing to parse."""
    if not isinstance(html, str):
        return None
    html = _XML_DECL.sub("", _NOT_XML.sub("", html))
    if not html.strip():
        return None
    try:
        return _parse_bounded(html)
    except ValueError:  # a declared encoding lxml refuses in a str: parse the bytes instead
        try:
            return lxml.html.document_fromstring(html.encode("utf-8", "replace"))
        except (lxml.etree.ParserError, ValueError):
            return None
    except lxml.etree.ParserError:
        return None


def visible_tree(html: str | None) -> lxml.html.HtmlElement | None:
    """The parsed document without what a reader never sees (scripts, forms, hidden parts)."""
    root = parse_html(html)
    if root is not None:
        _drop_unseen(root)
    return root


def tree_text(root: lxml.html.HtmlElement) -> str:
    """Readable text of a parsed element, one blank line between paragraphs, links left out."""
    try:
        text = Inscriptis(root, ParserConfig(display_links=False, display_images=False)).get_text()
    except Exception:  # noqa: BLE001 - odd markup: lxml's plain text is still readable
        text = root.text_content()
    return tidy_text(text)


def html_title(html: str) -> str:
    """The <title> of a document, else its first <h1>, else ""."""
    root = parse_html(html)
    if root is None:
        return ""
    for path in ("//title", "//h1"):
        for node in root.xpath(path):
            text = " ".join(node.text_content().split())
            if text:
                return text
    return ""


def html_to_text(html: str | None, *, strip_substack: bool = False) -> str:
    """Readable text with one blank line between paragraphs; scripts and forms never included."""
    root = visible_tree(html)
    if root is None:
        return ""
    if strip_substack:
        _drop_substack_chrome(root)
    return tree_text(root)


def tidy_text(text: str) -> str:
    """Strip every line, drop invisible characters, keep at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")
    text = text.replace("\u200b", "").replace("\u034f", "").replace("\ufeff", "")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def _drop_unseen(root: lxml.html.HtmlElement) -> None:
    for node in root.xpath("//comment() | //processing-instruction()"):
        _remove(node)
    for node in list(root.iter(*_DROP_TAGS)):
        _remove(node)
    for node in root.xpath("//*[@hidden or @aria-hidden='true']"):
        _remove(node)


def _drop_substack_chrome(root: lxml.html.HtmlElement) -> None:
    for cls in _SUBSTACK_CLASSES:
        for node in root.xpath(
            f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]"
        ):
            _remove(node)
    for node in root.xpath("//*[@data-attrs]"):
        _remove(node)
    for node in root.xpath("//div[hr and not(normalize-space())] | //hr"):
        _remove(node)
    # Footnotes stay as text: "[1]" in the body, "[1] note" at the end.
    for node in root.xpath("//a[contains(@class, 'footnote-anchor')]"):
        _replace_with_text(node, f" [{node.text_content().strip()}]")
    for node in root.xpath("//a[contains(@class, 'footnote-number')]"):
        label = f"[{node.text_content().strip()}] "
        first = node.xpath("following-sibling::*[1]//p[1]")
        if first:
            first[0].text = label + (first[0].text or "")
            _remove(node)
        else:
            _replace_with_text(node, label)


def _remove(node: lxml.etree._Element) -> None:
    """Remove a node but keep its tail text (the text that follows it)."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def _replace_with_text(node: lxml.etree._Element, text: str) -> None:
    node.tail = text + (node.tail or "")
    _remove(node)


# --- plain text helpers -------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM); text that is not valid UTF-8 is read as Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def slug_of(url: str) -> str:
    """The last path segment of a URL, without .html: ".../p/my-post" -> "my-post"."""
    match = re.match(r"[a-z]+://[^/]+(/[^?#]*)", url or "", re.IGNORECASE)
    segments = [s for s in (match.group(1) if match else "").split("/") if s]
    return re.sub(r"\.html?$", "", segments[-1]) if segments else ""


def slugify(text: str) -> str:
    """Lower-case words joined by dashes, at most 80 characters."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")[:80]


# --- Markdown -------------------------------------------------------------------------------

_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, flags), repl)
    for pattern, flags, repl in (
        (r"<(script|style|noscript|iframe|template)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE, ""),
        (r"<!--.*?-->", re.DOTALL, ""),
        (r"\{%.*?%\}", 0, ""),  # Liquid/Jinja template tags (Jekyll, Hugo): never reader text
        (r"^[ \t]*(```|~~~).*$", re.MULTILINE, ""),  # code fences (the code stays)
        (r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE, ""),  # reference link definitions
        (r"!\[[^\]\n]*\]\([^)\n]*\)", 0, ""),  # images
        (r"!\[[^\]\n]*\]\[[^\]\n]*\]", 0, ""),
        (r"\[([^\]\n]*)\]\([^)\n]*\)", 0, r"\1"),  # [text](url), [](url)
        (r"\[([^\]\n]+)\]\[[^\]\n]*\]", 0, r"\1"),  # [text][ref]
        (r"<(https?://[^>\s]+)>", 0, r"\1"),  # autolinks
        (r"</?[a-zA-Z][^>\n]*>", 0, ""),  # remaining inline HTML tags
        (r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.MULTILINE, r"\n\1\n"),  # ATX headings
        (r"^[ \t]{0,3}(=+|-+)[ \t]*$", re.MULTILINE, ""),  # setext underlines and rules
        (r"^[ \t]{0,3}([*_][ \t]*){3,}$", re.MULTILINE, ""),  # other horizontal rules
        (r"^[ \t]{0,3}>[ \t]?", re.MULTILINE, ""),  # blockquote markers
        (r"^([ \t]*)[*+][ \t]+", re.MULTILINE, r"\1- "),  # bullets, one style
        (r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", 0, r"\2"),  # strong
        (r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", 0, r"\1"),  # *em*
        (r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])", 0, r"\1"),  # _em_
        (r"~~(?=\S)(.+?)(?<=\S)~~", 0, r"\1"),  # strike-through
        (r"`([^`\n]+)`", 0, r"\1"),  # inline code
    )
)


def markdown_to_text(markdown: str) -> str:
    """Plain text from Markdown: headings as their own lines, links as their text, no images."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n")
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return tidy_text(html_lib.unescape(text))
