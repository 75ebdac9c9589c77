"""Labelled text files: CSV with a header row naming `text` and `label` (other columns are ignored).

Labels follow sentiment.ml.labels (negative/neutral/positive, 0/1, or 1-5 stars, one scheme per
file). Every problem raises DatasetError with a message naming the file and line.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.csv_input import csv_rows_read
from sentiment.ml.labels import LabelError, labels_parse

MAX_TEXT_CHARACTERS = 20000
COLUMNS = ("text", "label")
# How labelled files word the reading problems of ml.csv_input (the rest keep its defaults).
MESSAGES = {
    "missing_columns": "the header must name the columns {required: and } (missing: {missing}).",
    "width": "{count} columns, but the header has {width}.",
    "empty_cell": "the {column} is empty.",
}


class DatasetError(ValueError):
    pass


@dataclass(frozen=True)
class LabelledFile:
    texts: list[str]
    labels: np.ndarray
    scheme: str  # names, binary or stars


def labelled_csv_read(path: str | Path) -> LabelledFile:
    """The texts and parsed labels of a labelled file (ml.csv_input reads it; both columns are required)."""
    path = Path(path)
    texts, labels, lines = [], [], []
    for line, cells in csv_rows_read(path=path, required=COLUMNS, messages=MESSAGES, error=DatasetError):
        if len(cells["text"]) > MAX_TEXT_CHARACTERS:
            raise DatasetError(f"{path}, line {line}: the text is longer than {MAX_TEXT_CHARACTERS} characters.")
        texts.append(cells["text"])
        labels.append(cells["label"])
        lines.append(line)
    try:
        parsed, scheme = labels_parse(labels)
    except LabelError as exc:
        where = f", line {lines[exc.row]}" if exc.row is not None else ""
        raise DatasetError(f"{path}{where}: {exc}") from None
    return LabelledFile(texts=texts, labels=parsed, scheme=scheme)
