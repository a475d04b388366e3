from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from articles.models import Article, ArticleAuthor, Author
from demo.markup import to_html
from related import lists, ranking
from related.models import CuratedLink, DailyViewCount
from sections.models import Section

SEED_SLUG = "us-secretary-of-state-blinken-begins-talks-in-china"


class LoadDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=StringIO())
        cls.seed = Article.objects.get(slug=SEED_SLUG)

    def test_seed_article_is_loaded_as_in_the_reference(self):
        seed = self.seed
        self.assertEqual(
            seed.headline, "US Secretary of State Blinken begins talks in China"
        )
        self.assertEqual(seed.get_kind_display(), "News")
        self.assertEqual(seed.section.name, "World News")
        self.assertEqual(seed.publish_at.date().isoformat(), "2023-06-18")
        self.assertTrue(seed.standfirst.startswith("Visit with tensions US Secretary"))
        self.assertIs(seed.is_live(), True)
        self.assertEqual(
            seed.get_absolute_url(),
            "/world/2023/06/18/us-secretary-of-state-blinken-begins-talks-in-china/",
        )
        for heading in [
            "Speculation about meeting with Xi",
            "Dialogue with conditions",
            "Numerous contentious issues",
            "Mutual espionage allegations",
        ]:
            self.assertIn(f"<h2>{heading}</h2>", seed.body)
        self.assertIn(
            '<blockquote><p>"China and the US must develop their relationship',
            seed.body,
        )

    def test_seed_body_keeps_every_paragraph_of_the_reference_text(self):
        response = self.client.get(self.seed.get_absolute_url())
        for sentence in [
            "It is the first visit by a US Secretary of State to China in five years",
            "Blinken is expected to stay on site until Monday",
            "the US should not imagine negotiating with China",
            "That really draws a lot of attention to the Taiwan Strait",
            "overflight of a suspected Chinese spy balloon over the US.",
        ]:
            self.assertContains(response, sentence.replace("'", "&#x27;"))

    def test_demo_covers_enough_articles_sections_and_authors(self):
        self.assertGreaterEqual(Article.objects.live().count(), 25)
        sections_used = Article.objects.values("section").distinct().count()
        self.assertGreaterEqual(sections_used, 5)
        self.assertGreaterEqual(Author.objects.count(), 3)

    def test_seed_related_posts_are_us_china_stories(self):
        related = lists.related_articles(self.seed)
        self.assertEqual(len(related), 5)
        for article in related:
            self.assertIn("china", {t.slug for t in article.tags.all()})

    def test_popular_posts_widget_has_five_articles(self):
        self.assertEqual(len(ranking.popular_articles(limit=5)), 5)

    def test_running_it_again_changes_nothing(self):
        models = [Section, Author, Article, ArticleAuthor, CuratedLink, DailyViewCount]
        before = {m.__name__: list(m.objects.values()) for m in models}
        tags_before = list(self.seed.tags.names())
        call_command("load_demo", stdout=StringIO())
        after = {m.__name__: list(m.objects.values()) for m in models}
        self.assertEqual(before, after)
        self.assertEqual(list(self.seed.tags.names()), tags_before)


class DemoAccountTests(TestCase):
    def test_one_account_per_role_with_passwords_printed_once(self):
        out = StringIO()
        call_command("load_demo", stdout=out)
        printed = dict(
            line.split(" password: ")
            for line in out.getvalue().splitlines()
            if " password: " in line
        )
        self.assertEqual(
            {name.split()[0] for name in printed}, {"writer", "editor", "admin"}
        )
        for label, password in printed.items():
            username, role = label.split()[0], label.split("(")[1].rstrip(")")
            user = get_user_model().objects.get(username=username)
            with self.subTest(username=username):
                self.assertIs(user.check_password(password.strip()), True)
                self.assertIs(user.is_staff, True)
                self.assertEqual([g.name for g in user.groups.all()], [role])
        writer = get_user_model().objects.get(username="writer")
        self.assertEqual(writer.author_profile.slug, "tomasz-reyes")

        again = StringIO()
        call_command("load_demo", stdout=again)
        self.assertNotIn("password:", again.getvalue())

    def test_workflow_examples_are_in_the_admin_but_not_on_the_site(self):
        call_command("load_demo", "--no-accounts", stdout=StringIO())
        draft = Article.objects.get(slug="night-trains-make-a-comeback")
        review = Article.objects.get(slug="heat-pump-sales-cool")
        self.assertEqual(draft.status, Article.Status.DRAFT)
        self.assertEqual(review.status, Article.Status.REVIEW)
        self.assertNotContains(self.client.get("/"), "Night trains")
        self.assertEqual(self.client.get(review.get_absolute_url()).status_code, 404)


class MarkupTests(TestCase):
    def test_headings_quotes_and_paragraphs(self):
        html = to_html("First <b>line</b>\ncontinues.\n\n## Heading\n\n> Quoted.\n")
        self.assertEqual(
            html,
            "<p>First &lt;b&gt;line&lt;/b&gt; continues.</p>\n<h2>Heading</h2>\n"
            "<blockquote><p>Quoted.</p></blockquote>",
        )
