"""The API and the portal obtain the record an objection is filed on through one access function
(apps.objections.selectors.access_record_for_objection): a record the user may see, or one published on the credit
portals. Both refuse the same records, and a refused record looks like a missing one."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from apps.subjects.models import NegativeRecord
from apps.subjects.services import record_end_publication

pytestmark = pytest.mark.django_db

BODY = {
    "ground": "error",
    "statement": "罚款金额登记错误，应为5000元。",
    "commitment_accepted": True,
    "commitment_signer_name": "张敏",
}


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def file(api, user, record_id, **extra):
    return api(user).post("/api/v1/objections", {"record": record_id, **BODY, **extra}, format="json")


def end_publication(record):
    moment = datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    record_end_publication(
        record=record, reason=NegativeRecord.PublicationStatus.ENDED_EXPIRED, acting_user=None, at=moment, context={}
    )


def test_another_subject_may_object_to_a_published_record_on_the_api_and_the_portal(api, world):
    record = world["record"]
    assert browser(world["applicant2"]).get(f"/portal/objections/new/?record={record.pk}").status_code == 200
    filed = file(api, world["applicant2"], record.pk, subject=world["b"].uscc)
    assert filed.status_code == 201, filed.json()
    assert filed.json()["subject"]["uscc"] == world["b"].uscc


def test_a_record_no_longer_published_is_missing_for_another_subject_on_both(api, world):
    record = world["record"]
    end_publication(record)
    assert browser(world["applicant2"]).get(f"/portal/objections/new/?record={record.pk}").status_code == 404
    refused = file(api, world["applicant2"], record.pk, subject=world["b"].uscc)
    missing = file(api, world["applicant2"], 999999, subject=world["b"].uscc)
    assert refused.status_code == missing.status_code == 400
    assert refused.json()["fields"] == missing.json()["fields"] == {"record": ["未找到该信息。"]}


def test_the_records_own_subject_still_reaches_it_on_both(api, world):
    record = world["record"]
    end_publication(record)
    assert browser(world["applicant"]).get(f"/portal/objections/new/?record={record.pk}").status_code == 200
    assert file(api, world["applicant"], record.pk).status_code == 201


def test_a_subject_the_user_may_not_see_is_missing(api, world):
    refused = file(api, world["applicant2"], world["record"].pk, subject=world["a"].uscc)
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"subject": ["未找到该主体，或无权代表该主体提出异议。"]}
