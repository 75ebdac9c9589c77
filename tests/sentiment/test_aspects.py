"""Aspect extraction on crafted reviews: candidates, grouping by embedding similarity, ranking."""

import numpy as np

from sentiment.ml.aspects import Mention, aspects_group, aspects_rank, candidates, clauses


def test_clauses_split_at_sentence_ends_and_but():
    assert clauses("The battery life is great but the strap broke. Fast delivery!") == [
        "The battery life is great",
        "the strap broke",
        "Fast delivery",
    ]


def test_candidates_are_runs_of_content_words():
    assert candidates("The battery life is great") == ["battery life"]
    assert candidates("the charging cable stopped working after a week") == ["charging cable"]
    assert candidates("The fit is perfect, true to size") == ["fit", "size"]
    assert candidates("Lovely fabric, it feels really premium") == ["fabric"]
    assert candidates("I love it") == []
    assert candidates("I am 100 per cent happy with the straps") == ["straps"]


def test_idioms_and_verbs_in_the_third_person_are_not_aspects():
    assert candidates("Five stars, no question") == []
    assert candidates("Stays firmly in place, love it.") == []
    assert candidates("It slips all over the place, the grip is poor") == ["grip"]
    assert candidates("Absorbs quickly and cleans up easily") == []


def test_a_phrase_ends_in_a_word_that_can_be_a_noun():
    # adjectives and verb forms that no word list names, told by the lexicon
    assert candidates("Honestly the best duvet cover I have owned") == ["duvet cover"]
    assert candidates("Great texture, not greasy at all") == ["texture"]
    assert candidates("Fades within an hour, poor longevity") == ["longevity"]
    assert candidates("The stitching is neat and the sizing is accurate") == ["stitching", "sizing"]
    # a word the lexicon does not know may name a product part
    assert candidates("Comfortable earbuds") == ["earbuds"]


def test_a_word_after_a_subject_pronoun_is_a_verb():
    assert candidates("Horrible texture, it pills on the skin") == ["texture", "skin"]
    assert candidates("this colour is lovely") == ["colour"]


def test_a_clause_without_its_subject_starts_with_the_verb():
    assert candidates("Smells wonderful and subtle") == []
    assert candidates("Fell apart quickly, poor durability") == ["durability"]
    # a noun that starts a clause stays
    assert candidates("Straps are comfy") == ["straps"]
    assert candidates("Colour on the box is wrong") == ["colour", "box"]


def test_product_words_are_excluded():
    assert candidates("This Aurora jacket has a great hood", exclude=frozenset({"aurora", "jacket"})) == ["hood"]


def word_vectors(phrases: list[str]) -> np.ndarray:
    """A transparent stand-in for sentence embeddings: phrases sharing their head word are similar."""
    vocabulary = sorted({word for phrase in phrases for word in phrase.split()})
    vectors = np.zeros((len(phrases), len(vocabulary)))
    for row, phrase in enumerate(phrases):
        words = phrase.split()
        for word in words:
            vectors[row, vocabulary.index(word)] = 1.0
        vectors[row, vocabulary.index(words[0])] += 2.0  # the first word weighs most
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_similar_phrases_group_under_the_most_frequent():
    mentions = [
        Mention("battery", 1, 0.9),
        Mention("battery", 2, 0.7),
        Mention("battery life", 3, 0.8),
        Mention("strap", 1, -0.8),
    ]
    groups = aspects_group(mentions, encode=word_vectors, similarity=0.8)
    assert [(g.phrase, g.mentions, round(g.score, 2), g.review_ids, g.phrases) for g in groups] == [
        ("battery", 3, 0.8, [1, 2, 3], ["battery", "battery life"]),
        ("strap", 1, -0.8, [1], ["strap"]),
    ]


def test_liked_and_disliked_need_enough_reviews_and_a_clear_score():
    mentions = [
        *(Mention("battery", review, 0.9) for review in (1, 2, 3)),
        *(Mention("strap", review, -0.7) for review in (1, 4)),
        *(Mention("box", review, 0.1) for review in (2, 5)),  # lukewarm: neither
        Mention("screen", 6, 1.0),  # one review only
    ]
    liked, disliked = aspects_rank(mentions, encode=word_vectors, min_mentions=2)
    assert [(a.phrase, a.mentions) for a in liked] == [("battery", 3)]
    assert [(a.phrase, a.mentions) for a in disliked] == [("strap", 2)]
