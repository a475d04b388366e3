import secrets
import tomllib
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from articles import roles
from articles.models import Article, ArticleAuthor, Author
from frontpage.models import Block, PinnedArticle
from images.models import Image
from images.uploads import clean_upload
from related import counting
from related.models import CuratedLink, DailyViewCount
from sections.models import Section

from ...markup import to_html
from ...pictures import draw_picture

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
KINDS = {label: value for value, label in Article.Kind.choices}
# One account per role; each may be the byline of a demo author.
ACCOUNTS = [
    ("writer", roles.WRITER, "tomasz-reyes"),
    ("editor", roles.EDITOR, "mara-lindqvist"),
    ("admin", roles.ADMINISTRATOR, None),
]


class Command(BaseCommand):
    help = (
        "Load the demo sections, authors, pictures and articles (the seed article "
        "among them) with a week of reads, and one account per role (writer, "
        "editor, admin) whose passwords are printed once. Content and accounts "
        "that exist already are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts", action="store_true", help="Create no demo accounts."
        )

    def handle(self, *args, no_accounts=False, **options):
        site = tomllib.loads((CONTENT_DIR / "site.toml").read_text())
        entries = [self.read_article(path) for path in self.article_paths()]
        pictures = tomllib.loads((CONTENT_DIR / "images.toml").read_text())["images"]
        # Renditions of new pictures are made when this transaction commits.
        with transaction.atomic():
            sections = self.load_sections(site["sections"])
            authors = self.load_authors(site["authors"])
            passwords = {} if no_accounts else self.load_accounts(authors)
            self.writer = get_user_model().objects.filter(username="writer").first()
            new_images = self.load_images(pictures)
            created = [
                entry["slug"]
                for entry in entries
                if self.load_article(entry, sections, authors)
            ]
            self.attach_lead_images(pictures, new_images)
            self.load_curated_links(entries, created)
            arranged = self.load_front_page(site["front_page"], sections)
            counted = self.load_views(entries)
        # The Popular posts widget reads a stored ranking; include these reads.
        counting.refresh_popular_ranking()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {len(sections)} sections, {len(authors)} authors, "
                f"{len(pictures)} images ({len(new_images)} new), "
                f"{len(entries)} articles ({len(created)} new), "
                f"{arranged} front page blocks, "
                f"reads added for {counted} articles."
            )
        )
        if passwords:
            self.stdout.write(
                "Demo accounts (passwords are shown only this once; sign in at "
                "http://127.0.0.1:8000/admin/):"
            )
            for username, password in passwords.items():
                self.stdout.write(f"  {username:<8} password: {password}")

    def load_accounts(self, authors):
        """Create the missing demo accounts; return {username: password}."""
        User = get_user_model()
        passwords = {}
        for username, role, author_slug in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username, password=password, is_staff=True)
            user.groups.add(Group.objects.get(name=role))
            if author_slug and authors[author_slug].user_id is None:
                authors[author_slug].user = user
                authors[author_slug].save(update_fields=["user"])
            passwords[f"{username} ({role})"] = password
        return passwords

    def article_paths(self):
        return [
            CONTENT_DIR / "seed-article.toml",
            *sorted(CONTENT_DIR.glob("articles/*.toml")),
        ]

    def read_article(self, path):
        entry = tomllib.loads(path.read_text())
        entry.setdefault("slug", path.stem)
        return entry

    def load_sections(self, rows):
        sections = {}
        for row in rows:
            sections[row["slug"]], _ = Section.objects.get_or_create(
                slug=row["slug"],
                defaults={
                    "name": row["name"],
                    "description": row.get("description", ""),
                    "nav_order": row.get("nav_order", 100),
                },
            )
        for row in rows:
            section = sections[row["slug"]]
            if row.get("parent") and section.parent_id is None:
                section.parent = sections[row["parent"]]
                section.show_in_navigation = False
                section.save()
        return sections

    def load_authors(self, rows):
        return {
            row["slug"]: Author.objects.get_or_create(
                slug=row["slug"],
                defaults={"name": row["name"], "bio": row.get("bio", "")},
            )[0]
            for row in rows
        }

    def load_article(self, entry, sections, authors):
        """Create the article unless it exists; return True if it was created."""
        if Article.objects.filter(slug=entry["slug"]).exists():
            return False
        article = Article.objects.create(
            slug=entry["slug"],
            headline=entry["headline"],
            kind=KINDS[entry.get("kind", "News")],
            section=sections[entry["section"]],
            standfirst=entry.get("standfirst", "").strip(),
            body=self.with_figure(entry["slug"], to_html(entry["body"])),
            featured=entry.get("featured", False),
            status=entry.get("status", Article.Status.PUBLISHED),
            publish_at=entry["published"],
            created_by=self.writer if entry.get("by_writer") else None,
        )
        article.tags.set(entry.get("tags", []))
        # Demo articles were last modified when they were published.
        Article.objects.filter(pk=article.pk).update(updated_at=article.publish_at)
        for position, slug in enumerate(entry.get("authors", [])):
            ArticleAuthor.objects.create(
                article=article, author=authors[slug], position=position
            )
        return True

    def load_images(self, pictures):
        """Draw and store the missing demo pictures; return {key: new Image}."""
        self.images, self.body_figures, new = {}, {}, {}
        for picture in pictures:
            filename = f"demo-{picture['key']}.jpg"
            image = Image.objects.filter(original_filename=filename).first()
            if image is None:
                upload = SimpleUploadedFile(
                    filename, draw_picture(picture["key"]), "image/jpeg"
                )
                image = Image(
                    alt_text=picture["alt"],
                    caption=picture.get("caption", ""),
                    credit=picture.get("credit", ""),
                    focal_x=picture["focal"][0],
                    focal_y=picture["focal"][1],
                )
                image.attach(clean_upload(upload))
                image.save()
                new[picture["key"]] = image
            self.images[picture["key"]] = image
            for figure in picture.get("in_body", []):
                self.body_figures[figure["article"]] = (image, figure["caption"])
        return new

    def with_figure(self, slug, body):
        """Return the body with its demo figure after the first paragraph."""
        if slug not in self.body_figures:
            return body
        image, caption = self.body_figures[slug]
        figure = format_html(
            '<figure><img src="{}" alt="{}" data-file="{}">'
            "<figcaption>{}</figcaption></figure>",
            image.file.url,
            image.alt_text,
            image.pk,
            caption,
        )
        first, _, rest = body.partition("</p>")
        return f"{first}</p>{figure}{rest}" if rest else f"{body}{figure}"

    def attach_lead_images(self, pictures, new_images):
        """Give new pictures to their articles that have no lead image yet."""
        for picture in pictures:
            image = new_images.get(picture["key"])
            if image is not None:
                Article.objects.filter(
                    slug__in=picture.get("articles", []), lead_image__isnull=True
                ).update(lead_image=image)

    def load_curated_links(self, entries, created):
        by_slug = Article.objects.in_bulk(
            [entry["slug"] for entry in entries], field_name="slug"
        )
        for entry in entries:
            if entry["slug"] not in created:
                continue
            for position, target in enumerate(entry.get("related", [])):
                CuratedLink.objects.create(
                    article=by_slug[entry["slug"]],
                    target=by_slug[target],
                    position=position,
                )

    def load_front_page(self, rows, sections):
        """Arrange the front page unless editors have; return the new blocks."""
        if Block.objects.exists():
            return 0
        for position, row in enumerate(rows):
            block = Block.objects.create(
                kind=row["kind"],
                section=sections[row["section"]] if "section" in row else None,
                title=row.get("title", ""),
                size=row.get("size", 1 if row["kind"] == Block.Kind.LEAD else 4),
                position=position,
                # From the first demo article's time: it is not scheduled.
                live_from=timezone.now() - timedelta(days=1),
            )
            for place, slug in enumerate(row.get("pinned", [])):
                PinnedArticle.objects.create(
                    block=block, article=Article.objects.get(slug=slug), position=place
                )
        return len(rows)

    def load_views(self, entries):
        """Spread each article's weekly reads over the last seven days, once."""
        today = timezone.localdate()
        week = [today - timedelta(days=n) for n in range(7)]
        counted = 0
        for entry in entries:
            total = entry.get("views", 0)
            article = Article.objects.get(slug=entry["slug"])
            if not total or article.daily_views.filter(day__gte=week[-1]).exists():
                continue
            share, rest = divmod(total, len(week))
            DailyViewCount.objects.bulk_create(
                DailyViewCount(article=article, day=day, views=share + (n < rest))
                for n, day in enumerate(week)
            )
            counted += 1
        return counted
