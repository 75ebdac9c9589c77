"""Warm a web process before it takes traffic.

Models and the sentence encoder load lazily, on first use, so that commands and tests that never
touch them stay fast. A web worker, though, would make its first shoppers wait several seconds
(the support bot's first answer paid ~4.5 s for loading the encoder). gunicorn calls `warm_up`
once per worker before the worker accepts requests (config/gunicorn.py).

Extension point: `core` sits below every app, so it does not know what there is to load. Each app
that has something slow to load registers a step in its `AppConfig.ready`
(`warm_up_step_register("support bot", ...)`); steps run in registration order, which is
INSTALLED_APPS order.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_steps: dict[str, Callable[[], object]] = {}


def warm_up_step_register(name: str, step: Callable[[], object]) -> None:
    """Add a warm-up step; `name` appears in the log if it fails. Registering a name again replaces it."""
    _steps[name] = step


def warm_up(*, heartbeat: Callable[[], None] = lambda: None) -> None:
    """Run every registered step (champion models, the support bot, the aspect lexicon ...); never raise.

    `heartbeat` runs after each step (gunicorn's "still alive" signal, so a slow load on a busy
    machine does not get the worker killed for a timeout)."""
    for name, step in list(_steps.items()):
        try:
            step()
        except Exception:
            # A worker that could not warm up still serves: the same loads happen on first use.
            logger.exception("Warm-up of the %s failed; it will load on first use", name)
        heartbeat()
