"""Reads of the notifications app. A person sees their own notifications only."""

from typing import Any

from django.db.models import QuerySet

from apps.notifications.models import Notification


def notifications_of(*, user: Any) -> QuerySet[Notification]:
    """The user's inbox, newest first (narrowed by apps.notifications.filters.NotificationFilter)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def access_notification_by_id(*, user: Any, notification_id: int) -> Notification:
    """The only way an interface obtains a notification: its recipient's. Another person's is "not found"."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise Notification.DoesNotExist
    return notification
