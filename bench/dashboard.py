"""Dashboard benchmark: the admin's home page and the reports on the 50,000-product store, cold and cached.

Run through bench/dashboard.sh (the page benchmark's PostgreSQL cluster and production-like settings).
In-process with Django's test client, signed in as a superuser (who sees every widget): the dashboard
cold (cache cleared before each request, so every widget's queries run) and cached (the widgets'
minute-long cache entries warm), each widget's queries on their own, and every report at its
default range (the last 30 days; reports are not cached). Prints a table and writes
bench/results/dashboard-<time>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dashboard import widgets  # noqa: E402
from dashboard.reports import REPORTS  # noqa: E402
from events.models import Interaction  # noqa: E402
from orders.models import Order  # noqa: E402
from shop.models import Product, Variant  # noqa: E402


def timed_get(client: Client, url: str) -> tuple[float, int]:
    """Milliseconds and SQL queries of one GET (which must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed, len(queries)


def summary(samples: list[float]) -> dict:
    return {"median_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000, help="catalog size to benchmark")
    parser.add_argument("--runs", type=int, default=7, help="requests per measurement")
    args = parser.parse_args()

    have = Product.objects.count()
    if have < args.products:
        if have:
            raise SystemExit(f"The bench database has {have} products, fewer than {args.products}; drop it first.")
        call_command("load_demo_store", "--scale", "medium", "--products", str(args.products), "--seed", "1")
    call_command("collectstatic", "--noinput", verbosity=0)
    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-admin").first() or user_model.objects.create_superuser(
        "bench-admin", "bench-admin@example.com", None
    )
    client = Client()
    client.force_login(user)
    client.get("/admin/")  # connections, templates and URL resolvers warm

    cold, cold_queries = [], 0
    for _ in range(args.runs):
        cache.clear()
        elapsed, cold_queries = timed_get(client, "/admin/")
        cold.append(elapsed)
    cached, cached_queries = [], 0
    for _ in range(args.runs):
        elapsed, cached_queries = timed_get(client, "/admin/")
        cached.append(elapsed)

    per_widget = {}
    for widget in (widgets.SALES, *widgets.ATTENTION, widgets.MODELS):
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            widget.load()
            samples.append((time.perf_counter() - started) * 1000)
        per_widget[widget.name] = round(statistics.median(samples), 1)

    reports = {}
    for slug in REPORTS:
        samples = [timed_get(client, f"/admin/reports/{slug}/")[0] for _ in range(3)]
        reports[slug] = round(statistics.median(samples), 1)

    store = {
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "orders": Order.objects.count(),
        "interactions": Interaction.objects.count(),
    }
    results = {
        "store": store,
        "dashboard_cold": {**summary(cold), "queries": cold_queries},
        "dashboard_cached": {**summary(cached), "queries": cached_queries},
        "widgets_ms": per_widget,
        "reports_ms": reports,
    }
    print(", ".join(f"{value:,} {name}" for name, value in store.items()))
    print(
        f"Dashboard cold   median {results['dashboard_cold']['median_ms']:7.1f} ms  max "
        f"{results['dashboard_cold']['max_ms']:7.1f} ms  {cold_queries} queries"
    )
    print(
        f"Dashboard cached median {results['dashboard_cached']['median_ms']:7.1f} ms  max "
        f"{results['dashboard_cached']['max_ms']:7.1f} ms  {cached_queries} queries"
    )
    print("Widgets, cold (ms): " + ", ".join(f"{name} {ms}" for name, ms in per_widget.items()))
    print("Reports, last 30 days (ms): " + ", ".join(f"{slug} {ms}" for slug, ms in reports.items()))
    out = ROOT / "bench/results" / f"dashboard-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
