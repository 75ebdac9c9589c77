"""External CSV tables (the data sets of the evaluate_* and pricing commands), read one way by every app.

A table is a UTF-8 file with a header row naming its columns (in any case, spaces around a name
ignored). `csv_rows_read` checks that the required columns are there, then yields per row the
stripped cells of the required and optional columns: an empty or whitespace-only cell of an
optional column, like an optional column the header lacks, is None (missing), while an empty
required cell is an error naming the line and the column. Other columns are ignored (unless the
reader asks for them with `other_columns=True`: then they come as optional ones, in header order,
for tables whose every other column is a feature) and rows of only blank cells skipped; every
other row must have as many fields as the header.

Each problem raises the caller's error type with the message `<path>, line <n>: <what>` (or
`<path>: <what>` for the file as a whole). `MESSAGES` holds the default <what> per problem; a
reader may word any of them in its own data set's terms (the `messages` argument), so moving a
reader here keeps the errors its users know. Pure Python: no Django.
"""

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

# Problem -> str.format template. Fields: required, optional, missing, found (the header as
# written) and repeated are lists of column names, which format as their names joined by the
# format spec (", " without one: "{missing: or }" gives "text or intent"), or "nothing" when
# empty; column (the empty cell's), width (the header's field count), count (the row's) and
# reason (from the operating system or the csv module).
MESSAGES: Mapping[str, str] = {
    "no_file": "no such file.",
    "unreadable": "cannot be read ({reason}).",
    "not_utf8": "not UTF-8 text.",
    "malformed": "{reason}.",
    "empty_file": "the file is empty; expected a header row naming {required: and }.",
    "missing_columns": "missing column(s) {missing} (need {required}).",
    "repeated_columns": "column {repeated} appears more than once.",
    "width": "expected {width} fields, found {count}.",
    "empty_cell": "column {column!r} is empty.",
    "no_rows": "no rows after the header.",
}


Problem = Callable[..., Exception]  # (problem name, line or None, **template fields) -> the error to raise


class CsvInputError(ValueError):
    """A table that cannot be read; what csv_rows_read raises unless the caller names its own error type."""


class CsvRow(NamedTuple):
    """One data row: its line number (of its last line, for a quoted field over several) and its cells.

    `cells` maps every required and optional column to its stripped text; optional ones to None when missing.
    """

    line: int
    cells: dict[str, str | None]


class _Names(tuple[str, ...]):
    """Column names for a message template: joined by the format spec (", " by default), "nothing" if none."""

    def __format__(self, separator: str) -> str:
        return (separator or ", ").join(self) or "nothing"


def csv_rows_read(
    *,
    path: str | Path,
    required: Sequence[str],
    optional: Sequence[str] = (),
    messages: Mapping[str, str] | None = None,
    error: type[Exception] = CsvInputError,
    other_columns: bool = False,
) -> Iterator[CsvRow]:
    """The data rows of the table at `path` (lower-case column names), checked as the module describes.

    A generator: the file is opened and the header checked when the first row is asked for, and a
    file without data rows raises (`no_rows`) once the last line is read.
    """
    unknown = set(messages or {}) - set(MESSAGES)
    if unknown:
        raise ValueError(
            f"Unknown message name(s) {', '.join(sorted(unknown))}; expected some of {', '.join(MESSAGES)}."
        )
    templates = {**MESSAGES, **(messages or {})}
    names = {"required": _Names(required), "optional": _Names(optional)}

    def problem(name: str, line: int | None = None, **fields: object) -> Exception:
        where = f"{path}, line {line}" if line else str(path)
        return error(f"{where}: {templates[name].format(**names, **fields)}")

    try:
        with open(path, "rb") as handle:
            yield from _rows(
                handle, problem, required=tuple(required), optional=tuple(optional), other_columns=other_columns
            )
    except FileNotFoundError as exc:
        raise problem("no_file", reason=exc.strerror or exc) from None
    except OSError as exc:
        raise problem("unreadable", reason=exc.strerror or exc) from None


def _rows(
    handle: BinaryIO,
    problem: Problem,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    other_columns: bool = False,
) -> Iterator[CsvRow]:
    reader = csv.reader(_decoded_lines(handle, problem))
    found = False
    try:
        header = next(reader, None)
        if header is None:
            raise problem("empty_file")
        columns = [name.strip().lower() for name in header]
        missing = [name for name in required if name not in columns]
        if missing:
            raise problem("missing_columns", 1, missing=_Names(missing), found=_Names(header))
        if other_columns:
            optional += tuple(name for name in dict.fromkeys(columns) if name and name not in required + optional)
        repeated = [name for name in dict.fromkeys(required + optional) if columns.count(name) > 1]
        if repeated:
            raise problem("repeated_columns", 1, repeated=_Names(repeated))
        positions = {name: columns.index(name) for name in required + optional if name in columns}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise problem("width", line, width=len(header), count=len(row))
            cells = {name: row[at].strip() for name, at in positions.items()}
            for name in required:
                if not cells[name]:
                    raise problem("empty_cell", line, column=name)
            found = True
            yield CsvRow(line, {name: cells.get(name) or None for name in required + optional})
    except csv.Error as exc:
        raise problem("malformed", reader.line_num, reason=exc) from None
    if not found:
        raise problem("no_rows")


def _decoded_lines(handle: BinaryIO, problem: Problem) -> Iterator[str]:
    """The file's lines as text, decoded one by one so that a decoding error can name its line."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise problem("not_utf8", number) from None
