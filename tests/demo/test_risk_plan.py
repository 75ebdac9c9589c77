"""The demo store's planted fraud (demo.risk), on the generated data without a database: rings of new
accounts behind one device and address, card testing before them, and a model that finds them
where the rules alone do not."""

import random
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from demo.loader import demo_store_build
from demo.risk import risk_plan
from risk import selectors
from risk.ml.evaluation import ranking_metrics
from risk.ml.features import derive_features
from risk.ml.model import RiskModel

NOW = datetime(2026, 3, 14, 15, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(scope="module")
def plan():
    store = demo_store_build(scale="tiny", seed=3, now=NOW)
    return risk_plan(
        orders=store.history.orders,
        customers=store.customers,
        user_ids=list(range(1, len(store.customers) + 1)),
        joined=store.history.date_joined,
        leaves=[product.leaf.slug for product in store.catalog.products],
        reviewed={(review.customer, review.product) for review in store.history.reviews},
        now=NOW,
        rng=random.Random("demo:risk"),
        fraud_share=0.1,
    )


def test_rings_are_new_accounts_sharing_a_device_and_an_address(plan):
    fraud = [a for a in plan.assessments if a.fraud]
    by_address = defaultdict(set)
    for assessment in fraud:
        by_address[assessment.address_hash].add(assessment.customer_key)

    assert 0.05 < len(fraud) / len(plan.assessments) < 0.2
    assert all(assessment.created_at - assessment.account_created_at < timedelta(days=1) for assessment in fraud)
    assert min(len(accounts) for accounts in by_address.values()) >= 3
    assert len(plan.failed) > 2 * len(by_address)  # card testing before half of the rings


def test_the_model_beats_the_rules_on_the_later_orders(plan):
    labels_by_order = {index: is_fraud for index, is_fraud, _source, _when in plan.labels}
    settled = NOW - timedelta(days=30)  # as the risk kind: unlabelled orders count as genuine once settled
    rows = [
        a
        for a in plan.assessments
        if a.order in labels_by_order or (a.decision == "approve" and a.created_at < settled)
    ]
    frame = pd.DataFrame(
        [
            {
                selectors.TIME: a.created_at,
                selectors.ACCOUNT_TIME: a.account_created_at,
                "customer": a.customer_key,
                "device": a.device_hash,
                "ip": a.ip_hash,
                "card": a.card_fingerprint,
                "address": a.address_hash,
                **a.values,
            }
            for a in rows
        ]
    )
    labels = np.array([int(labels_by_order.get(a.order, False)) for a in rows])
    rules = np.array([1.0 if a.rule_hits else 0.0 for a in rows])
    features = derive_features(
        frame, time=selectors.TIME, account_time=selectors.ACCOUNT_TIME, entities=list(selectors.ENTITIES)
    )
    cut = int(len(rows) * 0.7)

    model = RiskModel.fit(features.iloc[:cut], labels[:cut], seed=0)

    engine = ranking_metrics(labels[cut:], model.predict_proba(features.iloc[cut:]))
    baseline = ranking_metrics(labels[cut:], rules[cut:])
    assert labels[cut:].sum() >= 10
    assert engine["pr_auc"] > baseline["pr_auc"] + 0.2
