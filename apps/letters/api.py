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


class LetterOwnerOutput(serializers.Serializer):
    type = serializers.CharField(source="owner_type")
    id = serializers.IntegerField(source="owner_id")


class LetterRecipientOutput(serializers.Serializer):
    uscc = serializers.CharField(source="recipient_uscc")
    name = serializers.CharField(source="recipient_name")


class LetterDeliveryOutput(serializers.Serializer):
    method = serializers.CharField(source="delivery_method")
    delivered_on = serializers.DateField(allow_null=True)
    receipt = serializers.CharField(source="delivery_receipt")


class LetterDetailOutput(serializers.Serializer):
    """A letter for those allowed to see it (also nested in a monthly report)."""

    id = serializers.IntegerField(source="pk")
    template = serializers.CharField(source="code")
    template_version = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    error = serializers.CharField()
    owner = LetterOwnerOutput(source="*")
    recipient = LetterRecipientOutput(source="*")
    issuer_department = serializers.SerializerMethodField()
    verification_code = serializers.CharField()
    verify_url = serializers.SerializerMethodField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField(allow_null=True)
    page_count = serializers.IntegerField(allow_null=True)
    # format=None: moments leave as the JSON encoder writes them (UTC, "Z"), as they always have.
    created_at = serializers.DateTimeField(format=None)
    rendered_at = serializers.DateTimeField(format=None, allow_null=True)
    delivery = LetterDeliveryOutput(source="*")
    pdf_url = serializers.SerializerMethodField()
    batch = serializers.IntegerField(source="batch_id", allow_null=True)

    def get_issuer_department(self, letter: Letter) -> str:
        return letter.department.name if letter.department else ""

    def get_verify_url(self, letter: Letter) -> str:
        return verify_url(letter.verification_code)

    def get_pdf_url(self, letter: Letter) -> str | None:
        return f"/api/v1/letters/{letter.pk}.pdf" if letter.status == Letter.Status.RENDERED else None


class LetterBatchOutput(serializers.Serializer):
    """A batch's progress; also the context of its page (moments stay datetimes there, dates as the page shows)."""

    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    remaining = serializers.SerializerMethodField()
    percent = serializers.IntegerField()
    created_at = serializers.DateTimeField(format=None)
    started_at = serializers.DateTimeField(format=None, allow_null=True)
    finished_at = serializers.DateTimeField(format=None, allow_null=True)

    def get_remaining(self, batch: LetterBatch) -> int:
        return max(batch.total - batch.done - batch.failed, 0)


class LetterVerifySummaryFieldOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    value = serializers.JSONField()


class LetterVerifyRecipientOutput(serializers.Serializer):
    name = serializers.CharField()
    uscc = serializers.CharField()


class LetterVerifyOutput(serializers.Serializer):
    """What the public may know of an issued letter (apps.letters.selectors.letter_public_summary)."""

    valid = serializers.BooleanField()
    code = serializers.CharField()
    template = serializers.CharField()
    template_version = serializers.IntegerField()
    title = serializers.CharField()
    issued_at = serializers.DateTimeField(allow_null=True)  # already local ISO text
    issuer_department = serializers.CharField()
    recipient = LetterVerifyRecipientOutput()
    summary = serializers.DictField()
    summary_fields = LetterVerifySummaryFieldOutput(many=True)
    sha256 = serializers.CharField()


class LetterVerifyBundlePartOutput(serializers.Serializer):
    position = serializers.IntegerField()
    title = serializers.CharField()
    code = serializers.CharField(allow_null=True)
    template = serializers.CharField(allow_null=True)


class LetterVerifyBundleOutput(serializers.Serializer):
    title = serializers.CharField()
    sha256 = serializers.CharField()
    page_count = serializers.IntegerField()
    parts = LetterVerifyBundlePartOutput(many=True)


class LetterVerifyUploadOutput(LetterVerifyOutput):
    """The letter, and whether the uploaded file is exactly it or a registered bundle holding it (`bundle` only
    then)."""

    uploaded_sha256 = serializers.CharField()
    match = serializers.BooleanField()
    matched = serializers.ChoiceField(choices=["letter", "bundle"], allow_null=True)
    bundle = LetterVerifyBundleOutput(required=False)


class LetterDetailApi(APIView):
    """A letter's status, verification code and hash (recipient's representatives, issuing department, monitors)."""

    @extend_schema(responses=LetterDetailOutput)
    def get(self, request, letter_id: int) -> Response:
        letter = access_letter_by_id(user=request.user, letter_id=letter_id)
        return Response(LetterDetailOutput(letter).data)


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

    @extend_schema(responses=LetterBatchOutput)
    def get(self, request, batch_id: int) -> Response:
        batch = access_letter_batch_by_id(user=request.user, batch_id=batch_id)
        return Response(LetterBatchOutput(batch).data, template_name="letters/batch_detail.html")


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

    @extend_schema(responses=LetterVerifyOutput, auth=[])
    def get(self, request, code: str) -> Response:
        return Response(LetterVerifyOutput(letter_verify(code=code)).data)

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses=LetterVerifyUploadOutput, auth=[])
    def post(self, request, code: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        limit = getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
        if upload.size > limit:
            raise ApplicationError(
                "file_too_large", _("文件过大。"), fields={"file": [_("文件不能超过%(n)d字节。") % {"n": limit}]}
            )
        return Response(LetterVerifyUploadOutput(letter_verify(code=code, pdf_bytes=upload.read())).data)
