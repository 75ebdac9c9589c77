"""core.progress: numbered, timed stages and a fraction bar that ends at 100 %."""

import io
import re

from core.progress import Stages


def test_stages_are_numbered_and_timed_and_a_bar_ends_full():
    stream = io.StringIO()
    stages = Stages(2, stream=stream)

    with stages("Reading"):
        pass
    with stages.bar("Training") as update:
        update(0.25, "member 1")
        update(0.5)

    lines = stream.getvalue()
    assert lines.startswith("[1/2] Reading ...\n")
    assert re.search(r"\[1/2\] Reading: done in \d+\.\d s\n", lines)
    assert "[2/2] Training 100%" in lines


def test_disabled_stages_print_nothing():
    stream = io.StringIO()
    stages = Stages(1, stream=stream, enabled=False)
    with stages.bar("Training") as update:
        update(1.0)
    assert stream.getvalue() == ""
