"""The production static files storage remembers each file's address."""

import json
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase, override_settings

from newsroom.staticfiles import StaticFilesStorage


@override_settings(DEBUG=False, STATIC_URL="/static/")
class StaticFilesStorageTests(SimpleTestCase):
    def storage(self):
        root = Path(tempfile.mkdtemp(prefix="newsroom-static-test-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        manifest = {"version": "1.1", "paths": {"css/site.css": "css/site.0a1b2c.css"}}
        (root / "staticfiles.json").write_text(json.dumps(manifest))
        return StaticFilesStorage(location=root, base_url="/static/")

    def test_gives_the_hashed_address_and_works_it_out_once(self):
        storage = self.storage()
        with mock.patch.object(
            StaticFilesStorage, "stored_name", wraps=storage.stored_name
        ) as stored_name:
            self.assertEqual(storage.url("css/site.css"), "/static/css/site.0a1b2c.css")
            self.assertEqual(storage.url("css/site.css"), "/static/css/site.0a1b2c.css")
        self.assertEqual(stored_name.call_count, 1)

    def test_a_file_missing_from_the_manifest_fails_every_time(self):
        storage = self.storage()
        for _ in range(2):
            with self.assertRaises(ValueError):
                storage.url("js/missing.js")
        self.assertEqual(storage.addresses, {})

    def test_collectstatic_forgets_the_addresses(self):
        storage = self.storage()
        storage.url("css/site.css")
        list(storage.post_process({}, dry_run=True))
        storage.hashed_files["css/site.css"] = "css/site.ffffff.css"
        self.assertEqual(storage.url("css/site.css"), "/static/css/site.ffffff.css")
