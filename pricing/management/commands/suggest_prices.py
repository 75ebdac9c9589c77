"""Suggest prices for external data: the pricing engine on two CSV files, no database involved."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pricing.ml import data, engine


class Command(BaseCommand):
    requires_system_checks = []  # reads two files, writes one: the checks (URLs, admin) cost 0.4 s of start-up
    help = (
        "Suggest a price per SKU from a sales history CSV (date,sku,price,units[,views,stock]) and a catalog CSV "
        "(sku,cost,min_price,max_price,current_price[,stock,category,max_change_pct]); writes "
        "sku,suggested_price,expected_units,expected_revenue,expected_profit,reason. "
        "Expected figures are per day, for the day after the history ends."
    )

    def add_arguments(self, parser):
        parser.add_argument("--history", required=True, type=Path, help="HISTORY.csv")
        parser.add_argument("--catalog", required=True, type=Path, help="CATALOG.csv")
        parser.add_argument("--out", required=True, type=Path, help="SUGGESTIONS.csv to write")
        parser.add_argument("--objective", choices=("profit", "revenue"), default="profit")

    def handle(self, *args, history: Path, catalog: Path, out: Path, objective: str, **options):
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: folder {out.parent} does not exist.")
        try:
            result = engine.suggest(
                history=data.history_read(history), catalog=data.catalog_read(catalog), objective=objective
            )
        except data.DataError as error:
            raise CommandError(str(error)) from None
        data.suggestions_write(out, result.rows())
        changed = int((abs(result.suggested_price - result.current_price) > 0.005).sum())
        self.stdout.write(
            f"Wrote {len(result.sku)} suggestions ({changed} price changes, objective {objective}) "
            f"to {out} in {result.seconds:.2f} s."
        )
