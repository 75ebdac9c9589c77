"""Labelled utterance files: CSV with a header row naming `text` and `intent` (other columns ignored)."""

import csv
from dataclasses import dataclass
from pathlib import Path

MAX_TEXT_LENGTH = 2000


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
    """Read `text,intent` rows. Blank or over-long texts, missing intents and short rows are errors."""
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise IntentFileError(f"{path}: cannot open the file ({exc.strerror or exc}).") from None
    texts: list[str] = []
    intents: list[str] = []
    with handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise IntentFileError(f"{path}: the file is empty; expected a header row `text,intent`.")
            columns = [name.strip().lower() for name in header]
            missing = [name for name in ("text", "intent") if name not in columns]
            if missing:
                raise IntentFileError(
                    f"{path}, line 1: the header has no {' or '.join(missing)} column "
                    f"(found: {', '.join(header) or 'nothing'}); expected `text,intent`."
                )
            text_at, intent_at = columns.index("text"), columns.index("intent")
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) <= max(text_at, intent_at):
                    raise IntentFileError(f"{path}, line {line}: expected {len(columns)} columns, found {len(row)}.")
                text, intent = row[text_at].strip(), row[intent_at].strip()
                if not text:
                    raise IntentFileError(f"{path}, line {line}: the text is empty.")
                if not intent:
                    raise IntentFileError(f"{path}, line {line}: the intent is empty.")
                if len(text) > MAX_TEXT_LENGTH:
                    raise IntentFileError(
                        f"{path}, line {line}: the text has {len(text)} characters; at most {MAX_TEXT_LENGTH}."
                    )
                texts.append(text)
                intents.append(intent)
        except csv.Error as exc:
            raise IntentFileError(f"{path}, line {reader.line_num}: {exc}.") from None
        except UnicodeDecodeError:
            raise IntentFileError(f"{path}: not UTF-8 text.") from None
    if not texts:
        raise IntentFileError(f"{path}: no rows under the header.")
    return Utterances(texts, intents)
