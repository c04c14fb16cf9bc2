"""manage.py check_consistency (apps.casework.consistency) on objection cases: clean data passes with exit status 0;
each planted half-written case is named, with exit status 1."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from apps.casework.consistency import consistency_findings
from apps.casework.models import Document
from apps.objections.models import Ground, Objection
from apps.objections.services import objection_file
from apps.sla.models import Deadline

pytestmark = pytest.mark.django_db


def _file(world):
    return objection_file(
        record=world["record"],
        subject=world["a"],
        acting_user=world["applicant"],
        ground=Ground.ERROR,
        statement="处罚决定书载明的罚款金额有误。",
        commitment_signer_name="张敏",
        filed_at=datetime(2026, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    ).objection


def _run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_consistency", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def _checks() -> set[str]:
    return {finding.check for finding in consistency_findings()}


def test_a_filed_case_is_consistent_and_the_command_exits_0(world):
    _file(world)
    code, output = _run()
    assert code == 0, output
    assert "数据一致" in output
    assert consistency_findings() == []


def test_a_case_row_without_the_rest_of_its_filing_is_found(world):
    bare = Objection.objects.create(
        record=world["record"],
        subject=world["a"],
        department=world["departments"]["market"],
        filed_by=world["applicant"],
        ground=Ground.ERROR,
        statement="只写入了案件行。",
        filed_at=timezone.now(),
    )
    assert _checks() == {
        "objections.objection.without_process",
        "objections.objection.without_event",
        "objections.objection.without_reference",
    }
    code, output = _run()
    assert code == 1
    assert f"异议案件没有流程（流程未启动）：1 条（objections.objection.without_process；编号 {bare.pk}）" in output
    assert "发现 3 类不一致，共 3 条。" in output


def test_a_process_without_its_case_or_tasks_is_found(world):
    objection = _file(world)
    process = Process.objects.get(artifact_object_id=objection.pk, flow_class__isnull=False)
    Task.objects.filter(process=process).delete()
    assert "objections.objection.process_without_task" in _checks()
    process.artifact_object_id = objection.pk + 1000
    process.save(update_fields=["artifact_object_id"])
    found = _checks()
    assert {"objections.objection.process_without_case", "objections.objection.without_process"} <= found
    assert _run()[0] == 1


def test_a_closed_case_with_a_running_deadline_is_found(world):
    objection = _file(world)
    Objection.objects.filter(pk=objection.pk).update(status=Objection.Status.CLOSED)
    assert "objections.objection.deadline_of_closed_case" in _checks()
    Deadline.objects.filter(pk=objection.deadline_id).update(status=Deadline.Status.CLOSED, closed_at=timezone.now())
    assert "objections.objection.deadline_of_closed_case" not in _checks()


def test_an_open_case_whose_process_finished_is_found(world):
    objection = _file(world)
    Process.objects.filter(artifact_object_id=objection.pk).update(status="DONE")
    assert "objections.objection.open_case_process_finished" in _checks()


def test_a_document_of_a_missing_case_is_found(world):
    Document.objects.create(
        case_type="objections.objection",
        case_id=987654,
        original_name="证据.pdf",
        content_type=Document.Kind.PDF,
        size=1,
        sha256="0" * 64,
        file="cases/objections.objection/987654/x.pdf",
        uploaded_at=timezone.now(),
    )
    assert _checks() == {"objections.objection.document_without_case"}
    code, output = _run("--language", "zh-hans")
    assert code == 1 and "材料所属的异议案件不存在" in output
