"""The allow-list for article body HTML, applied on every save."""

import html
import re

import nh3

from django.urls import reverse_lazy
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "a", "blockquote", "br", "em", "figcaption", "figure", "h2", "h3", "h4", "hr",
    "img", "li", "ol", "p", "s", "strong", "sub", "sup", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    # A library image: pages render it from the library (images/embeds.py).
    "img": {"src", "alt", "data-file"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)

# The rich-text editor offers exactly what the allow-list keeps.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    # Figures of library images, chosen with "Browse…" in the image dialog.
    "Figure": {"pickerUrl": reverse_lazy("admin:images_image_choose")},
    "Image": True,
    "Caption": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    # Links to the file library's files, chosen in its window (file-link.js).
    "FileLink": {"pickerUrl": reverse_lazy("admin:attachments_attachment_choose")},
    "History": True,
    # django-prose-editor turns the browser's spell-check off unless told.
    "NoSpellCheck": False,
}


# Pictures come from the image library, whose number the editor's picker puts
# in data-file; any other image (pasted, or typed as an address) is dropped,
# with its figure: readers never load pictures from elsewhere.
_FIGURE = re.compile(r"<figure\b[^>]*>.*?</figure>", re.DOTALL)
_IMG = re.compile(r"<img\b[^>]*>")
_LIBRARY_IMG = re.compile(r'<img\b[^>]*\bdata-file="\d+"[^>]*>')


def _library_images_only(html):
    html = _FIGURE.sub(lambda m: m[0] if _LIBRARY_IMG.search(m[0]) else "", html)
    return _IMG.sub(lambda m: m[0] if _LIBRARY_IMG.fullmatch(m[0]) else "", html)


def clean_html(html):
    """Return the HTML with everything outside the allow-list removed."""
    cleaned = _library_images_only(_cleaner.clean(html or "")).strip()
    # The editor stores an empty document as one empty paragraph.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


_BLOCK_END = re.compile(
    r"</(p|h[1-6]|li|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE
)


def link_end(url):
    """Return how a body's link to `url` ends, by that address or by a full
    one ending in it (https://host/media/…): the address and the closing
    quote of its href, as the sanitizer writes every attribute."""
    return f'{url}"'


def html_to_text(html_text):
    """Return body HTML as plain text, one block (paragraph, heading) per line."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", html_text or "")))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
