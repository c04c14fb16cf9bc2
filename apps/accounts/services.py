"""Writes of the accounts app: users, departments and their permission groups, API tokens."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from rest_framework.authtoken.models import Token

from apps.accounts.authentication import token_is_expired
from apps.accounts.models import Department, Role, User
from apps.accounts.roles import ROLE_PERMISSIONS, role_group_name
from apps.core.services import case_event_record


def role_groups_sync(*, using: str = "default") -> None:
    """Create one group per role with exactly the permissions ROLE_PERMISSIONS gives it. Idempotent."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role_group_name(role))
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)


@transaction.atomic
def department_create(
    *, code: str, name: str, region_code: str, sector: str, acting_user: User | None = None
) -> Department:
    group = Group.objects.create(name=f"dept:{code}")
    department = Department(code=code, name=name, region_code=region_code, sector=sector, group=group)
    department.full_clean()
    department.save()
    case_event_record(
        case=department, kind="department_created", acting_user=acting_user, data={"code": code, "name": name}
    )
    return department


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    department: Department | None = None,
    display_name: str = "",
    email: str = "",
    acting_user: User | None = None,
) -> User:
    """Create a user in a role; officers and reviewers must belong to a department."""
    user = User(username=username, role=role, department=department, display_name=display_name, email=email)
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    _user_groups_sync(user)
    case_event_record(
        case=user, kind="user_created", acting_user=acting_user, data={"username": username, "role": role}
    )
    return user


@transaction.atomic
def user_set_role(*, user: User, role: str, department: Department | None, acting_user: User) -> User:
    before = {"role": user.role, "department": user.department_id}
    user.role, user.department = role, department
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.full_clean()
    user.save(update_fields=["role", "department", "is_staff", "is_superuser"])
    _user_groups_sync(user)
    case_event_record(
        case=user,
        kind="user_role_changed",
        acting_user=acting_user,
        data={"before": before, "after": {"role": role, "department": user.department_id}},
    )
    return user


def _user_groups_sync(user: User) -> None:
    groups = [Group.objects.get_or_create(name=role_group_name(user.role))[0]]
    if user.department:
        groups.append(user.department.group)
    keep = user.groups.exclude(name__startswith="role:").exclude(name__startswith="dept:")
    user.groups.set([*keep, *groups])


@transaction.atomic
def token_issue(*, user: User) -> Token:
    """The user's API token after a successful login: the current one while it lives (every client of the user
    shares it), else a new one with a full lifetime (settings.API_TOKEN_TTL_HOURS)."""
    current = Token.objects.select_for_update().filter(user=user).first()
    if current is not None and not token_is_expired(current):
        return current
    if current is not None:
        current.delete()
    token, _created = Token.objects.get_or_create(user=user)  # a concurrent login may have made it meanwhile
    return token


@transaction.atomic
def token_revoke(*, user: User, acting_user: User) -> bool:
    """Delete the user's API token: every client using it gets 401 from now on. False when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        case_event_record(
            case=user, kind="api_token_revoked", acting_user=acting_user, data={"username": user.get_username()}
        )
    return bool(deleted)
