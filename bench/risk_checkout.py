"""What the fraud check adds to checkout: p50 / p95 of the order screen, and of order_place with and without it.

Needs a database with a demo store (bench/risk_checkout.sh makes one). Trains the `risk` kind first
when it has no champion. Then places `--orders` orders through `checkout.services.order_place`
(demo customers and guests, a few devices and IPs reused so the velocity features have history),
each in a transaction rolled back afterwards, so the store is unchanged:
- the screen alone (`risk.services.order_screen`: signals, rules, the model's score and reasons,
  the assessment written), timed around the registered screen;
- the whole order_place with the screen, then the same orders with no screen registered.
The first order (champion load) is left out. Target: the screen adds at most 20 ms at p95.

Usage: .venv/bin/python bench/risk_checkout.py [--orders 300] [--seed 0]
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
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from checkout import extensions  # noqa: E402
from checkout.extensions import ClientSignals  # noqa: E402
from checkout.models import Cart, CartLine, ShippingMethod  # noqa: E402
from checkout.services import order_place  # noqa: E402
from ml.loader import cache, champion  # noqa: E402
from ml.models import TrainingRun  # noqa: E402
from ml.services import training_run_create, training_run_execute  # noqa: E402
from shop.models import Variant  # noqa: E402

CARD = {"card_number": "4242 4242 4242 4242", "card_expiry": "12/35", "card_cvc": "123"}
ADDRESS = {"full_name": "Ana Silva", "line1": "1 High Street", "city": "London", "postal_code": "SW1A 1AA"}


def _place(*, user, variant: Variant, rng: random.Random):
    """One order placed and rolled back."""
    with transaction.atomic():
        cart = Cart.objects.create(user=user) if user else Cart.objects.create(session_key=f"bench-{rng.random()}")
        CartLine.objects.create(cart=cart, variant=variant, quantity=1, price_when_added=variant.price)
        address = {**ADDRESS, "country": rng.choice(["GB", "GB", "GB", "FR"])}
        order_place(
            cart=cart,
            email=user.email if user else f"guest{rng.randrange(10**6)}@example.com",
            shipping_address=address,
            billing_address=address if rng.random() < 0.9 else {**address, "line1": "9 Other Road"},
            shipping_method=ShippingMethod.objects.filter(is_active=True).first(),
            payment_details=CARD,
            user=user,
            client=ClientSignals(device_id=f"bench-device-{rng.randrange(40)}", ip=f"198.51.100.{rng.randrange(60)}"),
        )
        transaction.set_rollback(True)


def _percentiles(seconds: list[float]) -> str:
    values = np.array(seconds[1:]) * 1000
    return f"p50 {np.percentile(values, 50):6.1f} ms   p95 {np.percentile(values, 95):6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if champion("risk").is_baseline:
        run = training_run_execute(run_id=training_run_create(kind="risk", trigger=TrainingRun.Trigger.COMMAND).pk)
        print(f"Trained risk: {run.status} {run.error}".strip())
        cache.clear()  # the baseline was cached by the check above: serve the new champion now
    print(f"Serving {champion('risk').label}")
    customers = list(get_user_model().objects.filter(is_staff=False, orders__isnull=False).distinct()[:500])
    variants = list(Variant.objects.filter(is_active=True, stock_quantity__gt=5, product__is_active=True)[:500])
    screen = extensions._screens[0]
    screen_seconds: list[float] = []

    def timed(request):
        started = time.perf_counter()
        try:
            return screen(request)
        finally:
            screen_seconds.append(time.perf_counter() - started)

    plans = []
    rng = random.Random(args.seed)
    for _ in range(args.orders):
        plans.append((rng.choice(customers) if rng.random() < 0.7 else None, rng.choice(variants), rng.random()))
    totals = {}
    for label, screens in (("with the screen", [timed]), ("without a screen", [])):
        extensions._screens[:] = screens
        seconds = []
        for user, variant, seed in plans:
            started = time.perf_counter()
            _place(user=user, variant=variant, rng=random.Random(seed))
            seconds.append(time.perf_counter() - started)
        totals[label] = seconds
    extensions._screens[:] = [screen]
    print(f"order screen alone      {_percentiles(screen_seconds)}   ({len(screen_seconds) - 1} orders)")
    for label, seconds in totals.items():
        print(f"order_place {label:<16} {_percentiles(seconds)}")


if __name__ == "__main__":
    main()
