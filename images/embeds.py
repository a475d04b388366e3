"""Library images inside rich text: the body stores a light reference, pages
show the full responsive figure.

The body editor (django-prose-editor's Figure, with the library as its picker)
stores `<figure><img src="…" alt="…" data-file="12"><figcaption>…</figcaption>
</figure>`, where data-file is the library image's number. On the page that
figure becomes a <picture> from the image's current renditions, with the
caption from the body and the credit from the library, so a later change of
focal point, credit or file shows everywhere. Images that are not from the
library, or no longer in it, are left out: pages only show pictures whose
rights and alt text the library records.
"""

import html as html_lib
import re

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .models import Image

# A figure, or an image outside one; scanned once, so output is not rescanned.
EMBED = re.compile(
    r"<figure\b[^>]*>(?P<inner>.*?)</figure>|<img\b(?P<attrs>[^>]*)>", re.DOTALL
)
IMG = re.compile(r"<img\b(?P<attrs>[^>]*)>")
ATTRIBUTE = re.compile(r'(?P<name>[\w-]+)="(?P<value>[^"]*)"')
CAPTION = re.compile(r"<figcaption\b[^>]*>(?P<html>.*?)</figcaption>", re.DOTALL)
# The body column is at most 40rem wide (static/css/site.css, .article).
BODY_SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"


def _image_reference(img_tag):
    """Return (image id or None, alt text) from an <img> tag of body HTML."""
    attributes = {
        m["name"]: html_lib.unescape(m["value"])
        for m in ATTRIBUTE.finditer(img_tag["attrs"])
    }
    number = attributes.get("data-file", "")
    return (int(number) if number.isdigit() else None), attributes.get("alt", "")


def referenced_ids(html):
    """Return the numbers of the library images the HTML refers to."""
    ids = set()
    for img in IMG.finditer(html or ""):
        number, _ = _image_reference(img)
        if number is not None:
            ids.add(number)
    return ids


def embed_library_images(html):
    """Return sanitized rich text with library figures rendered for readers."""
    html = html or ""
    if "<img" not in html:
        # Sanitized with the allow-list when it was saved.
        return mark_safe(html)

    images = Image.objects.in_bulk(referenced_ids(html))

    def figure(img_match, caption_html):
        number, alt = _image_reference(img_match)
        image = images.get(number)
        if image is None:
            return ""
        return render_to_string(
            "images/includes/figure.html",
            {
                "image": image,
                "renditions": (renditions := image.rendition_set("body")),
                "src": renditions.src if renditions else None,
                "alt": alt or image.alt_text,
                "sizes": BODY_SIZES,
                "caption": mark_safe(caption_html),  # From the sanitized body.
                "css_class": "image-figure--body",
            },
        )

    def replace(match):
        if match["inner"] is None:
            # An image outside a figure: the same picture, with the credit only.
            return figure(match, "")
        img = IMG.search(match["inner"])
        if img is None:
            return match[0]
        caption = CAPTION.search(match["inner"])
        return figure(img, caption["html"].strip() if caption else "")

    html = EMBED.sub(replace, html)
    # Sanitized on save; the figures are built from escaping templates.
    return mark_safe(html)
