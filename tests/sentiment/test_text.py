"""Text clean-up before the classifier: tokenised research corpora read like running text."""

import pytest

from sentiment.ml.text import treebank_untokenise


@pytest.mark.parametrize(
    ("tokenised", "running"),
    [
        ("it does n't work , and we ca n't return it", "it doesn't work , and we can't return it"),
        ("moore 's best film -lrb- so far -rrb-", "moore's best film ( so far )"),
        ("`` a triumph '' , they 're saying", '" a triumph " , they\'re saying'),
        ("writer\\/director", "writer/director"),
    ],
)
def test_penn_treebank_tokenisation_is_undone(tokenised, running):
    assert treebank_untokenise(tokenised) == running


@pytest.mark.parametrize(
    "text",
    ["I don't like it, it's too small.", "Rock 'n' roll fans: press the 'm' key", "Five stars (really!)", ""],
)
def test_ordinary_text_passes_unchanged(text):
    assert treebank_untokenise(text) == text
