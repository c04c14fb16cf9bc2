"""subjects owns the negative record's life: no module outside apps/subjects writes a NegativeRecord.

A convention enforced by reading the source (an AST scan, so a comment or a string never counts): outside
apps/subjects nothing assigns a field of a record (`record.<field> = ...`, `setattr(record, ...)`), saves or deletes
a record, or writes records through a queryset (`NegativeRecord.objects...update(...)`, `case.records.update(...)`).
A variable holds a record when its name says so (`record`, `locked_record`, `objection.record`); other apps change
records only through apps.subjects.services.record_* .
"""

import ast
import re
from pathlib import Path

import pytest

from apps.subjects.models import NegativeRecord

APPS = Path(__file__).resolve().parents[2] / "apps"
OWNER = APPS / "subjects"
RECORD_FIELDS = frozenset(
    name for field in NegativeRecord._meta.concrete_fields for name in (field.name, field.attname)
)
# a name that holds one record: record, locked_record, objection.record (not records, record_id, recorded)
RECORD_NAME = re.compile(r"(^|_)record$", re.IGNORECASE)
INSTANCE_WRITES = frozenset({"save", "delete"})
QUERYSET_WRITES = frozenset(
    {"update", "bulk_update", "delete", "create", "bulk_create", "get_or_create", "update_or_create"}
)


def _holds_a_record(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return bool(RECORD_NAME.search(node.id))
    if isinstance(node, ast.Attribute):
        return bool(RECORD_NAME.search(node.attr))
    return False


def _reaches_records(node: ast.expr) -> bool:
    """A queryset or related manager of records: NegativeRecord.objects..., <x>.records..."""
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and part.id == "NegativeRecord":
            return True
        if isinstance(part, ast.Attribute) and part.attr == "records":
            return True
    return False


def record_writes(source: str, filename: str = "<source>") -> list[str]:
    """Every place in `source` that writes a NegativeRecord, as 'file:line: what'."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if (
                    isinstance(element, ast.Attribute)
                    and element.attr in RECORD_FIELDS
                    and _holds_a_record(element.value)
                ):
                    found.append(f"{filename}:{node.lineno}: assigns record.{element.attr}")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and node.args and _holds_a_record(node.args[0]):
            found.append(f"{filename}:{node.lineno}: setattr on a record")
        elif isinstance(func, ast.Attribute):
            if func.attr in INSTANCE_WRITES and _holds_a_record(func.value):
                found.append(f"{filename}:{node.lineno}: {func.attr}() on a record")
            elif func.attr in QUERYSET_WRITES and _reaches_records(func.value):
                found.append(f"{filename}:{node.lineno}: {func.attr}() on a record queryset")
    return found


def _modules_outside_subjects() -> list[Path]:
    return sorted(path for path in APPS.rglob("*.py") if OWNER not in path.parents and "migrations" not in path.parts)


def test_no_module_outside_subjects_writes_a_negative_record():
    found = [
        hit
        for path in _modules_outside_subjects()
        for hit in record_writes(path.read_text(encoding="utf-8"), str(path.relative_to(APPS.parent)))
    ]
    assert found == [], "change records through apps.subjects.services.record_*:\n" + "\n".join(found)


def test_the_scan_covers_the_apps_that_work_on_records():
    scanned = {path.relative_to(APPS).parts[0] for path in _modules_outside_subjects()}
    assert {"repairs", "objections", "decisions", "sanctions", "commitments", "demo"} <= scanned


@pytest.mark.parametrize(
    "source",
    [
        "record.objection_status = 'under_objection'",
        "objection.record.publication_status = x",
        "record.repair_status, record.ended_at = a, b",
        "locked_record.ended_at = now",
        "setattr(record, name, value)",
        "record.save(update_fields=['repair_status'])",
        "NegativeRecord.objects.filter(pk__in=ids).update(sharing_status='stopped')",
        "case.records.update(repair_status='none')",
        "NegativeRecord.objects.create(subject=s)",
    ],
)
def test_the_scan_finds_each_way_of_writing_a_record(source):
    assert record_writes(source)


@pytest.mark.parametrize(
    "source",
    [
        "objection.status = 'closed'",
        "case.records.set(locked)",
        "records = list(case.records.all())",
        "record_id = record.pk",
        "sanction.status = 'lifted'",
        "objection.record = record",
        "subject.records.filter(kind=k).exists()",
    ],
)
def test_the_scan_leaves_other_writes_and_reads_alone(source):
    assert record_writes(source) == []
