"""The public verification pages (/verify/ and /verify/<code>): plain Django templates, no sign-in."""

from django import forms
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from apps.letters.documents import normalise_code
from apps.letters.models import Letter
from apps.letters.services import letter_verify


class LookupForm(forms.Form):
    code = forms.CharField(label=_("文书验证码"), max_length=32)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("待查验的 PDF 文件"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(_("文件过大。"))
        return upload


@require_http_methods(["GET"])
def verify_lookup(request):
    form = LookupForm(request.GET or None)
    if form.is_valid():
        return HttpResponseRedirect(reverse("letters:verify", args=[normalise_code(form.cleaned_data["code"])]))
    return render(request, "letters/verify.html", {"lookup_form": form, "result": None})


@require_http_methods(["GET", "POST"])
def verify_page(request, code: str):
    upload_form = UploadForm(request.POST or None, request.FILES or None)
    pdf_bytes = upload_form.cleaned_data["file"].read() if request.method == "POST" and upload_form.is_valid() else None
    try:
        result = letter_verify(code=code, pdf_bytes=pdf_bytes)
    except Letter.DoesNotExist:
        context = {"lookup_form": LookupForm(initial={"code": code}), "result": None, "not_found": True, "code": code}
        return render(request, "letters/verify.html", context, status=404)
    context = {
        "lookup_form": LookupForm(),
        "upload_form": UploadForm() if pdf_bytes is not None else upload_form,
        "result": result,
    }
    return render(request, "letters/verify.html", context)
