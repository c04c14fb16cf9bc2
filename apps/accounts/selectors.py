from apps.accounts.models import Department, User


def access_department_by_id(*, user: User, department_id: int) -> Department:
    """Departments are reference data every signed-in user may read."""
    if not user.is_authenticated:
        raise Department.DoesNotExist
    return Department.objects.get(pk=department_id)


def department_members(*, department: Department, role: str | None = None):
    qs = User.objects.filter(department=department, is_active=True)
    return qs.filter(role=role) if role else qs
