"""Page benchmark: wrk against gunicorn for home, category, search and product pages.

Run through `make bench` (bench/pages.sh prepares a dedicated PostgreSQL cluster). Method, as in
the project's benchmarking notes: gunicorn with 2 sync workers, DEBUG off, cached templates,
persistent connections; wrk -t2 -c32 with a random URL per request; a warm-up before each run; the
"ceiling" (a minimal Django view on the same server) measured in the same run; SQL queries per page
counted separately in-process. Each page is measured for anonymous visitors and for signed-in
shoppers: a pool of demo customers is signed in and every request picks one of them at random.
Before wrk, an in-process profile splits each page's fresh render into SQL and templates + Python,
and times the signed-in cache hit. Prints tables and writes bench/results/pages-<time>.json.
"""

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from bench.sessions import session_cookie  # noqa: E402
from shop.models import Category, Product, SearchTerm  # noqa: E402

PAGES = ("ceiling", "home", "category", "search", "product")


def page_paths(rng: random.Random, *, count: int) -> dict[str, list[str]]:
    """Random paths per page kind, drawn from the loaded catalog."""
    slugs = list(Product.objects.filter(is_active=True).order_by("?").values_list("slug", flat=True)[:count])
    categories = list(Category.objects.values_list("slug", flat=True))
    terms = list(SearchTerm.objects.order_by("-frequency").values_list("term", flat=True)[:300])
    sorts = ["", "?sort=price", "?sort=newest", "?sort=rating", "?page=2"]
    return {
        "ceiling": ["/bench/ceiling/"],
        "home": ["/"],
        "category": [f"/c/{rng.choice(categories)}/{rng.choice(sorts)}" for _ in range(count)],
        "search": [f"/search/?q={rng.choice(terms)}" for _ in range(count)],
        "product": [f"/p/{slug}/" for slug in slugs],
    }


def signed_in_sessions(count: int) -> list[str]:
    """Cookie header values of `count` demo customers, each signed in with a session of their own."""
    customers = list(get_user_model().objects.filter(is_active=True, is_staff=False).order_by("pk")[:count])
    if len(customers) < count:
        raise SystemExit(f"The bench store has {len(customers)} customers, fewer than --shoppers {count}.")
    return [f"{settings.SESSION_COOKIE_NAME}={session_cookie(customer)}" for customer in customers]


def _get(client: Client, url: str, **headers):
    response = client.get(url, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}; fix the page before benchmarking it.")
    return response


def queries_per_page(paths: dict[str, list[str]], cookie: str = "") -> dict[str, dict[str, int]]:
    """The largest number of SQL queries seen on a sample of each page kind, on a cache miss (the
    first request of a URL) and on a hit (the second), for an anonymous or a signed-in visitor."""
    cache.clear()  # misses are misses, whichever visitor came first
    client = Client()
    headers = {"Cookie": cookie} if cookie else {}
    worst = {}
    for kind, urls in paths.items():
        misses, hits = [], []
        for url in urls[:20]:
            for counts in (misses, hits):
                with CaptureQueriesContext(connection) as ctx:
                    _get(client, url, **headers)
                counts.append(len(ctx))
        worst[kind] = {"miss": max(misses), "hit": max(hits)}
    return worst


def profile(paths: dict[str, list[str]], cookie: str, samples: int = 20) -> dict[str, dict[str, float]]:
    """Where a page's time goes, in-process (median ms of `samples` requests, each URL requested once
    before to warm up): the fresh render (page cache off) split into SQL and the rest (templates and
    Python), and a signed-in page cache hit."""
    timings: dict[str, list[float]] = {}

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings["sql"][-1] += time.perf_counter() - started

    client = Client()
    figures = {}
    for kind, urls in paths.items():
        if kind == "ceiling":
            continue
        timings = {"fresh": [], "sql": [], "hit": []}
        sample = (urls * samples)[:samples]  # the home page is one URL
        warm_up = list(dict.fromkeys(sample))
        with override_settings(PAGE_CACHE_SECONDS=0), connection.execute_wrapper(timed):
            for url in [*warm_up, *sample]:
                timings["sql"].append(0.0)
                started = time.perf_counter()
                _get(client, url)
                timings["fresh"].append(time.perf_counter() - started)
        timings = {"fresh": timings["fresh"][len(warm_up) :], "sql": timings["sql"][len(warm_up) :], "hit": []}
        for url in sample:
            _get(client, url, Cookie=cookie)
            started = time.perf_counter()
            _get(client, url, Cookie=cookie)
            timings["hit"].append(time.perf_counter() - started)
        median = {name: statistics.median(values) * 1000 for name, values in timings.items()}
        figures[kind] = {**median, "templates_python": median["fresh"] - median["sql"]}
    cache.clear()
    return figures


def wrk(url: str, paths_file: Path, *, seconds: int, connections: int, threads: int, cookies_file=None) -> dict:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
        "-s", str(ROOT / "bench/random_urls.lua"), url, "--", str(paths_file),
        *([str(cookies_file)] if cookies_file else []),
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000, help="catalog size to benchmark")
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per page")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shoppers", type=int, default=200, help="signed-in demo customers the requests spread over")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk).")

    have = Product.objects.count()
    if have < args.products:
        if have:
            raise SystemExit(f"The bench database has {have} products, fewer than {args.products}; drop it first.")
        call_command("load_demo_store", "--scale", "medium", "--products", str(args.products), "--seed", "1")
    call_command("collectstatic", "--noinput", verbosity=0)

    rng = random.Random(args.seed)
    paths = page_paths(rng, count=500)
    cookies = signed_in_sessions(args.shoppers)
    profiled = profile(paths, cookies[0])
    queries = {"anonymous": queries_per_page(paths), "signed_in": queries_per_page(paths, cookies[-1])}
    connection.close()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "CONN_MAX_AGE": "600"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{args.port}", "-k", "sync",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, dict] = {"anonymous": {}, "signed_in": {}}
    load_before = os.getloadavg()
    try:
        wait_for(f"{base}/bench/ceiling/")
        with tempfile.TemporaryDirectory() as tmp:
            cookies_file = Path(tmp) / "cookies.txt"
            cookies_file.write_text("\n".join(cookies) + "\n")
            for kind in PAGES:
                paths_file = Path(tmp) / f"{kind}.txt"
                paths_file.write_text("\n".join(paths[kind]) + "\n")
                for mode, mode_cookies in (("anonymous", None), ("signed_in", cookies_file)):
                    if kind == "ceiling" and mode == "signed_in":
                        continue
                    run = {"seconds": args.seconds, "connections": args.connections, "threads": 2}
                    wrk(base, paths_file, **{**run, "seconds": args.warmup}, cookies_file=mode_cookies)
                    results[mode][kind] = r = wrk(base, paths_file, **run, cookies_file=mode_cookies)
                    r["queries"] = queries[mode].get(kind, {"miss": 0, "hit": 0})
                    print(f"  {kind:9s} {mode:10s} {r['rps']:8.1f} req/s  p95 {r['p95_ms']:7.1f} ms", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    load_after = os.getloadavg()

    ceiling = results["anonymous"]["ceiling"]["rps"]
    print("\nWhere a fresh render's time goes, in-process (median ms of 20 URLs, page cache off), and a "
          "signed-in cache hit:")  # fmt: skip
    print(f"{'page':10s} {'fresh':>8s} {'SQL':>8s} {'templates+py':>13s} {'signed-in hit':>14s}")
    for kind, p in profiled.items():
        print(f"{kind:10s} {p['fresh']:8.1f} {p['sql']:8.1f} {p['templates_python']:13.1f} {p['hit']:14.1f}")
    print(f"\nPages at {Product.objects.count():,} products, wrk -t2 -c{args.connections} -d{args.seconds}s, "
          f"gunicorn 2 sync workers; signed-in: {len(cookies)} shoppers; load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after")  # fmt: skip
    print(f"{'':10s} {'anonymous':>45s}   {'signed in':>45s}")
    header = f"{'req/s':>9s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} {'ceiling':>7s} {'SQL':>5s}"
    print(f"{'page':10s} {header}   {header}")
    for kind in PAGES:
        cells = []
        for mode in ("anonymous", "signed_in"):
            r = results[mode].get(kind)
            if r is None:
                cells.append(" " * len(header))
                continue
            sql = f"{r['queries']['miss']}/{r['queries']['hit']}"
            cells.append(f"{r['rps']:9.1f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['p99_ms']:7.1f} "
                         f"{r['rps'] / ceiling:7.3f} {sql:>5s}")  # fmt: skip
        print(f"{kind:10s} {cells[0]}   {cells[1]}")
    errors = [f"{mode} {kind} {r['errors']}" for mode in results for kind, r in results[mode].items() if r["errors"]]
    print(f"SQL: queries on a cache miss / on a hit. Errors: {', '.join(errors) or 'none'}")
    out = ROOT / "bench/results"
    out.mkdir(exist_ok=True)
    results["profile_ms"] = profiled
    results["load_average"] = {"before": load_before, "after": load_after}
    (out / f"pages-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
