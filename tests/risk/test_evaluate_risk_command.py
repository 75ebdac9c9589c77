"""`manage.py evaluate_risk`: the engine and the baseline on external CSVs, and clear errors for bad files."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.risk.ml.planted import planted_events

HEADER = "order_id,amount,channel,device,created_at,placed_at,fraud"
OPTIONS = ["--label", "fraud", "--time", "placed_at", "--account-time", "created_at", "--entities", "device"]


def run(*args) -> str:
    out = StringIO()
    call_command("evaluate_risk", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def write(path, lines):
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path):
    """Planted events as train.csv (first 70%) and test.csv (the rest), columns in upper case."""
    events = planted_events(seed=3)
    cut = int(len(events) * 0.7)
    events.columns = [name.upper() for name in events.columns]
    events.iloc[:cut].to_csv(tmp_path / "train.csv", index=False)
    events.iloc[cut:].to_csv(tmp_path / "test.csv", index=False)
    return str(tmp_path / "train.csv"), str(tmp_path / "test.csv")


def test_prints_the_engine_and_the_baseline_side_by_side(files):
    train, test = files

    output = run("--train", train, "--test", test, *OPTIONS)

    lines = output.splitlines()
    assert lines[1].split()[:5] == ["model", "ROC-AUC", "PR-AUC", "recall@1%FPR", "recall@5%FPR"]
    assert lines[2].startswith("risk engine (LightGBM)")
    assert lines[3].startswith("logistic regression, raw columns")


def test_json_is_one_object_with_both_models(files):
    train, test = files

    result = json.loads(run("--train", train, "--test", test, *OPTIONS, "--json"))

    assert result["train_rows"] + result["test_rows"] == len(planted_events(seed=3))
    assert result["engine"]["roc_auc"] > 0.95 > result["baseline"]["roc_auc"]
    assert set(result["baseline"]) == {"roc_auc", "pr_auc", "recall_at_1pct_fpr", "recall_at_5pct_fpr", "train_seconds"}
    assert "device__accounts" in result["features"]


GOOD = "1,10.0,web,d1,2026-01-01 10:00:00,2026-01-02 10:00:00,0"
FRAUD = "2,12.0,app,d2,2026-01-01 10:00:00,2026-01-01 10:00:05,1"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], r"train\.csv: the file is empty"),
        ([HEADER.replace(",fraud", "")], r"train\.csv, line 1: missing column\(s\) fraud"),
        ([HEADER.replace(",device", ",card"), GOOD, FRAUD], r"train\.csv, line 1: missing entity column\(s\) device"),
        ([HEADER, GOOD, FRAUD, "3,9.0,web,d3"], r"train\.csv, line 4: expected 7 fields, found 4"),
        ([HEADER, GOOD, FRAUD.replace("2026-01-01 10:00:05", "soon")], r"line 3: column 'placed_at' is not a date"),
        (
            [HEADER, GOOD, FRAUD.replace(",1", ",yes")],
            r"line 3: the label 'fraud' is 'yes'; expected 0 or 1",
        ),
        ([HEADER, GOOD, GOOD], r"train\.csv: every label is 0; the file needs both"),
        ([HEADER], r"train\.csv: no rows after the header"),
    ],
)
def test_a_bad_file_stops_with_its_line(files, tmp_path, lines, message):
    _, test = files
    bad = write(tmp_path / "train.csv", lines)

    with pytest.raises(CommandError, match=message):
        run("--train", bad, "--test", test, *OPTIONS)


def test_too_few_frauds_to_train_on_is_an_error_not_a_traceback(files, tmp_path):
    _, test = files
    train = write(tmp_path / "train.csv", [HEADER, GOOD, GOOD, FRAUD, FRAUD])

    with pytest.raises(CommandError, match=r"train\.csv: The labels must be 0 or 1, with at least 5 of each"):
        run("--train", train, "--test", test, *OPTIONS)


def test_a_missing_file_is_named(files, tmp_path):
    train, _ = files

    with pytest.raises(CommandError, match=r"nothere\.csv: no such file"):
        run("--train", train, "--test", str(tmp_path / "nothere.csv"), *OPTIONS)
