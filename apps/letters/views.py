"""The public verification pages (/verify/ and /verify/<code>): plain Django templates, no sign-in.

Rate-limited per client address together with the verification API (apps.letters.throttling), so codes cannot be
guessed faster through the pages, nor by alternating pages and API."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from apps.letters.documents import normalise_code
from apps.letters.models import Letter
from apps.letters.services import letter_verify
from apps.letters.throttling import VerifyThrottle


class LookupForm(forms.Form):
    code = forms.CharField(label=_("文书验证码"), max_length=32)

    def clean_code(self) -> str:
        """The stored form of what was typed; a code with no letter or digit in it is not a code."""
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("验证码无效：应为文书上印的字母和数字。"))
        return code


class UploadForm(forms.Form):
    file = forms.FileField(label=_("待查验的 PDF 文件"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(_("文件过大。"))
        return upload


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    response = render(
        request, "letters/verify.html", {"throttled": True, "retry_after": retry_after, "result": None}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(*, counts: bool = True) -> Callable:
    """Refuse with a 429 page once the address has used its verification budget. `counts=False` for a page that
    looks nothing up (it is refused when the budget is spent, but does not spend it)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            throttle = VerifyThrottle()
            # The throttle reads request.META only, which a Django request has; no DRF view is involved.
            refused = not throttle.allow_request(request, None) if counts else throttle.exhausted(request)  # type: ignore[arg-type]
            if refused:
                return too_many_requests(request, retry_after=throttle.retry_after())
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@require_http_methods(["GET"])
@rate_limited(counts=False)  # only redirects to /verify/<code>, which counts
def verify_lookup(request):
    form = LookupForm(request.GET or None)
    if form.is_valid():
        return HttpResponseRedirect(reverse("letters:verify", args=[form.cleaned_data["code"]]))
    return render(
        request, "letters/verify.html", {"lookup_form": form, "result": None}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@rate_limited()
def verify_page(request, code: str):
    upload_form = UploadForm(request.POST or None, request.FILES or None)
    pdf_bytes = upload_form.cleaned_data["file"].read() if request.method == "POST" and upload_form.is_valid() else None
    try:
        result = letter_verify(code=code, pdf_bytes=pdf_bytes)
    except Letter.DoesNotExist:
        context: dict[str, Any] = {
            "lookup_form": LookupForm(initial={"code": code}),
            "result": None,
            "not_found": True,
            "code": code,
        }
        return render(request, "letters/verify.html", context, status=404)
    context = {
        "lookup_form": LookupForm(),
        "upload_form": UploadForm() if pdf_bytes is not None else upload_form,
        "result": result,
    }
    return render(request, "letters/verify.html", context)
