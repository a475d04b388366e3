"""Post content from WordPress to body HTML the editor would have written.

In order: `<!--more-->`, `<!--nextpage-->` and Gutenberg's block comments are
removed; shortcodes are handled (`[caption]` becomes a figure with its
caption, `[gallery]` figures of its images, `[embed]`, `[audio]`, `[video]`
and `[playlist]` a link to what they showed; any other shortcode is removed,
its text kept, and reported); `<audio>` and `<video>` players become links
to their file; a link or player whose file was imported into the file
library leads to the library's copy; classic-editor posts (without blocks) get
paragraphs from their blank lines as WordPress's `wpautop` makes them; a URL
alone on a line (WordPress shows it as an embed) becomes a link; headings
outside h2 to h4 move to the nearest; pictures become figures of library
images. Everything then goes through the editor's allow-list
(articles.html.clean_html) when the article is saved.
"""

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.utils.html import escape

COMMENT = re.compile(r"<!--\s*(?:more\b.*?|nextpage|/?wp:.*?)\s*-->", re.DOTALL)
# WordPress's own shortcodes, handled here; other names are reported.
EMBEDS = ("embed", "audio", "video", "playlist")
SHORTCODE = re.compile(
    r"\[(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:\s[^\]]*)?)"
    r"(?:/\]|\](?:(?P<inner>(?:(?!\[(?P=name)[\s\]]).)*?)\[/(?P=name)\])?)",
    re.DOTALL,
)
ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
    r"""|"([^"]*)"|'([^']*)'|(\S+)"""
)
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
LINKED_IMG = re.compile(
    r"(?:<a\b[^>]*>\s*)?(<img\b[^>]*>)(?:\s*</a>)?", re.IGNORECASE | re.DOTALL
)
TAG_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
INNERMOST_FIGURE = re.compile(
    r"<figure\b[^>]*>((?:(?!<figure\b|</figure>).)*)</figure>",
    re.IGNORECASE | re.DOTALL,
)
TOKEN = re.compile(r"\x00(\d+)\x00")
PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
EDGE_BREAKS = re.compile(r"^(?:\s*<br>\s*)+|(?:\s*<br>\s*)+$")
FIGCAPTION = re.compile(
    r"<figcaption\b[^>]*>(.*?)</figcaption>", re.IGNORECASE | re.DOTALL
)
WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
BARE_URL_LINE = re.compile(
    r"^[ \t]*(?:<p>)?(https?://[^\s<>\"]+)(?:</p>)?[ \t]*$", re.M
)
HEADING = re.compile(r"<(/?)h([156])\b([^>]*)>", re.IGNORECASE)
MEDIA_ELEMENT = re.compile(
    r"<(audio|video)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL
)
SOURCE = re.compile(r"<source\b[^>]*>", re.IGNORECASE)
LINK_HREF = re.compile(r"""(<a\b[^>]*?\shref\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE)
NEAREST_HEADING = {"1": "2", "5": "4", "6": "4"}

BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|"
    "li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|"
    "legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|"
    "details|menu|summary|iframe|script|video|audio|object"
)
BLOCK_OPEN = re.compile(rf"(<(?:{BLOCK_TAGS})\b[^>]*>)", re.IGNORECASE)
BLOCK_CLOSE = re.compile(rf"(</(?:{BLOCK_TAGS})>)", re.IGNORECASE)
STARTS_WITH_BLOCK = re.compile(rf"^</?(?:{BLOCK_TAGS})\b", re.IGNORECASE)
PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr", "param",
}  # fmt: skip
# Closed implicitly by HTML's rules; not broken when left open.
OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody"}


def shortcode_attributes(text):
    """Return (named attributes, positional values) of a shortcode."""
    named, positional = {}, []
    for match in ATTRIBUTE.finditer(text or ""):
        groups = match.groups()
        for key, value in (groups[0:2], groups[2:4], groups[4:6]):
            if key:
                named[key.lower()] = html.unescape(value)
                break
        else:
            value = next((g for g in groups[6:] if g is not None), "")
            positional.append(html.unescape(value))
    return named, positional


def tag_attributes(tag):
    return {
        match[1].lower(): html.unescape(match[2] if match[2] is not None else match[3])
        for match in TAG_ATTRIBUTE.finditer(tag)
    }


def autop(text):
    """Return classic-editor text with paragraphs and line breaks, as
    WordPress's wpautop() makes them: blank lines separate paragraphs, a
    single line break inside one is a <br>, block elements are left alone."""
    if not text.strip():
        return ""
    kept = []

    def keep(match):
        kept.append(match[0])
        return f"\n\n<pre data-kept={len(kept) - 1}></pre>\n\n"

    text = PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    text = BLOCK_OPEN.sub(r"\n\n\1", text)
    text = BLOCK_CLOSE.sub(r"\1\n\n", text)
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if STARTS_WITH_BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    text = "\n".join(out)
    return re.sub(r"<pre data-kept=(\d+)></pre>", lambda m: kept[int(m[1])], text)


class _BalanceChecker(HTMLParser):
    """Find elements that were never closed, or closed without being opened."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.broken = False

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        if tag not in self.stack:
            self.broken = True
            return
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag == tag:
                break
            if open_tag not in OPTIONAL_END:
                self.broken = True


def is_broken_html(text):
    """Return True if the HTML has elements left open or closed unopened (the
    sanitizer repairs them)."""
    checker = _BalanceChecker()
    checker.feed(text)
    checker.close()
    return checker.broken or any(t not in OPTIONAL_END for t in checker.stack)


class Converter:
    """Turn one post's content into body HTML.

    `library` finds library images: `figure(wp_id=…, url=…, alt=…,
    caption=…)` returns a library figure, or "" and reports the picture
    missing; `children(post_id)` returns the ids of a post's attachments,
    for a [gallery] without ids; `file_link(wp_id=…, url=…)` returns the
    (address, title, kind) of a library file (audio, video, PDF) imported
    from that attachment or upload address, or None. `warn(kind, detail)`
    reports to the fidelity report.
    """

    def __init__(self, library, warn):
        self.library = library
        self.warn = warn

    def convert(self, content, *, post_id):
        text = content or ""
        uses_blocks = "<!-- wp:" in text
        text = COMMENT.sub("", text)
        text = self._shortcodes(text, post_id)
        text = self._files(text)
        if not uses_blocks:
            text = autop(text)
        if is_broken_html(text):
            self.warn("html_repaired", "elements left open or closed unopened")
        text = BARE_URL_LINE.sub(self._bare_url, text)
        text = HEADING.sub(lambda m: f"<{m[1]}h{NEAREST_HEADING[m[2]]}{m[3]}>", text)
        return self._pictures(text)

    # Shortcodes ---------------------------------------------------------

    def _shortcodes(self, text, post_id):
        def replace(match):
            name = match["name"].lower()
            named, positional = shortcode_attributes(match["attrs"])
            inner = match["inner"]
            if name in {"caption", "wp_caption"}:
                return self._caption(named, inner or "")
            if name == "gallery":
                return self._gallery(named, post_id)
            if name in EMBEDS:
                return self._embed(name, named, positional, inner)
            if inner is None and not named:
                # "[sic]", "[2]", "coracles [simple boat]": prose, not a shortcode.
                return match[0]
            self.warn("unknown_shortcode", f"[{name}] removed, its text kept")
            return self._shortcodes(inner or "", post_id)

        return SHORTCODE.sub(replace, text)

    def _caption(self, named, inner):
        found = LINKED_IMG.search(inner)
        if found is None:
            return named.get("caption", "")
        caption = named.get("caption") or (
            inner[: found.start()] + inner[found.end() :]
        )
        img = tag_attributes(found[1])
        wp_id = _number(named.get("id", "").removeprefix("attachment_"))
        return self._figure_from(img, wp_id=wp_id, caption=caption.strip())

    def _gallery(self, named, post_id):
        ids = named.get("ids") or named.get("include") or ""
        wp_ids = [_number(part) for part in ids.split(",") if _number(part)]
        if not ids:
            wp_ids = self.library.children(post_id)
        return "".join(self.library.figure(wp_id=wp_id) for wp_id in wp_ids)

    def _embed(self, name, named, positional, inner):
        if name == "playlist" and named.get("ids"):
            self.warn("shortcode_link", "[playlist] became links to its files")
            return "".join(
                self._file_by_id(_number(part)) for part in named["ids"].split(",")
            )
        url = (inner or "").strip() if name == "embed" else ""
        for key in ("src", "mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm", "ogv"):
            url = url or named.get(key, "")
        url = url or next((p for p in positional if _is_url(p)), "")
        if not _is_url(url):
            self.warn("unknown_shortcode", f"[{name}] without an address removed")
            return ""
        if name != "embed":
            self.warn("shortcode_link", f"[{name}] became a link to {url}")
        return self._link(url)

    # Files --------------------------------------------------------------

    def _link(self, url):
        """Return a paragraph linking to `url`, or to its library file."""
        found = self.library.file_link(url=url)
        return file_link_html(*found) if found else _link_paragraph(url)

    def _file_by_id(self, wp_id):
        found = self.library.file_link(wp_id=wp_id) if wp_id else None
        if found is None:
            self.warn("missing_file", f"file {wp_id} not in the file library, left out")
            return ""
        return file_link_html(*found)

    def _files(self, text):
        """Make players links, and links to imported files lead to the library."""

        def player(match):
            sources = [f"<{match[1]}{match[2]}>", *SOURCE.findall(match[3])]
            for tag in sources:
                url = tag_attributes(tag).get("src", "").strip()
                if url:
                    self.warn("media_link", f"<{match[1].lower()}> became a link")
                    return self._link(url)
            return ""

        def link(match):
            found = self.library.file_link(url=html.unescape(match[3]))
            if found is None:
                return match[0]
            return f"{match[1]}{match[2]}{escape(found[0])}{match[2]}"

        return LINK_HREF.sub(link, MEDIA_ELEMENT.sub(player, text))

    # Pictures -----------------------------------------------------------

    def _bare_url(self, match):
        return self._link(match[1])

    def _pictures(self, text):
        """Make figures and lone images library figures (or drop them).

        Innermost figures first: a gallery block's figure holds a figure per
        picture, and becomes those pictures followed by its caption."""
        made = []

        def token(figure_html):
            made.append(figure_html)
            return f"\x00{len(made) - 1}\x00"

        def figure(match):
            inner = match[1]
            if "data-file=" in inner:
                return token(match[0])  # built from the library above
            caption = FIGCAPTION.search(inner)
            caption_html = caption[1].strip() if caption else ""
            pictures = [m[0] for m in TOKEN.finditer(inner)]
            if pictures:
                caption_html = f"<p>{caption_html}</p>" if caption_html else ""
                return "".join(pictures) + caption_html
            found = LINKED_IMG.search(inner)
            if found is None:
                # An embed's or a table's figure: its content stays.
                return FIGCAPTION.sub(r"<p>\1</p>", inner)
            return token(
                self._figure_from(tag_attributes(found[1]), caption=caption_html)
            )

        while True:
            replaced = INNERMOST_FIGURE.sub(figure, text)
            if replaced == text:
                break
            text = replaced
        text = LINKED_IMG.sub(
            lambda m: token(self._figure_from(tag_attributes(m[1]))), text
        )
        # Pictures leave the paragraphs they were in, and go before them.
        text = PARAGRAPH.sub(_lift_pictures, text)
        return TOKEN.sub(lambda m: made[int(m[1])], text)

    def _figure_from(self, img, *, wp_id=None, caption=""):
        if wp_id is None:
            found = WP_IMAGE_CLASS.search(img.get("class", ""))
            wp_id = int(found[1]) if found else None
        return self.library.figure(
            wp_id=wp_id, url=img.get("src", ""), alt=img.get("alt"), caption=caption
        )


def _lift_pictures(paragraph):
    inner = paragraph[1]
    pictures = "".join(found[0] for found in TOKEN.finditer(inner))
    if not pictures:
        return paragraph[0]
    rest = EDGE_BREAKS.sub("", TOKEN.sub("", inner)).strip()
    return pictures + (f"<p>{rest}</p>" if rest else "")


def figure_html(*, src, alt, file_id, caption=""):
    """Return a body figure of a library image, as the editor stores it."""
    caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
    return (
        f'<figure><img src="{escape(src)}" alt="{escape(alt)}" '
        f'data-file="{file_id}">{caption_html}</figure>'
    )


def file_link_html(url, title, kind):
    """Return a paragraph linking to a library file, e.g. "Interview (audio)"."""
    return f'<p><a href="{escape(url)}">{escape(title)}</a> ({escape(kind)})</p>'


def _link_paragraph(url):
    return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'


def _is_url(value):
    parts = urlsplit(value or "")
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _number(text):
    text = (text or "").strip()
    return int(text) if text.isdigit() else None
