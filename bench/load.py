"""Load benchmark: a realistic mix of shoppers against gunicorn while a model trains.

Run through bench/load.sh (a dedicated PostgreSQL cluster with the small demo store, trained
models, gunicorn, a Celery worker). Virtual shoppers, spread over processes and threads, each loop
over: home, category, search, product pages, the recommendations API, a chat message to the
support bot, add to cart, and now and then a checkout (through the API, with their own token).
A share of them (`--signed-in`) browse the pages signed in as that same customer, so their pages
carry their own header, cart count and product state (core.page_cache's personal fragments); their
page rows are reported apart, "(signed in)". A training run is queued at the start, so the worker
trains during the whole measurement.

Reports throughput, p50/p95/p99 per endpoint and errors, and checks stock afterwards: units sold
in orders placed during the run must equal the stock that left the shelves (0 oversold).
"""

import argparse
import itertools
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
SIGNED_IN = " (signed in)"  # the suffix of a signed-in shopper's page rows
# Refusals that are correct behaviour under load, not errors, by the API's error code: stock running
# out while shoppers compete for it, a cart emptied by the last checkout or full of lines, a price
# that moved since the cart was filled. Any other 4xx/5xx counts as an error.
EXPECTED_REFUSALS = {
    "add_to_cart": {"out_of_stock", "insufficient_stock", "cart_full"},
    "checkout": {"cart_empty", "sold_out", "insufficient_stock", "unavailable", "price_changed"},
}


def zipf_cumulative_weights(count: int, exponent: float) -> list[float]:
    """Cumulative weights of ranks 1..count under Zipf's law (1 / rank ** exponent; 0 is uniform).

    Shoppers do not look at every product equally: views in a store follow a long-tailed,
    Zipf-like curve, the usual model for web and catalogue workloads (YCSB's default, too).
    """
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))


def prepare(customers: int, zipf: float, signed_in: int) -> dict:
    """Customers with API tokens (the first `signed_in` with a signed-in session too), and the URLs
    and variants the shoppers draw from.

    Products are ranked in a seeded random order and searched terms by their recorded frequency;
    shoppers draw both by Zipf's law with exponent `zipf`."""
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from bench.sessions import session_cookie
    from shop.models import Category, Product, SearchTerm, Variant

    user_model = get_user_model()
    tokens, sessions = [], []
    for n in range(customers):
        user, _ = user_model.objects.get_or_create(
            username=f"load{n}@example.com", defaults={"email": f"load{n}@example.com"}
        )
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
        sessions.append(session_cookie(user) if n < signed_in else None)
    in_stock = Product.objects.filter(is_active=True, in_stock=True).order_by("pk")
    products = list(in_stock.values_list("pk", "slug")[:500])
    random.Random(0).shuffle(products)
    terms = list(SearchTerm.objects.order_by("-frequency").values_list("term", flat=True)[:200]) or ["shirt"]
    return {
        "tokens": tokens,
        "sessions": sessions,
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "categories": list(Category.objects.values_list("slug", flat=True)),
        "terms": terms,
        "term_weights": zipf_cumulative_weights(len(terms), zipf),
        "products": products,
        "product_weights": zipf_cumulative_weights(len(products), zipf),
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


def _error_code(response: requests.Response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def shopper(base: str, data: dict, customer: int, window: tuple[float, float], seed: int, results: list) -> None:
    """One virtual shopper's loop until the window ends; appends (endpoint, status, seconds, served
    from the page cache) for the requests started inside the measured window (those before it are
    the warm-up). A shopper with a session browses the pages signed in."""
    measure_from, deadline = window
    rng = random.Random(seed)
    web, api = requests.Session(), requests.Session()
    api.headers["Authorization"] = f"Token {data['tokens'][customer]}"
    session = data["sessions"][customer]
    if session:
        web.cookies.set(data["session_cookie_name"], session)
    conversation = None
    steps, weights = zip(*MIX, strict=True)
    while time.monotonic() < deadline:
        step = rng.choices(steps, weights)[0]
        pk, slug = rng.choices(data["products"], cum_weights=data["product_weights"])[0]
        measured = time.monotonic() >= measure_from
        started = time.perf_counter()
        try:
            if step == "home":
                response = web.get(f"{base}/")
            elif step == "category":
                response = web.get(f"{base}/c/{rng.choice(data['categories'])}/")
            elif step == "search":
                term = rng.choices(data["terms"], cum_weights=data["term_weights"])[0]
                response = web.get(f"{base}/search/", params={"q": term})
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
            status, cached = response.status_code, response.headers.get("X-Page-Cache") == "hit"
            if status >= 400 and _error_code(response) in EXPECTED_REFUSALS.get(step, ()):
                status = "refused"
        except requests.RequestException:
            status, cached = 0, False
        if measured:
            label = f"{step}{SIGNED_IN}" if session and step in BROWSING else step
            results.append((label, status, time.perf_counter() - started, cached))


def run_process(base: str, data: dict, customers: range, warmup: float, seconds: float, seed: int, queue) -> None:
    results: list = []
    measure_from = time.monotonic() + warmup
    window = (measure_from, measure_from + seconds)
    threads = [
        threading.Thread(target=shopper, args=(base, data, customer, window, seed * 1000 + n, results))
        for n, customer in enumerate(customers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(results)


def cpu_times() -> list[int]:
    """The machine's CPU time counters (Linux /proc/stat: user nice system idle iowait irq softirq steal)."""
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1:9]]


def cpu_shares(before: list[int], after: list[int]) -> dict:
    """Shares of all CPU time in the window: busy at normal priority (web, database, load generator)
    and busy at lowered priority (the training worker runs under `nice`), the rest idle."""
    user, nice, system, idle, iowait, irq, softirq, steal = (b - a for a, b in zip(before, after, strict=True))
    total = max(user + nice + system + idle + iowait + irq + softirq + steal, 1)
    return {
        "busy_normal_priority": round((user + system + irq + softirq) / total, 3),
        "busy_niced": round(nice / total, 3),
        "idle": round((idle + iowait) / total, 3),
    }


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8001")
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds")
    parser.add_argument(
        "--warmup", type=float, default=10, help="seconds of the same load before measuring (page caches fill)"
    )
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--shoppers", type=int, default=2, help="threads per process")
    parser.add_argument(
        "--zipf", type=float, default=1.0, help="Zipf exponent of product and search popularity (0: uniform)"
    )
    parser.add_argument(
        "--signed-in", type=float, default=0.5, help="share of the shoppers who browse signed in (0 to 1)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not 0 <= args.signed_in <= 1:
        parser.error("--signed-in is a share between 0 and 1")

    customers = args.processes * args.shoppers
    data = prepare(customers, args.zipf, signed_in=round(customers * args.signed_in))
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
                range(n, customers, args.processes),  # signed-in shoppers spread over the processes
                args.warmup,
                args.seconds,
                n,
                queue,
            ),
        )
        for n in range(args.processes)
    ]
    for process in processes:
        process.start()
    time.sleep(args.warmup)
    cpu_before = cpu_times()
    time.sleep(args.seconds)
    cpu = cpu_shares(cpu_before, cpu_times())
    results = [row for _ in processes for row in queue.get()]
    for process in processes:
        process.join()

    after, sold = stock_snapshot(), units_sold_since(started_at)
    oversold = sum(max(0, -stock) for stock in after.values())
    mismatched = {pk: (before.get(pk, 0) - after.get(pk, 0), units) for pk, units in sold.items()}
    mismatched = {pk: pair for pk, pair in mismatched.items() if pair[0] != pair[1]}

    figures = {"seconds": args.seconds, "concurrency": args.processes * args.shoppers, "endpoints": {}}
    columns = ("requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "cached")
    print(f"{'endpoint':22} {columns[0]:>8} " + " ".join(f"{name:>7}" for name in columns[1:]))
    steps = [step for step, _ in MIX] + [f"{step}{SIGNED_IN}" for step, _ in MIX if step in BROWSING]
    for step in steps:
        rows = [row for row in results if row[0] == step]
        if not rows:
            continue
        times = sorted(row[2] * 1000 for row in rows)
        errors = sum(1 for _, status, _, _ in rows if status != "refused" and not 200 <= status < 400)
        entry = {
            "requests": len(rows),
            "per_second": round(len(rows) / args.seconds, 1),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "errors": errors,
            "statuses": {str(s): sum(1 for row in rows if row[1] == s) for s in {row[1] for row in rows}},
            "page_cache_hits": round(sum(row[3] for row in rows) / len(rows), 3),
        }
        figures["endpoints"][step] = entry
        print(
            f"{step:22} {entry['requests']:>8} {entry['per_second']:>7} {entry['p50_ms']:>7} "
            f"{entry['p95_ms']:>7} {entry['p99_ms']:>7} {entry['errors']:>7} {entry['page_cache_hits']:>7.0%}"
        )
    browsing = sorted(row[2] * 1000 for row in results if row[0].removesuffix(SIGNED_IN) in BROWSING)
    figures["browsing_p95_ms"] = round(percentile(browsing, 95), 1)
    signed_in = sorted(row[2] * 1000 for row in results if row[0].endswith(SIGNED_IN))
    figures["signed_in_browsing_p95_ms"] = round(percentile(signed_in, 95), 1) if signed_in else None
    figures["total_per_second"] = round(len(results) / args.seconds, 1)
    figures["errors"] = sum(entry["errors"] for entry in figures["endpoints"].values())
    figures["orders_placed"] = figures["endpoints"].get("checkout", {}).get("statuses", {}).get("201", 0)
    figures["cpu"] = cpu
    figures["oversold_units"] = oversold
    figures["stock_mismatches"] = len(mismatched)
    print(
        f"total {figures['total_per_second']} req/s, browsing p95 {figures['browsing_p95_ms']} ms "
        f"(signed in: {figures['signed_in_browsing_p95_ms']} ms), "
        f"errors {figures['errors']}, orders {figures['orders_placed']}, oversold units {oversold}, "
        f"stock mismatches {len(mismatched)}"
    )
    print(
        f"CPU during the measured window: {cpu['busy_normal_priority']:.0%} busy at normal priority, "
        f"{cpu['busy_niced']:.0%} niced (training), {cpu['idle']:.0%} idle"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
