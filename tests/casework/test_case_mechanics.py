"""apps.casework.cases on casework's own minimal flow (tests/casework/minimal): starting, routing on a process
flag, advancing a waiting Handle, locking, and the time of an action."""

from datetime import datetime

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS

from apps.casework.cases import (
    case_flow_advance,
    case_flow_locked,
    case_flow_start,
    case_lock,
    case_now,
    case_process,
)
from apps.casework.models import CaseTask
from apps.casework.services import task_complete
from tests.casework.minimal.flows import TicketFlow
from tests.casework.minimal.models import Ticket, TicketProcess

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(username="minimal-officer", password="x")


def _started() -> Ticket:
    ticket = Ticket.objects.create(title="t")
    case_flow_start(ticket)
    return ticket


def _decide(ticket: Ticket, *, approve: bool, user) -> None:
    task = CaseTask.objects.get(process=case_process(ticket), flow_task=TicketFlow.decide)
    task_complete(task=task, data={"approve": approve}, acting_user=user)


def _ends(ticket: Ticket) -> set[str]:
    done = CaseTask.objects.filter(process=case_process(ticket), status=STATUS.DONE)
    return {task.flow_task.name for task in done}


def test_start_finds_the_process_as_the_flows_process_class():
    ticket = _started()
    process = case_process(ticket)
    assert isinstance(process, TicketProcess) and process.artifact == ticket
    assert case_process(Ticket.objects.create(title="no flow")) is None


def test_the_flow_routes_on_the_flag_the_handler_set(officer):
    approved, rejected = _started(), _started()
    _decide(approved, approve=True, user=officer)
    _decide(rejected, approve=False, user=officer)
    assert Ticket.objects.get(pk=approved.pk).status == "decided"
    assert case_process(approved).approved is True
    assert "rejected" in _ends(rejected) and "await_answer" not in {
        t.flow_task.name for t in CaseTask.objects.filter(process=case_process(rejected))
    }
    waiting = CaseTask.objects.get(process=case_process(approved), flow_task=TicketFlow.await_answer)
    assert waiting.status == STATUS.NEW


def test_advance_completes_the_waiting_handle_once(officer):
    ticket = _started()
    assert case_flow_advance(ticket, node="await_answer") is False  # nothing waits yet
    _decide(ticket, approve=True, user=officer)
    with case_flow_locked(ticket) as process:
        assert process.pk == case_process(ticket).pk
        assert case_flow_advance(ticket, node="await_answer") is True
    assert case_flow_advance(ticket, node="await_answer") is False
    assert "answered" in _ends(ticket)


def test_flow_lock_of_a_case_without_process_is_a_plain_transaction():
    with case_flow_locked(Ticket.objects.create(title="no flow")) as process:
        assert process is None


def test_lock_returns_a_fresh_row_and_leaves_the_callers_alone():
    ticket = Ticket.objects.create(title="t")
    Ticket.objects.filter(pk=ticket.pk).update(status="changed")
    locked = case_lock(ticket)
    assert locked is not ticket
    assert locked.status == "changed" and ticket.status == "new"


def test_time_of_an_action_is_timezone_aware():
    moment = timezone.now()
    assert case_now(moment) is moment
    assert timezone.is_aware(case_now())
    with pytest.raises(ValueError):
        case_now(datetime(2026, 12, 1, 9, 0))  # noqa: DTZ001 - the naive datetime under test
