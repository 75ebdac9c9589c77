"""Label mapping: stars to three classes, and the three schemes of an external label column."""

import pytest

from sentiment.ml.labels import NEGATIVE, NEUTRAL, POSITIVE, LabelError, label_from_stars, labels_parse


def test_stars_map_to_three_classes():
    assert [label_from_stars(stars) for stars in (1, 2, 3, 4, 5)] == [NEGATIVE, NEGATIVE, NEUTRAL, POSITIVE, POSITIVE]


@pytest.mark.parametrize("stars", [0, 6, True, 3.0, "3"])
def test_anything_but_a_whole_star_rating_is_refused(stars):
    with pytest.raises(LabelError):
        label_from_stars(stars)


def test_names_are_read_in_any_case():
    labels, scheme = labels_parse(["Positive", " negative", "NEUTRAL"])
    assert (labels.tolist(), scheme) == ([POSITIVE, NEGATIVE, NEUTRAL], "names")


def test_zeros_and_ones_are_binary():
    labels, scheme = labels_parse(["1", "0", "1"])
    assert (labels.tolist(), scheme) == ([POSITIVE, NEGATIVE, POSITIVE], "binary")


def test_one_to_five_are_stars_even_when_the_file_holds_ones():
    labels, scheme = labels_parse(["1", "5", "3", "2", "4"])
    assert (labels.tolist(), scheme) == ([NEGATIVE, POSITIVE, NEUTRAL, NEGATIVE, POSITIVE], "stars")


def test_a_bad_label_names_its_row():
    with pytest.raises(LabelError) as error:
        labels_parse(["1", "0", "great"])
    assert error.value.row == 2
    assert "'great'" in str(error.value)


def test_zero_mixed_with_stars_is_refused():
    with pytest.raises(LabelError) as error:
        labels_parse(["5", "0", "3"])
    assert error.value.row == 1


def test_a_name_mixed_with_numbers_names_the_number():
    with pytest.raises(LabelError) as error:
        labels_parse(["positive", "1"])
    assert error.value.row == 1
