"""`manage.py evaluate_intents` on tiny CSV files, and its errors."""

import json

import pytest
from django.core.management import CommandError, call_command

TRAIN = """text,intent
where is my order,track
where is my parcel,track
has my order shipped,track
track my package please,track
when does my order arrive,track
cancel my order,cancel
please cancel the order,cancel
I want to cancel my purchase,cancel
stop my order now,cancel
cancel it please,cancel
what is the weather,oos
"""
TEST = """text,intent
where is my package,track
cancel my purchase,cancel
"""


@pytest.mark.slow
def test_evaluate_intents_prints_engine_and_baseline_as_json(tmp_path, capsys):
    (tmp_path / "train.csv").write_text(TRAIN)
    (tmp_path / "test.csv").write_text(TEST + "tell me a joke about cats,oos\n")

    call_command(
        "evaluate_intents",
        "--train",
        str(tmp_path / "train.csv"),
        "--test",
        str(tmp_path / "test.csv"),
        "--oos-label",
        "oos",
        "--json",
        "--finetune-seconds",
        "0",
    )

    result = json.loads(capsys.readouterr().out)
    assert (result["train_rows"], result["train_oos_rows"], result["test_rows"], result["test_oos_rows"]) == (
        10,
        1,
        3,
        1,
    )
    assert result["intents"] == 2
    assert result["engine"]["in_scope_accuracy_all_answered"] == 1.0
    assert result["baseline"]["in_scope_accuracy_all_answered"] == 1.0
    assert sorted(result["engine"]) == [
        "accuracy",
        "in_scope_accuracy",
        "in_scope_accuracy_all_answered",
        "macro_f1",
        "oos_recall",
    ]
    assert result["engine_train_seconds"] > 0


@pytest.mark.parametrize(
    ("train", "args", "message"),
    [
        ("text,intent\nhi,greet\nhello,greet\n", [], r"has 1 intent\(s\) besides the out-of-scope label"),
        ("text,label\nhi,greet\n", [], "line 1: the header has no intent column"),
        ("text,intent\nhi,greet\n,bye\n", [], "line 3: the text is empty"),
        (TRAIN, ["--finetune-seconds", "-1"], "--finetune-seconds must not be negative"),
    ],
)
def test_evaluate_intents_errors_stop_with_a_message(tmp_path, train, args, message):
    (tmp_path / "train.csv").write_text(train)
    (tmp_path / "test.csv").write_text(TEST)

    with pytest.raises(CommandError, match=message):
        call_command(
            "evaluate_intents", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv"), *args
        )


def test_missing_test_file_names_the_file(tmp_path):
    (tmp_path / "train.csv").write_text(TRAIN)
    with pytest.raises(CommandError, match=r"nope\.csv: cannot open the file"):
        call_command("evaluate_intents", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "nope.csv"))
