"""Walking a case through its steps over HTTP, as the people would."""

from apps.repairs.models import RepairCase


def task_of(api_client, case_id, step, queue="available"):
    rows = api_client.get(f"/api/v1/tasks?queue={queue}&page_size=200").json()["results"]
    found = [row for row in rows if row["case"] and row["case"]["id"] == case_id and row["step"] == step]
    assert found, f"no {step} task for case {case_id} in {queue}: {[(r['case']['id'], r['step']) for r in rows]}"
    return found[0]["id"]


def complete(api_client, case_id, step, payload, queue="available", expect=200):
    task_id = task_of(api_client, case_id, step, queue=queue)
    response = api_client.post(f"/api/v1/tasks/{task_id}/complete", payload, format="json")
    assert response.status_code == expect, response.json()
    return response


def status(case_id):
    return RepairCase.objects.get(pk=case_id).status


def to_review(officer, case_id):
    complete(officer, case_id, "intake", {"decision": "accept"})
    # the next steps of the same role are already the officer's (no second claim)
    complete(
        officer,
        case_id,
        "verify",
        {"obligations_fulfilled": True, "commitment_valid": True, "note": "罚款已缴清"},
        queue="mine",
    )
    complete(officer, case_id, "propose", {"outcome": "approve", "reasons": "符合修复条件"}, queue="mine")
