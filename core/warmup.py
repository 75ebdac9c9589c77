"""Warm a web process before it takes traffic.

Models and the sentence encoder load lazily, on first use, so that commands and tests that never
touch them stay fast. A web worker, though, would make its first shoppers wait several seconds
(the support bot's first answer paid ~4.5 s for loading the encoder). gunicorn calls `warm_up`
once per worker before the worker accepts requests (config/gunicorn.py).
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)


def warm_up(*, heartbeat: Callable[[], None] = lambda: None) -> None:
    """Load every champion model, the sentence encoder, the support bot's FAQ index and the lexicon
    of review aspects; never raise.

    `heartbeat` runs after each step (gunicorn's "still alive" signal, so a slow load on a busy
    machine does not get the worker killed for a timeout)."""
    from ml.loader import champions_warm
    from sentiment.ml.aspects import lexicon_load
    from support.nlu import understand

    steps = (
        ("champion models", champions_warm),
        ("support bot", lambda: understand("hello")),
        ("aspect lexicon", lexicon_load),
    )
    for name, step in steps:
        try:
            step()
        except Exception:
            # A worker that could not warm up still serves: the same loads happen on first use.
            logger.exception("Warm-up of the %s failed; it will load on first use", name)
        heartbeat()
