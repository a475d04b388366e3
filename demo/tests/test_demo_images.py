from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from articles.models import Article
from images.models import Image
from images.testing import TemporaryMediaMixin

SEED_SLUG = "us-secretary-of-state-blinken-begins-talks-in-china"


class DemoImageTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", "--no-accounts", stdout=StringIO())

    def test_demo_pictures_are_in_the_library_with_alt_text_and_credit(self):
        images = Image.objects.all()
        self.assertGreaterEqual(images.count(), 8)
        for image in images:
            with self.subTest(image=image.original_filename):
                self.assertTrue(image.alt_text)
                self.assertTrue(image.credit)
                self.assertEqual((image.width, image.height), (1600, 1067))
                self.assertEqual(image.format, "JPEG")

    def test_seed_article_and_most_others_have_a_lead_image(self):
        seed = Article.objects.select_related("lead_image").get(slug=SEED_SLUG)
        self.assertEqual(seed.lead_image.original_filename, "demo-talks.jpg")
        with_image = Article.objects.filter(lead_image__isnull=False).count()
        self.assertGreaterEqual(with_image, 20)
        response = self.client.get(seed.get_absolute_url())
        self.assertContains(response, 'class="image-figure article__lead-image"')
        self.assertContains(response, seed.lead_image.alt_text)

    def test_one_article_has_a_library_figure_in_its_body(self):
        article = Article.objects.get(slug="china-youth-unemployment-record")
        chart = Image.objects.get(original_filename="demo-chart.jpg")
        self.assertIn(f'data-file="{chart.pk}"', article.body)
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "image-figure--body")
        self.assertContains(response, "Joblessness among the young")

    def test_running_it_again_changes_no_image_or_article(self):
        before = (list(Image.objects.values()), list(Article.objects.values()))
        out = StringIO()
        call_command("load_demo", "--no-accounts", stdout=out)
        self.assertIn("9 images (0 new)", out.getvalue())
        after = (list(Image.objects.values()), list(Article.objects.values()))
        self.assertEqual(before, after)

    def test_a_lead_image_an_editor_removed_stays_removed(self):
        Article.objects.filter(slug=SEED_SLUG).update(lead_image=None)
        call_command("load_demo", "--no-accounts", stdout=StringIO())
        self.assertIsNone(Article.objects.get(slug=SEED_SLUG).lead_image)
