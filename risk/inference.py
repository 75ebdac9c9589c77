"""The risk app's serving entry: the fraud probability of an order at checkout and the reasons in words.

`order_score` scores the order with the `risk` champion (through ml.loader, cached per process).
With no champion, or a model that fails to load or to score, it returns no score and the rules
decide alone (`Scored.score` None): checkout never fails because of the model.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.utils import timezone

from ml.loader import champion
from risk import selectors
from risk.ml.evaluation import threshold_table
from risk.ml.features import derive_features
from risk.ml.model import RiskModel

logger = logging.getLogger(__name__)
KIND = "risk"
REASONS_SHOWN = 3


@dataclass(frozen=True)
class Scored:
    score: float | None
    label: str
    version_id: int | None = None
    reasons: list[str] = field(default_factory=list)


def order_score(*, signals: selectors.OrderSignals, explain_from: float = 0.0) -> Scored:
    """The champion's fraud probability for the order and, when it is at least `explain_from` (the
    review threshold: only held or declined orders are read by people), the features that pushed
    it up, in words. Explaining costs about as much again as scoring, so approved orders skip it."""
    served = champion(KIND)
    if not isinstance(served.model, RiskModel):
        return Scored(score=None, label=served.label)
    try:
        frame = selectors.checkout_frame(signals=signals)
        features = derive_features(
            frame, time=selectors.TIME, account_time=selectors.ACCOUNT_TIME, entities=list(selectors.ENTITIES)
        ).iloc[[-1]]
        score = float(served.model.predict_proba(features)[0])
        reasons = served.model.reasons(features, top=REASONS_SHOWN)[0] if score >= explain_from else []
    except Exception:
        logger.exception("Risk model %s failed to score; the rules decide alone", served.label)
        return Scored(score=None, label=f"{served.label} (failed)")
    words = [selectors.reason_words(reason.feature, reason.value) for reason in reasons if reason.contribution > 0]
    return Scored(score=score, label=served.label, version_id=served.version_id, reasons=words)


THRESHOLDS = [round(0.05 * step, 2) for step in range(1, 20)]
TABLE_DAYS = 180


def threshold_rows() -> list[dict[str, float]]:
    """Review load against fraud caught per threshold, for the champion on the labelled orders of the
    last `TABLE_DAYS` days (empty without a champion or without both kinds of label)."""
    served = champion(KIND)
    if not isinstance(served.model, RiskModel):
        return []
    now = timezone.now()
    start = now - timedelta(days=TABLE_DAYS)
    rows = selectors.labelled_assessments(start=start, end=now, settled_before=now - timedelta(days=30))
    labels = np.array([int(is_fraud) for _assessment, is_fraud in rows], dtype=int)
    if len(set(labels)) < 2:
        return []
    frame = selectors.assessments_frame([assessment for assessment, _label in rows])
    features = derive_features(
        frame, time=selectors.TIME, account_time=selectors.ACCOUNT_TIME, entities=list(selectors.ENTITIES)
    )
    return threshold_table(labels, served.model.predict_proba(features), THRESHOLDS)
