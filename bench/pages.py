"""Page benchmark: wrk against gunicorn for home, category, search and product pages.

Run through `make bench` (bench/pages.sh prepares a dedicated PostgreSQL cluster). Method, as in
the project's benchmarking notes: gunicorn with 2 sync workers, DEBUG off, cached templates,
persistent connections; wrk -t2 -c32 with a random URL per request; a warm-up before each run; the
"ceiling" (a minimal Django view on the same server) measured in the same run; SQL queries per page
counted separately in-process. Prints a table and writes bench/results/pages-<time>.json.
"""

import argparse
import json
import os
import random
import shutil
import signal
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

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


def queries_per_page(paths: dict[str, list[str]]) -> dict[str, int]:
    """The largest number of SQL queries seen on a sample of each page kind."""
    client = Client()
    worst = {}
    for kind, urls in paths.items():
        counts = []
        for url in urls[:20]:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}; fix the page before benchmarking it.")
            counts.append(len(ctx))
        worst[kind] = max(counts)
    return worst


def wrk(url: str, paths_file: Path, *, seconds: int, connections: int, threads: int) -> dict:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
        "-s", str(ROOT / "bench/random_urls.lua"), url, "--", str(paths_file),
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
    queries = queries_per_page(paths)
    connection.close()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "CONN_MAX_AGE": "600"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{args.port}", "-k", "sync",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    results = {}
    try:
        wait_for(f"{base}/bench/ceiling/")
        with tempfile.TemporaryDirectory() as tmp:
            for kind in PAGES:
                paths_file = Path(tmp) / f"{kind}.txt"
                paths_file.write_text("\n".join(paths[kind]) + "\n")
                wrk(base, paths_file, seconds=args.warmup, connections=args.connections, threads=2)
                results[kind] = wrk(base, paths_file, seconds=args.seconds, connections=args.connections, threads=2)
                results[kind]["queries"] = queries.get(kind, 0)
                print(
                    f"  {kind:9s} {results[kind]['rps']:8.1f} req/s  p95 {results[kind]['p95_ms']:7.1f} ms", flush=True
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    ceiling = results["ceiling"]["rps"]
    print(f"\nPages at {Product.objects.count():,} products, wrk -t2 -c{args.connections} -d{args.seconds}s, "
          "gunicorn 2 sync workers")  # fmt: skip
    print(f"{'page':10s} {'req/s':>9s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'of ceiling':>11s} "
          f"{'SQL/page':>9s} {'errors':>7s}")  # fmt: skip
    for kind in PAGES:
        r = results[kind]
        print(f"{kind:10s} {r['rps']:9.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['p99_ms']:8.1f} "
              f"{r['rps'] / ceiling:11.3f} {r['queries']:9d} {r['errors']:7d}")  # fmt: skip
    out = ROOT / "bench/results"
    out.mkdir(exist_ok=True)
    (out / f"pages-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
