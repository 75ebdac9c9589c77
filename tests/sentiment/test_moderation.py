"""Moderation rules on crafted texts: each flag fires on its case and stays silent otherwise."""

import numpy as np

from sentiment.ml.moderation import review_flags

NEGATIVE_TEXT = np.array([0.92, 0.05, 0.03])
POSITIVE_TEXT = np.array([0.02, 0.03, 0.95])
UNSURE = np.array([0.6, 0.2, 0.2])


def codes(**kwargs) -> list[str]:
    base = {"text": "Fine product.", "rating": 4, "probabilities": None, "recent_order": False}
    return [flag.code for flag in review_flags(**{**base, **kwargs})]


def test_five_stars_with_angry_text_contradicts():
    assert codes(rating=5, probabilities=NEGATIVE_TEXT) == ["stars_contradiction"]


def test_one_star_with_glowing_text_contradicts():
    assert codes(rating=1, probabilities=POSITIVE_TEXT) == ["stars_contradiction"]


def test_agreeing_or_unsure_texts_do_not_contradict():
    assert codes(rating=5, probabilities=POSITIVE_TEXT) == []
    assert codes(rating=1, probabilities=NEGATIVE_TEXT) == []
    assert codes(rating=5, probabilities=UNSURE) == []
    assert codes(rating=3, probabilities=NEGATIVE_TEXT) == []


def test_the_stars_fallback_cannot_contradict_the_stars():
    assert codes(rating=5, probabilities=None) == []


def test_links_repeated_characters_shouting_and_abuse():
    assert codes(text="Cheap copies at www.example-deals.com") == ["link"]
    assert codes(text="Buy here https://x.test/a") == ["link"]
    assert codes(text="Sooooooo good!!") == ["repeated_characters"]
    assert codes(text="THIS IS THE WORST THING EVER SOLD") == ["shouting"]
    assert codes(text="The seller are idiots and crooks") == ["abusive"]


def test_ordinary_emphasis_is_not_flagged():
    assert codes(text="Great!!! Love the USB-C port, works with my PC and TV.") == []
    assert codes(text="OK") == []  # too short to shout
    assert codes(text="Terrible, stupidly overpriced rubbish") == []  # harsh about the product, not abusive


def test_reasons_explain_each_flag():
    flags = review_flags(
        text="FIVE STARS BUT IT BROKE ON DAY ONE", rating=5, probabilities=NEGATIVE_TEXT, recent_order=False
    )
    assert [(flag.code, flag.reason) for flag in flags] == [
        ("stars_contradiction", "5 stars, but the text reads negative (92%)."),
        ("shouting", "100% of the letters are capitals."),
    ]


def test_unhappy_recent_buyer_needs_a_recent_order_and_a_low_rating():
    assert codes(rating=1, probabilities=NEGATIVE_TEXT, recent_order=True) == ["unhappy_recent_buyer"]
    assert codes(rating=1, probabilities=NEGATIVE_TEXT, recent_order=False) == []
    assert codes(rating=3, probabilities=NEGATIVE_TEXT, recent_order=True) == []
