"""Load benchmark: a realistic mix of shoppers against gunicorn while a model trains.

Run through bench/load.sh (a dedicated PostgreSQL cluster with the small demo store, trained
models, gunicorn, a Celery worker). Virtual shoppers, spread over processes and threads, each loop
over: home, category, search, product pages, the recommendations API, a chat message to the
support bot, add to cart, and now and then a checkout (through the API, with their own token).
A training run is queued at the start, so the worker trains during the whole measurement.

Reports throughput, p50/p95/p99 per endpoint and errors, and checks stock afterwards: units sold
in orders placed during the run must equal the stock that left the shelves (0 oversold).
"""

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import django
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ADDRESS = {
    "full_name": "Load Test",
    "line1": "1 High Street",
    "line2": "",
    "city": "London",
    "region": "",
    "postal_code": "SW1A 1AA",
    "country": "GB",
    "phone": "",
}
CARD = {"card_number": "4242 4242 4242 4242", "card_expiry": "12/35", "card_cvc": "123"}
CHAT_MESSAGES = [
    "where is my order?",
    "how do I return these shoes?",
    "do you have a waterproof jacket under 80?",
    "what payment methods do you take?",
    "how long does delivery take?",
]
# (endpoint, weight): the share of each step in a shopper's loop.
MIX = [
    ("home", 10),
    ("category", 15),
    ("search", 15),
    ("product", 25),
    ("recommendations_api", 10),
    ("chat", 8),
    ("add_to_cart", 12),
    ("checkout", 5),
]
BROWSING = {"home", "category", "search", "product"}


def prepare(customers: int) -> dict:
    """Customers with API tokens, and the URLs and variants the shoppers draw from."""
    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from shop.models import Category, Product, SearchTerm, Variant

    user_model = get_user_model()
    tokens = []
    for n in range(customers):
        user, _ = user_model.objects.get_or_create(
            username=f"load{n}@example.com", defaults={"email": f"load{n}@example.com"}
        )
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    products = list(Product.objects.filter(is_active=True, in_stock=True).values_list("pk", "slug")[:500])
    return {
        "tokens": tokens,
        "categories": list(Category.objects.values_list("slug", flat=True)),
        "terms": list(SearchTerm.objects.order_by("-frequency").values_list("term", flat=True)[:200]) or ["shirt"],
        "products": products,
        "variants": list(
            Variant.objects.filter(is_active=True, stock_quantity__gt=0).values_list("pk", flat=True)[:500]
        ),
    }


def stock_snapshot() -> dict[int, int]:
    from shop.models import Variant

    return dict(Variant.objects.values_list("pk", "stock_quantity"))


def units_sold_since(started_at) -> dict[int, int]:
    from django.db.models import Sum

    from orders.models import OrderLine

    rows = (
        OrderLine.objects.filter(order__created_at__gte=started_at, variant__isnull=False)
        .values("variant_id")
        .annotate(units=Sum("quantity"))
    )
    return {row["variant_id"]: row["units"] for row in rows}


def shopper(base: str, data: dict, token: str, deadline: float, seed: int, results: list) -> None:
    """One virtual shopper's loop until the deadline; appends (endpoint, status, seconds)."""
    rng = random.Random(seed)
    web, api = requests.Session(), requests.Session()
    api.headers["Authorization"] = f"Token {token}"
    conversation = None
    steps, weights = zip(*MIX, strict=True)
    while time.monotonic() < deadline:
        step = rng.choices(steps, weights)[0]
        pk, slug = rng.choice(data["products"])
        started = time.perf_counter()
        try:
            if step == "home":
                response = web.get(f"{base}/")
            elif step == "category":
                response = web.get(f"{base}/c/{rng.choice(data['categories'])}/")
            elif step == "search":
                response = web.get(f"{base}/search/", params={"q": rng.choice(data["terms"])})
            elif step == "product":
                response = web.get(f"{base}/p/{slug}/")
            elif step == "recommendations_api":
                path = rng.choice(["/api/v1/recommendations/for-you/", f"/api/v1/products/{pk}/similar/"])
                response = api.get(f"{base}{path}", params={"limit": 8})
            elif step == "chat":
                body = {"message": rng.choice(CHAT_MESSAGES)}
                if conversation:
                    body["conversation_id"] = conversation
                response = api.post(f"{base}/api/v1/support/messages/", json=body)
                if response.ok:
                    conversation = response.json().get("conversation_id", conversation)
            elif step == "add_to_cart":
                body = {"variant": rng.choice(data["variants"]), "quantity": 1}
                response = api.post(f"{base}/api/v1/cart/lines/", json=body)
            else:
                body = {"email": "load@example.com", "shipping_address": ADDRESS, "shipping_method": "standard"}
                body["payment"] = CARD
                response = api.post(
                    f"{base}/api/v1/checkout/", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
                )
            status = response.status_code
        except requests.RequestException:
            status = 0
        results.append((step, status, time.perf_counter() - started))


def run_process(base: str, data: dict, tokens: list[str], seconds: float, seed: int, queue) -> None:
    results: list = []
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=shopper, args=(base, data, token, deadline, seed * 1000 + n, results))
        for n, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(results)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


# Answers that are correct behaviour under load, not errors: an empty cart at checkout (409/400
# when another step emptied it), stock running out (409), the chat's own rate limit (429).
EXPECTED_REFUSALS = {"checkout": {400, 409}, "add_to_cart": {409}, "chat": {429}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8001")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--shoppers", type=int, default=16, help="threads per process")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    data = prepare(args.processes * args.shoppers)
    from django.db import connection
    from django.utils import timezone

    before, started_at = stock_snapshot(), timezone.now()
    connection.close()  # not shared with the forked shoppers
    queue = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(
            target=run_process,
            args=(
                args.base,
                data,
                data["tokens"][n * args.shoppers : (n + 1) * args.shoppers],
                args.seconds,
                n,
                queue,
            ),
        )
        for n in range(args.processes)
    ]
    for process in processes:
        process.start()
    results = [row for _ in processes for row in queue.get()]
    for process in processes:
        process.join()

    after, sold = stock_snapshot(), units_sold_since(started_at)
    oversold = sum(max(0, -stock) for stock in after.values())
    mismatched = {pk: (before.get(pk, 0) - after.get(pk, 0), units) for pk, units in sold.items()}
    mismatched = {pk: pair for pk, pair in mismatched.items() if pair[0] != pair[1]}

    figures = {"seconds": args.seconds, "concurrency": args.processes * args.shoppers, "endpoints": {}}
    print(f"{'endpoint':22} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for step, _ in MIX:
        rows = [row for row in results if row[0] == step]
        if not rows:
            continue
        times = sorted(seconds * 1000 for _, _, seconds in rows)
        errors = sum(
            1 for _, status, _ in rows if not (200 <= status < 400 or status in EXPECTED_REFUSALS.get(step, ()))
        )
        entry = {
            "requests": len(rows),
            "per_second": round(len(rows) / args.seconds, 1),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "errors": errors,
            "statuses": {str(s): sum(1 for _, status, _ in rows if status == s) for s in {r[1] for r in rows}},
        }
        figures["endpoints"][step] = entry
        print(
            f"{step:22} {entry['requests']:>8} {entry['per_second']:>7} {entry['p50_ms']:>7} "
            f"{entry['p95_ms']:>7} {entry['p99_ms']:>7} {entry['errors']:>6}"
        )
    browsing = sorted(s * 1000 for step, _, s in results if step in BROWSING)
    figures["browsing_p95_ms"] = round(percentile(browsing, 95), 1)
    figures["total_per_second"] = round(len(results) / args.seconds, 1)
    figures["errors"] = sum(entry["errors"] for entry in figures["endpoints"].values())
    figures["orders_placed"] = figures["endpoints"].get("checkout", {}).get("statuses", {}).get("201", 0)
    figures["oversold_units"] = oversold
    figures["stock_mismatches"] = len(mismatched)
    print(
        f"total {figures['total_per_second']} req/s, browsing p95 {figures['browsing_p95_ms']} ms, "
        f"errors {figures['errors']}, orders {figures['orders_placed']}, oversold units {oversold}, "
        f"stock mismatches {len(mismatched)}"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
