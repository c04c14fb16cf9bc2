"""The list APIs read their query parameters through FilterSets (apps/*/filters.py): the parameters and their
refusals are what they always were (a bad value is a 400 naming the field; an empty one is no filter), and the same
FilterSet narrows a queryset for a plain Django view (a page, an export) from request.GET."""

import pytest
from django.http import QueryDict

from apps.casework.filters import NoticeFilter
from apps.casework.models import SlaNotice
from apps.objections.filters import ObjectionFilter
from apps.objections.models import Objection
from apps.repairs.filters import RepairFilter
from apps.repairs.models import RepairCase
from apps.subjects.filters import SubjectFilter
from apps.subjects.selectors import subject_list
from tests.subjects.factories import a_record, a_subject

pytestmark = pytest.mark.django_db

REFUSED = [
    ("/api/v1/repairs", "status=bogus", "status"),
    ("/api/v1/repairs", "uscc=" + "9" * 19, "uscc"),
    ("/api/v1/repairs", "uscc=%20", "uscc"),
    ("/api/v1/repairs/lifts", "status=done", "status"),
    ("/api/v1/objections", "status=shut", "status"),
    ("/api/v1/objections", "record=0", "record"),
    ("/api/v1/objections", "record=" + "9" * 30, "record"),
    ("/api/v1/objections", "record=1.5", "record"),
    ("/api/v1/notifications", "unread=maybe", "unread"),
    ("/api/v1/subjects", "region_code=42a", "region_code"),
    ("/api/v1/subjects", "search=" + "名" * 101, "search"),
    ("/api/v1/subjects", "on_list=perhaps", "on_list"),
    ("/api/v1/subjects", "search=%20%20", "search"),
    ("/api/v1/subjects", "region_code=%20", "region_code"),
    ("/api/v1/notifications", "unread=%20", "unread"),
    ("/api/v1/notices", "kind=late", "kind"),
    ("/api/v1/notices", "open=perhaps", "open"),
]


@pytest.mark.parametrize(("path", "query", "field"), REFUSED)
def test_a_bad_parameter_is_a_400_naming_the_field(api, users, path, query, field):
    response = api(users["monitor"]).get(f"{path}?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/repairs", "status=intake&uscc=91420502ma4000012g"),
        ("/api/v1/repairs/lifts", "status=pending"),
        ("/api/v1/objections", "status=open&record=1"),
        ("/api/v1/notifications", "unread=TRUE"),
        ("/api/v1/notifications", "unread=0"),
        ("/api/v1/subjects", "search=宜昌&region_code=4205&on_list=false"),
        ("/api/v1/subjects", "on_list="),
        ("/api/v1/subjects", "on_list=null"),
        # an empty parameter is no filter (a page's form sends its empty fields)
        ("/api/v1/repairs", "status=&uscc="),
        ("/api/v1/objections", "status=&record="),
        ("/api/v1/notifications", "unread="),
        ("/api/v1/subjects", "search=&region_code="),
        ("/api/v1/notices", "kind=breach&open=true"),
        ("/api/v1/notices", "open=null"),
        ("/api/v1/notices", "kind=&open="),
    ],
)
def test_good_parameters_are_read(api, users, path, query):
    assert api(users["monitor"]).get(f"{path}?{query}").status_code == 200


def test_the_subject_filters_narrow_as_before(api, users, departments):
    listed = a_subject("宜昌市甲商贸有限公司", region="420502")
    a_record(listed, departments["market"], kind="serious_dishonesty_list")
    other = a_subject("宜昌市乙物流有限公司", region="420503")
    client = api(users["monitor"])

    def found(query):
        return {row["uscc"] for row in client.get(f"/api/v1/subjects?{query}").json()["results"]}

    assert found("on_list=true") == {listed.uscc}
    assert other.uscc in found("on_list=false") and listed.uscc not in found("on_list=false")
    assert found("region_code=420503") == {other.uscc}
    assert found(f"search={listed.uscc[:8].lower()}") >= {listed.uscc}
    assert found("search=乙物流") == {other.uscc}


def test_a_plain_view_uses_the_same_filterset_over_request_get(users):
    page_form = QueryDict("status=&uscc=")  # a page's filter form sends its empty fields
    filterset = RepairFilter(page_form, queryset=RepairCase.objects.all())
    assert filterset.is_valid() and filterset.qs.count() == RepairCase.objects.count()

    strict = ObjectionFilter(QueryDict("status=bogus"), queryset=Objection.objects.all())
    assert not strict.is_valid() and "status" in strict.errors

    open_only = ObjectionFilter(QueryDict("status=open"), queryset=Objection.objects.all())
    assert open_only.is_valid() and "IN" in str(open_only.qs.query)

    notices = NoticeFilter(QueryDict("open=false"), queryset=SlaNotice.objects.all())
    assert notices.is_valid() and '"acknowledged_at" IS NOT NULL' in str(notices.qs.query)

    subjects = SubjectFilter(QueryDict("on_list=true"), queryset=subject_list(user=users["monitor"]))
    assert subjects.is_valid() and list(subjects.qs) == []
