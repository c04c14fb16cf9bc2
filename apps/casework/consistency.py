"""Half-written cases: what `manage.py check_consistency` looks for after a crash or a database restart.

Every write of a case (filing, a step, closing) runs in one transaction with its audit event, its deadline and its
flow step, so a lost connection rolls it back whole. These checks say whether that held: each finds rows that only a
change cut in half (or a hand edit) leaves behind. Generic over the registered case types (apps.casework.registry);
nothing here knows a domain app. Reads only.

- a case without its process (the flow never started), a process without its case, a process without any task;
- a case without a single audit event (filing records one in the same transaction);
- a case still without its reference (blank only between the insert and the update in the same transaction);
- an open case whose process has finished;
- a running deadline (open or paused) of a closed or missing case;
- a document of a case that does not exist.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS

from apps.casework.models import Document
from apps.casework.registry import CaseType, case_types
from apps.core.models import CaseEvent
from apps.sla.models import Deadline

# How many example ids a finding lists (the count is always complete).
EXAMPLES = 10


@dataclass(frozen=True)
class Finding:
    """One kind of inconsistency: `check` is a stable key, `message` says it in the active language, `count` how
    many rows, `examples` the first ids."""

    check: str
    message: str
    count: int
    examples: tuple[int, ...]


def _finding(check: str, message: str, ids: models.QuerySet) -> Finding | None:
    count = ids.count()
    if not count:
        return None
    return Finding(check=check, message=message, count=count, examples=tuple(ids.order_by("pk")[:EXAMPLES]))


def _processes(case_type: CaseType) -> models.QuerySet[Process]:
    return Process.objects.filter(flow_class=case_type.flow_class)


def _case_checks(case_type: CaseType) -> Iterator[Finding | None]:
    model = case_type.model
    label = case_type.label
    name = str(model._meta.verbose_name)
    content_type = ContentType.objects.get_for_model(model)
    cases = model._default_manager.all()
    processes = _processes(case_type).filter(artifact_content_type=content_type)
    has_process = Exists(processes.filter(artifact_object_id=OuterRef("pk")))
    open_statuses = getattr(model, "OPEN_STATUSES", None)
    field_names = {field.name for field in model._meta.get_fields()}

    if case_type.flow_class is not None:
        yield _finding(
            f"{label}.without_process",
            _("%(case)s没有流程（流程未启动）") % {"case": name},
            cases.filter(~has_process).values_list("pk", flat=True),
        )
        yield _finding(
            f"{label}.process_without_case",
            _("%(case)s的流程指向不存在的案件") % {"case": name},
            _processes(case_type)
            .filter(~Exists(cases.filter(pk=OuterRef("artifact_object_id"))))
            .values_list("pk", flat=True),
        )
        yield _finding(
            f"{label}.process_without_task",
            _("%(case)s的流程没有任何环节") % {"case": name},
            processes.filter(~Exists(Task.objects.filter(process_id=OuterRef("pk")))).values_list("pk", flat=True),
        )
        if open_statuses is not None:
            unfinished = processes.filter(artifact_object_id=OuterRef("pk")).exclude(
                status__in=(PROCESS.DONE, PROCESS.CANCELED)
            )
            yield _finding(
                f"{label}.open_case_process_finished",
                _("办理中的%(case)s，流程却已结束") % {"case": name},
                cases.filter(has_process, ~Exists(unfinished), status__in=list(open_statuses)).values_list(
                    "pk", flat=True
                ),
            )
    has_event = Exists(CaseEvent.objects.filter(case_type=label, case_id=OuterRef("pk")))
    yield _finding(
        f"{label}.without_event",
        _("%(case)s没有任何审计记录") % {"case": name},
        cases.filter(~has_event).values_list("pk", flat=True),
    )
    if "reference" in field_names:
        yield _finding(
            f"{label}.without_reference",
            _("%(case)s没有案件编号") % {"case": name},
            cases.filter(reference="").values_list("pk", flat=True),
        )
    running = Deadline.objects.filter(owner_type=label).exclude(status=Deadline.Status.CLOSED)
    live = cases.filter(pk=OuterRef("owner_id"))
    if open_statuses is not None:
        live = live.filter(status__in=list(open_statuses))
    yield _finding(
        f"{label}.deadline_of_closed_case",
        _("已结束或不存在的%(case)s仍有计时中的时限") % {"case": name},
        running.filter(~Exists(live)).values_list("pk", flat=True),
    )


def _document_checks() -> Iterator[Finding | None]:
    labels = Document.objects.order_by().values_list("case_type", flat=True).distinct()
    for label in labels:
        try:
            model = django_apps.get_model(label)
        except (LookupError, ValueError):
            yield _finding(
                "documents.unknown_case_type",
                _("材料的案件类型“%(type)s”不存在") % {"type": label},
                Document.objects.filter(case_type=label).values_list("pk", flat=True),
            )
            continue
        yield _finding(
            f"{label}.document_without_case",
            _("材料所属的%(case)s不存在") % {"case": model._meta.verbose_name},
            Document.objects.filter(case_type=label)
            .filter(~Exists(model._default_manager.filter(pk=OuterRef("case_id"))))
            .values_list("pk", flat=True),
        )


def consistency_findings() -> list[Finding]:
    """Every inconsistency found, in a stable order; an empty list when the data is whole."""
    found: list[Finding | None] = []
    for case_type in sorted(case_types(), key=lambda registered: registered.label):
        found.extend(_case_checks(case_type))
    found.extend(_document_checks())
    return [finding for finding in found if finding is not None]
