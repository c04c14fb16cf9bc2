"""Reads of the notifications app. A person sees their own notifications only."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.notifications.models import Notification


def notifications_of(*, user: User) -> QuerySet[Notification]:
    """The user's inbox, newest first (narrowed by apps.notifications.filters.NotificationFilter)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(*, user: User | AnonymousUser | None) -> int:
    """For the header of every page, signed in or not."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def access_notification_by_id(*, user: User, notification_id: int) -> Notification:
    """The only way an interface obtains a notification: its recipient's. Another person's is "not found"."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise Notification.DoesNotExist
    return notification
