"""Lead images and library figures on the pages readers see (images app)."""

import json
import re
from unittest import mock

import feedparser
import PIL.Image

from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.db.models import ProtectedError
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.testing import make_article, make_author, make_section
from images import renditions
from images.testing import TemporaryMediaMixin, make_image, picture_bytes

LEAD_SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"


def srcset_widths(srcset):
    return [int(part.rsplit(" ", 1)[1].rstrip("w")) for part in srcset.split(", ")]


def attributes(tag):
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


class LeadImageOnArticlePageTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.image = make_image(
            picture_bytes((2400, 1600)),
            alt_text="Antony Blinken shakes hands with Qin Gang in Beijing",
            caption="Blinken and Qin before their talks.",
            credit="Reuters / Jane Doe",
            focal_x=0.4,
        )
        cls.image.generate_renditions()
        cls.article = make_article(
            "Blinken begins talks in China",
            section=make_section("World News", slug="world"),
            lead_image=cls.image,
            authors=[make_author("Mara Lindqvist")],
        )

    def page(self, path=None):
        response = self.client.get(path or self.article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_lead_image_is_a_responsive_figure_with_caption_and_credit(self):
        html = self.page()
        figure = re.search(
            r'<figure class="[^"]*article__lead-image.*?</figure>', html, re.S
        )
        self.assertIsNotNone(figure)
        figure = figure[0]
        source = attributes(re.search(r"<source [^>]*>", figure)[0])
        img = attributes(re.search(r"<img [^>]*>", figure)[0])
        self.assertEqual(source["type"], "image/webp")
        self.assertEqual(srcset_widths(source["srcset"]), [320, 640, 960, 1280, 1920])
        self.assertTrue(all(".webp " in p for p in source["srcset"].split(", ")))
        self.assertEqual(source["sizes"], LEAD_SIZES)
        self.assertEqual(srcset_widths(img["srcset"]), [320, 640, 960, 1280, 1920])
        self.assertTrue(img["src"].endswith("-960w.jpg"))
        self.assertEqual(img["sizes"], LEAD_SIZES)
        self.assertEqual((img["width"], img["height"]), ("960", "540"))
        self.assertEqual(img["alt"], self.image.alt_text)
        # The lead image is what the reader sees first: no lazy loading.
        self.assertNotIn("loading", img)
        self.assertEqual(img["fetchpriority"], "high")
        self.assertInHTML(
            '<figcaption><span class="image-figure__caption">Blinken and Qin before '
            'their talks.</span> <span class="image-figure__credit"><span '
            'class="visually-hidden">Credit: </span>Reuters / Jane Doe</span>'
            "</figcaption>",
            figure,
        )
        # Above the body, below the headline.
        self.assertLess(html.index("article__headline"), html.index("<figure"))
        self.assertLess(html.index("<figure"), html.index("article__body"))

    def test_the_article_can_give_its_own_caption(self):
        Article.objects.filter(pk=self.article.pk).update(
            lead_image_caption="The two ministers in Beijing."
        )
        html = self.page()
        self.assertIn("The two ministers in Beijing.", html)
        self.assertNotIn("Blinken and Qin before their talks.", html)
        self.assertIn("Reuters / Jane Doe", html)

    def test_social_cards_use_the_1200_wide_rendition(self):
        html = self.page()
        social = self.image.rendition_set("social").largest()
        self.assertInHTML(
            f'<meta property="og:image" content="http://testserver{social.url}">', html
        )
        self.assertInHTML('<meta property="og:image:width" content="1200">', html)
        self.assertInHTML('<meta property="og:image:height" content="630">', html)
        self.assertInHTML(
            f'<meta property="og:image:alt" content="{self.image.alt_text}">', html
        )
        self.assertInHTML(
            '<meta name="twitter:card" content="summary_large_image">', html
        )

    def test_structured_data_lists_the_lead_image_in_three_shapes(self):
        response = self.client.get(self.article.get_absolute_url())
        data = json.loads(
            re.search(
                r'<script type="application/ld\+json">(\{"@context[^<]*NewsArticle.*?)'
                r"</script>",
                response.content.decode(),
            )[1]
        )
        self.assertEqual(
            data["image"],
            [
                "http://testserver" + self.image.rendition_set(use).largest().url
                for use in ["social", "lead", "thumbnail"]
            ],
        )

    def test_rendering_pages_opens_no_image_file_and_runs_no_pillow_code(self):
        paths = [self.article.get_absolute_url(), "/", "/world/", "/feed/"]
        for path in paths:
            self.page(path)  # Templates and anything else loaded once.
        with (
            mock.patch.object(
                FileSystemStorage, "open", autospec=True, wraps=FileSystemStorage.open
            ) as storage_open,
            mock.patch.object(
                FileSystemStorage,
                "exists",
                autospec=True,
                wraps=FileSystemStorage.exists,
            ) as storage_exists,
            mock.patch.object(PIL.Image, "open", wraps=PIL.Image.open) as pil_open,
            mock.patch.object(PIL.Image, "new", wraps=PIL.Image.new) as pil_new,
            mock.patch.object(
                renditions, "generate", wraps=renditions.generate
            ) as generate,
        ):
            for path in paths:
                self.page(path)
        counts = {
            "storage open": storage_open.call_count,
            "storage exists": storage_exists.call_count,
            "Pillow open": pil_open.call_count,
            "Pillow new": pil_new.call_count,
            "renditions made": generate.call_count,
        }
        self.assertEqual(counts, dict.fromkeys(counts, 0))

    def test_the_article_page_costs_no_extra_query_for_its_lead_image(self):
        plain = make_article("No picture", section=self.article.section)
        self.page()
        self.page(plain.get_absolute_url())
        with CaptureQueriesContext(connection) as with_image:
            self.page()
        with CaptureQueriesContext(connection) as without_image:
            self.page(plain.get_absolute_url())
        self.assertEqual(len(with_image), len(without_image))

    def test_an_image_that_leads_an_article_cannot_be_deleted(self):
        with self.assertRaises(ProtectedError):
            self.image.delete()

    def test_feed_entries_enclose_the_lead_image(self):
        response = self.client.get("/feed/")
        entry = feedparser.parse(response.content).entries[0]
        rendition = self.image.rendition_set("lead").by_format["jpeg"][3]
        self.assertEqual(
            entry.enclosures,
            [
                {
                    "href": f"http://testserver{rendition.url}",
                    "length": str(rendition.size),
                    "type": "image/jpeg",
                }
            ],
        )
        self.assertEqual(rendition.width, 1280)

    def test_preview_shows_the_lead_image(self):
        from articles.testing import make_user

        editor = make_user("editor", is_superuser=True)
        self.client.force_login(editor)
        response = self.client.get(
            f"/admin/articles/article/{self.article.pk}/preview/"
        )
        self.assertContains(response, "article__lead-image")


class TeaserImageTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.author = make_author("Mara Lindqvist")
        cls.articles = []
        for n in range(3):
            image = make_image(alt_text=f"Picture {n}")
            image.generate_renditions()
            cls.articles.append(
                make_article(
                    f"Story {n}",
                    section=cls.section,
                    lead_image=image,
                    tags=["China"],
                    authors=[cls.author],
                    featured=n == 2,
                )
            )

    def test_front_page_lead_is_eager_and_the_other_teasers_lazy(self):
        html = self.client.get("/").content.decode()
        lead = re.search(r'<section class="front-lead".*?</section>', html, re.S)[0]
        img = attributes(re.search(r"<img [^>]*>", lead)[0])
        self.assertIn("/lead-", img["src"])
        self.assertEqual(img["fetchpriority"], "high")
        self.assertEqual(img["alt"], "Picture 2")
        latest = re.search(r'<section class="front-latest".*?</section>', html, re.S)[0]
        for tag in re.findall(r"<img [^>]*>", latest):
            img = attributes(tag)
            self.assertEqual(img["loading"], "lazy")
            self.assertIn("/card-", img["src"])
            self.assertEqual((img["width"], img["height"]), ("960", "640"))

    def test_listings_show_cards_without_a_query_per_article(self):
        paths = ["/", "/world/", "/tag/china/", "/author/mara-lindqvist/"]
        before = {}
        for path in paths:
            self.client.get(path)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(path)
            self.assertContains(response, "<picture>")
            before[path] = len(queries)
        for n in range(6):
            image = make_image(alt_text=f"More {n}")
            image.generate_renditions()
            make_article(
                f"More {n}",
                section=self.section,
                lead_image=image,
                tags=["China"],
                authors=[self.author],
            )
        for path in paths:
            with self.subTest(path=path):
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(path)
                self.assertEqual(len(queries), before[path])
                self.assertContains(response, 'alt="More 5"')


class BodyFigureTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.image = make_image(
            picture_bytes((1600, 1200)),
            alt_text="Protesters outside the embassy",
            credit="AP / John Roe",
        )
        cls.image.generate_renditions()
        cls.section = make_section("World News", slug="world")

    def body_html(self, body):
        article = make_article(section=self.section, body=body)
        response = self.client.get(article.get_absolute_url())
        html = response.content.decode()
        return html[html.index('<div class="article__body">') :]

    def test_a_library_figure_becomes_a_responsive_picture_with_credit(self):
        html = self.body_html(
            '<p>Before.</p><figure><img src="/anything.jpg" alt="" data-file='
            f'"{self.image.pk}"><figcaption>Outside the <em>embassy</em>.'
            "</figcaption></figure><p>After.</p>"
        )
        figure = re.search(r"<figure.*?</figure>", html, re.S)[0]
        img = attributes(re.search(r"<img [^>]*>", figure)[0])
        self.assertEqual(img["alt"], "Protesters outside the embassy")
        self.assertEqual(img["loading"], "lazy")
        self.assertEqual(srcset_widths(img["srcset"]), [320, 640, 960, 1280])
        self.assertEqual((img["width"], img["height"]), ("960", "720"))
        self.assertIn("image/webp", figure)
        self.assertIn("Outside the <em>embassy</em>.", figure)
        self.assertIn("AP / John Roe", figure)
        self.assertNotIn("/anything.jpg", html)
        self.assertLess(html.index("Before."), html.index("<figure"))

    def test_the_body_can_give_its_own_alt_text(self):
        html = self.body_html(
            f'<figure><img src="/x.jpg" alt="The crowd" data-file="{self.image.pk}">'
            "</figure>"
        )
        self.assertIn('alt="The crowd"', html)

    def test_images_not_from_the_library_are_left_out(self):
        html = self.body_html(
            '<p>Text.</p><figure><img src="https://tracker.example/x.jpg" alt="x">'
            "<figcaption>Hotlinked.</figcaption></figure>"
            '<figure><img src="/x.jpg" alt="gone" data-file="999999"></figure>'
        )
        self.assertNotIn("tracker.example", html)
        self.assertNotIn("Hotlinked.", html)
        self.assertNotIn('alt="gone"', html)
        self.assertIn("<p>Text.</p>", html)

    def test_saving_keeps_only_safe_image_attributes(self):
        article = make_article(
            section=self.section,
            body='<figure class="figure"><img src="javascript:alert(1)" '
            'onerror="alert(1)" alt="a" data-file="3" style="x"></figure>',
        )
        self.assertEqual(article.body, '<figure><img alt="a" data-file="3"></figure>')

    def test_saving_drops_images_that_are_not_from_the_library(self):
        article = make_article(
            section=self.section,
            body='<p>Text.</p><figure><img src="https://elsewhere.example/a.jpg" '
            'alt="a"><figcaption>Hotlinked.</figcaption></figure>'
            '<p><img src="/media/x.jpg" alt="b"></p>',
        )
        self.assertEqual(article.body, "<p>Text.</p><p></p>")
