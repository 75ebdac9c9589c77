"""Uplift tables from CSV files: a treatment column (0/1), an outcome column (a number), features.

Read by `ml.csv_input` (one behaviour for every evaluate_* command); every other column is a
feature. A feature column is numeric when every filled cell of the training table parses as a
number, else categorical (its cells kept as text); the test table is typed like the training one,
so a text cell in a numeric column is an error naming its line. Pure: no Django.
"""

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ml.csv_input import csv_rows_read

TREATED = frozenset({"1", "1.0", "true", "yes"})
CONTROL = frozenset({"0", "0.0", "false", "no"})


class UpliftFileError(ValueError):
    """A table the uplift engine cannot use; the message names the file, and the line where there is one."""


@dataclass(frozen=True)
class UpliftTable:
    """One file's rows: feature cells as text (None when empty), treatment 0/1, outcome, file line numbers."""

    path: str
    features: pd.DataFrame
    treatment: np.ndarray
    outcome: np.ndarray
    lines: np.ndarray


def uplift_csv_read(path: str | Path, *, treatment: str, outcome: str) -> UpliftTable:
    """Read a table; a treatment other than 0/1 (or true/false, yes/no), a non-numeric outcome, a missing
    column, no feature column, an empty file or one whose rows are all treated (or all control) raise."""
    treatment, outcome = treatment.strip().lower(), outcome.strip().lower()
    if treatment == outcome:
        raise UpliftFileError(f"The treatment and the outcome are the same column ({treatment!r}).")
    rows = csv_rows_read(path=path, required=(treatment, outcome), error=UpliftFileError, other_columns=True)
    treated, outcomes, lines, cells = [], [], [], []
    for line, row in rows:
        flag = row.pop(treatment).lower()
        if flag not in TREATED | CONTROL:
            raise UpliftFileError(
                f"{path}, line {line}: treatment column {treatment!r} must be 1 or 0 "
                f"(or 1.0/0.0, true/false, yes/no), found {flag!r}."
            )
        value = row.pop(outcome)
        number = _number(value)
        if number is None:
            raise UpliftFileError(f"{path}, line {line}: outcome column {outcome!r} is not a number: {value!r}.")
        treated.append(flag in TREATED)
        outcomes.append(number)
        lines.append(line)
        cells.append(row)
    features = pd.DataFrame(cells, dtype=object)
    if features.shape[1] == 0:
        raise UpliftFileError(f"{path}: no feature columns; every column other than {treatment} and {outcome} is one.")
    table = UpliftTable(
        path=str(path),
        features=features,
        treatment=np.asarray(treated, dtype=np.int8),
        outcome=np.asarray(outcomes, dtype=np.float64),
        lines=np.asarray(lines),
    )
    groups = set(table.treatment.tolist())
    if len(groups) < 2:
        which = "treated" if 1 in groups else "control"
        raise UpliftFileError(f"{path}: every row is {which}; uplift needs treated and control rows.")
    return table


def numeric_columns(features: pd.DataFrame) -> list[str]:
    """The columns whose every filled cell is a number (the others are categorical)."""
    return [
        name
        for name in features.columns
        if all(_number(cell) is not None for cell in features[name] if cell is not None)
    ]


def features_typed(table: UpliftTable, *, numeric: list[str], columns: list[str] | None = None) -> pd.DataFrame:
    """The table's features with `numeric` columns as floats (NaN when empty) and the rest as text.

    `columns` (the training table's) are the ones kept, in that order; a missing one, or a text cell in a
    numeric column, raises naming the file (and the line)."""
    columns = list(table.features.columns) if columns is None else columns
    missing = [name for name in columns if name not in table.features.columns]
    if missing:
        raise UpliftFileError(
            f"{table.path}: missing feature column(s) {', '.join(missing)} (the training file has them)."
        )
    frame = table.features[columns].copy()
    for name in numeric:
        values = [np.nan if cell is None else _number(cell) for cell in frame[name]]
        for at, value in enumerate(values):
            if value is None:
                raise UpliftFileError(
                    f"{table.path}, line {table.lines[at]}: column {name!r} is numeric in the training file, "
                    f"found {frame[name].iloc[at]!r}."
                )
        frame[name] = np.asarray(values, dtype=np.float64)
    return frame


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
