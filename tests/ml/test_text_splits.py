"""Stratified splits shared by the text models (ml.text.splits), with exact values."""

import numpy as np

from ml.text.splits import stratified_holdout, stratified_holdouts, stratified_kfold


def test_a_holdout_takes_a_share_of_each_class_and_one_row_of_a_class_of_two():
    labels = np.array([0] * 20 + [2] * 10 + [1] * 1)
    fit_rows, held = stratified_holdout(labels, share=0.1, seed=0)
    assert sorted(labels[held].tolist()) == [0, 0, 2]
    assert len(fit_rows) + len(held) == len(labels)
    assert not set(fit_rows) & set(held)


def test_classes_under_the_minimum_are_never_held_out():
    labels = np.array([0] * 10 + [1] * 3 + [2] * 2)
    fit, held = stratified_holdout(labels, share=0.2, seed=0, min_class_rows=3)

    assert sorted(labels[held].tolist()) == [0, 0, 1]
    assert len(fit) + len(held) == 15
    assert not set(fit) & set(held)
    # Without the minimum, the class of two gives its one row.
    assert sorted(labels[stratified_holdout(labels, share=0.2, seed=0)[1]].tolist()) == [0, 0, 1, 2]


def test_a_one_row_class_is_held_out_only_when_its_share_rounds_to_one():
    labels = np.array([0] * 4 + [1])
    assert labels[stratified_holdout(labels, share=0.4, seed=0)[1]].tolist() == [0, 0]
    assert sorted(labels[stratified_holdout(labels, share=0.6, seed=0)[1]].tolist()) == [0, 0, 1]


def test_holdouts_are_disjoint_shares_of_each_class():
    labels = np.array([0] * 20 + [2] * 10 + [1] * 2)
    sets = stratified_holdouts(labels, share=0.1, count=3, seed=0)
    assert [sorted(labels[rows].tolist()) for rows in sets] == [[0, 0, 1, 2], [0, 0, 1, 2], [0, 0, 2]]
    assert len(set(np.concatenate(sets).tolist())) == sum(len(rows) for rows in sets)
    # The first set is the one-holdout split's held-out rows.
    np.testing.assert_array_equal(sets[0], stratified_holdout(labels, share=0.1, seed=0)[1])


def test_nothing_is_held_out_at_a_share_of_zero():
    fit, held = stratified_holdout(np.array([0, 0, 1, 1]), share=0.0, seed=0)
    assert (fit.tolist(), held.tolist()) == ([0, 1, 2, 3], [])


def test_kfold_holds_out_every_row_once_and_keeps_rare_labels_in_every_fit():
    labels = np.array([0] * 10 + [1] * 5 + [2] * 2)
    folds = stratified_kfold(labels, folds=5, seed=0)

    held = np.concatenate([held for _, held in folds])
    assert sorted(held.tolist()) == list(range(15))  # label 2 (2 rows < 5 folds) is never held out
    assert [sorted(labels[held].tolist()) for _, held in folds] == [[0, 0, 1]] * 5
    for fit, held in folds:
        assert not set(fit) & set(held)
        assert len(fit) + len(held) == 17


def test_labels_too_small_for_folds_give_no_fold_at_all():
    assert stratified_kfold(np.array([0, 0, 1, 1, 1]), folds=5, seed=0) == []
