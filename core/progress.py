"""Progress of long commands on the terminal: numbered stages, and a bar with an ETA for each long one.

    stages = Stages(3, stream=self.stderr)
    with stages("Reading the files"):                       # "[1/3] Reading the files" ... "done in 0.4 s"
        ...
    with stages.bar("Training the engine") as update:      # "[2/3] Training the engine  42%|████  | [00:31<00:43]"
        model = fit(..., progress=update)                  # update(fraction 0..1, message=None)

Bars are tqdm's (on `stream`, stderr by default), so they redraw in place on a terminal and print
sparse lines in a log; a silent stretch longer than a few seconds is what this is here to prevent.
"""

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

BAR_FORMAT = "{desc} {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}{postfix}]"


@contextmanager
def fraction_bar(title: str, *, stream: TextIO | None = None, enabled: bool = True) -> Iterator[Callable[..., None]]:
    """A bar over a fraction from 0 to 1; yields `update(fraction, message=None)` (ml.kinds.Progress)."""
    with tqdm(
        total=1.0, desc=title, bar_format=BAR_FORMAT, file=stream or sys.stderr, disable=not enabled, mininterval=0.5
    ) as bar:

        def update(fraction: float, message: str | None = None) -> None:
            if message is not None:
                bar.set_postfix_str(message, refresh=False)
            bar.update(min(1.0, max(0.0, fraction)) - bar.n)

        yield update
        update(1.0)


class Stages:
    """`count` numbered stages, each timed; `bar(...)` is a stage with a fraction bar."""

    def __init__(self, count: int, *, stream: TextIO | None = None, enabled: bool = True):
        self.count, self.stream, self.enabled = count, stream or sys.stderr, enabled
        self.number = 0

    def _title(self, title: str) -> str:
        self.number += 1
        return f"[{self.number}/{self.count}] {title}"

    @contextmanager
    def __call__(self, title: str) -> Iterator[None]:
        title = self._title(title)
        if self.enabled:
            self.stream.write(f"{title} ...\n")
            self.stream.flush()
        started = time.perf_counter()
        yield
        if self.enabled:
            self.stream.write(f"{title}: done in {time.perf_counter() - started:.1f} s\n")
            self.stream.flush()

    @contextmanager
    def bar(self, title: str) -> Iterator[Callable[..., None]]:
        with fraction_bar(self._title(title), stream=self.stream, enabled=self.enabled) as update:
            yield update
