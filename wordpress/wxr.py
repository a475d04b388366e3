"""Reading WordPress eXtended RSS (WXR) exports, safely and as a stream.

The file is read with defusedxml's ElementTree: a document that declares
entities (entity expansion, "billion laughs") or refers to external ones is
refused before any of it is used, and nothing is fetched from the network.
Elements are handed on one <item> at a time and dropped afterwards, so a
file of several hundred megabytes is never held whole.

WXR 1.0, 1.1 and 1.2 are read, with `http://` or `https://` namespace
addresses (WordPress.com exports use the latter): names are matched on the
namespace's kind (wp, excerpt, content, dc) and the element's local name.
"""

import html
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import iterparse

# Namespace address (without scheme) -> the prefix WXR files use for it.
NAMESPACE_KINDS = [
    (re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/?$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/?$"), "wp"),
    (re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/?$"), "content"),
    (re.compile(r"^https?://purl\.org/dc/elements/1\.1/?$"), "dc"),
]
SUPPORTED_VERSIONS = {"1.0", "1.1", "1.2"}


class WXRError(Exception):
    """The file cannot be imported: not well-formed, hostile, or not WXR."""


@dataclass
class Item:
    """One <item> of the export: a post, page, attachment, menu item, …"""

    post_id: int = 0
    post_type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_name: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    password: str = ""
    parent: int = 0
    attachment_url: str = ""
    # (domain, nicename, name) of each <category>: categories, tags, others.
    terms: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    comments: int = 0


@dataclass
class Channel:
    """What the export says about the site, its people and its terms."""

    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    # login -> {"login", "display_name", "email", "first_name", "last_name"}
    authors: dict = field(default_factory=dict)
    # nicename -> {"nicename", "name", "parent", "description"}
    categories: dict = field(default_factory=dict)
    # slug -> {"slug", "name"}
    tags: dict = field(default_factory=dict)
    # (taxonomy, slug) -> {"taxonomy", "slug", "name", "parent"}
    terms: dict = field(default_factory=dict)

    @property
    def site_url(self):
        """Return the address that names the site: its blog URL, or its link."""
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/")


def _kind_of(uri):
    for pattern, kind in NAMESPACE_KINDS:
        if pattern.match(uri):
            return kind
    return None


class _Names(dict):
    """ElementTree tag ("{uri}local") -> "wp:local", "content:encoded", …"""

    def __missing__(self, tag):
        if tag.startswith("{"):
            uri, local = tag[1:].split("}", 1)
            kind = _kind_of(uri)
            name = f"{kind}:{local}" if kind else f"?:{local}"
        else:
            name = tag
        self[tag] = name
        return name


def _text(element):
    return (element.text or "").strip() if element is not None else ""


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def _children(element, names):
    """Return {name: [child, …]} for the element's children."""
    found = {}
    for child in element:
        found.setdefault(names[child.tag], []).append(child)
    return found


def _first(found, name):
    elements = found.get(name)
    return _text(elements[0]) if elements else ""


def _raw(found, name):
    """Return a child's text without stripping (content keeps its spacing)."""
    elements = found.get(name)
    return (elements[0].text or "") if elements else ""


def _item(element, names):
    found = _children(element, names)
    meta = {}
    for postmeta in found.get("wp:postmeta", []):
        parts = _children(postmeta, names)
        key = _first(parts, "wp:meta_key")
        if key:
            meta.setdefault(key, _raw(parts, "wp:meta_value"))
    terms = [
        (
            category.get("domain", "category"),
            category.get("nicename", ""),
            _text(category),
        )
        for category in found.get("category", [])
    ]
    return Item(
        post_id=_int(_first(found, "wp:post_id")),
        post_type=_first(found, "wp:post_type") or "post",
        status=_first(found, "wp:status"),
        title=_first(found, "title"),
        link=_first(found, "link"),
        guid=_first(found, "guid"),
        creator=_first(found, "dc:creator"),
        content=_raw(found, "content:encoded"),
        excerpt=_raw(found, "excerpt:encoded"),
        post_name=_first(found, "wp:post_name"),
        post_date=_first(found, "wp:post_date"),
        post_date_gmt=_first(found, "wp:post_date_gmt"),
        password=_first(found, "wp:post_password"),
        parent=_int(_first(found, "wp:post_parent")),
        attachment_url=_first(found, "wp:attachment_url"),
        terms=terms,
        meta=meta,
        comments=len(found.get("wp:comment", [])),
    )


# Channel entries: element -> (Channel attribute, the fields that key an
# entry, {field: child element (in the wp namespace)}).
CHANNEL_ENTRIES = {
    "wp:author": (
        "authors",
        ("login",),
        {
            "login": "author_login",
            "display_name": "author_display_name",
            "email": "author_email",
            "first_name": "author_first_name",
            "last_name": "author_last_name",
        },
    ),
    "wp:category": (
        "categories",
        ("nicename",),
        {
            "nicename": "category_nicename",
            "name": "cat_name",
            "parent": "category_parent",
            "description": "category_description",
        },
    ),
    "wp:tag": ("tags", ("slug",), {"slug": "tag_slug", "name": "tag_name"}),
    "wp:term": (
        "terms",
        ("taxonomy", "slug"),
        {
            "taxonomy": "term_taxonomy",
            "slug": "term_slug",
            "name": "term_name",
            "parent": "term_parent",
        },
    ),
}
CHANNEL_FIELDS = {"title", "link", "wp:base_site_url", "wp:base_blog_url"}


def _channel_entry(channel, element, names):
    name = names[element.tag]
    if name in CHANNEL_FIELDS or name == "wp:wxr_version":
        setattr(channel, name.removeprefix("wp:"), _text(element))
        return
    if name not in CHANNEL_ENTRIES:
        return
    attribute, key_fields, children = CHANNEL_ENTRIES[name]
    parts = _children(element, names)
    entry = {field: _first(parts, f"wp:{child}") for field, child in children.items()}
    key = tuple(entry[field] for field in key_fields)
    if not all(key):
        return
    if "name" in entry:
        entry["name"] = html.unescape(entry["name"]) or key[-1]
    getattr(channel, attribute)[key[0] if len(key) == 1 else key] = entry


def read(source, *, on_channel=None):
    """Yield the export's items, one at a time, from a path or binary file.

    `on_channel(channel)` is called once the channel's own elements before
    the first item (authors, categories, tags, terms) have been read; it is
    called again with the complete channel at the end, if elements came
    after the items. Raise WXRError for a file that is not well-formed,
    declares entities, refers to external ones, or is not a WXR export.
    """
    names = _Names()
    channel = Channel()
    in_channel = seen_root = seen_item = False
    depth = 0
    try:
        events = iterparse(
            source,
            events=("start", "end"),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    seen_root = True
                    if names[element.tag] != "rss":
                        raise WXRError(
                            f"This is not a WordPress export: its root element is "
                            f"<{names[element.tag]}>, not <rss>."
                        )
                elif depth == 2 and names[element.tag] == "channel":
                    in_channel = True
                    channel_element = element
                continue
            depth -= 1
            if depth == 2 and in_channel:
                if names[element.tag] == "item":
                    if not seen_item:
                        seen_item = True
                        _check_version(channel)
                        if on_channel:
                            on_channel(channel)
                    yield _item(element, names)
                else:
                    _channel_entry(channel, element, names)
                # Items and channel entries are done with: drop them.
                channel_element.remove(element)
            elif depth == 1 and names[element.tag] == "channel":
                in_channel = False
    except EntitiesForbidden as error:
        where = f" (it refers to “{error.sysid}”)" if error.sysid else ""
        raise WXRError(
            f"The file declares the XML entity “{error.name}”{where}. Entity "
            "declarations are refused: they are used for entity-expansion "
            "(“billion laughs”) and external-entity attacks, and WordPress "
            "exports never contain them."
        ) from None
    except DefusedXmlException as error:
        raise WXRError(
            f"The file refers to external XML resources ({error}); they are "
            "refused, and WordPress exports never contain them."
        ) from None
    except ParseError as error:
        line, column = error.position
        raise WXRError(
            f"The file is not well-formed XML: line {line}, column {column + 1}: "
            f"{_reason(error)}."
        ) from None
    if not seen_root:
        raise WXRError("The file is empty.")
    if not seen_item:
        _check_version(channel)
    if on_channel:
        on_channel(channel)


def _reason(error):
    """Return expat's message without its own ": line …, column …" tail."""
    return re.sub(r":\s*line \d+, column \d+$", "", str(error))


def _check_version(channel):
    if not channel.wxr_version:
        raise WXRError(
            "This is not a WordPress export: it has no <wp:wxr_version> "
            "(WordPress writes one in every export, Tools → Export)."
        )
    if channel.wxr_version not in SUPPORTED_VERSIONS:
        raise WXRError(
            f"WXR version {channel.wxr_version} is not supported (1.0, 1.1 and "
            "1.2 are)."
        )
