"""The three sentiment classes and how external labels map onto them.

A label column is read as a whole, in one of three schemes (decided by the values it holds):

- names: `negative`, `neutral`, `positive` (any case)
- binary: `0` (negative) and `1` (positive)
- stars: `1` to `5`; 1-2 stars negative, 3 neutral, 4-5 positive

A column of only 0s and 1s is binary; one with values from 1 to 5 (and some above 1) is stars.
"""

from collections.abc import Sequence

import numpy as np

LABELS = ("negative", "neutral", "positive")
NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2


class LabelError(ValueError):
    """A label that fits no scheme; `row` is its 0-based position in the column."""

    def __init__(self, message: str, *, row: int | None = None):
        super().__init__(message)
        self.row = row


def label_from_stars(stars: int) -> int:
    """1-2 stars negative, 3 neutral, 4-5 positive."""
    if isinstance(stars, bool) or not isinstance(stars, int | np.integer) or not 1 <= stars <= 5:
        raise LabelError(f"A star rating must be a whole number from 1 to 5, not {stars!r}.")
    return NEGATIVE if stars <= 2 else NEUTRAL if stars == 3 else POSITIVE


def labels_parse(values: Sequence[str]) -> tuple[np.ndarray, str]:
    """(class indices, scheme name) of a label column; LabelError naming the first bad row otherwise."""
    cleaned = [str(value).strip().lower() for value in values]
    if not cleaned:
        return np.zeros(0, dtype=np.int64), "names"
    if any(value in LABELS for value in cleaned):
        scheme = "names"
    else:
        numbers = set()
        for row, value in enumerate(cleaned):
            if value not in {"0", "1", "2", "3", "4", "5"}:
                raise LabelError(f"Label {value!r} is not negative/neutral/positive, 0/1, or 1-5 stars.", row=row)
            numbers.add(int(value))
        scheme = "binary" if numbers <= {0, 1} else "stars"
        if scheme == "stars" and 0 in numbers:
            row = cleaned.index("0")
            raise LabelError("Label '0' mixed with star ratings 2-5: use 0/1 or 1-5 stars, not both.", row=row)
    result = np.empty(len(cleaned), dtype=np.int64)
    for row, value in enumerate(cleaned):
        if scheme == "names":
            if value not in LABELS:
                raise LabelError(f"Label {value!r} is not one of negative, neutral, positive.", row=row)
            result[row] = LABELS.index(value)
        elif scheme == "binary":
            result[row] = POSITIVE if value == "1" else NEGATIVE
        else:
            result[row] = label_from_stars(int(value))
    return result, scheme
