from django.utils.translation import gettext as _

from apps.accounts.models import Department, User


def access_department_by_id(*, user: User, department_id: int) -> Department:
    """Departments are reference data every signed-in user may read."""
    if not user.is_authenticated:
        raise Department.DoesNotExist
    return Department.objects.get(pk=department_id)


def department_members(*, department: Department, role: str | None = None):
    qs = User.objects.filter(department=department, is_active=True)
    return qs.filter(role=role) if role else qs


def role_label(user: User | None, *, department: Department | None = None) -> str:
    """How a case's party is told who acted: the department and the role, never the person (市场监督管理局 承办人).
    Nobody (a timer, the system) acted for the department that handles the case."""
    if user is None:
        return department.name if department is not None else str(_("系统"))
    role = user.get_role_display()
    if user.department_id:
        return f"{user.department.name} {role}"
    return str(role)
