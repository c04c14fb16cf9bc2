import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_parameters, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Model, QuerySet
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission, UserObjectPermission

from apps.accounts.models import Department, Role, User
from apps.core import clock


def access_department_by_id(*, user: User, department_id: int) -> Department:
    """Departments are reference data every signed-in user may read."""
    if not user.is_authenticated:
        raise Department.DoesNotExist
    return Department.objects.get(pk=department_id)


def head_department_id(user: User) -> int | None:
    """The department a 科室负责人 (role `head`) sees the cases of, by the case's own department column; None for
    everyone else. The case apps' access functions and `*_visible_to` querysets read it, so the SLA board and every
    list it links to scope a head alike (officers keep their department group's object permissions)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) != Role.HEAD:
        return None
    return user.department_id


def department_members(*, department: Department, role: str | None = None) -> QuerySet[User]:
    qs = User.objects.filter(department=department, is_active=True)
    return qs.filter(role=role) if role else qs


@dataclass(frozen=True)
class Lockout:
    until: datetime  # aware; the first moment a login is accepted again

    def retry_after(self, now: datetime | None = None) -> int:
        """Whole seconds until then (for Retry-After), at least 1."""
        return max(1, math.ceil((self.until - (now or timezone.now())).total_seconds()))

    @property
    def until_minute(self) -> datetime:
        """The end rounded up to the minute, local time: what we tell people ("try again at 15:42")."""
        return timezone.localtime(_next_minute(self.until))

    def message(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        local = self.until_minute
        when = local.strftime("%H:%M")
        if local.date() != clock.business_date(now):
            when = f"{formats.date_format(local, 'DATE_FORMAT')} {when}"
        return _("登录失败次数过多，已暂时锁定。请于 %(time)s 后再试（约 %(minutes)d 分钟）。") % {
            "time": when,
            "minutes": math.ceil(self.retry_after(now) / 60),
        }


def _next_minute(moment: datetime) -> datetime:
    """Rounded up, so "try again at 15:42" is never too early."""
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


def _release(rows: list[tuple[datetime, int]], limit: int, cool_off: timedelta) -> datetime | None:
    """When failures (last attempt time, count) stop reaching the limit. A row's failures count until its last
    attempt is cool_off old, so the oldest rows drop out first."""
    total = sum(failures for _at, failures in rows)
    release = None
    for at, failures in sorted(rows):
        if total < limit:
            break
        release, total = at + cool_off, total - failures
    return release


def lockout_for(*, username: str | None, ip_address: str | None, now: datetime | None = None) -> Lockout | None:
    """The lockout that refuses a login of `username` from `ip_address` now, or None. Either the username's or the
    address's failures may lock (settings.AXES_LOCKOUT_PARAMETERS); the later release wins."""
    now = now or timezone.now()
    cool_off = get_cool_off()
    if cool_off is None:  # permanent lockouts are not configured here
        return None
    limit = get_failure_limit(None, None)
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    releases = []
    for params in get_client_parameters(username, ip_address, "", None):
        rows = list(recent.filter(**params).values_list("attempt_time", "failures_since_start"))
        release = _release(rows, limit, cool_off)
        if release is not None and release > now:
            releases.append(release)
    return Lockout(until=max(releases)) if releases else None


def role_label(user: User | None, *, department: Department | None = None) -> str:
    """How a case's party is told who acted: the department and the role, never the person (市场监督管理局 承办人).
    Nobody (a timer, the system) acted for the department that handles the case."""
    if user is None:
        return department.name if department is not None else str(_("系统"))
    role = user.get_role_display()
    if user.department:
        return f"{user.department.name} {role}"
    return str(role)


def object_pks_with_perm(*, user: User, perm: str, model: type[Model]) -> QuerySet[Any, Any]:
    """The primary keys (integers) of the `model` rows on which `user` holds the object permission `perm` directly
    or through one of their groups: what guardian's get_objects_for_user(..., accept_global_perms=False,
    with_superuser=False) grants, as a subquery a list can use with `pk__in`. Guardian's own filter compares each
    row's id cast to text with the permission rows (`CAST(id AS text) IN (...)`), which no index serves: every list
    would read its whole table. Cast the other way, the permission rows name the ids and the list reads those rows
    by primary key."""
    app_label, codename = perm.split(".", 1)
    content_type = ContentType.objects.get_for_model(model)
    if content_type.app_label != app_label:
        raise ValueError(f"{perm} is not a permission of {model._meta.label}")
    as_id = Cast("object_pk", BigIntegerField())
    direct = (
        UserObjectPermission.objects.filter(
            user=user, permission__content_type=content_type, permission__codename=codename
        )
        .annotate(object_id=as_id)
        .order_by()
        .values("object_id")
    )
    by_group = (
        GroupObjectPermission.objects.filter(
            group__in=user.groups.values("pk"), permission__content_type=content_type, permission__codename=codename
        )
        .annotate(object_id=as_id)
        .order_by()
        .values("object_id")
    )
    return direct.union(by_group)
