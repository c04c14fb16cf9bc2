"""Reports API: a credit report for a subject, on request."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.letters.api import letter_data
from apps.reports.services import credit_report_request
from apps.subjects.selectors import access_subject_by_uscc


class CreditReportRequestApi(APIView):
    """Request a 信用报告 for a subject you may see (its representatives; staff with subject access). The answer is the
    letter, rendered in the background: follow its `pdf_url` (or GET /api/v1/letters/{id}) once its status is
    `rendered`."""

    class InputSerializer(serializers.Serializer):
        purpose = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "CreditReportRequestInput"

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request, uscc: str) -> Response:
        subject = access_subject_by_uscc(user=request.user, uscc=uscc)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = credit_report_request(subject=subject, acting_user=request.user, **data.validated_data)
        return Response(
            {"request": report.pk, "report_no": report.report_no, "letter": letter_data(report.letter)},
            status=status.HTTP_201_CREATED,
        )
