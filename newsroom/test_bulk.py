import threading

from django.test import SimpleTestCase

from newsroom.bulk import bulk_job, in_bulk_job, skipped_in_bulk_job


class BulkJobTests(SimpleTestCase):
    def test_a_wrapped_receiver_does_nothing_inside_a_bulk_job(self):
        calls = []
        receive = skipped_in_bulk_job(lambda sender, **kwargs: calls.append(sender))
        receive("before")
        with bulk_job():
            receive("inside")
            with bulk_job():
                receive("nested")
            receive("inside again")
        receive("after")
        self.assertEqual(calls, ["before", "after"])

    def test_other_threads_are_not_in_the_bulk_job(self):
        seen = []
        with bulk_job():
            other = threading.Thread(target=lambda: seen.append(in_bulk_job()))
            other.start()
            other.join()
            seen.append(in_bulk_job())
        self.assertEqual(seen, [False, True])
        self.assertIs(in_bulk_job(), False)
