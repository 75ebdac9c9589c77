"""Serving latency of the recommendation API with a warm cache, and what the blocks add to the product page.

Needs a database with a demo store and a published `als` champion (run bench/recs_retrain.py
first; see bench/README.md). In one process, through Django's full request stack (middleware,
authentication, DRF, serializers; no network and no WSGI server, so the figures are the
application's own time):

- for each endpoint, `--requests` calls for random users (signed in by session), products and
  categories, after one warm-up pass over the same keys: p50, p95, p99 in ms (target: p99 <= 10 ms);
- the product page rendered fresh (page cache off), and the two block placeholders it renders
  (the blocks themselves are fetched by the browser from the API): p95 of each.

Usage: .venv/bin/python bench/recs_serving.py [--requests 2000] [--seed 0]
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from recommendations.models import Publication, RecommendationList  # noqa: E402
from shop.models import Category, Product  # noqa: E402

USERS = 300


def percentiles(samples: list[float]) -> str:
    values = np.array(samples) * 1000
    return " ".join(f"p{q} {np.percentile(values, q):6.2f} ms" for q in (50, 95, 99))


def timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    publication = Publication.objects.order_by("-created_at").first()
    if publication is None:
        raise SystemExit("No published version: run bench/recs_retrain.py first.")
    from django.contrib.auth import get_user_model

    user_ids = list(
        RecommendationList.objects.filter(
            version_id=publication.version_id, kind=RecommendationList.Kind.FOR_USER
        ).values_list("key", flat=True)[:USERS]
    )
    clients = []
    for user in get_user_model().objects.filter(pk__in=user_ids):
        client = Client()
        client.force_login(user)
        clients.append(client)
    anonymous = Client()
    products = list(Product.objects.filter(is_active=True).values_list("pk", "slug"))
    sample = rng.sample(products, min(500, len(products)))
    categories = list(Category.objects.values_list("slug", flat=True))
    endpoints = {
        "for-you (signed in)": [(client, "/api/v1/recommendations/for-you/?limit=8") for client in clients],
        "for-you (anonymous, 3 viewed)": [
            (anonymous, f"/api/v1/recommendations/for-you/?limit=8&viewed={a},{b},{c}")
            for (a, _), (b, _), (c, _) in zip(sample, sample[1:], sample[2:], strict=False)
        ],
        "trending (category)": [
            (anonymous, f"/api/v1/recommendations/trending/?limit=8&category={slug}") for slug in categories
        ],
        "similar": [(anonymous, f"/api/v1/products/{pk}/similar/?limit=8") for pk, _ in sample],
        "bought-together": [(anonymous, f"/api/v1/products/{pk}/bought-together/?limit=4") for pk, _ in sample],
    }
    print(
        f"Version {publication.version_id}; {len(clients)} signed-in users, {len(sample)} products, "
        f"{len(categories)} categories; {args.requests} timed requests per endpoint after a warm-up pass"
    )
    for name, calls in endpoints.items():
        for client, url in calls:  # warm-up: every key once (lists, publication, champion in the caches)
            timed(client, url)
        samples = [timed(*rng.choice(calls)) for _ in range(args.requests)]
        print(f"{name:32s} {percentiles(samples)}")

    with override_settings(PAGE_CACHE_SECONDS=0):
        pages = [timed(anonymous, f"/p/{slug}/") for _, slug in sample[:200]]
        pages = [timed(anonymous, f"/p/{rng.choice(sample)[1]}/") for _ in range(min(args.requests, 1000))]
    print(f"{'product page (fresh render)':32s} {percentiles(pages)}")
    template = Template(
        "{% load recommendations %}{% recommendations_placeholder 'bought_together' product limit=4 %}"
        "{% recommendations_placeholder 'similar' product %}"
    )
    blocks = []
    for pk, _ in sample:
        product = Product(pk=pk)
        started = time.perf_counter()
        template.render(Context({"product": product, "csrf_token": "x"}))
        blocks.append(time.perf_counter() - started)
    print(f"{'the two placeholders on it':32s} {percentiles(blocks)}")
    print(
        f"(settings: published per list {settings.RECOMMENDATIONS_PUBLISHED_PER_LIST}, cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
