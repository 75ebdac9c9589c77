"""Labelled event files for `evaluate_risk`: CSV with a header row, one event (order) per row.

The label column holds 0 (legitimate) or 1 (fraud); the named time columns hold dates and times;
the named entity columns must be in the header (an empty entity cell is missing); every other
column is a feature whose type `risk.ml.features` detects. `ml.csv_input` reads the file; every
problem raises DatasetError with a message naming the file and, where it is one row's, the line.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ml.csv_input import csv_rows_read
from risk.ml.features import FeatureError, times_parse

LABELS = {"0": 0, "1": 1, "0.0": 0, "1.0": 1}


class DatasetError(ValueError):
    pass


@dataclass(frozen=True)
class EventFile:
    frame: pd.DataFrame  # the feature columns, entities and times as text (missing: None)
    labels: np.ndarray  # 0/1 per row
    lines: list[int]  # the file's line number per row


def events_csv_read(
    path: str | Path, *, label: str, time: str | None, account_time: str | None, entities: Sequence[str]
) -> EventFile:
    """The rows of a labelled event file, checked as the module describes (column names in lower case)."""
    path = Path(path)
    required = [name for name in (label, time, account_time) if name]
    records, labels, lines = [], [], []
    for line, cells in csv_rows_read(path=path, required=required, error=DatasetError, other_columns=True):
        if not records:
            missing = [name for name in entities if name not in cells]
            if missing:
                raise DatasetError(f"{path}, line 1: missing entity column(s) {', '.join(missing)}.")
        value = cells.pop(label)
        if value not in LABELS:
            raise DatasetError(f"{path}, line {line}: the label {label!r} is {value!r}; expected 0 or 1.")
        labels.append(LABELS[value])
        records.append(cells)
        lines.append(line)
    labels = np.array(labels, dtype=int)
    if len(set(labels.tolist())) < 2:
        raise DatasetError(f"{path}: every label is {labels[0]}; the file needs both 0 (legitimate) and 1 (fraud).")
    frame = pd.DataFrame.from_records(records)
    for name in (time, account_time):
        if name:
            try:
                frame[name] = times_parse(frame[name], column=name)
            except FeatureError as exc:
                row = exc.args[1]
                raise DatasetError(
                    f"{path}, line {lines[row]}: column {name!r} is not a date and time: {records[row][name]!r}."
                ) from None
    return EventFile(frame=frame, labels=labels, lines=lines)
