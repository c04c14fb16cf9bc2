from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ApplicationError
from apps.demo.commitments_demo import demo_seed_commitments
from apps.demo.decisions_demo import demo_seed_decisions
from apps.demo.objections_demo import demo_seed_objections
from apps.demo.repairs_demo import demo_seed_repairs
from apps.demo.sanctions_demo import demo_seed_case_reports, demo_seed_checks, demo_seed_removals
from apps.demo.services import DEMO_TODAY, demo_seed
from apps.demo.training_demo import demo_seed_training


class Command(BaseCommand):
    help = "Load the demo world (DEMO_MODE only). Safe to run again: nothing is added twice."

    def add_arguments(self, parser):
        parser.add_argument("--subjects", type=int, default=200)

    def handle(self, *args, **options):
        try:
            added = demo_seed(subjects=options["subjects"], today=DEMO_TODAY)
            added.update(demo_seed_repairs(today=DEMO_TODAY))
            added.update(demo_seed_objections(today=DEMO_TODAY))
            added.update(demo_seed_decisions(today=DEMO_TODAY))
            added.update(demo_seed_checks(today=DEMO_TODAY))
            added.update(demo_seed_removals(today=DEMO_TODAY))
            added.update(demo_seed_case_reports())
            added.update(demo_seed_commitments(today=DEMO_TODAY))
            added.update(demo_seed_training())
        except ApplicationError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write("demo data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))
