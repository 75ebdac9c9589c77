"""`manage.py evaluate_recommender`: the engine and popularity measured on external interaction files."""

import csv
import json
import math
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from recommendations.ml.interactions import interactions_read_csv
from recommendations.ml.split import random_per_user
from tests.recommendations.planted import taste_groups

METRICS = ("precision_at_5", "recall_at_5", "ndcg_at_5", "map_at_5", "hit_rate_at_5", "coverage")


@pytest.fixture(autouse=True)
def _cpu(settings):
    settings.ML_DEVICE = "cpu"


def write(path: Path, rows: list[list], header=("user_id", "item_id")) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def planted_files(folder: Path, *, unknown_test_users: int = 0) -> tuple[Path, Path]:
    """Taste-group interactions of 60 users over 40 items, split 75/25 per user, ids as strings."""
    users, items = taste_groups(users=60, items=40, groups=3, per_user=12, seed=2)
    held_out = random_per_user(users, test_fraction=0.25, seed=2)
    rows = [[f"u{user}", f"i{item}"] for user, item in zip(users, items, strict=True)]
    train = [row for row, out in zip(rows, held_out, strict=True) if not out]
    test = [row for row, out in zip(rows, held_out, strict=True) if out]
    test += [[f"stranger{n}", "i1"] for n in range(unknown_test_users)]
    return write(folder / "train.csv", train), write(folder / "test.csv", test)


def run(*args: str) -> str:
    out = StringIO()
    call_command("evaluate_recommender", *args, stdout=out)
    return out.getvalue()


def test_json_output_has_the_engine_beating_popularity_on_planted_tastes(tmp_path):
    # given
    train, test = planted_files(tmp_path, unknown_test_users=2)

    # when
    result = json.loads(run("--train", str(train), "--test", str(test), "--k", "5", "--json", "--tune-seconds", "1"))

    # then
    assert sorted(result) == sorted(
        [
            "k",
            "engine",
            "popularity",
            "train_seconds",
            "tune_seconds",
            "trials",
            "engine_params",
            "device",
            "validation",
            "users_evaluated",
            "test_users",
            "test_users_unknown",
            "train_interactions",
            "train_users",
            "train_items",
        ]
    )
    assert (result["k"], result["device"], result["validation"]) == (5, "cpu", "random")
    assert sorted(result["engine"]) == sorted(METRICS) == sorted(result["popularity"])
    assert (result["users_evaluated"], result["test_users"], result["test_users_unknown"]) == (60, 62, 2)
    assert (result["train_interactions"], result["train_users"], result["train_items"]) == (540, 60, 40)
    assert sorted(result["engine_params"]) == ["alpha", "confidence", "factors", "iterations", "regularization"]
    assert result["trials"] >= 1
    assert 0 < result["tune_seconds"] <= result["train_seconds"]
    assert result["engine"]["ndcg_at_5"] > result["popularity"]["ndcg_at_5"] + 0.2


def test_the_table_shows_the_same_figures_side_by_side(tmp_path):
    # given: no search (one trial of the defaults), so both runs train the same model
    train, test = planted_files(tmp_path, unknown_test_users=2)
    args = ("--train", str(train), "--test", str(test), "--k", "5", "--tune-seconds", "0")

    # when
    table = run(*args).splitlines()
    figures = json.loads(run(*args, "--json"))

    # then
    assert table[0].startswith("Trained on 540 interactions (60 users, 40 items) on cpu in ")
    assert table[0].endswith(" s: 1 trials on random validation folds of the training file).")
    assert table[1] == (
        "Engine: implicit ALS with factors 64, regularization 9.0, alpha 3.0, iterations 15, confidence none."
    )
    assert table[2] == "Evaluated 60 of 62 test users at k = 5 (2 unknown in the training file, skipped)."
    assert table[3:5] == ["", "metric                engine  popularity"]
    labels = ["precision@5", "recall@5", "NDCG@5", "MAP@5", "hit rate@5", "catalog coverage"]
    assert table[5:] == [
        f"{label:<18}{figures['engine'][name]:>10.4f}{figures['popularity'][name]:>12.4f}"
        for label, name in zip(labels, METRICS, strict=True)
    ]


def test_a_test_file_that_follows_the_training_file_in_time_gets_latest_validation_folds(tmp_path):
    # given: every user's test interactions come after their training ones
    users, items = taste_groups(users=30, items=30, groups=3, per_user=10, seed=4)
    pairs = enumerate(zip(users, items, strict=True))
    rows = [[f"u{user}", f"i{item}", 1000 + position] for position, (user, item) in pairs]
    header = ("user_id", "item_id", "timestamp")
    train = write(tmp_path / "train.csv", [row for row in rows if (row[2] - 1000) % 10 < 8], header)
    test = write(tmp_path / "test.csv", [row for row in rows if (row[2] - 1000) % 10 >= 8], header)

    # when
    result = json.loads(run("--train", str(train), "--test", str(test), "--json", "--tune-seconds", "0"))

    # then
    assert (result["validation"], result["users_evaluated"]) == ("latest", 30)


def test_weights_timestamps_and_extra_columns_are_read(tmp_path):
    # given
    path = tmp_path / "log.csv"
    path.write_text(
        "Timestamp,item_id,rating,user_id,weight\n"
        "1700000000,tea,5,ann,2.5\n"
        "2024-01-02T03:04:05Z,mug,4,bob,1\n"
        "\n"
        "2024-01-02 03:04:05,mug,3,ann,0.5\n"
    )

    # when
    log = interactions_read_csv(path)

    # then
    assert (log.user_ids.tolist(), log.item_ids.tolist()) == (["ann", "bob", "ann"], ["tea", "mug", "mug"])
    assert log.weights.tolist() == [2.5, 1.0, 0.5]
    assert log.times.tolist() == [1700000000.0, 1704164645.0, 1704164645.0]


def test_empty_weight_and_timestamp_cells_are_read_as_missing(tmp_path):
    # given: optional columns present, some of their cells empty or blank
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,weight,timestamp\nann,tea,,1700000000\nbob,mug,2, \n")

    # when
    log = interactions_read_csv(path)

    # then: weight 1 and an unknown time where the cell is empty
    assert log.weights.tolist() == [1.0, 2.0]
    assert log.times[0] == 1700000000.0
    assert math.isnan(log.times[1])


def test_a_timestamp_column_with_empty_cells_is_evaluated_as_without_timestamps(tmp_path):
    # given: the planted files with a timestamp column that is empty on every row
    train, test = planted_files(tmp_path)
    for path in (train, test):
        lines = path.read_text().splitlines()
        path.write_text("\n".join([f"{lines[0]},timestamp", *(f"{line}," for line in lines[1:])]) + "\n")

    # when
    result = json.loads(run("--train", str(train), "--test", str(test), "--json", "--tune-seconds", "0"))

    # then: no times known, so random validation folds as for a file without the column
    assert (result["validation"], result["users_evaluated"], result["train_interactions"]) == ("random", 60, 540)


BAD_FILES = [
    # (name, file bytes or None for a missing file, the message after "<path>")
    ("missing", None, ": cannot be read (No such file or directory)."),
    ("empty", b"", ": the file is empty; expected a header line such as user_id,item_id,weight,timestamp."),
    ("header only", b"user_id,item_id\n", ": no interactions after the header line."),
    (
        "missing column",
        b"user,item_id\nann,tea\n",
        ", line 1: missing column user_id; the header must name user_id and item_id (optionally weight and "
        "timestamp), found: user,item_id.",
    ),
    ("repeated column", b"user_id,item_id,item_id\nann,tea,mug\n", ", line 1: column item_id appears more than once."),
    (
        "non-numeric weight",
        b"user_id,item_id,weight\nann,tea,1\nann,mug,lots\n",
        ", line 3: weight 'lots' is not a number.",
    ),
    ("zero weight", b"user_id,item_id,weight\nann,tea,0\n", ", line 2: weight '0' must be a number greater than 0."),
    (
        "bad timestamp",
        b"user_id,item_id,timestamp\nann,tea,1700000000\nbob,tea,yesterday\n",
        ", line 3: timestamp 'yesterday' is neither Unix seconds nor an ISO 8601 date-time.",
    ),
    ("extra field", b"user_id,item_id\nann,tea\nbob,mug\nbob,mug,3\n", ", line 4: expected 2 fields, found 3."),
    ("empty id", b"user_id,item_id\nann,tea\n,mug\n", ", line 3: user_id and item_id must not be empty."),
    ("not utf-8", b"user_id,item_id\nann,t\xe9a\n", ", line 2: the text is not UTF-8."),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_training_file_is_refused_naming_the_line(tmp_path, capsys, name, content, message):
    # given
    _, test = planted_files(tmp_path)
    bad = tmp_path / "bad.csv"
    if content is not None:
        bad.write_bytes(content)

    # when
    with pytest.raises(CommandError) as error:
        run("--train", str(bad), "--test", str(test))

    # then
    assert str(error.value) == f"{bad}{message}"
    assert capsys.readouterr().out == ""


def test_a_bad_test_file_is_refused_too(tmp_path):
    # given
    train, _ = planted_files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("user_id,item_id,timestamp\nu1,i1,soon\n")

    # when / then
    with pytest.raises(CommandError, match=r"bad\.csv, line 2: timestamp 'soon' is neither Unix seconds"):
        run("--train", str(train), "--test", str(bad))


def test_test_users_all_unknown_to_the_training_file_are_an_error(tmp_path):
    # given
    train, _ = planted_files(tmp_path)
    test = write(tmp_path / "strangers.csv", [["x1", "i1"], ["x2", "i2"]])

    # when / then
    with pytest.raises(CommandError) as error:
        run("--train", str(train), "--test", str(test))
    assert str(error.value) == (
        "No held-out user can be evaluated: 2 of 2 do not occur in the training data, and the others have no "
        "held-out item beyond their training items."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--k", "0"), "--k must be at least 1, not 0."),
        (("--tune-seconds", "-1"), "--tune-seconds must not be negative"),
    ],
)
def test_bad_options_are_refused(tmp_path, args, message):
    train, test = planted_files(tmp_path)
    with pytest.raises(CommandError, match=message):
        run("--train", str(train), "--test", str(test), *args)


def test_from_the_shell_a_bad_file_exits_non_zero_with_the_message_and_no_traceback(tmp_path):
    # given
    train, _ = planted_files(tmp_path)
    bad = write(tmp_path / "bad.csv", [["ann", "tea", "x"]], header=("user_id", "item_id", "weight"))

    # when
    done = subprocess.run(
        [sys.executable, "manage.py", "evaluate_recommender", "--train", str(train), "--test", str(bad)],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    # then
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"CommandError: {bad}, line 2: weight 'x' is not a number." in done.stderr
    assert "Traceback" not in done.stderr
