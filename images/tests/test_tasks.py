from django.test import TestCase, override_settings

from images.models import Image
from images.tasks import generate_renditions
from images.testing import TemporaryMediaMixin, make_image
from newsroom.background import DUMMY_BACKEND, default_task_backend


@override_settings(TASKS={"default": {"BACKEND": DUMMY_BACKEND}})
class RenditionTaskTests(TemporaryMediaMixin, TestCase):
    def test_saving_an_image_leaves_its_renditions_to_a_task(self):
        default_task_backend.clear()
        with self.captureOnCommitCallbacks(execute=True):
            image = make_image()
        image.refresh_from_db()
        self.assertEqual(image.renditions, {})  # nothing made in the request
        [queued] = default_task_backend.results
        self.assertEqual(queued.task.module_path, generate_renditions.module_path)
        self.assertEqual(queued.args, [image.pk])

        made = generate_renditions.call(*queued.args)
        image.refresh_from_db()
        self.assertEqual(sorted(made), sorted(image.renditions))
        self.assertTrue(image.renditions)
        # Run again (a retry, a second worker): nothing left to make.
        self.assertEqual(generate_renditions.call(image.pk), [])

    def test_a_deleted_image_has_nothing_to_make(self):
        image = make_image()
        pk = image.pk
        Image.objects.filter(pk=pk).delete()
        self.assertEqual(generate_renditions.call(pk), [])
