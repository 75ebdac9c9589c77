"""Reply latency through the whole API (throttle, dialogue, model, database), served by the seeded model.

Prints p50/p95 over 40 messages (run with -s to see them); fails only when p95 passes one second,
ten times the target, which would mean something pathological (e.g. re-encoding the FAQ per message).
"""

import time

import numpy as np
import pytest

from support import inference
from support.api import SupportThrottle

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MESSAGES = [
    "hello",
    "what delivery options do you have",
    "which payment methods do you accept",
    "do you have a discount code",
    "I forgot my password",
    "thanks",
    "what goes with this",
    "what is the capital of Australia",
]


def test_reply_p95_through_the_api(chat, settings, monkeypatch):
    settings.SUPPORT_HANDOFF_AFTER_MISUNDERSTOOD = 1000  # keep every message on the normal path
    monkeypatch.setattr(SupportThrottle, "THROTTLE_RATES", {"support": "10000/min"})
    inference.understand("warm up")
    chat.say("hello")
    times = []
    for i in range(40):
        started = time.perf_counter()
        chat.say(MESSAGES[i % len(MESSAGES)])
        times.append(1000 * (time.perf_counter() - started))

    p50, p95 = np.percentile(times, 50), np.percentile(times, 95)
    print(f"\nsupport reply latency over {len(times)} API messages: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    assert p95 < 1000
