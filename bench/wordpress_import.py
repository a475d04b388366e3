"""Time a WordPress import at archive scale (issue #15), by hand:

    python bench/wordpress_import.py   # 10,000 posts, 2,000 pictures
    python bench/wordpress_import.py --posts 500 --images 100   # a quick look

Writes a generated WXR export (classic and block posts, categories two deep,
tags, featured images, pictures in the content, [caption] and [gallery]
shortcodes) and a wp-content/uploads copy of small generated JPEGs into a
temporary folder, imports it into a fresh database (a temporary SQLite file,
or DATABASE_URL's database if given: it must be empty and migrated, and is
left with the import), then renders an imported article's page, its section
front and the front page once each, cold, with no worker having run. Prints
one JSON object: the import's time (the whole of it, and the part spent
computing related lists, page copies and renditions after the commit, step
by step), items per second, the report's totals, the tasks left in the queue
and each first view's time and queries.

`make bench` runs it at full size after the sizes' figures and reports it
(`--no-wordpress` leaves it out; `--quick` imports 500 posts).
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

WORDS = [
    "council", "budget", "river", "school", "election", "harbour", "minister",
    "court", "festival", "storm", "market", "railway", "hospital", "museum",
    "league", "bridge", "farmers", "energy", "housing", "water", "police",
]  # fmt: skip


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text.capitalize() + "."


def write_export(path, *, posts, images, seed=15):
    """Write the export to `path`; return the upload paths of its pictures."""
    rng = random.Random(seed)  # noqa: S311 (made-up content, not secrets)
    uploads = [
        f"20{10 + n % 14:02d}/{1 + n % 12:02d}/photo-{n}.jpg" for n in range(images)
    ]
    categories = [(f"topic-{n}", f"Topic {n}", "") for n in range(10)]
    categories += [
        (f"topic-{n}-local", f"Topic {n} local", f"topic-{n}") for n in range(10)
    ]
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench Gazette</title><link>https://bench.example</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_blog_url>https://bench.example</wp:base_blog_url>\n"
        )
        for n in range(20):
            out.write(
                f"<wp:author><wp:author_login>writer{n}</wp:author_login>"
                f"<wp:author_display_name>Writer {n}</wp:author_display_name>"
                "</wp:author>\n"
            )
        for nicename, name, parent in categories:
            out.write(
                f"<wp:category><wp:category_nicename>{nicename}"
                f"</wp:category_nicename><wp:category_parent>{parent}"
                f"</wp:category_parent><wp:cat_name>{name}</wp:cat_name>"
                "</wp:category>\n"
            )
        for n, upload in enumerate(uploads):
            wp_id = 100_000 + n
            out.write(
                f"<item><title>Photo {n}</title><wp:post_id>{wp_id}</wp:post_id>"
                "<wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>"
                "<wp:status>inherit</wp:status>"
                "<wp:post_type>attachment</wp:post_type>"
                f"<wp:attachment_url>https://bench.example/wp-content/uploads/{upload}"
                "</wp:attachment_url><excerpt:encoded><![CDATA[A caption]]>"
                "</excerpt:encoded><wp:postmeta><wp:meta_key>_wp_attachment_image_alt"
                f"</wp:meta_key><wp:meta_value>Photo {n}</wp:meta_value>"
                "</wp:postmeta></item>\n"
            )
        for n in range(posts):
            picture = rng.randrange(images) if images else None
            paragraphs = [sentence(rng, rng.randint(20, 60)) for _ in range(8)]
            if n % 2:
                body = "\n\n".join(paragraphs)
                if picture is not None and n % 4 == 1:
                    body += (
                        f'\n\n[caption id="attachment_{100_000 + picture}"]<img src='
                        f'"https://bench.example/wp-content/uploads/{uploads[picture]}">'
                        " A caption[/caption]"
                    )
            else:
                body = "\n".join(
                    f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->"
                    for p in paragraphs
                )
                if images and n % 10 == 0:
                    ids = ",".join(
                        str(100_000 + rng.randrange(images)) for _ in range(3)
                    )
                    body += f'\n[gallery ids="{ids}"]'
            category = rng.choice(categories)[0]
            tags = "".join(
                f'<category domain="post_tag" nicename="t{t}">Tag {t}</category>'
                for t in rng.sample(range(400), 4)
            )
            day = f"20{10 + n % 14:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
            thumbnail = (
                "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                f"<wp:meta_value>{100_000 + picture}</wp:meta_value></wp:postmeta>"
                if picture is not None
                else ""
            )
            out.write(
                f"<item><title>{sentence(rng, 7)[:-1]} {n}</title>"
                f"<link>https://bench.example/{day.replace('-', '/')}/story-{n}/</link>"
                f"<guid>https://bench.example/?p={n + 1}</guid>"
                f"<dc:creator>writer{n % 20}</dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[{sentence(rng)}]]></excerpt:encoded>"
                f"<wp:post_id>{n + 1}</wp:post_id>"
                f"<wp:post_date_gmt>{day} 09:30:00</wp:post_date_gmt>"
                f"<wp:post_name>story-{n}</wp:post_name>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="{category}">{category}'
                f"</category>{tags}{thumbnail}</item>\n"
            )
        out.write("</channel>\n</rss>\n")
    return uploads


def write_uploads(folder, uploads):
    from images.testing import picture_bytes

    data = picture_bytes((64, 48))
    for upload in uploads:
        path = Path(folder) / upload
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def first_view(path):
    """Ask for a page once; return its status, time and queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = Client().get(path, HTTP_HOST="localhost")
        seconds = time.perf_counter() - started
    return {
        "path": path,
        "status": response.status_code,
        "ms": round(seconds * 1000, 1),
        "queries": len(queries),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=2_000)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newsroom-wp-bench-"))
    try:
        own_database = "DATABASE_URL" not in os.environ
        if own_database:
            os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        # Local defaults (tasks wait in the database queue, as in production).
        os.environ.setdefault("DJANGO_DEBUG", "true")
        os.environ["DJANGO_MEDIA_ROOT"] = str(folder / "media")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        import django

        django.setup()
        from django.conf import settings

        # No query log: debug's would grow with every row imported.
        settings.DEBUG = False
        from django.core.management import call_command

        from articles.models import Article
        from wordpress.importer import import_export

        if own_database:
            call_command("migrate", verbosity=0)
        export = folder / "export.xml"
        started = time.perf_counter()
        uploads = write_export(export, posts=options.posts, images=options.images)
        write_uploads(folder / "uploads", uploads)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        report = import_export(export, media_dir=folder / "uploads").as_dict()
        seconds = time.perf_counter() - started
        article = Article.objects.live().select_related("section").first()
        # Tasks waiting for a worker (none should be: nothing is left to one).
        from django_tasks_db.models import DBTaskResult

        tasks_left = DBTaskResult.objects.count()
        pages = {
            "article": article.get_absolute_url(),
            "section_front": article.section.get_absolute_url(),
            "front_page": "/",
        }
        # A running server has rendered pages before: warm this process up on
        # another imported article and another section's front (templates
        # compiled, URLs resolved).
        other = (
            Article.objects.live()
            .exclude(section=article.section)
            .select_related("section")
            .first()
        )
        warm_up = [
            first_view(other.get_absolute_url()),
            first_view(other.section.get_absolute_url()),
        ]
        first_views = {name: first_view(path) for name, path in pages.items()}
        items = report["items"]["in_file"]
        computed = report["computed_after_import"]
        print(
            json.dumps(
                {
                    "posts": options.posts,
                    "images": options.images,
                    "export_mb": round(export.stat().st_size / 1e6, 1),
                    "generate_seconds": round(generated, 1),
                    "import_seconds": round(seconds, 1),
                    "computed_after_import_seconds": round(
                        sum(step["seconds"] for step in computed.values()), 1
                    ),
                    "computed_after_import": computed,
                    "items_per_second": round(items / seconds, 1),
                    "by_type": report["items"]["by_type"],
                    "problems": report["problems"],
                    "tasks_queued": tasks_left,
                    "warm_up_views": warm_up,
                    "first_views": first_views,
                },
                indent=2,
            )
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
