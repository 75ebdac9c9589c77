"""Synthetic order events with planted fraud, for the risk engine's tests (no shared data).

Good customers: one device each, an account some days old, one or two orders. Fraud rings: a
device behind several fresh accounts, each ordering seconds after signing up, several orders within
the hour. Amount and channel are drawn the same way for both, so the raw columns carry no signal.
"""

import numpy as np
import pandas as pd

START = pd.Timestamp("2026-03-01")


def planted_events(*, customers: int = 300, rings: int = 12, accounts_per_ring: int = 4, seed: int = 0) -> pd.DataFrame:
    """Columns: order_id, amount, channel, device, created_at, placed_at, fraud (0/1); shuffled rows."""
    rng = np.random.default_rng(seed)
    rows = []
    for customer in range(customers):
        created = START + pd.Timedelta(days=float(rng.uniform(0, 60)))
        for _ in range(rng.integers(1, 3)):
            placed = created + pd.Timedelta(days=float(rng.uniform(2, 30)))
            rows.append((f"good-{customer}", created, placed, 0))
    for ring in range(rings):
        first = START + pd.Timedelta(days=float(rng.uniform(10, 80)))
        for _account in range(accounts_per_ring):
            created = first + pd.Timedelta(minutes=float(rng.uniform(0, 40)))
            placed = created + pd.Timedelta(seconds=float(rng.uniform(1, 20)))
            rows.append((f"ring-{ring}", created, placed, 1))
    frame = pd.DataFrame(rows, columns=["device", "created_at", "placed_at", "fraud"])
    frame.insert(0, "order_id", np.arange(1000, 1000 + len(frame)))
    frame.insert(1, "amount", rng.uniform(10, 200, len(frame)).round(2))
    frame.insert(2, "channel", rng.choice(["web", "app", "ads"], len(frame)))
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
