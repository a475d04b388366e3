from unittest import mock

from django.test import SimpleTestCase

from articles import presence


class PresenceCacheOutageTests(SimpleTestCase):
    def test_a_cache_outage_leaves_the_form_usable(self):
        """Redis down: nobody else is shown, nothing raises (the change form
        opened through it answered 500 in `make loadtest`)."""
        user = mock.Mock(pk=1, username="ed")
        user.get_full_name.return_value = "Ed"
        cache = mock.Mock()
        cache.get.side_effect = ConnectionError("Connection refused")
        with (
            mock.patch.object(presence, "cache", cache),
            self.assertLogs("articles.presence", "WARNING") as logs,
        ):
            self.assertEqual(presence.note(7, user), [])
        self.assertIn("article 7", logs.output[0])
