"""Run the pricing engine day by day in a market with known demand curves and score it against the oracle."""

import json

from django.core.management.base import BaseCommand, CommandError

from pricing.ml import simulator

LABELS = {
    "engine": "engine (suggest_prices)",
    "list": "list price held fixed",
    "rule": "rule: weekly hill climbing",
    "oracle": "oracle: best fixed price",
    "oracle_dynamic": "oracle: best price per day",
}


class Command(BaseCommand):
    help = (
        "Simulate a market with known demand curves and run the pricing engine in it from a cold start; print "
        "profit and revenue over the last half of the run as shares of the oracle's, beside the fixed list price "
        "and a rule-based baseline, and the guardrail violations."
    )

    def add_arguments(self, parser):
        parser.add_argument("--skus", type=int, default=200)
        parser.add_argument("--days", type=int, default=180)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--refit-days", type=int, default=7, help="refit the LightGBM trees every N days")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the result as JSON")

    def handle(self, *args, skus: int, days: int, seed: int, refit_days: int, as_json: bool, **options):
        if not 1 <= skus <= 5000:
            raise CommandError("--skus must be between 1 and 5000.")
        if not 14 <= days <= 730:
            raise CommandError("--days must be between 14 and 730.")
        if refit_days < 1:
            raise CommandError("--refit-days must be at least 1.")
        result = simulator.simulate(skus=skus, days=days, seed=seed, refit_days=refit_days)
        if as_json:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(
            f"{skus} SKUs, {days} days, seed {seed}; scored over the last {days - days // 2} days; "
            f"engine {result['engine_seconds_per_day']:.2f} s per day"
        )
        self.stdout.write(f"{'policy':32} {'profit':>14} {'share':>7} {'revenue':>14} {'share':>7} {'violations':>10}")
        for name, values in result["policies"].items():
            self.stdout.write(
                f"{LABELS[name]:32} {values['profit']:14,.0f} {values['profit_share']:7.1%} "
                f"{values['revenue']:14,.0f} {values['revenue_share']:7.1%} {values['violations']:10d}"
            )
