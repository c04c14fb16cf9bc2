"""Keep Viewflow timers on their deadlines: when sla moves a due date, move the `scheduled` of pending timers."""

from typing import Any

from apps.casework.registry import case_type_for
from apps.casework.sla_policy import timers_reschedule
from apps.sla.selectors import deadlines_affected


def move_timers_with_deadlines(sender: Any, **kwargs: Any) -> None:
    owners = set(deadlines_affected(**kwargs).values_list("owner_type", "owner_id"))
    for owner_type, owner_id in owners:
        if case_type_for(owner_type) is not None:
            timers_reschedule(case_type=owner_type, case_id=owner_id)
