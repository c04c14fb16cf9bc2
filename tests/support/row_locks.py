"""Row locks lock only the row they protect (issue 15): on PostgreSQL, `select_for_update()` with a join and no
`of=("self",)` also locks the joined rows (the subject, the department), so filings of different cases queue behind
each other. `wide_row_locks` watches every statement a test sends and lists those locks."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_LOCK = re.compile(r"\bFOR (NO KEY )?UPDATE\b", re.IGNORECASE)
_LOCK_OF = re.compile(r"\bFOR (NO KEY )?UPDATE OF\b", re.IGNORECASE)
_JOIN = re.compile(r"\bJOIN\b", re.IGNORECASE)


def is_wide_lock(sql: str) -> bool:
    """A locking SELECT that joins other tables without naming which table's rows it locks."""
    return bool(_LOCK.search(sql) and _JOIN.search(sql) and not _LOCK_OF.search(sql))


@contextmanager
def wide_row_locks() -> Iterator[list[str]]:
    found: list[str] = []

    def watch(execute, sql, params, many, context):
        if is_wide_lock(sql):
            found.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield found
