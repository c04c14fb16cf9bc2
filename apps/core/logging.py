"""Logging filters. A refused request (403, 404, 400 for a bad body) is an everyday answer, not a fault: it is logged
as one line, without the traceback Django attaches to the PermissionDenied or Http404 it came from. 5xx keep theirs."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
