"""Writes of the notifications app: notify people of an event (once each), deliver by e-mail and SMS after commit,
mark as read, preferences.

Owning apps call the `*_notify` functions from their services after the change, inside their transaction: the rows
commit with the change, each with its delivery owed in the outbox (apps.core.outbox: sent after commit, or by the
relay once the broker is back). Nothing here can fail the action that caused it: a row
that cannot be written is logged and skipped (in its own savepoint), and delivery runs in a retried Celery task.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, Role, User
from apps.core.errors import ApplicationError
from apps.core.i18n import in_office_language
from apps.core.outbox import outbox_enqueue
from apps.notifications.backends import email_send, sms_send
from apps.notifications.models import Kind, Notification, Preference

logger = logging.getLogger(__name__)

# The department head role (科室负责人) is added with the SLA dashboard; until then no user has it.
HEAD_ROLE = "head"


class DeliveryFailed(Exception):
    """A channel failed; the task retries the channels not yet sent."""


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _people(users: Iterable[User | None]) -> list[User]:
    seen: set[int] = set()
    people: list[User] = []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    return people


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    event_key: str,
    title: str,
    body: str,
    url: str = "",
    case_type: str = "",
    case_id: int | None = None,
) -> list[Notification]:
    """Give each recipient one notification of the event `event_key` (a person already notified of it gets nothing
    new) and queue its e-mail and SMS after commit. Returns the notifications created now."""
    from apps.notifications.tasks import DELIVER_TASK

    created = []
    for user in _people(recipients):
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    event_key=event_key[:200],
                    title=title[:200],
                    body=body[:1000],
                    url=url[:300],
                    case_type=case_type,
                    case_id=case_id,
                )
                # its delivery is owed with it (the outbox): sent after commit, or once Redis is back
                outbox_enqueue(
                    task=DELIVER_TASK,
                    kwargs={"notification_id": notification.pk},
                    dedup_key=f"notifications.deliver:{notification.pk}",
                )
            created.append(notification)
        except IntegrityError:
            continue  # notified of this event already
        except Exception:
            logger.exception("notification %s for user %s not recorded", event_key, user.pk)
    return created


# -- recipients ----------------------------------------------------------------------------------------------------


def credit_office_monitors() -> list[User]:
    return list(User.objects.filter(role=Role.MONITOR, is_active=True).order_by("pk"))


def department_heads(department: Department | None) -> list[User]:
    if department is None:
        return []
    return list(User.objects.filter(role=HEAD_ROLE, department=department, is_active=True).order_by("pk"))


def department_case_staff(department: Department | None) -> list[User]:
    """The officers (and heads) of a department, who act on what the department is asked to do."""
    if department is None:
        return []
    roles = [Role.OFFICER, HEAD_ROLE]
    return list(User.objects.filter(role__in=roles, department=department, is_active=True).order_by("pk"))


def department_step_staff(department: Department | None) -> list[User]:
    """Who may take a department's unclaimed step: its officers and reviewers."""
    if department is None:
        return []
    roles = [Role.OFFICER, Role.REVIEWER]
    return list(User.objects.filter(role__in=roles, department=department, is_active=True).order_by("pk"))


# -- events ----------------------------------------------------------------------------------------------------------


@in_office_language
def deadline_notify(
    *,
    kind: str,
    notice_id: int,
    case_type: str,
    case_id: int,
    reference: str,
    step_name: str,
    due_date: date,
    url: str,
    department: Department | None,
    holders: Sequence[User | None],
) -> list[Notification]:
    """A due-soon reminder or a breach escalation (apps.casework decides which and when, once per notice): to the
    officer holding the step (nobody holds it: the department's officers and reviewers, who may take it), the
    department's head and the credit office's monitors."""
    names = {"case": reference, "step": step_name, "due": _day(due_date)}
    if kind == Kind.DUE_SOON:
        title = _("临期提醒：%(case)s %(step)s") % names
        body = _("案件 %(case)s 的“%(step)s”时限将于 %(due)s 届满，请及时办理。") % names
    else:
        title = _("超期督办：%(case)s %(step)s") % names
        body = _("案件 %(case)s 的“%(step)s”时限已于 %(due)s 届满仍未办结，请尽快办理。") % names
    return notify(
        recipients=[
            *(holders or department_step_staff(department)),
            *department_heads(department),
            *credit_office_monitors(),
        ],
        kind=kind,
        event_key=f"sla_notice:{notice_id}",
        title=title,
        body=body,
        url=url,
        case_type=case_type,
        case_id=case_id,
    )


@in_office_language
def report_missing_notify(*, report_key: str, report_name: str, due_date: date, url: str) -> list[Notification]:
    """A periodic report (`report_name`, such as "2026年10月月度报告") not issued by its reporting day: a breach
    notice to the credit office's monitors, once per report (`report_key` names it; the reports app decides when)."""
    names = {"report": report_name, "due": _day(due_date)}
    return notify(
        recipients=credit_office_monitors(),
        kind=Kind.BREACH,
        event_key=f"report_missing:{report_key}",
        title=_("超期督办：%(report)s未按时生成") % names,
        body=_("%(report)s应于 %(due)s 前生成并报送，至今仍未生成，请尽快生成。") % names,
        url=url,
    )


@in_office_language
def supplement_requested_notify(
    *,
    recipients: Iterable[User | None],
    case_type: str,
    case_id: int,
    reference: str,
    items: list[str],
    answer_by: date,
    url: str,
) -> list[Notification]:
    """一次性告知补正: to the applicant (the case's filer and the subject's representatives)."""
    names = {"case": reference, "items": "；".join(items), "due": _day(answer_by)}
    return notify(
        recipients=recipients,
        kind=Kind.SUPPLEMENT_REQUESTED,
        event_key=f"supplement_requested:{case_type}:{case_id}",
        title=_("请补正材料：%(case)s") % names,
        body=_("您的申请 %(case)s 需要补正以下材料：%(items)s。请于 %(due)s 前提交，逾期未补正视为撤回申请。") % names,
        url=url,
        case_type=case_type,
        case_id=case_id,
    )


@in_office_language
def material_requested_notify(
    *, recipients: Iterable[User | None], case_type: str, case_id: int, reference: str, request: str, url: str
) -> list[Notification]:
    """An objection's request for more material: to every party's applicant."""
    names = {"case": reference, "request": request.strip().rstrip("。.")}
    return notify(
        recipients=recipients,
        kind=Kind.MATERIAL_REQUESTED,
        event_key=f"material_requested:{case_type}:{case_id}",
        title=_("请补充材料：%(case)s") % names,
        body=_("您的异议申请 %(case)s 需要补充材料：%(request)s。") % names,
        url=url,
        case_type=case_type,
        case_id=case_id,
    )


@in_office_language
def decision_issued_notify(
    *, recipients: Iterable[User | None], case_type: str, case_id: int, reference: str, outcome: str, url: str
) -> list[Notification]:
    """The decision (or the reply to an objection) is issued: to the applicant."""
    names = {"case": reference, "outcome": outcome}
    return notify(
        recipients=recipients,
        kind=Kind.DECISION_ISSUED,
        event_key=f"decision_issued:{case_type}:{case_id}",
        title=_("已作出决定：%(case)s") % names,
        body=_("您的申请 %(case)s 已作出决定：%(outcome)s。文书可在案件页面查看和下载。") % names,
        url=url,
        case_type=case_type,
        case_id=case_id,
    )


@in_office_language
def lift_requested_notify(
    *,
    department: Department | None,
    lift_id: int,
    case_type: str,
    case_id: int,
    reference: str,
    subject_name: str,
    due_date: date | None,
    url: str,
) -> list[Notification]:
    """A repaired subject's sanctions are to be lifted: to the sanctioning department's officers."""
    names = {"case": reference, "subject": subject_name, "due": _day(due_date) if due_date else "—"}
    return notify(
        recipients=department_case_staff(department),
        kind=Kind.LIFT_REQUESTED,
        event_key=f"lift_requested:{lift_id}",
        title=_("请解除惩戒措施：%(subject)s") % names,
        body=_("%(subject)s 已完成信用修复（%(case)s），请于 %(due)s 前解除本部门实施的相关惩戒措施并确认。") % names,
        url=url,
        case_type=case_type,
        case_id=case_id,
    )


@in_office_language
def measure_removal_notify(
    *,
    department: Department,
    checkers: Iterable[User | None],
    removal_id: int,
    case_type: str,
    subject_name: str,
    reason: str,
    records: list[str],
    measures: list[str],
    url: str,
) -> list[Notification]:
    """Measures a department applied after a credit check lost their basis (the records were repaired, expired or
    deleted): to the department's officers and the officers who ran the checks, once per removal task."""
    names = {
        "subject": subject_name,
        "reason": reason,
        "records": "、".join(records),
        "measures": "；".join(measures),
    }
    return notify(
        recipients=[
            *department_case_staff(department),
            *(u for u in checkers if u is not None and u.department_id == department.pk),
        ],
        kind=Kind.LIFT_REQUESTED,
        event_key=f"measure_removal:{removal_id}",
        title=_("惩戒措施已无依据，请解除：%(subject)s") % names,
        body=_(
            "%(subject)s 的失信信息（%(records)s）%(reason)s。本部门在信用核查后实施的惩戒措施（%(measures)s）"
            "已无依据，请及时解除并确认。"
        )
        % names,
        url=url,
        case_type=case_type,
        case_id=removal_id,
    )


@in_office_language
def case_report_missing_notify(*, department: Department, month: date, due_date: date, url: str) -> list[Notification]:
    """A department has not reported its joint-sanction cases of the month by the due date: to the credit office's
    monitors, once per department and month."""
    names = {"department": department.name, "month": f"{month.year}年{month.month}月", "due": _day(due_date)}
    return notify(
        recipients=credit_office_monitors(),
        kind=Kind.BREACH,
        event_key=f"case_report_missing:{department.code}:{month:%Y-%m}",
        title=_("联合奖惩案例月报未报送：%(department)s %(month)s") % names,
        body=_("%(department)s 未在 %(due)s 前报送 %(month)s 的联合奖惩案例月报，请督促报送。") % names,
        url=url,
        case_type="accounts.department",
        case_id=department.pk,
    )


@in_office_language
def task_reassigned_notify(
    *,
    task_id: int,
    new_owner: User,
    case_type: str,
    case_id: int,
    reference: str,
    step_name: str,
    url: str,
) -> list[Notification]:
    """A step was reassigned to `new_owner` (the reassign service calls this after the change). A task reassigned to
    the same person twice is one notification; to someone else, theirs."""
    names = {"case": reference, "step": step_name}
    return notify(
        recipients=[new_owner],
        kind=Kind.REASSIGNED,
        event_key=f"reassigned:{task_id}",
        title=_("转办给您：%(case)s %(step)s") % names,
        body=_("案件 %(case)s 的“%(step)s”已转由您办理。") % names,
        url=url,
        case_type=case_type,
        case_id=case_id,
    )


@in_office_language
def training_invitation_notify(
    *, recipients: Iterable[User | None], invitation_id: int, topic: str, text: str, url: str
) -> list[Notification]:
    """An invitation to a repair-training session: to the subject's representatives. The text is the one recorded
    with the invitation."""
    return notify(
        recipients=recipients,
        kind=Kind.TRAINING_INVITATION,
        event_key=f"training_invitation:{invitation_id}",
        title=_("培训邀请：%(topic)s") % {"topic": topic},
        body=text,
        url=url,
        case_type="training.invitation",
        case_id=invitation_id,
    )


# -- delivery --------------------------------------------------------------------------------------------------------


def preference_of(user: User) -> Preference:
    """The user's stored preference, or the default (e-mail on, SMS off) unsaved."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def notification_deliver(*, notification_id: int) -> dict[str, bool]:
    """Send the notification by e-mail and SMS as its recipient wants, each channel once: a channel already sent
    is not sent again (a redelivered task, a retry after the other channel failed). Raises DeliveryFailed when a
    channel failed, after recording what was sent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return {}
        user = notification.recipient
        preference = preference_of(user)
        wanted = notification.kind not in (preference.muted_kinds or [])
        text = notification.body + (f"\n{_absolute(notification.url)}" if notification.url else "")
        sent, errors, fields = {}, [], []
        if wanted and preference.email and user.email and notification.email_sent_at is None:
            try:
                email_send(address=user.email, subject=notification.title, text=text)
            except Exception as exc:
                errors.append(f"email: {exc}")
            else:
                notification.email_sent_at = timezone.now()
                fields.append("email_sent_at")
                sent["email"] = True
        if wanted and preference.sms and user.phone and notification.sms_sent_at is None:
            try:
                sms_send(phone=user.phone, text=f"{notification.title}：{text}")
            except Exception as exc:
                errors.append(f"sms: {exc}")
            else:
                notification.sms_sent_at = timezone.now()
                fields.append("sms_sent_at")
                sent["sms"] = True
        notification.delivery_error = "; ".join(errors)[:500]
        notification.save(update_fields=[*fields, "delivery_error"])
    if errors:
        raise DeliveryFailed(notification.delivery_error)
    return sent


def _absolute(url: str) -> str:
    from django.conf import settings

    return f"{settings.PUBLIC_BASE_URL}{url}" if url.startswith("/") else url


# -- reading -------------------------------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_update(*, user: User, email: bool, sms: bool, muted_kinds: list[str]) -> Preference:
    unknown = sorted(set(muted_kinds) - set(Kind.values))
    if unknown:
        message = _("未知的通知类型：%(kinds)s") % {"kinds": "、".join(unknown)}
        raise ApplicationError("invalid", f"muted_kinds: {message}", fields={"muted_kinds": [message]})
    if sms and not user.phone:
        message = _("请先在账户中登记手机号码，再开启短信通知。")
        raise ApplicationError("invalid", f"sms: {message}", fields={"sms": [message]})
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "muted_kinds": sorted(set(muted_kinds))}
    )
    return preference
