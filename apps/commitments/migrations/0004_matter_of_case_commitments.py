"""The commitments signed inside repair and objection cases get their matter: the case itself (信用修复申请 or 异议申诉,
with the case reference) and the case's department as the receiving department. Their type stays as signed: a repair
commitment is already 信用修复型; an appeal commitment stays 异议申诉型 (the objection app still signs that text, and
it is not one of the six kinds the coverage report counts)."""

from django.db import migrations

OWNERS = {
    "repairs.repaircase": ("repairs", "RepairCase", "credit_repair"),
    "objections.objection": ("objections", "Objection", "objection"),
}


def fill(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    for owner_type, (app_label, model_name, matter_type) in OWNERS.items():
        rows = Commitment.objects.filter(owner_type=owner_type, matter_type="")
        if not rows.exists():
            continue
        Owner = apps.get_model(app_label, model_name)
        owners = {o.pk: o for o in Owner.objects.filter(pk__in=rows.values("owner_id"))}
        for commitment in rows:
            owner = owners.get(commitment.owner_id)
            commitment.matter_type = matter_type
            commitment.matter_reference = (owner.reference if owner is not None else "") or f"#{commitment.owner_id}"
            commitment.department_id = owner.department_id if owner is not None else None
            commitment.save(update_fields=["matter_type", "matter_reference", "department"])


def unfill(apps, schema_editor):
    apps.get_model("commitments", "Commitment").objects.filter(owner_type__in=list(OWNERS)).update(
        matter_type="", matter_reference="", department=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0003_commitment_matter_and_fulfilment_checks"),
        ("repairs", "0002_reference_review_supplement_deadline"),
        ("objections", "0004_reference_unique_four_eyes"),
    ]

    operations = [migrations.RunPython(fill, unfill)]
