"""补正: one complete list, the clock stops while the applicant answers, no answer in time withdraws the case."""

from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from apps.casework.sla_policy import sla_sweep
from apps.core.selectors import audit_chain_breaks
from apps.repairs.models import RepairCase
from apps.sla.models import Deadline
from apps.sla.workdays import add_working_days
from apps.subjects.models import NegativeRecord
from tests.repairs.conftest import PDF, at, filing
from tests.repairs.helpers import complete, status, task_of


def _file(api, users, world):
    response = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_a_supplement_paused_for_four_working_days_moves_every_later_due_date_by_four(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))  # Monday
    case_id = _file(api, users, world)
    before = RepairCase.objects.get(pk=case_id)
    answer_due, intake_due = before.due_date, before.step_due_date
    assert (answer_due.isoformat(), intake_due.isoformat()) == ("2026-05-25", "2026-05-13")

    officer = api(users["officer"])
    clock.set(at(2026, 5, 11, 15))
    items = ["营业执照副本复印件", "罚款缴纳凭证原件扫描件"]
    complete(officer, case_id, "intake", {"decision": "supplement", "missing_items": items})
    case = RepairCase.objects.get(pk=case_id)
    assert case.status == RepairCase.Status.SUPPLEMENT and case.supplement_items == items
    assert case.overall_deadline.status == Deadline.Status.PAUSED
    assert case.supplement_answer_by.isoformat() == "2026-05-25"  # 10 working days to answer
    # a second 补正 is impossible: the list is one complete list (the intake task is gone until the answer)
    assert not Task.objects.filter(
        process__artifact_object_id=case_id, flow_task_type="HUMAN", status=STATUS.NEW
    ).exists()

    clock.set(at(2026, 5, 15, 10))  # Friday: 4 working days later (12, 13, 14, 15 May)
    applicant = api(users["applicant"])
    upload = SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf")
    response = applicant.post(
        f"/api/v1/repairs/{case_id}/supplement", {"files": [upload], "note": "已补齐"}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "intake"
    assert body["due_date"] == add_working_days(answer_due, 4).isoformat() == "2026-05-29"
    assert body["step_due_date"] == add_working_days(intake_due, 4).isoformat() == "2026-05-19"
    assert [(p["working_days"], p["deadline"]) for p in body["pauses"]] == [(4, "answer")]
    assert "补正" in body["pauses"][0]["reason"]
    # the new intake task's timers follow the moved deadline: due-soon on 18 May, breach after 19 May
    # the new intake step is the officer's who asked for the 补正 (same role: no second claim)
    intake_task = task_of(officer, case_id, "intake", queue="mine")
    timers = Task.objects.filter(previous__pk=intake_task, flow_task_type="TIMER", status=STATUS.SCHEDULED)
    moments = sorted(t.scheduled.astimezone(at(2026, 1, 1).tzinfo).date().isoformat() for t in timers)
    assert moments == ["2026-05-18", "2026-05-20"]
    # after acceptance the decision time limit counts from the acceptance, so it is later still
    complete(officer, case_id, "intake", {"decision": "accept"}, queue="mine")
    case = RepairCase.objects.get(pk=case_id)
    assert case.status == RepairCase.Status.VERIFICATION
    assert case.step_due_date == add_working_days(case.accepted_at.astimezone(at(2026, 1, 1).tzinfo).date(), 3)
    assert list(audit_chain_breaks()) == []


def test_an_unanswered_supplement_withdraws_the_case(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    case_id = _file(api, users, world)
    complete(api(users["officer"]), case_id, "intake", {"decision": "supplement", "missing_items": ["缴款凭证"]})
    case = RepairCase.objects.get(pk=case_id)
    assert case.supplement_answer_by.isoformat() == "2026-05-25"

    clock.set(at(2026, 5, 25, 16))  # last day: nothing happens yet
    sla_sweep()
    assert status(case_id) == RepairCase.Status.SUPPLEMENT

    clock.set(at(2026, 5, 26, 8))  # the day after the last day
    sla_sweep()
    case.refresh_from_db()
    assert case.status == RepairCase.Status.WITHDRAWN and case.closed_at
    world["record"].refresh_from_db()
    assert world["record"].repair_status == NegativeRecord.RepairStatus.NONE
    assert (
        not Deadline.objects.filter(owner_type="repairs.repaircase", owner_id=case_id).exclude(status="closed").exists()
    )
    # too late now
    clock.set(at(2026, 5, 26, 9))
    response = api(users["applicant"]).post(
        f"/api/v1/repairs/{case_id}/supplement", {"note": "迟到的补正"}, format="json"
    )
    assert response.status_code == 409
    # running the sweep again changes nothing
    sla_sweep()
    assert status(case_id) == RepairCase.Status.WITHDRAWN
    assert list(audit_chain_breaks()) == []


def test_only_the_applicant_answers_and_only_while_waiting(clock, users, world, api):
    case_id = _file(api, users, world)
    assert (
        api(users["applicant"]).post(f"/api/v1/repairs/{case_id}/supplement", {"note": "x"}, format="json").status_code
        == 409
    )
    complete(api(users["officer"]), case_id, "intake", {"decision": "supplement", "missing_items": ["缴款凭证"]})
    assert (
        api(users["applicant2"]).post(f"/api/v1/repairs/{case_id}/supplement", {"note": "x"}, format="json").status_code
        == 404
    )
    assert (
        api(users["officer"]).post(f"/api/v1/repairs/{case_id}/supplement", {"note": "x"}, format="json").status_code
        == 403
    )
    assert status(case_id) == RepairCase.Status.SUPPLEMENT
