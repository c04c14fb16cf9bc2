"""The request a signed-in page receives.

`HttpRequest.user` may be an AnonymousUser; behind `login_required` it is always a User. Views behind it annotate
`request: AuthenticatedHttpRequest` so that mypy knows what the decorator guarantees (the pattern django-stubs
documents)."""

from django.http import HttpRequest

from apps.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
