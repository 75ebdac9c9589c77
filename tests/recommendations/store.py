"""A small shop with planted taste groups, trained and published through the ML platform."""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.utils import timezone

from events.models import Interaction
from ml.models import ModelVersion, RegisteredModel, TrainingRun
from ml.services import training_run_create, training_run_execute
from recommendations.ml import als
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, UserFactory
from tests.recommendations.planted import taste_groups

GROUPS = 3
PER_GROUP = 15


@dataclass
class Store:
    users: list
    products: list  # PER_GROUP products per taste group, group g's are products[g*PER_GROUP:(g+1)*PER_GROUP]
    categories: list  # one per taste group
    version_id: int | None = None


def event(kind: str, user, product, *, days_ago: float, session_key: str = "") -> Interaction:
    return Interaction(
        kind=kind,
        user=user,
        product=product,
        session_key=session_key,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def planted_store() -> Store:
    """60 shoppers in 3 taste groups, each group's products in its own category and 5 brands.

    Each shopper views 7 products months ago, carts 2 last month and buys 3 this fortnight, all
    mostly from their group (tests.recommendations.planted).
    """
    categories = [CategoryFactory(name=name) for name in ("Kitchen", "Garden", "Audio")]
    brands = BrandFactory.create_batch(5)
    products = [
        ProductFactory(
            category=categories[index // PER_GROUP],
            brand=brands[index % 5],
            in_stock=True,
            name=f"{categories[index // PER_GROUP].name} item {index}",
        )
        for index in range(GROUPS * PER_GROUP)
    ]
    users = UserFactory.create_batch(60)
    user_codes, item_codes = taste_groups(users=60, items=GROUPS * PER_GROUP, groups=GROUPS, per_user=12, seed=5)
    rng = np.random.default_rng(5)
    events = []
    for position, (user, item) in enumerate(zip(user_codes, item_codes, strict=True)):
        nth = position % 12
        if nth < 7:
            kind, days_ago = "view", rng.uniform(30, 120)
        elif nth < 9:
            kind, days_ago = "add_to_cart", rng.uniform(15, 27)
        else:
            kind, days_ago = "purchase", 1 + position // 12 % 10  # one basket a user, 1-10 days ago
        events.append(event(kind, users[user], products[item], days_ago=days_ago))
    Interaction.objects.bulk_create(events)
    return Store(users=users, products=products, categories=categories)


def train(store: Store | None = None, *, factors: int = 8, confidence: str = "none") -> TrainingRun:
    """One `als` run without a search (fast), released as champion if it passes the gate."""
    engine = {**als.AlsParams().as_dict(), "factors": factors, "regularization": 1.0, "confidence": confidence}
    run = training_run_create(
        kind="als", trigger=TrainingRun.Trigger.COMMAND, params={"tune_seconds": 0, "engine": engine}
    )
    run = training_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    if store is not None:
        store.version_id = run.version.pk
    return run


def model_version_row(*, kind: str = "als", number: int = 1) -> ModelVersion:
    """A registered version row without an artifact (nothing trained): what events and publications point at."""
    registered, _ = RegisteredModel.objects.get_or_create(name=kind, defaults={"title": kind})
    run = TrainingRun.objects.create(
        registered_model=registered, trigger=TrainingRun.Trigger.COMMAND, status=TrainingRun.Status.SUCCEEDED
    )
    now = timezone.now()
    return ModelVersion.objects.create(
        registered_model=registered,
        number=number,
        run=run,
        status=ModelVersion.Status.READY,
        main_metric="ndcg_at_10",
        data_window_start=now - timedelta(days=30),
        data_window_end=now,
        device="cpu",
        code_version="test",
    )
