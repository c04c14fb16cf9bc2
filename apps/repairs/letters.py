"""The one place repairs issues letters (受理通知书, 补正通知书, 决定书). apps.letters renders them (WeasyPrint, in a
Celery task after commit) and keeps them; the case lists them through apps.letters.selectors.letters_for_owner."""

from typing import Any

from apps.accounts.models import User
from apps.letters.services import letter_create
from apps.repairs.models import RepairCase


def letter_issue(*, case: RepairCase, code: str, context: dict[str, Any], acting_user: User) -> Any:
    return letter_create(
        template_code=code,
        owner=case,
        recipient=case.subject,
        context=context,
        acting_user=acting_user,
        department=case.department,
    )
