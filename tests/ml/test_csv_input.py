"""`ml.csv_input`: the one way the evaluate_* and pricing readers read external CSV tables."""

from pathlib import Path

import pytest

from ml.csv_input import CsvInputError, CsvRow, csv_rows_read


class OwnError(Exception):
    pass


def rows(path: Path, **options) -> list[CsvRow]:
    return list(csv_rows_read(path=path, required=("id", "name"), optional=("weight", "note"), **options))


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "table.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_cells_of_the_named_columns_are_read_stripped_and_other_columns_ignored(tmp_path):
    # given: a byte-order mark, header names in another case and order, an extra column, a blank line
    path = write(tmp_path, '\ufeff Name ,ID,extra,Weight\nann,1,x, 2.5 \n\n"bob, jr",2,y,3\n')

    # when
    read = rows(path)

    # then
    assert read == [
        CsvRow(2, {"id": "1", "name": "ann", "weight": "2.5", "note": None}),
        CsvRow(4, {"id": "2", "name": "bob, jr", "weight": "3", "note": None}),
    ]


def test_an_empty_or_whitespace_only_optional_cell_is_missing(tmp_path):
    # given
    path = write(tmp_path, "id,name,weight,note\n1,ann,,  \n2,bob,\t,hi\n")

    # when
    read = rows(path)

    # then
    assert [row.cells for row in read] == [
        {"id": "1", "name": "ann", "weight": None, "note": None},
        {"id": "2", "name": "bob", "weight": None, "note": "hi"},
    ]


def test_a_row_of_only_blank_cells_is_skipped(tmp_path):
    path = write(tmp_path, "id,name,weight\n , ,\n1,ann,\n")

    assert rows(path) == [CsvRow(3, {"id": "1", "name": "ann", "weight": None, "note": None})]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,name\n1,ann\n2,\n", ", line 3: column 'name' is empty."),
        ("id,name\n1,ann\n  ,bob\n", ", line 3: column 'id' is empty."),
    ],
    ids=["empty", "whitespace only"],
)
def test_an_empty_required_cell_is_an_error_naming_the_line_and_column(tmp_path, content, message):
    path = write(tmp_path, content)

    with pytest.raises(CsvInputError) as error:
        rows(path)

    assert str(error.value) == f"{path}{message}"


BAD_TABLES = [
    # (name, file content, the message after "<path>")
    ("missing column", "id,title\n1,x\n", ", line 1: missing column(s) name (need id, name)."),
    ("missing columns", "title\nx\n", ", line 1: missing column(s) id, name (need id, name)."),
    ("empty file", "", ": the file is empty; expected a header row naming id and name."),
    ("header only", "id,name\n\n", ": no rows after the header."),
    ("repeated column", "id,name,Name\n1,a,b\n", ", line 1: column name appears more than once."),
    ("short row", "id,name,weight\n1,ann,2\n2,bob\n", ", line 3: expected 3 fields, found 2."),
    ("long row", "id,name\n1,ann,2\n", ", line 2: expected 2 fields, found 3."),
    ("not utf-8", b"id,name\n1,ann\n2,caf\xe9\n", ", line 3: not UTF-8 text."),
    ("huge field", f"id,name\n1,ann\n2,{'x' * 200_000}\n", ", line 3: field larger than field limit (131072)."),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_TABLES, ids=[case[0] for case in BAD_TABLES])
def test_a_bad_table_is_refused_naming_the_line(tmp_path, name, content, message):
    path = write(tmp_path, content)

    with pytest.raises(CsvInputError) as error:
        rows(path)

    assert str(error.value) == f"{path}{message}"


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CsvInputError) as error:
        rows(tmp_path / "nope.csv")

    assert str(error.value) == f"{tmp_path / 'nope.csv'}: no such file."


def test_a_reader_words_the_problems_its_own_way_and_raises_its_own_error(tmp_path):
    # given
    path = write(tmp_path, "title\nx\n")
    messages = {"missing_columns": "the header has no {missing: or } column (found: {found:;}); need {required: and }."}

    # when
    with pytest.raises(OwnError) as error:
        rows(path, messages=messages, error=OwnError)

    # then
    assert str(error.value) == f"{path}, line 1: the header has no id or name column (found: title); need id and name."


def test_an_unknown_message_name_is_a_programming_error(tmp_path):
    path = write(tmp_path, "id,name\n1,ann\n")

    with pytest.raises(ValueError, match="Unknown message name"):
        rows(path, messages={"empty_row": "..."})


def test_other_columns_come_as_optional_ones_in_header_order_when_asked_for(tmp_path):
    # given: a table whose every other column is a feature
    path = write(tmp_path, "Color,id,size,name\nred,1,,ann\n")

    # when
    read = rows(path, other_columns=True)

    # then
    assert read == [CsvRow(2, {"id": "1", "name": "ann", "weight": None, "note": None, "color": "red", "size": None})]


def test_a_repeated_other_column_is_an_error_when_other_columns_are_asked_for(tmp_path):
    path = write(tmp_path, "id,name,size,Size\n1,ann,2,3\n")

    with pytest.raises(CsvInputError, match=r"line 1: column size appears more than once\."):
        rows(path, other_columns=True)
