"""Imports started from the admin, run by a task worker (newsroom.background)."""

import logging
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.core.cache import cache
from django.utils import timezone

from newsroom.background import retried_task

from .derived import ComputeFailed
from .importer import ImportFailed, import_export
from .models import ImportRun
from .wxr import WXRError

logger = logging.getLogger(__name__)

# A zip of uploads may hold at most this much, unpacked.
MAX_UNPACKED_BYTES = 20 * 1024**3
PROGRESS_EVERY = 25  # items between progress notes


class UnusableZip(Exception):
    """The uploads zip cannot be used; the message says why."""


def unpack_uploads(archive, folder):
    """Unpack a zip of wp-content/uploads into `folder`; return the folder
    that holds the year folders. Entries that would land outside `folder`
    (absolute paths, "..") are refused."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise UnusableZip("The uploads zip is larger than 20 GB unpacked.")
            for member in members:
                name = PurePosixPath(member.filename.replace("\\", "/"))
                if name.is_absolute() or ".." in name.parts:
                    raise UnusableZip(
                        f"The uploads zip holds “{member.filename}”, a path "
                        "outside its own folder; refused."
                    )
                target = Path(folder, *name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
    except zipfile.BadZipFile as error:
        raise UnusableZip(f"The uploads file is not a zip: {error}.") from None
    return uploads_root(Path(folder))


def uploads_root(folder):
    """Return the folder of the year folders: the zip may hold
    wp-content/uploads/…, uploads/… or the year folders themselves."""
    for candidate in (folder / "wp-content" / "uploads", folder / "uploads"):
        if candidate.is_dir():
            return candidate
    entries = [entry for entry in folder.iterdir() if not entry.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].name.isdigit():
        return uploads_root(entries[0])
    return folder


@retried_task(attempts=1)
def run_import(run_id):
    """Run an import started from the admin, and store its report."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
        return None
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    work = Path(tempfile.mkdtemp(prefix="newsroom-wp-import-"))
    try:
        export = work / "export.xml"
        with run.export.open("rb") as source, open(export, "wb") as out:
            shutil.copyfileobj(source, out)
        media_dir = None
        if run.uploads:
            with run.uploads.open("rb") as archive:
                media_dir = unpack_uploads(archive, work / "uploads")

        def progress(done, total, step="items imported"):
            if done % PROGRESS_EVERY == 0 or done == total:
                cache.set(run.progress_key(), (done, total, step), timeout=24 * 3600)

        report = import_export(
            export, media_dir=media_dir, dry_run=run.dry_run, progress=progress
        )
    except ComputeFailed as error:
        # Imported: its report stands; what is left is said (and logged).
        logger.exception("Computing after the WordPress import %s failed", run.pk)
        _finish(
            run, ImportRun.Status.DONE, report=error.report.as_dict(), error=str(error)
        )
        return run.pk
    except (WXRError, ImportFailed, UnusableZip) as error:
        _finish(run, ImportRun.Status.FAILED, error=str(error))
        return None
    except Exception:
        _finish(
            run,
            ImportRun.Status.FAILED,
            error="The import stopped on an unexpected error (see Task results).",
        )
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _finish(run, ImportRun.Status.DONE, report=report.as_dict())
    return run.pk


def _finish(run, status, *, report=None, error=""):
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, report=report, error=error, finished_at=timezone.now()
    )
    if run.uploads:
        # Large, and done with: the pictures are in the library now.
        run.uploads.delete(save=False)
        ImportRun.objects.filter(pk=run.pk).update(uploads="")
