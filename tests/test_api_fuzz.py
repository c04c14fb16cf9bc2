"""No request makes a server error. schemathesis generates requests for every operation the API's own schema
describes — boundary and invalid values first (its coverage phase: huge ids, wrong types, missing fields), then
random ones — and sends them in-process as a monitor and as an applicant. Bad input must be a 4xx with the field,
never a 500 (two 500s it found, an overflowing id and an HTML OPTIONS answer, are fixed and have their own tests).

Then a fixed sweep of hostile shapes (deep JSON, numbers past any range, NaN and exponent decimals, odd characters
in paths and query strings) goes to every API operation and every HTML page, anonymous and signed in."""

import json
import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token

RAW_SCHEMA = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def api_schema():
    schema = schemathesis.openapi.from_dict(RAW_SCHEMA)
    schema.app = WSGIHandler()
    return schema


schema = api_schema()


@pytest.fixture(params=["monitor", "applicant"])
def auth(request, users, settings):
    """A token for the role; and, as Django's test client does, the database connection is kept open across the
    in-process requests (the handler would close it after each one, ending the test's transaction)."""
    settings.ALLOWED_HOSTS = ["*"]
    token = Token.objects.create(user=users[request.param])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Token {token.key}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=4, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_no_generated_request_makes_a_server_error(case, auth):
    response = case.call(headers=auth)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"


# ---------------------------------------------------------------------------------------------------------------
# Hostile shapes, sent to every operation of the API and every HTML page: signed in as an applicant, as an officer,
# and anonymous. Each request must end in a 4xx (a 400 naming the field, a 404, a 403 ...) or a success; never a 500.
# These are fixed requests (no generation), so the whole sweep takes seconds.
# ---------------------------------------------------------------------------------------------------------------

HUGE = "99999999999999999999999999"
DEEP_JSON = ("[" * 5_000 + "]" * 5_000).encode()  # past the interpreter's recursion limit
DEEP_OBJECT = ('{"a":' * 200 + "1" + "}" * 200).encode()  # parses, but deeper than any request needs
ODD_TEXT = "%E2%80%AE'\"<>{}%25%FF%C0%AF..%2F..%5C%F0%9F%98%80%EF%BC%90"
QUERY_NUMBERS = {
    "month": f"2026-{HUGE}",
    "year": HUGE,
    "page": HUGE,
    "page_size": HUGE,
    "id": HUGE,
    "record": HUGE,
    "department": HUGE,
    "kind": HUGE,
}
NAN_TEXTS = ["NaN", "sNaN", "Infinity", "1e999999", "-1e999999"]
QUERY_NANS = {name: NAN_TEXTS[index % len(NAN_TEXTS)] for index, name in enumerate(QUERY_NUMBERS)}
NUMBER_LITERALS = ["1e999999", "-1e999999", HUGE, "-" + HUGE, "1e-999999"]
STRING_NUMBERS = ["NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "1e999999", "1E+999999999", HUGE, "0x10", "1_000"]


def _operations() -> list[tuple[str, str, dict]]:
    ops = []
    for path, item in RAW_SCHEMA["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                ops.append((method, path, operation))
    return ops


OPERATIONS = _operations()


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def _body_with(operation: dict, values: list[str], raw_literal: bool) -> bytes:
    """A JSON object naming every property the operation's request body declares (and the usual amount names), each
    set to one hostile value in turn; raw literals (1e999999) go in unquoted."""
    names = {"fine_amount", "amount", "month", "year", "id", "record", "decision_date", "page_size"}
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        if ref:
            component = SCHEMA_COMPONENTS.get(ref.rsplit("/", 1)[-1], {})
            names |= set(component.get("properties", {}))
    parts = []
    for index, name in enumerate(sorted(names)):
        value = values[index % len(values)]
        parts.append(f'"{name}": {value if raw_literal else json.dumps(value)}')
    return ("{" + ", ".join(parts) + "}").encode()


SCHEMA_COMPONENTS = RAW_SCHEMA["components"].get("schemas", {})


def _api_requests(method: str, path: str, operation: dict):
    concrete = _fill(path, "1")
    yield "get" if method == "get" else method, _fill(path, HUGE), {}, None
    yield method, _fill(path, ODD_TEXT), {}, None
    yield method, concrete, QUERY_NUMBERS, None
    yield method, concrete, QUERY_NANS, None
    yield method, f"{concrete}?q={ODD_TEXT}&month={ODD_TEXT}&page={ODD_TEXT}", {}, None
    if method in {"post", "put", "patch"}:
        yield method, concrete, {}, DEEP_JSON
        yield method, concrete, {}, DEEP_OBJECT
        yield method, concrete, {}, _body_with(operation, NUMBER_LITERALS, raw_literal=True)
        yield method, concrete, {}, _body_with(operation, STRING_NUMBERS, raw_literal=False)
        yield method, concrete, {}, b'{"fine_amount": NaN, "amount": Infinity}'


@pytest.fixture
def sweep_clients(users):
    from django.test import Client

    anonymous, applicant, officer = (Client(raise_request_exception=False) for _ in range(3))
    applicant.force_login(users["applicant"])
    officer.force_login(users["officer"])
    return {"anonymous": anonymous, "applicant": applicant, "officer": officer}


def _server_errors(client, requests) -> list[str]:
    failures = []
    for method, path, query, body in requests:
        kwargs = {"data": query} if query else {}
        if body is not None:
            kwargs = {"data": body, "content_type": "application/json"}
        response = getattr(client, method)(path, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {path} {query or ''} {(body or b'')[:60]!r}: {response.status_code}")
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "applicant", "officer"])
def test_hostile_shapes_on_every_api_operation_make_no_server_error(who, sweep_clients):
    client = sweep_clients[who]
    failures = []
    for method, path, operation in OPERATIONS:
        failures += _server_errors(
            client, _api_requests(method, "/api" + path if path.startswith("/v1") else path, operation)
        )
    assert not failures, "\n".join(failures)


def _html_patterns() -> list[str]:
    """Every URL pattern outside the API, one per view (the workflow's many task URLs share a few views; each flow
    is kept), written as a path with {name} placeholders."""
    from django.urls import get_resolver
    from django.urls.resolvers import URLResolver

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern), entry.callback

    seen, patterns = set(), []
    for pattern, callback in walk(get_resolver()):
        if pattern.startswith("api/v1/"):
            continue
        view = getattr(callback, "view_class", None) or callback
        key = (view, pattern.split("/")[1] if pattern.startswith("workflow/") else "")
        if key in seen:
            continue
        seen.add(key)
        text = pattern.lstrip("^").rstrip("$").replace("\\", "")
        text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
        patterns.append("/" + text)
    return patterns


HTML_PATTERNS = _html_patterns()


def _page_requests(pattern: str):
    huge_query = "&".join(f"{name}={value}" for name, value in QUERY_NUMBERS.items())
    nan_query = "&".join(f"{name}={value}" for name, value in QUERY_NANS.items())
    odd_query = f"q={ODD_TEXT}&code={ODD_TEXT}&uscc={ODD_TEXT}&next={ODD_TEXT}&o={ODD_TEXT}&status={ODD_TEXT}"
    yield "get", f"{_fill(pattern, HUGE)}?{huge_query}", {}, None
    yield "get", f"{_fill(pattern, ODD_TEXT)}?{odd_query}", {}, None
    yield "get", f"{_fill(pattern, '1')}?{nan_query}&{odd_query}", {}, None
    yield "post", _fill(pattern, "1"), {**QUERY_NUMBERS, "code": ODD_TEXT, "fine_amount": "sNaN"}, None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "applicant", "officer"])
def test_hostile_shapes_on_every_html_page_make_no_server_error(who, sweep_clients, settings):
    settings.ALLOWED_HOSTS = ["*"]
    client = sweep_clients[who]
    failures = []
    for pattern in HTML_PATTERNS:
        failures += _server_errors(client, _page_requests(pattern))
    for code in ["%2F", "..", "%E2%80%AE", "%EF%BC%8F", "-", "_", "%20", "%FF", HUGE, "a" * 500]:
        failures += _server_errors(
            client, [("get", f"/verify/?code={code}", {}, None), ("get", f"/verify/{code}", {}, None)]
        )
    assert not failures, "\n".join(failures)
