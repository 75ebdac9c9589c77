"""`manage.py evaluate_sentiment`: the engine on external CSVs, and clear errors for bad files."""

import json

import pytest
from django.core.management import CommandError, call_command

from tests.sentiment.test_classifier import TEST, TRAIN

NAMES = {0: "negative", 2: "positive"}


def write_csv(path, rows, header="text,label"):
    lines = [header, *(f'"{text}",{label}' for text, label in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("evaluate_sentiment", *args, stdout=out)
    return out.getvalue()


@pytest.mark.slow
def test_trains_the_engine_and_prints_it_beside_tfidf(tmp_path):
    train = write_csv(tmp_path / "train.csv", [(text, NAMES[label]) for text, label in TRAIN])
    test = write_csv(tmp_path / "test.csv", [(text, 1 if label == 2 else 0) for text, label in TEST])

    result = json.loads(
        run(
            "--train",
            str(train),
            "--test",
            str(test),
            "--json",
            "--engine",
            "ensemble",
            "--tune-layers",
            "1",
            "--members",
            "1",
            "--epochs",
            "6",
        )
    )

    assert (result["train_rows"], result["test_rows"], result["test_labels"]) == (12, 6, "binary")
    assert result["engine"]["accuracy"] == 1.0
    assert result["engine"]["accuracy"] > result["tfidf"]["accuracy"]  # no shared words: TF-IDF guesses
    assert result["engine"]["train_seconds"] > 0
    assert set(result["tfidf"]) == {"accuracy", "macro_f1", "train_seconds"}


@pytest.mark.slow
def test_by_default_a_cpu_trains_the_stacked_engine_and_shows_stages_and_a_bar(tmp_path):
    from io import StringIO

    train = write_csv(tmp_path / "train.csv", [(text, NAMES[label]) for text, label in TRAIN])
    test = write_csv(tmp_path / "test.csv", [(text, NAMES[label]) for text, label in TEST])
    out, err = StringIO(), StringIO()

    call_command("evaluate_sentiment", "--train", str(train), "--test", str(test), "--json", stdout=out, stderr=err)

    result = json.loads(out.getvalue())
    assert result["engine"]["model"] == "engine (stacked: frozen encoder + n-grams)"
    assert result["engine"]["accuracy"] == 1.0
    assert "[1/2] Reading the labelled files: done in" in err.getvalue()
    assert "[2/2] Training the stacked engine on 12 rows, scoring 6 100%" in err.getvalue()


@pytest.mark.django_db
def test_without_train_the_champion_scores_the_test_file(tmp_path):
    rows = [("Love it. Brilliant quality, works perfectly.", 5), ("Terrible, awful waste of money.", 1),
            ("It arrived on Tuesday.", 3)]  # fmt: skip
    test = write_csv(tmp_path / "test.csv", rows)

    result = json.loads(run("--test", str(test), "--json"))

    assert result["engine"] == {"accuracy": 1.0, "macro_f1": 1.0, "train_seconds": None, "model": "baseline (VADER)"}
    assert result["tfidf"] is None
    assert result["test_labels"] == "stars"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "test.csv: the file is empty; expected a header row naming text and label."),
        ("words,label\nhi,1\n", "test.csv, line 1: the header must name the columns text and label (missing: text)."),
        ("text,label\ngood,1\nbad,0,extra\n", "test.csv, line 3: 3 columns, but the header has 2."),
        ("text,label\ngood,1\n ,0\n", "test.csv, line 3: the text is empty."),
        (
            "text,label\ngood,positive\nbad,awful\n",
            "test.csv, line 3: Label 'awful' is not one of negative, neutral, positive.",
        ),
        (
            "text,label\ngood,1\nbad,7\n",
            "test.csv, line 3: Label '7' is not negative/neutral/positive, 0/1, or 1-5 stars.",
        ),
        ("text,label\n", "test.csv: no rows after the header."),
    ],
)
def test_bad_files_name_the_line(tmp_path, content, message):
    test = tmp_path / "test.csv"
    test.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("--test", str(test))
    assert str(error.value) == f"{tmp_path}/{message}"


def test_a_missing_file_and_non_utf8_text_are_reported(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.csv: no such file\."):
        run("--test", str(tmp_path / "nope.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"text,label\ngood,1\ncaf\xe9,0\n")
    with pytest.raises(CommandError, match=r"latin\.csv, line 3: not UTF-8 text\."):
        run("--test", str(latin))


def test_training_needs_two_classes(tmp_path):
    train = write_csv(tmp_path / "train.csv", [("good", 1), ("great", 1)])
    test = write_csv(tmp_path / "test.csv", [("bad", 0)])
    with pytest.raises(CommandError, match="only one class"):
        run("--train", str(train), "--test", str(test))
