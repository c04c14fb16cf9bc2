"""One rate limit for public verification, shared by the API and the HTML pages.

Both count in the same cache entry per client address, so alternating between them does not double the budget.
The count lives in the default cache: with several server processes that must be a shared cache (CACHE_URL).
"""

import math

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_RATE = "60/min"


class VerifyThrottle(SimpleRateThrottle):
    """Limit guessing of verification codes per client address (settings.LETTERS_VERIFY_RATE, read per request so
    a changed setting applies at once). Signed-in users count by address too: the page is the same for them."""

    scope = "letters_verify"
    # Set by SimpleRateThrottle.__init__ from the rate; drf-stubs does not declare them.
    num_requests: int
    duration: int

    def get_rate(self) -> str:
        return getattr(settings, "LETTERS_VERIFY_RATE", DEFAULT_RATE)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exhausted(self, request) -> bool:
        """True when the next request would be refused, without counting this one (for pages that reveal nothing,
        like the code form that only redirects)."""
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def retry_after(self) -> int:
        """Whole seconds until a request is allowed again (for the Retry-After header); call after a refusal."""
        wait = self.wait()
        return max(1, math.ceil(self.duration if wait is None else wait))
