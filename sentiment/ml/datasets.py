"""Labelled text files: CSV with a header row naming `text` and `label` (other columns are ignored).

Labels follow sentiment.ml.labels (negative/neutral/positive, 0/1, or 1-5 stars, one scheme per
file). Every problem raises DatasetError with a message naming the file and line.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sentiment.ml.labels import LabelError, labels_parse

MAX_TEXT_CHARACTERS = 20000


class DatasetError(ValueError):
    pass


@dataclass(frozen=True)
class LabelledFile:
    texts: list[str]
    labels: np.ndarray
    scheme: str  # names, binary or stars


def labelled_csv_read(path: str | Path) -> LabelledFile:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file.") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DatasetError(f"{path}, line {line}: not UTF-8 text.") from None
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise DatasetError(f"{path}: the file is empty; expected a header row naming text and label.") from None
    except csv.Error as exc:
        raise DatasetError(f"{path}, line 1: {exc}.") from None
    columns = [name.strip().lower() for name in header]
    missing = [name for name in ("text", "label") if name not in columns]
    if missing:
        raise DatasetError(
            f"{path}, line 1: the header must name the columns text and label (missing: {', '.join(missing)})."
        )
    text_at, label_at = columns.index("text"), columns.index("label")
    texts, labels, lines = [], [], []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise DatasetError(f"{path}, line {line}: {len(row)} columns, but the header has {len(columns)}.")
            text = row[text_at].strip()
            if not text:
                raise DatasetError(f"{path}, line {line}: the text is empty.")
            if len(text) > MAX_TEXT_CHARACTERS:
                raise DatasetError(f"{path}, line {line}: the text is longer than {MAX_TEXT_CHARACTERS} characters.")
            texts.append(text)
            labels.append(row[label_at])
            lines.append(line)
    except csv.Error as exc:
        raise DatasetError(f"{path}, line {reader.line_num}: {exc}.") from None
    if not texts:
        raise DatasetError(f"{path}: no rows after the header.")
    try:
        parsed, scheme = labels_parse(labels)
    except LabelError as exc:
        where = f", line {lines[exc.row]}" if exc.row is not None else ""
        raise DatasetError(f"{path}{where}: {exc}") from None
    return LabelledFile(texts=texts, labels=parsed, scheme=scheme)
