"""What every plain page (portal, our workbench pages, login, errors) needs: the product switches, the navigation
menu of the reader's role and the applicant's to-do banner. Lazy, so Viewflow pages that do not show them pay nothing.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from apps.core.registry import todos_for

APPLICANT, CLERK, OFFICER, TRAINER, HEAD, ADMIN = "applicant", "clerk", "officer", "trainer", "head", "admin"


def product(request):
    return {"DEMO_MODE": settings.DEMO_MODE}


def may_file_repairs(user) -> bool:
    """Who is offered the repair and objection forms: an enterprise's representative, or a counter clerk for one."""
    return user.is_authenticated and (
        getattr(user, "role", "") == APPLICANT or user.has_perm("subjects.file_on_behalf")
    )


def nav_links(user) -> list[tuple[str, str]]:
    """(label, url) of the pages the user's role may use, and only those."""
    if not user.is_authenticated:
        return [(_("文书查验"), "/verify/")]
    role = getattr(user, "role", "")
    links: list[tuple[str, str]] = [(_("首页"), "/")]
    if role == APPLICANT:
        links += [
            (_("我的修复申请"), "/portal/repairs/"),
            (_("我的异议"), "/portal/objections/"),
            (_("提交修复申请"), "/portal/repairs/new/"),
            (_("修复培训"), "/portal/training/"),
            (_("我的信用承诺"), "/portal/commitments/"),
        ]
    if user.has_perm("subjects.file_on_behalf"):
        links += [
            (_("窗口受理"), "/portal/repairs/counter/"),
            (_("窗口受理记录"), "/portal/repairs/counter/filings/"),
            (_("异议代办"), "/portal/objections/"),
        ]
    if user.has_perm("casework.use_workbench"):
        links += [(_("工作台"), "/workflow/"), (_("期限提醒"), "/workbench/notices/")]
    if user.has_perm("casework.view_sla_board"):
        links += [(_("时限看板"), "/workbench/dashboard/"), (_("超期清单"), "/workbench/breaches/")]
    if role == OFFICER:
        links.append((_("惩戒解除确认"), "/portal/repairs/lifts/"))
    if user.has_perm("sanctions.run_credit_check") or user.has_perm("sanctions.view_creditcheck"):
        links.append((_("信用核查"), "/workbench/credit-check/"))
        links.append((_("核查措施解除"), "/workbench/credit-check/removals/"))
        links.append((_("联合奖惩案例月报"), "/workbench/credit-check/reports/"))
    if user.has_perm("commitments.view_commitment") or (
        user.has_perm("commitments.check_commitment") and getattr(user, "department_id", None)
    ):
        links.append((_("信用承诺"), "/workbench/commitments/"))
        links.append((_("履约践诺核查"), "/workbench/commitments/checks/"))
    if user.has_perm("training.manage_training"):
        links.append((_("培训工作台"), "/workbench/training/"))
    # The credit office reads every department's monthly figures; a department head reads their own department's.
    if user.has_perm("reports.view_monthly_stats") or (role == HEAD and getattr(user, "department_id", None)):
        links.append((_("月度统计"), "/workbench/stats/monthly/"))
    links.append((_("文书查验"), "/verify/"))
    links.append((_("信用承诺公示"), "/commitments/register/"))
    if user.is_staff:
        links.append((_("系统管理"), "/admin/"))
    return links


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}

    def todos():
        return todos_for(user=user) if user.is_authenticated and may_file_repairs(user) else []

    def menu():
        links = nav_links(user)
        path = request.path
        matches = [url for _label, url in links if path == url or (url != "/" and path.startswith(url))]
        current = max(matches, key=len) if matches else None
        return [{"label": label, "url": url, "current": url == current} for label, url in links]

    return {
        "nav_menu": SimpleLazyObject(menu),
        "may_file": SimpleLazyObject(lambda: may_file_repairs(user)),
        "portal_todos": SimpleLazyObject(todos),
    }
