"""Builders for the WordPress import's tests: the shared fixtures, small
exports written on the spot, and a copy of wp-content/uploads made of
generated pictures."""

import os
import unittest
from pathlib import Path

from django.conf import settings

from attachments.testing import SAMPLES
from images.testing import picture_bytes

from .importer import scan, upload_path

# WordPress's Theme Unit Test exports, kept beside the project (not in it:
# they are WordPress's, not ours to publish); NEWSROOM_WXR_FIXTURES names
# another folder.
FIXTURES = Path(
    os.environ.get("NEWSROOM_WXR_FIXTURES")
    or Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "wxr"
)
THEME_UNIT_TEST = FIXTURES / "themeunittestdata.wordpress.xml"
BLOCK_TEST = FIXTURES / "64-block-test-data.xml"


def needs_fixtures(test_class):
    """Skip the class where the exports are not found, with why; with
    NEWSROOM_REQUIRE_WXR_FIXTURES set (as .ci/run does) it runs, and fails."""
    found = THEME_UNIT_TEST.is_file() and BLOCK_TEST.is_file()
    if found or os.environ.get("NEWSROOM_REQUIRE_WXR_FIXTURES"):
        return test_class
    reason = (
        f"The WordPress test exports are not in {FIXTURES} (NEWSROOM_WXR_FIXTURES)."
    )
    return unittest.skip(reason)(test_class)


FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF"}


def make_uploads(export, folder):
    """Write a small file at the uploads path of each attachment of `export`:
    a generated picture for pictures, a small valid file of the format for
    audio, video and PDFs, a few bytes for anything else."""
    _, _, attachments, _ = scan(export)
    for item in attachments.values():
        path = Path(folder) / upload_path(item.attachment_url)
        path.parent.mkdir(parents=True, exist_ok=True)
        extension = path.suffix.lstrip(".").lower()
        if extension in FORMATS:
            path.write_bytes(picture_bytes((48, 32), FORMATS[extension]))
        else:
            path.write_bytes(SAMPLES.get(extension, b"neither picture nor file"))
    return len(attachments)


def wxr_export(items="", *, version="1.2", scheme="https", head="", channel_extra=""):
    """Return the bytes of a small WXR export holding `items` (XML text)."""
    ns = f"{scheme}://wordpress.org/export/{version}/"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{head}<rss version="2.0" xmlns:excerpt="{ns}excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}">
<channel>
<title>Small Site</title>
<link>https://small.example</link>
<wp:wxr_version>{version}</wp:wxr_version>
<wp:base_blog_url>https://small.example</wp:base_blog_url>
<wp:author><wp:author_login>ed</wp:author_login>
<wp:author_display_name><![CDATA[Ed Itor]]></wp:author_display_name></wp:author>
<wp:category><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>News</wp:cat_name></wp:category>
{channel_extra}{items}
</channel>
</rss>
""".encode()


def wxr_post(
    post_id,
    title,
    *,
    content="",
    slug="",
    status="publish",
    date="2020-05-04 10:00:00",
    post_type="post",
    extra="",
):
    """Return the XML of one <item>."""
    return f"""<item>
<title><![CDATA[{title}]]></title>
<link>https://small.example/{slug}/</link>
<guid isPermaLink="false">https://small.example/?p={post_id}</guid>
<dc:creator>ed</dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id>
<wp:post_date>{date}</wp:post_date>
<wp:post_date_gmt>{date}</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name>
<wp:status>{status}</wp:status>
<wp:post_type>{post_type}</wp:post_type>
<category domain="category" nicename="news"><![CDATA[News]]></category>
{extra}</item>
"""
