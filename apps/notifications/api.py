"""The inbox over HTTP: GET /api/v1/notifications (own, newest first, with the unread count), mark one or all as
read, and the person's delivery preferences."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ID_MAX, Pagination
from apps.core.filters import filter_or_400, filter_parameters
from apps.notifications.filters import NotificationFilter
from apps.notifications.models import Kind, Notification
from apps.notifications.selectors import access_notification_by_id, notifications_of, unread_count
from apps.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preference_of,
    preference_update,
)


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    read = serializers.SerializerMethodField()

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationPageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    unread_count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = NotificationOutput(many=True)


class UnreadOutput(serializers.Serializer):
    marked = serializers.IntegerField()
    unread_count = serializers.IntegerField()


class PreferenceOutput(serializers.Serializer):
    email = serializers.BooleanField()
    sms = serializers.BooleanField()
    muted_kinds = serializers.ListField(child=serializers.CharField())


class NotificationListApi(APIView):
    @extend_schema(
        operation_id="v1_notifications_list",
        parameters=filter_parameters(NotificationFilter),
        responses=NotificationPageOutput,
    )
    def get(self, request):
        qs = filter_or_400(NotificationFilter, request=request, queryset=notifications_of(user=request.user))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        response = paginator.get_paginated_response(NotificationOutput(page, many=True).data)
        response.data["unread_count"] = unread_count(user=request.user)
        return response


class NotificationReadApi(APIView):
    @extend_schema(operation_id="v1_notification_read", request=None, responses=NotificationOutput)
    def post(self, request, notification_id: int):
        if notification_id > ID_MAX:
            raise Notification.DoesNotExist
        notification = access_notification_by_id(user=request.user, notification_id=notification_id)
        return Response(NotificationOutput(notification_mark_read(notification=notification)).data)


class NotificationReadAllApi(APIView):
    @extend_schema(operation_id="v1_notifications_read_all", request=None, responses=UnreadOutput)
    def post(self, request):
        marked = notifications_mark_all_read(user=request.user)
        return Response(UnreadOutput({"marked": marked, "unread_count": unread_count(user=request.user)}).data)


class NotificationPreferenceApi(APIView):
    class InputSerializer(serializers.Serializer):
        email = serializers.BooleanField()
        sms = serializers.BooleanField()
        muted_kinds = serializers.ListField(
            child=serializers.ChoiceField(choices=Kind.choices), required=False, default=list, max_length=20
        )

    @extend_schema(operation_id="v1_notification_preferences", responses=PreferenceOutput)
    def get(self, request):
        return Response(PreferenceOutput(preference_of(request.user)).data)

    @extend_schema(
        operation_id="v1_notification_preferences_update", request=InputSerializer, responses=PreferenceOutput
    )
    def put(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preference = preference_update(user=request.user, **data.validated_data)
        return Response(PreferenceOutput(preference).data)
