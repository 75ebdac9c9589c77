"""Anchor sentences: a small labelled seed set written for this project (no third-party data).

A new store has few reviews, and stars alone rarely give enough neutral or negative texts. The
`sentiment` kind adds these sentences to every training set (sentiment.kinds), so the first
trained version already knows the three classes; as the store's own reviews grow they outweigh
the seed. Before any version is trained, the kind's baseline (VADER, a lexicon model) scores.
"""

from sentiment.ml.labels import NEGATIVE, NEUTRAL, POSITIVE

SEED = {
    POSITIVE: (
        "I love it, works perfectly.",
        "Excellent quality, exactly as described.",
        "Really happy with this purchase.",
        "Fantastic value for the money.",
        "Arrived quickly and looks great.",
        "Very comfortable and well made.",
        "The battery lasts for days, brilliant.",
        "Best thing I have bought this year.",
        "Would definitely recommend it to friends.",
        "Superb build quality and a lovely finish.",
        "Fits perfectly and feels soft.",
        "Easy to set up and works like a charm.",
        "The sound is clear and rich.",
        "Great product, five stars from me.",
        "Exceeded my expectations in every way.",
        "Sturdy, reliable and good looking.",
        "Delighted with it, thank you.",
        "My kids love it and use it every day.",
        "Beautiful colour and great fabric.",
        "Does exactly what it should, very pleased.",
    ),
    NEUTRAL: (
        "It's okay, nothing special.",
        "Average quality for the price.",
        "It does the job, just about.",
        "Some things are good, some are not.",
        "Not bad, not great either.",
        "It is fine for occasional use.",
        "Mixed feelings about this one.",
        "The colour is slightly different from the photo.",
        "Arrived on time; I have not used it much yet.",
        "Sizing runs a little large, otherwise as expected.",
        "Decent enough, though I expected a bit more.",
        "It works, but the instructions could be clearer.",
        "Standard product, about what you would expect.",
        "Comfortable enough for a few hours.",
        "Neither impressed nor disappointed.",
        "Good in some ways, average in others.",
        "It is what it is.",
        "The fabric is thinner than I imagined but fine.",
        "Reasonable, if you can get it on offer.",
        "Okay for the money, I might look elsewhere next time.",
    ),
    NEGATIVE: (
        "Terrible quality, broke after two days.",
        "Very disappointed, it does not work.",
        "Complete waste of money.",
        "Cheap material that feels flimsy.",
        "Stopped charging after a week.",
        "Awful fit, far too small.",
        "I returned it for a refund.",
        "Poor build and the buttons stick.",
        "The worst purchase I have made.",
        "Arrived damaged and customer service ignored me.",
        "Uncomfortable and the seams rub.",
        "It faded badly after one wash.",
        "Do not buy this, it is rubbish.",
        "Stopped working almost straight away.",
        "The sound is muffled and tinny.",
        "Not as described and really poor quality.",
        "Very noisy and the battery dies quickly.",
        "Regret buying it, avoid.",
        "Fell apart within a month.",
        "Expected much better, really disappointing.",
    ),
}


def seed_texts() -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for label, sentences in SEED.items():
        texts.extend(sentences)
        labels.extend([label] * len(sentences))
    return texts, labels
