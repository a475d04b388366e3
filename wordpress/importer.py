"""Import a WordPress export: posts, their people, categories, tags, pictures
and old addresses, in one transaction, accounted for item by item.

The file is read twice, as a stream: first to check it all (well-formed, not
hostile, a WXR export) and count its items, then to import. Nothing is
written before the first reading has finished, and the whole import is one
transaction: an error rolls it back and removes the picture files it stored.
Each row made is recorded with the site and WordPress id it came from
(wordpress.models), so importing again changes only what changed.

The rules that map WordPress to Newsroom are documented in
docs/operations.md, "Moving from WordPress".
"""

import hashlib
import html
import json
import re
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import reversion
from taggit.models import Tag, TaggedItem

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from articles.models import Article, ArticleAuthor, Author, FormerURL
from attachments.models import Attachment, FormerFileURL
from attachments.uploads import FORMATS as FILE_FORMATS
from attachments.uploads import check_upload
from images.models import Image
from images.uploads import EXTENSIONS, clean_upload
from newsroom.bulk import bulk_job
from reading.pagecache import bump_content_version
from sections.models import RESERVED_SLUGS, Section

from . import derived, wxr
from .content import Converter, figure_html
from .models import (
    ImportedAuthor,
    ImportedFile,
    ImportedImage,
    ImportedPost,
    ImportedSection,
    Site,
)
from .report import Report

# wp:status -> (article status, how the report counts it)
STATUSES = {
    "publish": (Article.Status.PUBLISHED, "live"),
    "future": (Article.Status.PUBLISHED, "scheduled"),
    "draft": (Article.Status.DRAFT, "draft"),
    "pending": (Article.Status.REVIEW, "review"),
    "private": (Article.Status.UNPUBLISHED, "not_public"),
}
SKIPPED_STATUSES = {
    "auto-draft": "an automatic draft WordPress made, never written",
    "trash": "in WordPress's trash",
    "inherit": "a revision of another post",
}
# Meta WordPress keeps for itself, or that the import reads: not reported.
KNOWN_META = {
    "_edit_last", "_edit_lock", "_thumbnail_id", "_wp_old_slug", "_wp_old_date",
    "_pingme", "_encloseme", "_wp_page_template", "_wp_attachment_image_alt",
    "_wp_attached_file", "_wp_attachment_metadata", "_attachment_original_parent_id",
}  # fmt: skip
KNOWN_META_PREFIXES = ("_oembed_",)
UNCATEGORIZED = {"nicename": "uncategorized", "name": "Uncategorized", "parent": ""}
UNTITLED = "Untitled"
ZERO_DATE = "0000-00-00 00:00:00"
MAX_TAG_LENGTH = 100
READER_PASSWORD_LENGTH = Article._meta.get_field("reader_password").max_length


class ImportFailed(Exception):
    """The import was rolled back; the message says why."""


class _RolledBack(Exception):
    """Raised inside the transaction to undo it (a dry run)."""


def scan(path):
    """Read the whole file once: return (channel, item counts by type,
    attachments by id, the ids of all items).

    Raise wxr.WXRError if it cannot be imported."""
    counts = Counter()
    attachments = {}
    post_ids = set()
    channel = None

    def keep(read_channel):
        nonlocal channel
        channel = read_channel

    for item in wxr.read(path, on_channel=keep):
        counts[item.post_type] += 1
        post_ids.add(item.post_id)
        if item.post_type == "attachment":
            attachments[item.post_id] = item
    return channel, counts, attachments, post_ids


def import_export(
    path, *, media_dir=None, dry_run=False, progress=None, time_zone=None
):
    """Import the WXR file at `path`; return its Report.

    Raise wxr.WXRError for a file that cannot be imported (nothing is
    written) and ImportFailed when the numbers of the report do not add up
    (everything is rolled back). `progress(done, total)` is called as items
    are imported.
    """
    channel, counts, attachments, post_ids = scan(path)
    report = Report(source=str(path), dry_run=dry_run)
    report.in_file.update(counts)
    stored_files = []
    run = _Import(
        channel,
        attachments,
        post_ids,
        report,
        media_dir=Path(media_dir) if media_dir else None,
        dry_run=dry_run,
        stored_files=stored_files,
        time_zone=ZoneInfo(time_zone or settings.TIME_ZONE),
    )
    try:
        # Derived data is computed once, after the commit (run.compute_derived).
        with bulk_job(), transaction.atomic():
            run.run(path, progress=progress, total=sum(counts.values()))
            problems = report.problems()
            if problems:
                raise ImportFailed(
                    "The report does not account for every item, so nothing was "
                    "imported: " + "; ".join(problems)
                )
            if dry_run:
                raise _RolledBack
    except _RolledBack:
        pass
    except BaseException:
        _delete_files(stored_files)
        raise
    if not dry_run:
        run.compute_derived(progress=progress)
    return report


def _file_sha256(path):
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _delete_files(names):
    storage = Image._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def _fingerprint(values):
    data = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _clean_text(value):
    """Return plain text from a title, name or excerpt that may hold HTML."""
    text = html.unescape(strip_tags(html.unescape(value or "")))
    # Control characters go; format characters (right-to-left marks,
    # zero-width joiners in emoji and scripts) are part of the text.
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(text.split())


def _slug(value, *, fallback):
    """Return an ASCII slug from a WordPress slug or title (RTL, emoji or
    accented names become their closest letters, or the fallback)."""
    slug = slugify(unquote(value or ""))
    return slug or fallback


def site_address(url):
    """Return a site's address without scheme or trailing slash."""
    parts = urlsplit(url)
    return (parts.netloc.lower() + parts.path.rstrip("/")) or url


def old_path(url):
    """Return the path (with a ?p= query) an old address is asked for by."""
    parts = urlsplit(url or "")
    path = unquote(parts.path) or "/"
    query = re.search(r"(?:^|&)p=(\d+)(?:&|$)", parts.query)
    if query:
        return f"{path}?p={query[1]}"
    return "" if parts.query else path


def upload_path(url):
    """Return where a file is under wp-content/uploads, from its address."""
    path = unquote(urlsplit(url or "").path)
    if "/wp-content/uploads/" in path:
        return path.split("/wp-content/uploads/", 1)[1]
    # WordPress.com and multisite serve uploads as /files/… or at the root.
    path = path.lstrip("/")
    return path.removeprefix("files/")


# WordPress's resized copies: picture-300x200.jpg is picture.jpg.
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


class _Library:
    """The library images of this import, for the body converter."""

    def __init__(self, run):
        self.run = run
        self.current = None

    def children(self, post_id):
        return sorted(
            wp_id
            for wp_id, item in self.run.attachments.items()
            if item.parent == post_id
        )

    def figure(self, *, wp_id=None, url="", alt=None, caption=""):
        image = self.run.images.get(wp_id) if wp_id else None
        if image is None and url:
            image = self.run.image_at(upload_path(url.split("?")[0]))
        if image is None:
            self.run.report.warn(
                "missing_image",
                self.current,
                f"picture not in the library, left out: {url or f'attachment {wp_id}'}",
            )
            return ""
        return figure_html(
            src=image.file.url if image.file else "",
            alt=alt if alt else image.alt_text,
            file_id=image.pk,
            caption=caption,
        )

    def file_link(self, *, wp_id=None, url=""):
        attachment = self.run.files.get(wp_id) if wp_id else None
        if attachment is None and url:
            attachment = self.run.file_at(url)
        if attachment is None:
            return None
        return attachment.file.url, attachment.title, attachment.kind


class _Import:
    def __init__(
        self,
        channel,
        attachments,
        post_ids,
        report,
        *,
        media_dir,
        dry_run,
        stored_files,
        time_zone,
    ):
        self.channel = channel
        self.attachments = attachments
        self.post_ids = post_ids
        self.site_hosts = {
            _host(url) for url in (channel.link, channel.base_blog_url) if url
        } | {""}
        # Hosts that served the export's uploads (files.wordpress.com, a CDN).
        self.upload_hosts = self.site_hosts | {
            _host(item.attachment_url or item.guid) for item in attachments.values()
        }
        self.report = report
        self.media_dir = media_dir
        self.dry_run = dry_run
        self.stored_files = stored_files
        self.time_zone = time_zone
        self.images = {}  # wp id -> Image
        self.images_by_path = {}  # upload path -> Image
        self.images_by_original = {}  # upload path without size suffix -> Image
        self.files = {}  # wp id -> Attachment (audio, video, PDF)
        self.files_by_path = {}  # upload path -> Attachment
        self.authors = {}  # login -> Author
        self.sections = {}  # nicename -> Section
        self.tags = {}  # casefolded name -> Tag
        self.changed = 0  # rows imported or updated
        self.changed_articles = []  # ids of the articles imported or updated
        self.categories_as_tags = set()
        self.tags_used = set()
        self.library = _Library(self)
        self.converter = Converter(self.library, self._warn_current)

    def _warn_current(self, kind, detail):
        self.report.warn(kind, self.library.current, detail)

    def run(self, path, *, progress, total):
        channel = self.channel
        address = site_address(channel.site_url)
        self.site, _ = Site.objects.get_or_create(
            address=address, defaults={"title": channel.title[:300]}
        )
        self.report.site = {
            "address": address,
            "title": channel.title,
            "wxr_version": channel.wxr_version,
        }
        # Their articles are read when they are updated: the archive may be large.
        self.posts = {
            imported.wp_id: imported
            for imported in ImportedPost.objects.filter(site=self.site)
        }
        self._import_attachments()
        self._load_authors()
        self._load_sections()
        for done, item in enumerate(wxr.read(path), start=1):
            self.report.read[item.post_type] += 1
            self.report.comments += item.comments
            if item.post_type == "post":
                self._import_post(item)
            elif item.post_type != "attachment":
                self.report.outcome(item, "not_imported")
            if progress:
                progress(done, total)
        self._count_terms()
        if self.changed:
            self.site.title = channel.title[:300]
            self.site.imported_at = timezone.now()
            self.site.save()

    def compute_derived(self, *, progress=None):
        """Once the import is committed, compute in bulk what its saves left
        undone (wordpress/derived.py) and note it in the report."""
        if self.changed:
            # Any page may show what changed, and a re-import may have taken
            # an article off the site.
            bump_content_version(retracts=True)
        try:
            self.report.computed = derived.compute(
                article_ids=self.changed_articles,
                images=self.images.values(),
                progress=progress,
            )
        except derived.ComputeFailed as error:
            error.report = self.report
            raise

    # Attachments ---------------------------------------------------------

    def _import_attachments(self):
        known = {
            imported.wp_id: imported
            for imported in ImportedImage.objects.filter(site=self.site).select_related(
                "image"
            )
        }
        self.known_files = {
            imported.wp_id: imported
            for imported in ImportedFile.objects.filter(site=self.site).select_related(
                "attachment"
            )
        }
        for wp_id, item in sorted(self.attachments.items()):
            self.library.current = item
            self._import_attachment(item, known.get(wp_id))

    def _import_attachment(self, item, imported):
        url = item.attachment_url or item.guid
        relative = upload_path(url)
        file_path = self._media_file(relative)
        if file_path is None:
            self.report.outcome(item, "missing")
            self.report.missing_media.append(
                {"id": item.post_id, "url": url, "path": relative}
            )
            return
        extension = PurePosixPath(relative).suffix.lower().lstrip(".")
        if extension in FILE_FORMATS:
            known = self.known_files.get(item.post_id)
            self._import_file(item, url, relative, file_path, known)
            return
        if extension not in EXTENSIONS:
            self.report.outcome(
                item,
                "skipped",
                f"neither a picture nor a file the file library takes "
                f"({extension or 'no extension'}); {url}",
            )
            return
        file_hash = hashlib.sha256(file_path.read_bytes()).hexdigest()
        values = self._image_values(item, url)
        fingerprint = _fingerprint({**values, "file": file_hash})
        if imported is not None and imported.fingerprint == fingerprint:
            self._remember_image(item, relative, imported.image)
            self.report.outcome(item, "unchanged")
            return
        image = imported.image if imported else Image()
        if imported is None or imported.file_sha256 != file_hash:
            try:
                with file_path.open("rb") as handle:
                    upload = clean_upload(File(handle, name=file_path.name))
            except ValidationError as error:
                self.report.outcome(item, "skipped", " ".join(error.messages))
                return
            if self.dry_run:
                image.file = f"dry-run/{file_path.name}"
                image.width, image.height = upload.width, upload.height
                image.format = upload.format
                image.original_filename = file_path.name
            else:
                image.attach(upload)
        for name, value in values.items():
            setattr(image, name, value)
        uploaded = self._date(item)
        if uploaded:
            image.uploaded_at = uploaded
        image.save()
        if not self.dry_run and image.file.name not in self.stored_files:
            self.stored_files.append(image.file.name)
        self._record(
            ImportedImage,
            imported,
            item,
            fingerprint,
            image=image,
            file_sha256=file_hash,
        )
        self._remember_image(item, relative, image)

    def _import_file(self, item, url, relative, file_path, imported):
        """Make an attachment that is not a picture a library file."""
        file_hash = _file_sha256(file_path)
        values = self._file_values(item, relative)
        fingerprint = _fingerprint({**values, "file": file_hash})
        if imported is not None and imported.fingerprint == fingerprint:
            self._remember_file(item, relative, imported.attachment)
            self.report.outcome(item, "unchanged")
            return
        attachment = imported.attachment if imported else Attachment()
        with file_path.open("rb") as handle:
            if imported is None or imported.file_sha256 != file_hash:
                try:
                    upload = check_upload(File(handle, name=file_path.name))
                except ValidationError as error:
                    self.report.outcome(item, "skipped", " ".join(error.messages))
                    return
                attachment.attach(upload)
                if self.dry_run:
                    attachment.file = f"dry-run/{file_path.name}"
            for name, value in values.items():
                setattr(attachment, name, value)
            uploaded = self._date(item)
            if uploaded:
                attachment.uploaded_at = uploaded
            attachment.save()
        if not self.dry_run and attachment.file.name not in self.stored_files:
            self.stored_files.append(attachment.file.name)
        self._record(
            ImportedFile,
            imported,
            item,
            fingerprint,
            attachment=attachment,
            file_sha256=file_hash,
        )
        self._remember_file(item, relative, attachment)
        self._file_old_url(item, url, attachment)

    def _file_values(self, item, relative):
        title = _clean_text(item.title) or PurePosixPath(relative).stem
        description = "\n\n".join(
            text
            for text in (_clean_text(item.excerpt), _clean_text(item.content))
            if text
        )
        if len(description) > 1000:
            self.report.warn(
                "description_shortened",
                item,
                "the description was cut to 1,000 characters",
            )
        return {"title": title[:300], "description": description[:1000]}

    def _remember_file(self, item, relative, attachment):
        self.files[item.post_id] = attachment
        self.files_by_path[relative] = attachment

    def file_at(self, url):
        """Return the library file imported from an upload address, or None."""
        if _host(url) not in self.upload_hosts:
            return None
        return self.files_by_path.get(upload_path(re.split(r"[?#]", url)[0]))

    def _file_old_url(self, item, url, attachment):
        """Make the file's old upload address redirect to its library copy."""
        path = unquote(urlsplit(url).path)
        if _host(url) not in self.site_hosts and "/wp-content/uploads/" not in path:
            # Served by another host (files.wordpress.com): no reader asks here.
            self.report.old_urls["file_other_host"] += 1
            return
        if len(path) > 500:
            self.report.old_urls["too_long"] += 1
            return
        former, _ = FormerFileURL.objects.get_or_create(
            path=path, defaults={"attachment": attachment}
        )
        if former.attachment_id == attachment.pk:
            self.report.old_urls["file_redirected"] += 1
        else:
            self.report.old_urls["taken"] += 1
            self.report.warn(
                "old_url_taken", item, f"{path} already redirects to another file"
            )

    def _record(self, model, imported, item, fingerprint, **fields):
        """Record what an item became (its row and fingerprint); report it."""
        self.changed += 1
        if imported is None:
            model.objects.create(
                site=self.site, wp_id=item.post_id, fingerprint=fingerprint, **fields
            )
            self.report.outcome(item, "imported")
            return
        imported.fingerprint = fingerprint
        for name, value in fields.items():
            setattr(imported, name, value)
        imported.save()
        self.report.outcome(item, "updated")

    def _remember_image(self, item, relative, image):
        self.images[item.post_id] = image
        self.images_by_path[relative] = image
        self.images_by_original.setdefault(SIZE_SUFFIX.sub("", relative), image)

    def image_at(self, relative):
        """Return the image at an upload path, or the one a resized copy
        (picture-300x200.jpg) was made from."""
        original = SIZE_SUFFIX.sub("", relative)
        return (
            self.images_by_path.get(relative)
            or self.images_by_path.get(original)
            or self.images_by_original.get(original)
        )

    def _media_file(self, relative):
        if self.media_dir is None or not relative:
            return None
        root = self.media_dir.resolve()
        candidate = (root / relative).resolve()
        # An address must not lead out of the uploads folder ("../../etc").
        if root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def _image_values(self, item, url):
        alt = _clean_text(item.meta.get("_wp_attachment_image_alt", ""))
        if not alt:
            alt = _clean_text(item.title) or PurePosixPath(url).stem
            self.report.warn(
                "alt_text_from_title", item, f"no alt text; the title is used: {alt}"
            )
        credit = _clean_text(item.content)
        if len(credit) > 200:
            self.report.warn(
                "credit_shortened", item, "the description was cut to 200 characters"
            )
        return {
            "alt_text": alt[:300],
            "caption": _clean_text(item.excerpt)[:600],
            "credit": credit[:200],
            "source_url": url[:500],
        }

    # People and places ----------------------------------------------------

    def _load_authors(self):
        for imported in ImportedAuthor.objects.filter(site=self.site).select_related(
            "author"
        ):
            self.authors[imported.wp_name] = imported.author

    def _author(self, login, item):
        """Return the Author of a WordPress login, making it the first time."""
        cleaned = login.strip().strip("<>").strip()
        if cleaned != login:
            self.report.warn(
                "author_repaired", item, f"author “{login}” read as “{cleaned}”"
            )
        login = cleaned
        if not login:
            return None
        if login in self.authors:
            return self.authors[login]
        declared = self.channel.authors.get(login)
        if declared is None and login.startswith("cap-"):
            declared = self.channel.authors.get(login.removeprefix("cap-"))
        name = _clean_text(declared["display_name"] if declared else "") or login
        if declared is None:
            self.report.warn(
                "author_undeclared", item, f"“{login}” is not among the file's authors"
            )
        slug = _slug(login.removeprefix("cap-"), fallback="author")[:120]
        author = Author.objects.filter(slug=slug).first()
        if author is not None:
            self.report.authors["merged_with_existing"] += 1
            self.report.warn(
                "author_merged",
                item,
                f"“{login}” joined the existing author “{author.name}” ({slug})",
            )
        else:
            author = Author.objects.create(name=name[:120], slug=slug)
            self.report.authors["created"] += 1
        ImportedAuthor.objects.create(site=self.site, wp_name=login, author=author)
        self.authors[login] = author
        return author

    def _load_sections(self):
        for imported in ImportedSection.objects.filter(site=self.site).select_related(
            "section"
        ):
            self.sections[imported.wp_name] = imported.section

    def _category(self, nicename, name=""):
        declared = self.channel.categories.get(nicename)
        if declared is None and nicename == UNCATEGORIZED["nicename"]:
            declared = UNCATEGORIZED
        return declared or {
            "nicename": nicename,
            "name": name or nicename,
            "parent": "",
        }

    def _depth(self, nicename):
        depth, seen = 0, {nicename}
        parent = self._category(nicename)["parent"]
        while parent and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = self._category(parent)["parent"]
        return depth

    def _section(self, nicename, name=""):
        """Return the Section of a category (and its parents), making them
        the first time."""
        if nicename in self.sections:
            return self.sections[nicename]
        category = self._category(nicename, name)
        parent_name = category["parent"]
        parent = (
            self._section(parent_name)
            if parent_name and parent_name != nicename
            else None
        )
        name = _clean_text(category["name"])[:100]
        slug = _slug(nicename, fallback="") or _slug(name, fallback="category")
        slug = slug[:90]
        if slug in RESERVED_SLUGS:
            slug = f"{slug}-section"
        section = Section.objects.filter(slug=slug).first()
        if section is not None and section.name.casefold() == name.casefold():
            self.report.sections["matched_existing"] += 1
        else:
            if section is not None:
                slug = _free_slug(Section.objects.all(), slug)
            section = Section.objects.create(
                name=name or slug,
                slug=slug,
                parent=parent,
                description=_clean_text(category.get("description", "")),
                # Editors choose which of them the site's menu shows.
                show_in_navigation=False,
            )
            self.report.sections["created"] += 1
        ImportedSection.objects.create(
            site=self.site, wp_name=nicename, section=section
        )
        self.sections[nicename] = section
        return section

    # Posts -----------------------------------------------------------------

    def _import_post(self, item):
        self.library.current = item
        if item.status in SKIPPED_STATUSES:
            self.report.outcome(item, "skipped", SKIPPED_STATUSES[item.status])
            return
        if item.status not in STATUSES:
            self.report.outcome(
                item, "skipped", f"unknown WordPress status “{item.status}”"
            )
            return
        imported = self.posts.get(item.post_id)
        values, relations = self._post_values(item)
        fingerprint = _fingerprint({**values, **relations["fingerprint"]})
        if imported is not None and imported.fingerprint == fingerprint:
            self.report.outcome(item, "unchanged")
            return
        article = imported.article if imported else Article()
        for name, value in values.items():
            if name != "slug":
                setattr(article, name, value)
        # A post without a date (a draft never saved with one) is dated now.
        article.publish_at = values["publish_at"] or timezone.now()
        article.section = relations["section"]
        article.lead_image = relations["lead_image"]
        if imported is None or article.slug != values["slug"]:
            article.slug = _free_slug(
                Article.objects.exclude(pk=article.pk), values["slug"]
            )
        with reversion.create_revision():
            article.save()
            bylines = [
                ArticleAuthor(article=article, author=author, position=position)
                for position, author in enumerate(relations["authors"])
            ]
            tags = [self._tag(name) for name in relations["tags"]]
            if imported is None:
                article_type = ContentType.objects.get_for_model(Article)
                _create_all(bylines)
                _create_all(
                    TaggedItem(tag=tag, content_type=article_type, object_id=article.pk)
                    for tag in tags
                )
            else:
                ArticleAuthor.objects.filter(article=article).delete()
                for byline in bylines:
                    byline.save()
                article.tags.set(tags)
            reversion.set_comment("Imported from WordPress.")
        self._old_urls(item, article)
        self._record(ImportedPost, imported, item, fingerprint, article=article)
        self.changed_articles.append(article.pk)

    def _post_values(self, item):
        status, counted_as = STATUSES[item.status]
        password_fits = len(item.password) <= READER_PASSWORD_LENGTH
        if item.password and status == Article.Status.PUBLISHED:
            if password_fits:
                self.report.warn(
                    "password_protected",
                    item,
                    "password-protected in WordPress: readers are asked for "
                    "the same password",
                )
            else:
                # Cutting it would change it; showing the text would open it.
                status, counted_as = Article.Status.REVIEW, "review"
                self.report.warn(
                    "password_protected",
                    item,
                    f"its password is longer than {READER_PASSWORD_LENGTH} "
                    "characters: imported in review, not public",
                )
        published = self._date(item)
        if status == Article.Status.PUBLISHED:
            due = published is None or published <= timezone.now()
            counted_as = "live" if due else "scheduled"
        self.report.post_statuses[counted_as] += 1
        headline = _clean_text(item.title)
        if not headline:
            headline = f"{UNTITLED} ({item.post_id})"
            self.report.warn("untitled", item, f"no title; “{headline}” is used")
        if len(headline) > 200:
            self.report.warn("headline_shortened", item, "cut to 200 characters")
        standfirst = _clean_text(item.excerpt)
        if len(standfirst) > 600:
            self.report.warn("standfirst_shortened", item, "cut to 600 characters")
        body = self.converter.convert(item.content, post_id=item.post_id)
        self._count_meta(item)
        values = {
            "headline": headline[:200],
            "slug": _slug(item.post_name, fallback="")
            or _slug(headline, fallback=f"post-{item.post_id}")[:190],
            "standfirst": standfirst[:600],
            "body": body,
            "status": status,
            "publish_at": published,
            "featured": False,
            "reader_password": item.password if password_fits else "",
        }
        values["slug"] = values["slug"][:190]
        tags, section_names = [], []
        for domain, nicename, name in item.terms:
            if domain == "category":
                section_names.append((nicename, html.unescape(name)))
            elif domain == "post_tag":
                tags.append(_clean_text(name)[:MAX_TAG_LENGTH])
            else:
                self.report.not_imported_terms[domain] += 1
        if not section_names:
            self.report.warn(
                "uncategorized", item, "no category: filed in Uncategorized"
            )
            section_names = [(UNCATEGORIZED["nicename"], UNCATEGORIZED["name"])]
        # The most specific category is the section; the others are tags.
        deepest = max(section_names, key=lambda pair: self._depth(pair[0]))
        for nicename, name in section_names:
            if nicename != deepest[0]:
                tags.append(_clean_text(name)[:MAX_TAG_LENGTH])
                self.categories_as_tags.add(nicename)
        self.tags_used.update(tag for tag in tags if tag)
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        lead_image = self.images.get(int(thumbnail)) if thumbnail.isdigit() else None
        if thumbnail and lead_image is None:
            self.report.warn(
                "missing_image", item, f"featured image {thumbnail} not in the library"
            )
        logins = [slug for domain, slug, _ in item.terms if domain == "author"]
        authors = []
        for login in logins or [item.creator]:
            author = self._author(login, item)
            if author is not None and author not in authors:
                authors.append(author)
        relations = {
            "section": self._section(*deepest),
            "tags": _distinct_tags(tags),
            "authors": authors,
            "lead_image": lead_image,
        }
        fingerprinted = {
            "section": relations["section"].pk,
            "tags": relations["tags"],
            "authors": [author.pk for author in authors],
            "lead_image": lead_image.pk if lead_image else None,
        }
        return values, {**relations, "fingerprint": fingerprinted}

    def _tag(self, name):
        """Return the Tag of a name (in any case), made the first time."""
        key = name.casefold()
        if key not in self.tags:
            tag = Tag.objects.filter(name__iexact=name).first()
            self.tags[key] = tag or Tag.objects.create(name=name)
        return self.tags[key]

    def _count_meta(self, item):
        for key in item.meta:
            if key in KNOWN_META or key.startswith(KNOWN_META_PREFIXES):
                continue
            self.report.not_imported_meta[key] += 1

    def _date(self, item):
        if item.post_date_gmt and item.post_date_gmt != ZERO_DATE:
            parsed = _parse_date(item.post_date_gmt)
            if parsed:
                return parsed.replace(tzinfo=ZoneInfo("UTC"))
        if item.post_date and item.post_date != ZERO_DATE:
            parsed = _parse_date(item.post_date)
            if parsed:
                return parsed.replace(tzinfo=self.time_zone)
        return None

    def _old_urls(self, item, article):
        """Make the post's old addresses redirect to the article."""
        paths = {f"/?p={item.post_id}"}
        for url in (item.link, item.guid):
            if _host(url) not in self.site_hosts:
                # A guid from the site's earlier address: no reader asks here.
                self.report.old_urls["other_host"] += 1
                continue
            path = old_path(url)
            number = re.search(r"\?p=(\d+)$", path)
            other = int(number[1]) if number else item.post_id
            if other != item.post_id and other in self.post_ids:
                # Copied posts keep their original's guid: ?p=<id> is the
                # post that has that id.
                continue
            paths.add(path)
        published = self._date(item)
        if published and item.post_name:
            day = timezone.localtime(published, self.time_zone)
            paths.add(f"/{day:%Y/%m/%d}/{unquote(item.post_name)}/")
        current = article.get_absolute_url()
        for path in sorted(paths - {"", "/", current}):
            if len(path) > 500:
                self.report.old_urls["too_long"] += 1
                continue
            former = FormerURL.objects.filter(path=path).first()
            if former is None:
                FormerURL.objects.create(path=path, article=article)
                self.report.old_urls["redirected"] += 1
            elif former.article_id == article.pk:
                self.report.old_urls["redirected"] += 1
            else:
                self.report.old_urls["taken"] += 1
                self.report.warn(
                    "old_url_taken",
                    item,
                    f"{path} already redirects to another article",
                )

    def _count_terms(self):
        for nicename in self.channel.categories:
            if nicename in self.sections:
                kind = "sections"
            elif nicename in self.categories_as_tags:
                kind = "tags_only"
            else:
                kind = "unused"
            self.report.categories[kind] += 1
        self.report.tags["declared"] = len(self.channel.tags)
        self.report.tags["on_articles"] = len(
            {tag.casefold() for tag in self.tags_used}
        )
        self.report.authors["declared"] = len(self.channel.authors)


def _host(url):
    host = urlsplit(url or "").netloc.lower()
    return host.removeprefix("www.")


def _distinct_tags(names):
    """Return the names without repeats in any case, sorted (tags are
    matched regardless of case)."""
    distinct = {}
    for name in names:
        if name:
            distinct.setdefault(name.casefold(), name)
    return [distinct[key] for key in sorted(distinct)]


def _create_all(rows):
    """Insert rows shown on an article page: all but the last in one query,
    the last alone, so that the receivers that keep copies of them (the
    reader's copy of the page, related lists) run once for the article, and
    read all of them, rather than once per row."""
    rows = list(rows)
    if rows:
        type(rows[0]).objects.bulk_create(rows[:-1])
        rows[-1].save()


def _free_slug(queryset, slug):
    """Return `slug`, or `slug-2`, `slug-3`, … if the queryset holds it."""
    candidate, number = slug, 2
    while queryset.filter(slug=candidate).exists():
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def _parse_date(text):
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
