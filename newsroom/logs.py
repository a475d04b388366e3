"""Logging filters (settings.LOGGING)."""

import logging


class RefusalOnOneLine(logging.Filter):
    """Log a refused request (403, or 400 for a suspicious one such as a Host
    header not allowed) as one line: its message and the reason, without the
    traceback Django attaches (a scanner's probes would otherwise fill the
    log with them)."""

    def filter(self, record):
        if getattr(record, "status_code", None) in (400, 403) and record.exc_info:
            error = record.exc_info[1]
            message = record.getMessage()
            detail = str(error) if str(error) not in message else ""
            reason = ": ".join(filter(None, [type(error).__name__, detail]))
            record.msg = f"{message} ({reason})"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True
