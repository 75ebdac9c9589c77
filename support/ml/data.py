"""Labelled utterance files: CSV with a header row naming `text` and `intent` (other columns ignored)."""

from dataclasses import dataclass
from pathlib import Path

from ml.csv_input import csv_rows_read

MAX_TEXT_LENGTH = 2000
COLUMNS = ("text", "intent")
# How utterance files word the reading problems of ml.csv_input (the rest keep its defaults).
MESSAGES = {
    "no_file": "cannot open the file ({reason}).",
    "unreadable": "cannot open the file ({reason}).",
    "empty_file": "the file is empty; expected a header row `text,intent`.",
    "missing_columns": "the header has no {missing: or } column (found: {found}); expected `text,intent`.",
    "width": "expected {width} columns, found {count}.",
    "empty_cell": "the {column} is empty.",
    "no_rows": "no rows under the header.",
}


class IntentFileError(Exception):
    """A file that cannot be read as labelled utterances; the message names the file and line."""


@dataclass(frozen=True)
class Utterances:
    texts: list[str]
    intents: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def without(self, label: str | None) -> "Utterances":
        """The rows whose intent is not `label`."""
        keep = [i for i, intent in enumerate(self.intents) if intent != label]
        return Utterances([self.texts[i] for i in keep], [self.intents[i] for i in keep])

    def only(self, label: str | None) -> list[str]:
        return [text for text, intent in zip(self.texts, self.intents, strict=True) if intent == label]


def utterances_read_csv(path: str | Path) -> Utterances:
    """Read `text,intent` rows (ml.csv_input): blank or over-long texts, missing intents, ragged rows are errors."""
    path = Path(path)
    texts: list[str] = []
    intents: list[str] = []
    for line, cells in csv_rows_read(path=path, required=COLUMNS, messages=MESSAGES, error=IntentFileError):
        text = cells["text"]
        if len(text) > MAX_TEXT_LENGTH:
            raise IntentFileError(
                f"{path}, line {line}: the text has {len(text)} characters; at most {MAX_TEXT_LENGTH}."
            )
        texts.append(text)
        intents.append(cells["intent"])
    return Utterances(texts, intents)
