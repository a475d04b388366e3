"""Backups of the database and media, through django-dbbackup.

`manage.py backup` and `manage.py restore` (newsroom/management/commands)
write and read one folder per backup: the database dump (PostgreSQL:
`pg_dump --format=custom`, restored with `pg_restore --clean`; SQLite: the
online backup API) and a tar archive of the media storage. See
docs/operations.md, "Backups".
"""

import sqlite3
from tempfile import NamedTemporaryFile

from dbbackup.db.sqlite import SqliteBackupConnector


class SqliteConnector(SqliteBackupConnector):
    """dbbackup's SQLite connector (a consistent copy through SQLite's backup
    API, safe while the site runs), restoring through the same API into the
    open connection rather than by writing over the database file under it
    (which other connections, and a WAL file, would not notice)."""

    def restore_dump(self, dump):
        self.connection.ensure_connection()
        with NamedTemporaryFile(suffix=".sqlite3") as copy:
            copy.write(dump.read())
            copy.flush()
            source = sqlite3.connect(copy.name)
            try:
                source.backup(self.connection.connection)
            finally:
                source.close()
