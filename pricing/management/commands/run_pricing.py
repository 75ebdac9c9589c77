"""Run pricing on the store now: a suggestion per active variant (automatic categories are repriced)."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from pricing import services
from pricing.models import PricingRun


class Command(BaseCommand):
    help = "Suggest prices for every active variant from DailyVariantStats; applies them where a category is automatic."

    def handle(self, *args, **options):
        try:
            run = services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Pricing run {run.pk} with {run.model_label}: {run.variants} variants, {run.suggestions} suggestions, "
            f"{run.applied} applied automatically, {run.seconds:.1f} s."
        )
