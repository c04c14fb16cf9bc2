"""Cached figures that never go stale: a figure computed from the case data (the monthly coverage table) is cached
under a key that holds the data's *generation*, a random token replaced whenever a row is saved or deleted (the model
signals, connected in CoreConfig.ready). A bulk QuerySet.update() or bulk_create() sends no signal, but every state
change also writes its audit row (core.services.case_event_record saves one) or saves its parent row in the same
transaction, which does; a bulk write without either calls `figures_changed()` itself. A change moves every later read to a fresh computation;
an unchanged database serves the figure from the cache (Redis in production, shared by every process; the
per-process memory cache in embedded mode and tests).

The token is replaced twice: at once, and again when the transaction commits, so that a reader who computed from the
data before the commit and stored the result under the first new token is not read after it. A token evicted from the
cache is replaced by a new one, never by an old value, so an old entry cannot come back into use.
"""

import logging
import secrets
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

GENERATION_KEY = "figures:generation"
# Rows of these apps never enter a figure: their saves (a login, an inbox item, an admin log line) keep the cache.
QUIET_APPS = frozenset({"sessions", "admin", "authtoken", "notifications", "contenttypes"})
FIGURE_TIMEOUT = 24 * 3600

T = TypeVar("T")
logger = logging.getLogger(__name__)


def _replace() -> None:
    # A write never fails because the cache is away (Redis stopped: filings must still succeed). The entries of the
    # old generation then stay until their timeout if that cache comes back with them; the log says so.
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # the cache backend's own connection errors
        logger.warning("figures: the cache is unreachable; cached figures may lag until they expire", exc_info=True)


def figures_changed() -> None:
    """The data changed: cached figures are computed afresh (call it beside a bulk QuerySet.update())."""
    _replace()
    connection = transaction.get_connection()
    if not any(entry[1] is _replace for entry in connection.run_on_commit):  # once per transaction
        transaction.on_commit(_replace)


def figures_generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return str(generation)


def cached_figure(name: str, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """compute(), cached under `name`, `parts` (everything the result depends on besides the data: month, scope,
    business date, language) and the data's generation."""
    try:
        key = ":".join(["figures", name, figures_generation(), *(str(part) for part in parts)])
        found: Any = cache.get(key)
    except Exception:  # the cache is away: compute, as without a cache
        logger.warning("figures: the cache is unreachable; computing %s", name, exc_info=True)
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value, timeout=FIGURE_TIMEOUT)
    except Exception:
        logger.warning("figures: the cache is unreachable; %s not stored", name, exc_info=True)
    return value


def _on_row_change(sender: Any, **kwargs: Any) -> None:
    if getattr(getattr(sender, "_meta", None), "app_label", None) not in QUIET_APPS:
        figures_changed()


def connect_figure_signals() -> None:
    post_save.connect(_on_row_change, dispatch_uid="core.figures.save")
    post_delete.connect(_on_row_change, dispatch_uid="core.figures.delete")
