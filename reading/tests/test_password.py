"""Articles that ask readers for a password (Article.reader_password)."""

from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from articles.testing import change_form_data, make_article, make_section, make_user

SECRET_WORDS = "embargoed quarterly figures"


class PasswordProtectedArticleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("Business", slug="business")
        cls.article = make_article(
            "Results preview for partners",
            section=cls.section,
            standfirst="What the board will hear.",
            body=f"<p>The {SECRET_WORDS} are ahead of forecasts.</p>",
        )
        cls.article.reader_password = "open sesame"
        cls.article.save()

    def setUp(self):
        cache.clear()
        self.url = self.article.get_absolute_url()

    def test_the_page_shows_the_headline_and_a_form_but_not_the_text(self):
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Results preview for partners")
        self.assertContains(page, "What the board will hear.")
        self.assertContains(page, '<input type="password" id="story-password"')
        self.assertNotContains(page, SECRET_WORDS)

    def test_the_right_password_opens_the_text_for_that_answer_only(self):
        opened = self.client.post(self.url, {"password": "open sesame"})
        self.assertEqual(opened.status_code, 200)
        self.assertContains(opened, SECRET_WORDS)
        self.assertNotContains(opened, 'id="story-password"')
        self.assertIn("no-store", opened["Cache-Control"])
        self.assertIn("private", opened["Cache-Control"])
        # Nothing is remembered: the next visit asks again, and no reader
        # is served the opened text from a cache.
        self.assertNotContains(self.client.get(self.url), SECRET_WORDS)
        self.assertNotContains(Client().get(self.url), SECRET_WORDS)

    def test_a_wrong_password_is_refused_with_a_message(self):
        refused = self.client.post(self.url, {"password": "open sesame "})
        self.assertEqual(refused.status_code, 403)
        self.assertContains(
            refused, "That is not the password of this story.", status_code=403
        )
        self.assertNotContains(refused, SECRET_WORDS, status_code=403)
        missing = self.client.post(self.url, {})
        self.assertEqual(missing.status_code, 403)

    def test_guesses_from_one_address_are_limited(self):
        from reading.views import PasswordUnlock

        for _ in range(PasswordUnlock.PASSWORD_TRIES):
            self.client.post(self.url, {"password": "guess"})
        # Even the right password waits now, from this address...
        limited = self.client.post(self.url, {"password": "open sesame"})
        self.assertEqual(limited.status_code, 429)
        self.assertEqual(limited["Retry-After"], str(PasswordUnlock.PASSWORD_WINDOW))
        self.assertNotContains(limited, SECRET_WORDS, status_code=429)
        # ...but not from another one.
        other = self.client.post(
            self.url, {"password": "open sesame"}, REMOTE_ADDR="192.0.2.9"
        )
        self.assertContains(other, SECRET_WORDS)

    def test_a_public_article_answers_a_post_with_its_page(self):
        public = make_article("Open results", section=self.section, body="<p>Hi.</p>")
        response = self.client.post(public.get_absolute_url(), {"password": "x"})
        self.assertContains(response, "<p>Hi.</p>")

    def test_other_methods_are_not_allowed(self):
        self.assertEqual(self.client.put(self.url).status_code, 405)

    @override_settings(NEWSROOM_FEED_FULL_TEXT=True)
    def test_a_full_text_feed_gives_only_the_standfirst(self):
        feed = self.client.get(reverse("feeds:site"))
        self.assertContains(feed, "What the board will hear.")
        self.assertNotContains(feed, SECRET_WORDS)

    def test_the_api_gives_no_text_and_says_why(self):
        data = self.client.get(f"/api/v1/articles/{self.article.pk}/").json()
        self.assertEqual(data["body"], "")
        self.assertTrue(data["password_protected"])

    def test_search_does_not_find_or_quote_the_text(self):
        link = f'href="{self.url}"'
        hidden = self.client.get(reverse("articles:search"), {"q": "quarterly"})
        self.assertNotContains(hidden, link)
        found = self.client.get(reverse("articles:search"), {"q": "partners"})
        self.assertContains(found, link)
        self.assertNotContains(found, SECRET_WORDS)

    def test_removing_the_password_opens_the_text_to_everyone(self):
        self.article.reader_password = ""
        self.article.save()
        self.assertContains(self.client.get(self.url), SECRET_WORDS)
        found = self.client.get(reverse("articles:search"), {"q": "quarterly"})
        self.assertContains(found, f'href="{self.url}"')


class EditorSetsAPasswordTests(TestCase):
    def test_an_editor_sets_and_removes_the_password_in_the_article_form(self):
        editor = make_user("eve", "Editor")
        article = make_article(
            "Board minutes", section=make_section("Business"), body="<p>Minutes.</p>"
        )
        self.client.force_login(editor)
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        form = self.client.get(change_url)
        self.assertContains(form, 'name="reader_password"')
        saved = self.client.post(
            change_url, change_form_data(article, reader_password="minutes-2026")
        )
        self.assertEqual(saved.status_code, 302)
        article.refresh_from_db()
        self.assertTrue(article.asks_for_password())
        self.assertNotContains(Client().get(article.get_absolute_url()), "Minutes.")
        self.client.post(change_url, change_form_data(article, reader_password=""))
        article.refresh_from_db()
        self.assertFalse(article.asks_for_password())
        self.assertContains(Client().get(article.get_absolute_url()), "Minutes.")
