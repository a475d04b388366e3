"""Logging filters (settings.LOGGING)."""

import logging


class ForbiddenOnOneLine(logging.Filter):
    """Log a refused request (403) as one line: its message and the reason,
    without the traceback Django attaches (a scanner's probes would
    otherwise fill the log with them)."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            error = record.exc_info[1]
            reason = ": ".join(filter(None, [type(error).__name__, str(error)]))
            record.msg = f"{record.getMessage()} ({reason})"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True
