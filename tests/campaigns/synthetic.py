"""A randomised campaign with a planted heterogeneous effect, for the uplift tests.

Whether a customer buys depends strongly on `spend` whatever the offer; the offer itself only
works on customers with high `affinity` in the "north" region (+30 points), and slightly puts off
everyone else (-3 points). A model of who buys finds spend; an uplift model must find the others.
"""

from pathlib import Path

import numpy as np
import pandas as pd


def campaign(rows: int, *, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(features, treatment 0/1, bought 0/1) of `rows` customers, half of them treated at random."""
    rng = np.random.default_rng(seed)
    features = pd.DataFrame(
        {
            "spend": rng.normal(size=rows),
            "affinity": rng.normal(size=rows),
            "noise": rng.normal(size=rows),
            "region": rng.choice(["north", "south", "west"], size=rows),
        }
    )
    treatment = rng.integers(0, 2, size=rows)
    base = 1 / (1 + np.exp(-(-1.0 + 1.5 * features["spend"].to_numpy())))
    responsive = (features["affinity"].to_numpy() > 0.3) & (features["region"].to_numpy() == "north")
    effect = np.where(responsive, 0.30, -0.03)
    bought = (rng.random(rows) < np.clip(base + treatment * effect, 0, 1)).astype(int)
    return features, treatment, bought


def campaign_csv_write(path: Path, rows: int, *, seed: int) -> Path:
    """The campaign as a CSV file: the features, then `offer` (the treatment) and `bought` (the outcome)."""
    features, treatment, bought = campaign(rows, seed=seed)
    frame = features.round(4).assign(offer=treatment, bought=bought)
    frame.to_csv(path, index=False)
    return path
