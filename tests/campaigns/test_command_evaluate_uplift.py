"""`manage.py evaluate_uplift`: engine, single model and random targeting on CSV files; its errors."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.campaigns.synthetic import campaign_csv_write


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("uplift")
    return campaign_csv_write(folder / "train.csv", 4000, seed=1), campaign_csv_write(folder / "test.csv", 3000, seed=2)


def _run(train: Path, test: Path, *args: str, treatment: str = "offer", outcome: str = "bought") -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command(
        "evaluate_uplift",
        "--train",
        str(train),
        "--test",
        str(test),
        "--treatment",
        treatment,
        "--outcome",
        outcome,
        *args,
        stdout=stdout,
        stderr=stderr,
    )
    return stdout.getvalue(), stderr.getvalue()


def _write(tmp_path: Path, text: str, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_json_gives_the_engine_the_single_model_and_random_targeting_on_the_test_file(files):
    # when
    out, progress = _run(*files, "--json")

    # then
    result = json.loads(out)
    assert (result["train_rows"], result["test_rows"]) == (4000, 3000)
    assert result["features"] == ["spend", "affinity", "noise", "region"]
    assert result["categorical"] == ["region"]
    assert result["outcome_kind"] == "binary"
    assert set(result["engine"]["uplift_at"]) == {"10%", "20%", "30%"}
    assert result["single_model"]["learner"] == "single_model"
    random = result["random"]
    assert result["engine"]["qini"] > random["qini"] + 3 * random["qini_sd"]
    assert "fitting the engine" in progress
    assert "random targeting" in progress


def test_the_table_names_each_ranking(files):
    out, _ = _run(*files)

    assert "engine (" in out
    assert "single model (LightGBM, treatment a feature)" in out
    assert "random targeting (mean of 100 orders)" in out
    assert "categorical: region" in out


@pytest.mark.parametrize(
    ("train_text", "message"),
    [
        (
            "x,offer,bought\n1,1,0\n2,2,1\n",
            r"line 3: treatment column 'offer' must be 1 or 0 \(or 1.0/0.0, true/false, yes/no\), found '2'",
        ),
        ("x,offer,bought\n1,1,0\n2,0,yes\n", r"line 3: outcome column 'bought' is not a number: 'yes'"),
        ("x,offer\n1,1\n", r"line 1: missing column\(s\) bought"),
        ("", r"the file is empty"),
        ("x,offer,bought\n", r"no rows after the header"),
        ("x,offer,bought\n1,1,0\n2,1,1\n", r"every row is treated; uplift needs treated and control rows"),
        ("offer,bought\n1,0\n0,1\n", r"no feature columns"),
        ("x,offer,bought\n1,1,\n", r"line 2: column 'bought' is empty"),
        ("x,offer,bought\n1,1,0\n2,0,1\n3,1,1\n", r"2 treated and 1 control rows; fitting needs at least 20 of each"),
    ],
    ids=[
        "treatment-not-binary",
        "outcome-not-numeric",
        "missing-column",
        "empty",
        "header-only",
        "one-group",
        "no-features",
        "empty-outcome",
        "too-few-rows",
    ],
)
def test_a_bad_training_file_stops_with_a_message_naming_file_and_line(tmp_path, files, train_text, message):
    bad = _write(tmp_path, train_text)

    with pytest.raises(CommandError, match=rf"{bad}(, line \d+)?: .*{message}|{message}"):
        _run(bad, files[1])


def test_a_test_file_is_typed_like_the_training_file(tmp_path, files):
    # a text cell in a column numeric in training
    bad = _write(tmp_path, "spend,affinity,noise,region,offer,bought\n0.1,0.2,0.3,north,1,0\nlots,0.2,0.3,north,0,1\n")
    with pytest.raises(CommandError, match=r"line 3: column 'spend' is numeric in the training file, found 'lots'"):
        _run(files[0], bad)

    # a feature column the training file had
    bad = _write(tmp_path, "spend,noise,region,offer,bought\n0.1,0.3,north,1,0\n0.2,0.3,north,0,1\n")
    with pytest.raises(CommandError, match=r"missing feature column\(s\) affinity"):
        _run(files[0], bad)


def test_the_same_column_as_treatment_and_outcome_is_refused(files):
    with pytest.raises(CommandError, match="same column"):
        _run(*files, treatment="offer", outcome="Offer")
