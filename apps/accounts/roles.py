"""What each role may do everywhere (model permissions). Department and subject scoping is per object (guardian).

Permissions of apps that are not installed yet are skipped, so later apps only add lines here.
"""

from apps.accounts.models import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.APPLICANT: [],
    Role.CLERK: [
        "subjects.view_subject",
        "subjects.add_subject",
        "subjects.view_negativerecord",
        "subjects.file_on_behalf",
    ],
    Role.OFFICER: [
        "decisions.add_penaltydecision",
        "decisions.change_penaltydecision",
        "subjects.view_subject",
        "subjects.add_subject",
        "subjects.add_negativerecord",
        "objections.handle_objection",
        "casework.use_workbench",
        "commitments.check_commitment",
        "repairs.handle_repair",
        "sanctions.run_credit_check",
    ],
    Role.REVIEWER: [
        "subjects.view_subject",
        "objections.approve_objection",
        "casework.use_workbench",
        "commitments.check_commitment",
        "repairs.review_repair",
        "sanctions.run_credit_check",
    ],
    Role.MONITOR: [
        "letters.view_letter",
        "letters.view_letterbatch",
        "decisions.view_penaltydecision",
        "decisions.view_decisionimport",
        "subjects.view_subject",
        "subjects.view_negativerecord",
        "sla.view_deadline",
        "objections.view_objection",
        "casework.use_workbench",
        "casework.view_slanotice",
        "commitments.view_commitment",
        "repairs.view_repaircase",
        "repairs.view_sanctionlift",
        "reports.view_monthly_stats",
        "reports.issue_monthly_report",
        "sanctions.view_creditcheck",
        "sanctions.view_measure",
        "training.view_training_coverage",
    ],
    Role.TRAINER: [
        "subjects.view_subject",
        "reports.view_monthly_stats",
        "training.manage_training",
        "training.view_training_coverage",
    ],
    Role.ADMIN: [
        "letters.view_letter",
        "letters.view_letterbatch",
        "decisions.view_penaltydecision",
        "decisions.add_penaltydecision",
        "decisions.change_penaltydecision",
        "decisions.import_any_department",
        "decisions.view_decisionimport",
        "subjects.view_subject",
        "subjects.add_subject",
        "subjects.change_subject",
        "subjects.view_negativerecord",
        "subjects.add_negativerecord",
        "subjects.change_negativerecord",
        "sla.view_deadline",
        "sla.change_calendaryear",
        "sla.add_calendaryear",
        "sla.change_calendarday",
        "sla.add_calendarday",
        "sla.delete_calendarday",
        "rules.add_rule",
        "rules.change_rule",
        "rules.view_rule",
        "accounts.add_department",
        "accounts.change_department",
        "accounts.view_department",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "objections.view_objection",
        "objections.change_objection",
        "casework.use_workbench",
        "casework.view_slanotice",
        "commitments.view_commitment",
        "commitments.view_commitmenttextversion",
        "commitments.add_commitmenttextversion",
        "commitments.change_commitmenttextversion",
        "repairs.view_repaircase",
        "repairs.view_sanctionlift",
        "reports.view_monthly_stats",
        "reports.issue_monthly_report",
        "sanctions.view_creditcheck",
        "sanctions.view_measure",
        "sanctions.add_measure",
        "sanctions.change_measure",
        "sanctions.view_checkfeedback",
        "training.manage_training",
        "training.view_training_coverage",
    ],
}

# Object permissions a department's group gets on what belongs to it.
DEPARTMENT_RECORD_PERMS = ["subjects.view_negativerecord", "subjects.change_negativerecord"]
# Object permissions an applicant gets on a subject they may act for.
REPRESENTATIVE_SUBJECT_PERMS = ["subjects.view_subject", "subjects.act_for_subject"]


def role_group_name(role: str) -> str:
    return f"role:{role}"
