"""Coverage = trained / operating blacklisted subjects at the end of the month, recounted on a known fixture; it moves
when a subject leaves the list or stops operating. The invitations are the listed subjects never trained."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.subjects.models import NegativeRecord, Subject

COVERAGE = "/api/v1/training/coverage"


def figures(api, user, **params):
    response = api(user).get(COVERAGE, params)
    assert response.status_code == 200, response.json()
    body = response.json()
    return body["numerator"], body["denominator"], body["ratio"]


def not_reached(api, user, url):
    response = api(user).get(url)
    assert response.status_code == 200, response.json()
    return {row["uscc"] for row in response.json()["results"]}


def test_coverage_recounted_and_moving_with_the_list(api, users, departments, population):
    s, trainer = population["subjects"], users["trainer"]
    month = timezone.localdate().strftime("%Y-%m")
    assert figures(api, trainer, month=month) == (1, 3, 0.3333)
    body = api(trainer).get(COVERAGE, {"month": month}).json()
    assert body["target"] == 0.5 and body["met"] is False
    assert not_reached(api, trainer, body["not_reached_url"]) == {s["B"].uscc, s["C"].uscc}

    # By region and by listing department.
    assert figures(api, trainer, month=month, region="420502") == (1, 2, 0.5)
    assert figures(api, trainer, month=month, department=departments["tax"].code) == (0, 1, 0.0)
    assert figures(api, trainer, month=month, department=departments["market"].code) == (1, 2, 0.5)

    # C leaves the list (repaired): the denominator drops.
    NegativeRecord.objects.filter(pk=population["records"]["C"].pk).update(
        publication_status=NegativeRecord.PublicationStatus.ENDED_REPAIRED,
        ended_at=timezone.now() - timedelta(minutes=1),
    )
    assert figures(api, trainer, month=month) == (1, 2, 0.5)
    # A stops operating: it leaves both counts.
    Subject.objects.filter(pk=s["A"].pk).update(operating_status=Subject.OperatingStatus.REVOKED)
    assert figures(api, trainer, month=month) == (0, 1, 0.0)


def test_last_month_does_not_count_this_months_attendance(api, users, population):
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert figures(api, users["trainer"], month=last_month) == (0, 3, 0.0)


def test_invitations_are_the_listed_never_trained(api, users, population):
    s = population["subjects"]
    response = api(users["trainer"]).get("/api/v1/training/invitations")
    assert response.status_code == 200, response.json()
    assert {row["uscc"] for row in response.json()["results"]} == {s["B"].uscc, s["C"].uscc}
    response = api(users["trainer"]).get("/api/v1/training/invitations", {"region": "420503"})
    assert [row["uscc"] for row in response.json()["results"]] == [s["B"].uscc]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "2999-01"}, "month"),
        ({"month": "0000-01"}, "month"),
        ({"region": "x"}, "region"),
        ({"department": "NOPE"}, "department"),
    ],
)
def test_bad_coverage_filters_name_the_field(api, users, params, field):
    response = api(users["trainer"]).get(COVERAGE, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_who_may_read_coverage(api, users):
    assert api(users["monitor"]).get(COVERAGE).status_code == 200
    assert api(users["applicant"]).get(COVERAGE).status_code == 403
    assert api(users["monitor"]).get("/api/v1/training/invitations").status_code == 403
