import io
from io import StringIO
from itertools import product
from pathlib import Path

from PIL import Image as PILImage

from django.core.management import call_command
from django.test import TestCase

from images.models import Image
from images.renditions import USES, crop_box, file_names, output_sizes
from images.testing import TemporaryMediaMixin, make_image, picture_bytes


def red_pixels(picture):
    """Return how many pixels of the picture are clearly red."""
    red, green, blue = picture.convert("RGB").split()
    mask = (
        PILImage.merge(
            "RGB",
            [
                red.point(lambda v: 255 if v > 180 else 0),
                green.point(lambda v: 255 if v < 90 else 0),
                blue.point(lambda v: 255 if v < 90 else 0),
            ],
        )
        .convert("L")
        .point(lambda v: 255 if v == 255 else 0)
    )
    return mask.histogram()[255]


class CropBoxTests(TestCase):
    def test_the_crop_has_the_ratio_and_keeps_the_focal_point_inside(self):
        sizes = [(4000, 3000), (3000, 4000), (1920, 1080), (500, 500), (37, 901)]
        points = [0.0, 0.1, 0.33, 0.5, 0.77, 0.99, 1.0]
        ratios = [use.ratio for use in USES.values() if use.ratio]
        for (width, height), ratio, fx, fy in product(sizes, ratios, points, points):
            left, top, right, bottom = crop_box(width, height, ratio, fx, fy)
            with self.subTest(size=(width, height), ratio=ratio, focal=(fx, fy)):
                self.assertTrue(0 <= left < right <= width)
                self.assertTrue(0 <= top < bottom <= height)
                # As large as fits: one side is the picture's whole side.
                self.assertTrue(right - left == width or bottom - top == height)
                # The ratio, to the nearest pixel.
                mismatch = (right - left) * ratio[1] - (bottom - top) * ratio[0]
                self.assertLessEqual(abs(mismatch), max(ratio))
                self.assertTrue(left <= fx * width <= right)
                self.assertTrue(top <= fy * height <= bottom)

    def test_the_focal_point_is_centred_when_the_edges_allow(self):
        self.assertEqual(crop_box(4000, 3000, (1, 1), 0.5, 0.5), (500, 0, 3500, 3000))
        self.assertEqual(crop_box(4000, 3000, (1, 1), 0.25, 0.5), (0, 0, 3000, 3000))
        self.assertEqual(crop_box(4000, 3000, (1, 1), 0.6, 0.5), (900, 0, 3900, 3000))

    def test_uncropped_use_keeps_the_whole_picture(self):
        self.assertEqual(crop_box(1234, 567, None, 0.9, 0.1), (0, 0, 1234, 567))


class OutputSizeTests(TestCase):
    def test_sizes_follow_the_use_and_are_never_wider_than_the_crop(self):
        self.assertEqual(
            output_sizes(USES["lead"], 4000, 2250),
            [(320, 180), (640, 360), (960, 540), (1280, 720), (1920, 1080)],
        )
        self.assertEqual(
            output_sizes(USES["lead"], 1000, 563), [(320, 180), (640, 360), (960, 540)]
        )
        self.assertEqual(output_sizes(USES["social"], 2000, 1050), [(1200, 630)])

    def test_a_small_picture_gets_one_rendition_at_its_own_width(self):
        self.assertEqual(output_sizes(USES["card"], 240, 160), [(240, 160)])
        self.assertEqual(output_sizes(USES["body"], 200, 500), [(200, 500)])


class RenditionTests(TemporaryMediaMixin, TestCase):
    def test_each_use_gets_its_sizes_in_webp_and_jpeg_at_its_aspect_ratio(self):
        image = make_image(picture_bytes((2400, 1600)))
        image.generate_renditions()
        storage = image.file.storage
        for name, use in USES.items():
            entry = image.renditions[name]
            self.assertEqual(list(entry["files"]), list(use.formats))
            for fmt, rows in entry["files"].items():
                widths = [w for w in use.widths if w <= 2400]
                self.assertEqual([row[0] for row in rows], widths)
                for width, height, file_name, size in rows:
                    with self.subTest(use=name, fmt=fmt, width=width):
                        with storage.open(file_name) as stored:
                            content = stored.read()
                        picture = PILImage.open(io.BytesIO(content))
                        self.assertEqual(picture.format, fmt.upper())
                        self.assertEqual(picture.size, (width, height))
                        self.assertEqual(size, len(content))
                        ratio = use.ratio or (3, 2)
                        self.assertAlmostEqual(
                            width / height, ratio[0] / ratio[1], delta=0.01
                        )

    def test_the_crop_keeps_the_focal_point_in_the_frame(self):
        # A red dot near the right edge of a wide picture: a centred square
        # crop would lose it; the focal point keeps it.
        data = picture_bytes((3000, 1000), colour=(255, 255, 255), dot=(2700, 300, 60))
        image = make_image(data, focal_x=0.9, focal_y=0.3)
        centred = make_image(data, focal_x=0.5, focal_y=0.5)
        for use in ["thumbnail", "card", "lead", "social"]:
            with self.subTest(use=use):
                kept = image.rendition_set(use).largest()
                lost = centred.rendition_set(use).largest()
                storage = image.file.storage
                name = kept.url.removeprefix("/media/")
                self.assertGreater(red_pixels(PILImage.open(storage.open(name))), 50)
                if use in {"thumbnail", "card"}:
                    name = lost.url.removeprefix("/media/")
                    self.assertEqual(red_pixels(PILImage.open(storage.open(name))), 0)

    def test_new_focal_point_makes_new_renditions_and_removes_the_old(self):
        image = make_image(picture_bytes((1600, 900)))
        with self.captureOnCommitCallbacks(execute=True):
            image.generate_renditions()
        old = image.all_file_names() - {image.file.name}
        image.focal_x = 0.2
        with self.captureOnCommitCallbacks(execute=True):
            image.save()
        image.refresh_from_db()
        new = image.all_file_names() - {image.file.name}
        # Only the uncropped body renditions, with nothing to move, stay.
        body = file_names(image.renditions["body"])
        self.assertEqual(old & new, body)
        root = Path(self.media_root)
        self.assertTrue(all((root / name).exists() for name in new))
        self.assertFalse(any((root / name).exists() for name in old - body))
        self.assertEqual(image.stale_uses(), [])

    def test_deleting_an_image_deletes_its_files(self):
        image = make_image()
        with self.captureOnCommitCallbacks(execute=True):
            image.generate_renditions()
        names = image.all_file_names()
        root = Path(self.media_root)
        self.assertTrue(all((root / name).exists() for name in names))
        with self.captureOnCommitCallbacks(execute=True):
            image.delete()
        self.assertFalse(any((root / name).exists() for name in names))

    def test_renditions_are_made_after_the_save_is_committed(self):
        with self.captureOnCommitCallbacks(execute=True):
            image = make_image()
        image.refresh_from_db()
        self.assertEqual(sorted(image.renditions), sorted(USES))

    def test_a_missing_rendition_is_made_once_when_a_page_asks_for_it(self):
        image = make_image()
        self.assertEqual(image.renditions, {})
        first = image.rendition_set("card")
        image = Image.objects.get(pk=image.pk)
        self.assertEqual(list(image.renditions), ["card"])
        with self.assertNumQueries(0):
            again = image.rendition_set("card")
        self.assertEqual(first.fallback_srcset, again.fallback_srcset)

    def test_command_makes_missing_renditions(self):
        make_image()
        out = StringIO()
        call_command("generate_renditions", stdout=out)
        self.assertIn("Renditions made for 5 uses of 1 images", out.getvalue())
        call_command("generate_renditions", stdout=out)
        self.assertIn("Renditions made for 0 uses of 0 images", out.getvalue())
