"""Images readers see change only through an editor (issue #14, finding 7)."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from articles import roles
from articles.models import Article
from articles.testing import make_article, make_section, make_user
from images.testing import TemporaryMediaMixin, make_image, picture_bytes, upload

CHANGELIST = "/admin/images/image/"


def figure(image, number=None):
    number = image.pk if number is None else number
    return (
        f'<figure><img src="/media/x.jpg" alt="x" data-file="{number}">'
        "<figcaption>x</figcaption></figure>"
    )


class ImageChangePermissionTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", roles.EDITOR)
        cls.writer = make_user("writer", roles.WRITER)
        cls.other_writer = make_user("other", roles.WRITER)
        cls.section = make_section("World News", slug="world")

    def own_image(self, user=None, alt_text="Before"):
        return make_image(uploaded_by=user or self.writer, alt_text=alt_text)

    def change(self, user, image, **fields):
        self.client.force_login(user)
        data = {
            "file": upload(picture_bytes((800, 600)), "replacement.jpg"),
            "alt_text": "Replaced",
            "focal_x": "0.5",
            "focal_y": "0.5",
            **fields,
        }
        return self.client.post(f"{CHANGELIST}{image.pk}/change/", data)

    def assert_unchanged(self, image):
        image.refresh_from_db()
        self.assertEqual(image.alt_text, "Before")

    def test_a_writer_cannot_change_an_image_leading_a_live_article(self):
        image = self.own_image()
        make_article("Live", section=self.section, lead_image=image)
        self.assertEqual(self.change(self.writer, image).status_code, 403)
        self.assert_unchanged(image)
        # The writer still sees it, read-only.
        page = self.client.get(f"{CHANGELIST}{image.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')

    def test_a_writer_cannot_change_an_image_in_a_scheduled_articles_body(self):
        image = self.own_image()
        make_article(
            "Tomorrow",
            section=self.section,
            body=figure(image),
            publish_at=timezone.now() + timedelta(days=1),
        )
        self.assertEqual(self.change(self.writer, image).status_code, 403)
        self.assert_unchanged(image)

    def test_a_writer_cannot_change_someone_elses_image(self):
        image = self.own_image(user=self.other_writer)
        self.assertEqual(self.change(self.writer, image).status_code, 403)
        self.assert_unchanged(image)

    def test_a_writer_changes_their_own_image_used_on_their_draft(self):
        image = self.own_image()
        make_article(
            "Draft",
            section=self.section,
            status=Article.Status.DRAFT,
            lead_image=image,
            body=figure(image),
        )
        make_article(
            "Withdrawn",
            section=self.section,
            status=Article.Status.UNPUBLISHED,
            lead_image=image,
        )
        self.assertEqual(self.change(self.writer, image).status_code, 302)
        image.refresh_from_db()
        self.assertEqual(image.alt_text, "Replaced")

    def test_an_editor_changes_an_image_readers_see(self):
        image = self.own_image()
        make_article("Live", section=self.section, body=figure(image))
        self.assertEqual(self.change(self.editor, image).status_code, 302)
        image.refresh_from_db()
        self.assertEqual(image.alt_text, "Replaced")

    def test_only_the_whole_image_number_counts(self):
        image = self.own_image()
        # A live article shows image 10, 11, …: not this one (1, say).
        live = make_article(
            "Live", section=self.section, body=figure(image, f"{image.pk}0")
        )
        self.assertIn(f'data-file="{image.pk}0"', live.body)
        self.assertEqual(self.change(self.writer, image).status_code, 302)
