"""The uplift engine: who buys *because of* an offer, estimated with LightGBM meta-learners.

Learners (`UpliftModel(learner=...)`; all from randomised data, the treated share p known):
- `two_model` (T-learner): one model of the outcome on the treated, one on the control;
  uplift = f1(x) - f0(x).
- `x_learner` (Künzel et al. 2019): the two models above impute each customer's effect
  (treated: y - f0(x); control: f1(x) - y); a regressor per group learns it; the two are blended
  with the propensity, (1 - p) * tau1(x) + p * tau0(x).
- `transformed_outcome` (class transformation generalised to any treated share and any outcome,
  Athey & Imbens 2016): one regressor on y * (t - p) / (p (1 - p)), whose expectation is the uplift.
- `single_model`: the baseline, one model with the treatment as a feature; uplift = f(x, 1) - f(x, 0).

Which one is the engine (`DEFAULT_LEARNER`) was chosen by the Qini coefficient (campaigns.ml.evaluation)
in 5-fold cross-validation inside the training split: `bench/uplift_hillstrom.py --cv` (Hillstrom,
any e-mail vs none, 70/30 split stratified on treatment x outcome, seed 42, 44,800 training rows)
and `learners_cross_validate` on the planted-effect data of the tests
(`tests/campaigns/synthetic.campaign(4000, seed=1)`), 2026-12-06, with PARAMS and ROUNDS below:

    Qini, mean ± sd of 5 folds     Hillstrom visit   Hillstrom conversion  planted effect
    two_model                      0.0201 ± 0.0096   0.0074 ± 0.0319       0.0720 ± 0.0265
    x_learner                      0.0200 ± 0.0076  -0.0176 ± 0.0314       0.0706 ± 0.0352
    transformed_outcome            0.0215 ± 0.0191  -0.0067 ± 0.0178       0.0609 ± 0.0290
    single_model (the baseline)    0.0291 ± 0.0058  -0.0073 ± 0.0698       0.0466 ± 0.0362

The engine is the two-model learner: the best uplift learner on conversion (the outcome a campaign
pays for) and on the planted effect, tied with the others on visit, and simple to explain (two
response models; their difference is the uplift). Hillstrom's conversions are too rare (0.9%) for
any learner to beat chance there; its visits carry a weak signal that the single model, which
learns one response surface from all the rows, ranks best by about one fold's sd; on the planted
data, where only a small group responds, it shrinks that group's effect and ranks worst. Larger
trees (15 leaves, 100 per leaf, 150 rounds) scored lower on visit (two-model 0.0165), smaller ones
(3 leaves, 500 per leaf) could no longer find the planted group (0.041).

Binary outcomes (only 0 and 1 seen) are modelled with the binary objective (probabilities), others
with L2 regression. Categorical columns (text) become LightGBM categorical features with the levels
seen in training (an unseen level is missing). Serialised as JSON holding LightGBM's own text model
format (no pickle).
"""

import json
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import pandas as pd

LEARNERS = ("two_model", "x_learner", "transformed_outcome", "single_model")
DEFAULT_LEARNER = "two_model"
FORMAT = "storefront-uplift/1"

# Small, heavily regularised trees: uplift is a small difference between two noisy responses, and
# deep trees fit the noise of each arm (Hillstrom's effect heterogeneity is weak).
PARAMS = {
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 200,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 10.0,
    "verbose": -1,
    # One thread: on tables of this size (tens of thousands of rows, a few columns) more threads gain
    # little, and on a busy machine OpenMP's waiting threads made one fit 20-30x slower (measured).
    "num_threads": 1,
}
ROUNDS = 100
MIN_GROUP_ROWS = 20  # treated and control rows each, at least, to fit on


def is_binary(outcome: np.ndarray) -> bool:
    """A response (0/1) rather than an amount: modelled as a probability."""
    return bool(np.isin(outcome, (0.0, 1.0)).all())


@dataclass
class UpliftModel:
    """Fit on features, treatment (0/1) and outcome; predict the uplift (treated minus control outcome)."""

    learner: str = DEFAULT_LEARNER
    columns: list[str] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)
    binary: bool = True
    treated_share: float = 0.5
    boosters: dict[str, lgb.Booster] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.learner not in LEARNERS:
            raise ValueError(f"Unknown uplift learner {self.learner!r}; expected one of {', '.join(LEARNERS)}.")

    def fit(
        self, features: pd.DataFrame, treatment: np.ndarray, outcome: np.ndarray, *, seed: int = 0
    ) -> "UpliftModel":
        treatment = np.asarray(treatment)
        outcome = np.asarray(outcome, dtype=np.float64)
        if not (len(features) == len(treatment) == len(outcome)):
            raise ValueError("features, treatment and outcome must have the same number of rows.")
        if set(np.unique(treatment).tolist()) != {0, 1}:
            raise ValueError("The treatment must be 0 or 1, with both groups present.")
        treatment = treatment.astype(np.int8)
        if min(treatment.sum(), len(treatment) - treatment.sum()) < MIN_GROUP_ROWS:
            raise ValueError(f"Need at least {MIN_GROUP_ROWS} treated and {MIN_GROUP_ROWS} control rows to fit.")
        self.columns = [str(name) for name in features.columns]
        self.categories = {
            name: sorted({str(value) for value in features[name].dropna()})
            for name in self.columns
            if not pd.api.types.is_numeric_dtype(features[name])
        }
        self.binary = is_binary(outcome)
        self.treated_share = float(treatment.mean())
        x = self._matrix(features)
        treated = treatment == 1
        outcome_objective = "binary" if self.binary else "regression"
        if self.learner == "single_model":
            self.boosters = {"single": self._train(np.column_stack([x, treatment]), outcome, outcome_objective, seed)}
            return self
        if self.learner == "transformed_outcome":
            p = self.treated_share
            target = outcome * (treatment - p) / (p * (1 - p))
            self.boosters = {"effect": self._train(x, target, "regression", seed)}
            return self
        f1 = self._train(x[treated], outcome[treated], outcome_objective, seed)
        f0 = self._train(x[~treated], outcome[~treated], outcome_objective, seed)
        self.boosters = {"treated": f1, "control": f0}
        if self.learner == "x_learner":
            effect_treated = outcome[treated] - f0.predict(x[treated])
            effect_control = f1.predict(x[~treated]) - outcome[~treated]
            self.boosters["effect_treated"] = self._train(x[treated], effect_treated, "regression", seed)
            self.boosters["effect_control"] = self._train(x[~treated], effect_control, "regression", seed)
        return self

    def predict_uplift(self, features: pd.DataFrame) -> np.ndarray:
        if not self.boosters:
            raise ValueError("The uplift model is not fitted.")
        x = self._matrix(features)
        b = self.boosters
        if self.learner == "single_model":
            ones, zeros = np.ones(len(x)), np.zeros(len(x))
            return b["single"].predict(np.column_stack([x, ones])) - b["single"].predict(np.column_stack([x, zeros]))
        if self.learner == "transformed_outcome":
            return b["effect"].predict(x)
        if self.learner == "x_learner":
            p = self.treated_share
            return (1 - p) * b["effect_treated"].predict(x) + p * b["effect_control"].predict(x)
        return b["treated"].predict(x) - b["control"].predict(x)

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "learner": self.learner,
                "columns": self.columns,
                "categories": self.categories,
                "binary": self.binary,
                "treated_share": self.treated_share,
                "boosters": {name: booster.model_to_string() for name, booster in self.boosters.items()},
            }
        ).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "UpliftModel":
        saved = json.loads(data)
        if saved.get("format") != FORMAT:
            raise ValueError(f"Not an uplift model of format {FORMAT}.")
        boosters = {name: lgb.Booster(model_str=text) for name, text in saved.pop("boosters").items()}
        saved.pop("format")
        return cls(**saved, boosters=boosters)

    def _matrix(self, features: pd.DataFrame) -> np.ndarray:
        """Features as floats in training column order; categorical levels as their index (unseen: NaN)."""
        missing = [name for name in self.columns if name not in features.columns]
        if missing:
            raise ValueError(f"Missing feature column(s) {', '.join(missing)}.")
        columns = []
        for name in self.columns:
            values = features[name]
            if name in self.categories:
                codes = pd.Index(self.categories[name]).get_indexer(values.astype(str)).astype(float)
                codes[(codes < 0) | values.isna().to_numpy()] = np.nan
                columns.append(codes)
            else:
                columns.append(pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64))
        return np.column_stack(columns) if columns else np.empty((len(features), 0))

    def _train(self, x: np.ndarray, y: np.ndarray, objective: str, seed: int) -> lgb.Booster:
        categorical = [at for at, name in enumerate(self.columns) if name in self.categories]
        data = lgb.Dataset(x, label=y, categorical_feature=categorical or "auto", free_raw_data=True)
        params = {**PARAMS, "objective": objective, "seed": seed, "deterministic": True}
        return lgb.train(params, data, num_boost_round=ROUNDS)
