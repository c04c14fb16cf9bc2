"""Repair training over HTTP: sessions, enrollment, cancellation, check-in, attendance, coverage, invitations.

Reads are built per audience: a trainer sees every enrollment and the check-in code; an enterprise's representative
sees the session's public facts and only the enrollments of the subjects it represents.
"""

from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Department
from apps.core import clock
from apps.core.api import Pagination
from apps.core.audience import Audience, SubjectRefOutput
from apps.core.errors import ApplicationError
from apps.core.schema import ErrorOutput, paginated
from apps.subjects.fields import UsccField
from apps.subjects.models import Subject
from apps.subjects.selectors import access_subject_by_uscc
from apps.training.exports import coverage_csv_lines, coverage_xlsx
from apps.training.models import Enrollment, TrainingSession
from apps.training.selectors import (
    RECORD_KINDS,
    access_enrollment_by_id,
    invitation_candidates,
    is_trainer,
    session_invitations,
    session_list,
    session_view_for,
    training_coverage,
)
from apps.training.services import (
    enrollment_cancel,
    enrollment_check_in,
    enrollment_create,
    enrollment_mark_attended,
    invitation_send,
    session_create,
    session_update,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


def _forbid_unless_trainer(user) -> None:
    if not is_trainer(user):
        raise ApplicationError("forbidden", _("只有培训协调人可以执行此操作。"), status_code=403)


def _subject_for(*, user, uscc: str) -> Subject:
    """The subject a request names; one the user may not see reads as one they do not represent (no existence leak)."""
    try:
        return access_subject_by_uscc(user=user, uscc=uscc)
    except Subject.DoesNotExist:
        message = _("您不是统一社会信用代码为 %(uscc)s 的主体的代理人（或该主体未登记）。") % {"uscc": uscc}
        raise ApplicationError("not_representative", message, fields={"subject": [message]}, status_code=403) from None


class CertificateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    verification_code = serializers.CharField()
    status = serializers.CharField()
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_url(self, letter) -> str:
        return f"/api/v1/letters/{letter.pk}.pdf"


class CertificateEvidenceOutput(serializers.Serializer):
    """A training certificate attached to a case as evidence: the letter, its session, and where anyone verifies
    it (the public verification page)."""

    title = serializers.CharField(source="certificate.title")
    certificate_no = serializers.SerializerMethodField()
    topic = serializers.CharField(source="enrollment.session.topic")
    session_starts_at = serializers.DateTimeField(source="enrollment.session.starts_at")
    attended_at = serializers.DateTimeField(source="enrollment.attended_at")
    verification_code = serializers.CharField(source="certificate.verification_code")
    verify_url = serializers.SerializerMethodField()
    attached_at = serializers.DateTimeField()

    def get_certificate_no(self, evidence) -> str:
        return str(evidence.certificate.context.get("certificate_no", ""))

    def get_verify_url(self, evidence) -> str:
        return reverse("letters:verify", args=[evidence.certificate.verification_code])


class PartyEnrollmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    subject = SubjectRefOutput()
    attendee_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Enrollment.Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    attended_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    certificate = CertificateOutput(allow_null=True)


class StaffEnrollmentOutput(PartyEnrollmentOutput):
    enrolled_by = serializers.CharField(source="enrolled_by.username")


class PublicSessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    topic = serializers.CharField()
    mode = serializers.ChoiceField(choices=TrainingSession.Mode.choices)
    mode_display = serializers.CharField(source="get_mode_display")
    place = serializers.CharField()
    link = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    region_code = serializers.CharField()
    trainer = serializers.CharField(source="trainer.display_name")
    capacity = serializers.IntegerField()
    taken = serializers.IntegerField()
    free_places = serializers.SerializerMethodField()
    waitlisted = serializers.IntegerField()

    def get_free_places(self, session) -> int:
        return max(0, session.capacity - session.taken)


class PartySessionOutput(PublicSessionOutput):
    my_enrollments = PartyEnrollmentOutput(many=True, source="enrollments")


class StaffSessionOutput(PublicSessionOutput):
    checkin_code = serializers.CharField()
    enrollments = StaffEnrollmentOutput(many=True)


class SessionListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        when = serializers.ChoiceField(choices=["upcoming", "past", "all"], default="upcoming")
        region_code = serializers.RegexField(r"^\d{2,6}$", required=False, default="")

    class InputSerializer(serializers.Serializer):
        topic = serializers.CharField(max_length=200)
        mode = serializers.ChoiceField(choices=TrainingSession.Mode.choices)
        place = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
        link = serializers.URLField(max_length=500, required=False, default="", allow_blank=True)
        capacity = serializers.IntegerField(min_value=1, max_value=10000)
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        region_code = serializers.RegexField(r"^\d{6}$")

    @extend_schema(
        operation_id="v1_training_sessions_list",
        parameters=[FilterSerializer],
        responses=paginated("TrainingSessionPage", PublicSessionOutput),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paginator = Pagination()
        page = paginator.paginate_queryset(session_list(**filters.validated_data), request, view=self)
        return paginator.get_paginated_response(PublicSessionOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: StaffSessionOutput, 400: ErrorOutput, 403: ErrorOutput})
    def post(self, request):
        _forbid_unless_trainer(request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = session_create(acting_user=request.user, **data.validated_data)
        view = session_view_for(user=request.user, session_id=session.pk)
        return Response(StaffSessionOutput(view).data, status=status.HTTP_201_CREATED)


SessionDetail = PolymorphicProxySerializer("TrainingSessionDetail", [PartySessionOutput, StaffSessionOutput], None)


class SessionDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        topic = serializers.CharField(max_length=200, required=False)
        mode = serializers.ChoiceField(choices=TrainingSession.Mode.choices, required=False)
        place = serializers.CharField(max_length=300, required=False, allow_blank=True)
        link = serializers.URLField(max_length=500, required=False, allow_blank=True)
        capacity = serializers.IntegerField(min_value=1, max_value=10000, required=False)
        starts_at = serializers.DateTimeField(required=False)
        ends_at = serializers.DateTimeField(required=False)
        region_code = serializers.RegexField(r"^\d{6}$", required=False)

    @staticmethod
    def _output(view):
        return StaffSessionOutput(view) if view.audience is Audience.STAFF else PartySessionOutput(view)

    @extend_schema(responses={200: SessionDetail, 404: ErrorOutput})
    def get(self, request, session_id: int):
        return Response(self._output(session_view_for(user=request.user, session_id=session_id)).data)

    @extend_schema(request=InputSerializer, responses={200: StaffSessionOutput, 400: ErrorOutput, 403: ErrorOutput})
    def patch(self, request, session_id: int):
        session = session_view_for(user=request.user, session_id=session_id).session
        _forbid_unless_trainer(request.user)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        session_update(session=session, acting_user=request.user, **data.validated_data)
        return Response(StaffSessionOutput(session_view_for(user=request.user, session_id=session_id)).data)


EnrollmentOutput = PolymorphicProxySerializer(
    "TrainingEnrollment", [PartyEnrollmentOutput, StaffEnrollmentOutput], None
)


def _enrollment_output(user, enrollment):
    return StaffEnrollmentOutput(enrollment) if is_trainer(user) else PartyEnrollmentOutput(enrollment)


class EnrollmentCreateApi(APIView):
    """Enrol a subject: its representative, or a trainer for it. A full session puts it on the waitlist (status
    `waitlisted`) unless `accept_waitlist` is false, which makes a full session a 409 `session_full`."""

    class InputSerializer(serializers.Serializer):
        subject = UsccField()
        attendee_name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        accept_waitlist = serializers.BooleanField(required=False, default=True)

    @extend_schema(request=InputSerializer, responses={201: EnrollmentOutput, 403: ErrorOutput, 409: ErrorOutput})
    def post(self, request, session_id: int):
        session = session_view_for(user=request.user, session_id=session_id).session
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subject = _subject_for(user=request.user, uscc=data.validated_data["subject"])
        enrollment = enrollment_create(
            session=session,
            subject=subject,
            acting_user=request.user,
            attendee_name=data.validated_data["attendee_name"],
            accept_waitlist=data.validated_data["accept_waitlist"],
        )
        return Response(_enrollment_output(request.user, enrollment).data, status=status.HTTP_201_CREATED)


class CheckInApi(APIView):
    """The subject's representative checks in with the code shown at the session, during the session window (from
    30 minutes before the start to the end). Success marks it present and issues the training certificate."""

    class InputSerializer(serializers.Serializer):
        subject = UsccField()
        code = serializers.CharField(max_length=16)

    @extend_schema(request=InputSerializer, responses={200: PartyEnrollmentOutput, 400: ErrorOutput, 403: ErrorOutput})
    def post(self, request, session_id: int):
        session = session_view_for(user=request.user, session_id=session_id).session
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subject = _subject_for(user=request.user, uscc=data.validated_data["subject"])
        enrollment = enrollment_check_in(
            session=session, subject=subject, code=data.validated_data["code"], acting_user=request.user
        )
        return Response(PartyEnrollmentOutput(enrollment).data)


class EnrollmentCancelApi(APIView):
    @extend_schema(request=None, responses={200: EnrollmentOutput, 404: ErrorOutput, 409: ErrorOutput})
    def post(self, request, enrollment_id: int):
        enrollment = access_enrollment_by_id(user=request.user, enrollment_id=enrollment_id)
        enrollment = enrollment_cancel(enrollment=enrollment, acting_user=request.user)
        return Response(_enrollment_output(request.user, enrollment).data)


class AttendanceMarkApi(APIView):
    """The coordinator marks an enrolled subject present from the list; this issues its certificate."""

    @extend_schema(request=None, responses={200: StaffEnrollmentOutput, 403: ErrorOutput, 409: ErrorOutput})
    def post(self, request, enrollment_id: int):
        enrollment = access_enrollment_by_id(user=request.user, enrollment_id=enrollment_id)
        _forbid_unless_trainer(request.user)
        enrollment = enrollment_mark_attended(enrollment=enrollment, acting_user=request.user)
        return Response(StaffEnrollmentOutput(enrollment).data)


class NotReachedOutput(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
    region_code = serializers.CharField()


class CoverageFilter(serializers.Serializer):
    month = serializers.RegexField(MONTH_PATTERN, required=False)
    region = serializers.RegexField(r"^\d{2,6}$", required=False, default="")
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )

    def validate_month(self, value: str):
        year, month = (int(part) for part in value.split("-"))
        if year < 2004:  # the working calendar's first year, as for the monthly figures
            raise serializers.ValidationError(_("统计月份不能早于 2004-01。"))
        first = clock.today().replace(day=1)
        chosen = first.replace(year=year, month=month)
        if chosen > first:
            raise serializers.ValidationError(_("%(month)s 尚未开始，不能统计。") % {"month": value})
        return chosen


def _coverage_query(filters) -> str:
    parts = [f"month={filters['month']:%Y-%m}"]
    if filters["region"]:
        parts.append(f"region={filters['region']}")
    if filters["department"] is not None:
        parts.append(f"department={filters['department'].code}")
    return "&".join(parts)


def _coverage_filters(request) -> dict:
    if not request.user.has_perm("training.view_training_coverage"):
        raise ApplicationError("forbidden", _("无权查看培训覆盖率。"), status_code=403)
    filters = CoverageFilter(data=request.query_params)
    filters.is_valid(raise_exception=True)
    values = dict(filters.validated_data)
    values.setdefault("month", clock.today().replace(day=1))
    return values


class CoverageOutput(serializers.Serializer):
    month = serializers.CharField()
    as_of = serializers.DateTimeField()
    region = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    numerator = serializers.IntegerField(help_text="期末前参加过培训的名单内在营主体数")
    denominator = serializers.IntegerField(help_text="期末在严重失信主体名单内的在营主体数")
    ratio = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    not_reached_url = serializers.CharField()
    csv_url = serializers.CharField()
    xlsx_url = serializers.CharField()


class CoverageApi(APIView):
    """Trained / operating blacklisted subjects at the end of the month (or now, for the month in progress)."""

    @extend_schema(parameters=[CoverageFilter], responses={200: CoverageOutput, 400: ErrorOutput, 403: ErrorOutput})
    def get(self, request):
        values = _coverage_filters(request)
        coverage = training_coverage(
            month=values["month"], region_code=values["region"], department=values["department"]
        )
        body = {
            "month": f"{coverage.month:%Y-%m}",
            "as_of": coverage.as_of,
            "region": coverage.region_code,
            "department": coverage.department.code if coverage.department else None,
            "numerator": coverage.numerator,
            "denominator": coverage.denominator,
            "ratio": coverage.ratio,
            "target": coverage.target,
            "met": coverage.met,
            "not_reached_url": f"/api/v1/training/coverage/not-reached?{_coverage_query(values)}",
            "csv_url": f"/api/v1/training/coverage.csv?{_coverage_query(values)}",
            "xlsx_url": f"/api/v1/training/coverage.xlsx?{_coverage_query(values)}",
        }
        return Response(CoverageOutput(body).data)


def _export_name(values: dict, suffix: str) -> str:
    parts = [_("培训覆盖率"), f"{values['month']:%Y-%m}"]
    if values["region"]:
        parts.append(values["region"])
    if values["department"] is not None:
        parts.append(values["department"].code)
    name = "-".join(parts) + suffix
    return f"attachment; filename*=UTF-8''{quote(name)}"


class CoverageCsvApi(APIView):
    """The coverage as CSV (streamed): `table=summary` (default) is the month in total and by department,
    `table=not_reached` the subjects not reached."""

    class ExportFilter(CoverageFilter):
        table = serializers.ChoiceField(choices=["summary", "not_reached"], required=False, default="summary")

    @extend_schema(parameters=[ExportFilter], responses={(200, "text/csv"): bytes, 400: ErrorOutput, 403: ErrorOutput})
    def get(self, request):
        values = _coverage_filters(request)
        table = self.ExportFilter(data=request.query_params)
        table.is_valid(raise_exception=True)
        kind = table.validated_data["table"]
        lines = coverage_csv_lines(
            month=values["month"], region_code=values["region"], department=values["department"], table=kind
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        suffix = _("-未覆盖主体.csv") if kind == "not_reached" else ".csv"
        response["Content-Disposition"] = _export_name(values, suffix)
        return response


class CoverageXlsxApi(APIView):
    """The coverage as an XLSX workbook: by department, by month (last twelve), the subjects not reached."""

    @extend_schema(
        parameters=[CoverageFilter],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes,
            400: ErrorOutput,
            403: ErrorOutput,
        },
    )
    def get(self, request):
        values = _coverage_filters(request)
        body = coverage_xlsx(month=values["month"], region_code=values["region"], department=values["department"])
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = _export_name(values, ".xlsx")
        return response


class NotReachedApi(APIView):
    """The subjects of the coverage's denominator that had not attended a session by the end of the month."""

    @extend_schema(
        operation_id="v1_training_coverage_not_reached",
        parameters=[CoverageFilter],
        responses=paginated("TrainingNotReachedPage", NotReachedOutput),
    )
    def get(self, request):
        values = _coverage_filters(request)
        coverage = training_coverage(
            month=values["month"], region_code=values["region"], department=values["department"]
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(coverage.not_reached, request, view=self)
        return paginator.get_paginated_response(NotReachedOutput(page, many=True).data)


class InvitationCandidateOutput(NotReachedOutput):
    enrolled_upcoming = serializers.BooleanField(help_text="已报名尚未举行的场次")
    invitations_sent = serializers.IntegerField(help_text="已收到的培训邀请数")


class InvitationFilter(serializers.Serializer):
    region = serializers.RegexField(r"^\d{2,6}$", required=False, default="")
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )
    record_kind = serializers.ChoiceField(choices=RECORD_KINDS, required=False, default="")


class InvitationListApi(APIView):
    """Who to invite: the operating blacklisted subjects never trained, by region, listing department and record
    kind (those that also have a published record of that kind)."""

    @extend_schema(
        operation_id="v1_training_invitations_list",
        parameters=[InvitationFilter],
        responses=paginated("TrainingInvitationPage", InvitationCandidateOutput),
    )
    def get(self, request):
        _forbid_unless_trainer(request.user)
        filters = InvitationFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = invitation_candidates(
            region_code=filters.validated_data["region"],
            department=filters.validated_data["department"],
            record_kind=filters.validated_data["record_kind"],
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(InvitationCandidateOutput(page, many=True).data)


class InvitationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    subject = SubjectRefOutput()
    text = serializers.CharField()
    sent_at = serializers.DateTimeField()
    recipients = serializers.IntegerField(help_text="收到邀请的代理人数")


class SessionInvitationsApi(APIView):
    """The invitations of a session (GET), and inviting subjects to it (POST): each invitation is recorded with its
    text and sent to the subject's representatives through the notification channels."""

    class InputSerializer(serializers.Serializer):
        subjects = serializers.ListField(child=UsccField(), min_length=1, max_length=500)
        text = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)

    @extend_schema(
        operation_id="v1_training_session_invitations_list",
        responses=paginated("TrainingSessionInvitationPage", InvitationOutput),
    )
    def get(self, request, session_id: int):
        session = session_view_for(user=request.user, session_id=session_id).session
        _forbid_unless_trainer(request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(session_invitations(session=session), request, view=self)
        return paginator.get_paginated_response(InvitationOutput(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: InvitationOutput(many=True), 400: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request, session_id: int):
        session = session_view_for(user=request.user, session_id=session_id).session
        _forbid_unless_trainer(request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = list(dict.fromkeys(data.validated_data["subjects"]))
        found = {s.uscc: s for s in Subject.objects.filter(uscc__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            message = _("未登记的主体：%(codes)s。") % {"codes": "、".join(missing[:10])}
            raise ApplicationError("unknown_subject", message, fields={"subjects": [message]})
        invitations = invitation_send(
            session=session,
            subjects=[found[code] for code in codes],
            text=data.validated_data["text"],
            acting_user=request.user,
        )
        return Response(InvitationOutput(invitations, many=True).data, status=status.HTTP_201_CREATED)
