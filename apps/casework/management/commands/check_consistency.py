"""manage.py check_consistency: are there half-written cases (apps.casework.consistency)? Exit status 1 when any.

Run it after a crash or a database restart. `--language en` (or zh-hans) chooses the language of the report;
the default is the installation's LANGUAGE_CODE.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from apps.casework.consistency import consistency_findings


class Command(BaseCommand):
    help = "Find half-written cases (a case without its process, a process without its case or tasks, running deadlines of closed cases, documents without a case). Exit status 1 when any is found."

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the report (default: LANGUAGE_CODE)",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            findings = consistency_findings()
            for finding in findings:
                examples = ", ".join(str(pk) for pk in finding.examples)
                more = "…" if finding.count > len(finding.examples) else ""
                self.stdout.write(
                    _("%(message)s：%(count)d 条（%(check)s；编号 %(examples)s%(more)s）")
                    % {
                        "message": finding.message,
                        "count": finding.count,
                        "check": finding.check,
                        "examples": examples,
                        "more": more,
                    }
                )
            if findings:
                raise CommandError(
                    _("发现 %(kinds)d 类不一致，共 %(count)d 条。")
                    % {"kinds": len(findings), "count": sum(finding.count for finding in findings)},
                    returncode=1,
                )
            self.stdout.write(_("数据一致：未发现写了一半的案件。"))
