from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.authentication import token_expires_at
from apps.accounts.login_guard import LOGIN_LOCKED, lockout_of_request
from apps.accounts.services import token_issue, token_revoke
from apps.core.api import error_body
from apps.core.errors import ApplicationError

LockedOutput = inline_serializer(
    "LoginLocked",
    {
        "error": serializers.CharField(),
        "detail": serializers.CharField(),
        "fields": serializers.DictField(),
        "retry_after": serializers.IntegerField(),
    },
)


class TokenObtainApi(APIView):
    """Exchange a username and password for an API token (valid API_TOKEN_TTL_HOURS from its issue).

    Too many failed logins for the username or from the address lock both out for a while: 429 with the time to
    try again (body and Retry-After). 429 rather than 403: the refusal is about the rate of attempts and ends by
    itself, and clients already know to wait Retry-After on a 429."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(source="key")
        expires_at = serializers.SerializerMethodField()

        @extend_schema_field(OpenApiTypes.DATETIME)
        def get_expires_at(self, token) -> str:
            return serializers.DateTimeField().to_representation(token_expires_at(token))

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, 429: LockedOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if getattr(request, "axes_locked_out", False):  # set by django-axes when it refused or just locked
            lockout = lockout_of_request(request, {"username": data.validated_data["username"]})
            seconds = lockout.retry_after()
            body = error_body(LOGIN_LOCKED, lockout.message(), retry_after=seconds)
            return Response(body, status=429, headers={"Retry-After": str(seconds)})
        if user is None or not user.is_active:
            raise ApplicationError("invalid_credentials", _("用户名或密码错误。"), status_code=400)
        return Response(self.OutputSerializer(token_issue(user=user)).data)


class TokenRevokeApi(APIView):
    """Revoke the caller's API token: every client using it is signed out of the API (401 from then on)."""

    @extend_schema(request=None, responses={204: OpenApiResponse(description=gettext_lazy("令牌已撤销"))})
    def post(self, request):
        token_revoke(user=request.user, acting_user=request.user)
        return Response(status=204)
