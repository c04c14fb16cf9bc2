"""Query counts of an HTTP read: the same number of queries for a small and a larger data set (no N+1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(client, url: str, **params) -> tuple[int, dict]:
    """(number of queries, JSON body) of one GET; the response must be 200. A first, uncounted GET warms the
    per-process caches (content types, the calendar, rule rows) that a server keeps between requests."""
    client.get(url, params or None)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or None)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(captured.captured_queries), response.json()


def query_log(client, url: str, **params) -> list[str]:
    """The SQL of one GET (for an assertion message that shows the repeated query)."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params or None)
    return [query["sql"] for query in captured.captured_queries]


def counts(clients: dict, urls: list[str]) -> dict[tuple[str, str], int]:
    """{(reader, url): queries} for every reader and URL."""
    return {(who, url): queries_of(client, url)[0] for who, client in clients.items() for url in urls}
