"""Letters API: a letter and its PDF for those allowed to see it, batch progress, and public verification."""

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ApplicationError
from apps.letters.documents import verify_url
from apps.letters.models import Letter, LetterBatch
from apps.letters.selectors import access_letter_batch_by_id, access_letter_by_id, letter_file
from apps.letters.services import letter_verify
from apps.letters.throttling import VerifyThrottle


def letter_data(letter: Letter) -> dict:
    return {
        "id": letter.pk,
        "template": letter.code,
        "template_version": letter.template_version,
        "title": letter.title,
        "status": letter.status,
        "error": letter.error,
        "owner": {"type": letter.owner_type, "id": letter.owner_id},
        "recipient": {"uscc": letter.recipient_uscc, "name": letter.recipient_name},
        "issuer_department": letter.department.name if letter.department else "",
        "verification_code": letter.verification_code,
        "verify_url": verify_url(letter.verification_code),
        "sha256": letter.sha256,
        "size": letter.size,
        "page_count": letter.page_count,
        "created_at": letter.created_at,
        "rendered_at": letter.rendered_at,
        "delivery": {
            "method": letter.delivery_method,
            "delivered_on": letter.delivered_on,
            "receipt": letter.delivery_receipt,
        },
        "pdf_url": f"/api/v1/letters/{letter.pk}.pdf" if letter.status == Letter.Status.RENDERED else None,
        "batch": letter.batch_id,
    }


def batch_data(batch: LetterBatch) -> dict:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "description": batch.description,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "total": batch.total,
        "done": batch.done,
        "failed": batch.failed,
        "remaining": max(batch.total - batch.done - batch.failed, 0),
        "percent": batch.percent,
        "created_at": batch.created_at,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
    }


class LetterDetailApi(APIView):
    """A letter's status, verification code and hash (recipient's representatives, issuing department, monitors)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, letter_id: int) -> Response:
        letter = access_letter_by_id(user=request.user, letter_id=letter_id)
        return Response(letter_data(letter))


class LetterPdfApi(APIView):
    """The PDF itself, checked against its recorded SHA-256 before it is sent."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, letter_id: int):
        letter = access_letter_by_id(user=request.user, letter_id=letter_id)
        stored = letter_file(letter=letter)
        response = FileResponse(
            stored.path.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{letter.code}-{letter.verification_code}.pdf",
        )
        response["X-Content-SHA256"] = stored.sha256
        response["Cache-Control"] = "private, no-store"
        return response


class LetterBatchDetailApi(APIView):
    """Progress of a batch as numbers (JSON) or, for a browser (Accept: text/html or ?format=html), a page with a
    progress bar that refreshes itself until the batch is finished."""

    renderer_classes = [JSONRenderer, TemplateHTMLRenderer]

    def perform_content_negotiation(self, request, force=False):
        # Only the progress itself has a page; OPTIONS and refused methods answer in JSON whatever is asked (an HTML
        # rendering of them has no template: it was a 500).
        if request.method != "GET":
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, batch_id: int) -> Response:
        batch = access_letter_batch_by_id(user=request.user, batch_id=batch_id)
        data = batch_data(batch)
        return Response(data, template_name="letters/batch_detail.html")


class LetterVerifyApi(APIView):
    """Anyone can check that a letter is genuine (GET) and that a file is exactly the issued one, or a registered
    bundle holding it (POST a PDF). Rate-limited per address together with the /verify/ pages."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [VerifyThrottle]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True)

        class Meta:
            ref_name = "LetterVerifyInput"

    @extend_schema(responses=OpenApiTypes.OBJECT, auth=[])
    def get(self, request, code: str) -> Response:
        return Response(letter_verify(code=code))

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses=OpenApiTypes.OBJECT, auth=[])
    def post(self, request, code: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        limit = getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
        if upload.size > limit:
            raise ApplicationError(
                "file_too_large", _("文件过大。"), fields={"file": [_("文件不能超过%(n)d字节。") % {"n": limit}]}
            )
        return Response(letter_verify(code=code, pdf_bytes=upload.read()))
