"""Moderation flags for one review: simple rules, each with a reason a moderator can read.

    flags = review_flags(text=..., rating=5, probabilities=p, recent_order=False)
    [(flag.code, flag.reason) for flag in flags]

- `stars_contradiction`: 4-5 stars but the text is confidently negative, or 1-2 stars and confidently
  positive (needs model probabilities; the stars fallback cannot contradict the stars).
- `link`: a URL or a web address in the text (the usual spam payload).
- `repeated_characters`: the same character 6+ times in a row ("!!!!!!", "soooooo").
- `shouting`: at least 20 letters, 70%+ of them capitals.
- `abusive`: a word from ABUSIVE_WORDS (short, explicit; matched as whole words).
- `unhappy_recent_buyer`: a confidently negative, 1-2 star review from a customer whose order of
  the product is recent: a chance to help the customer, not a problem with the review.
"""

import re
from dataclasses import dataclass

import numpy as np

from sentiment.ml.labels import NEGATIVE, POSITIVE

CONTRADICTION_CONFIDENCE = 0.8
UNHAPPY_CONFIDENCE = 0.8
SHOUTING_MIN_LETTERS = 20
SHOUTING_SHARE = 0.7

# Written for this store: insults and slurs aimed at people, not at products ("terrible" is fine).
_ABUSIVE_WORDS_TEXT = """
    idiot idiots idiotic moron morons stupid dumbass imbecile scum scumbag scumbags jerk jerks loser losers
    bastard bastards asshole assholes crook crooks thieves fraudsters shit shitty crap fuck fucking fucked bitch
    bitches dickhead wanker wankers twat pathetic retard retarded
"""
ABUSIVE_WORDS = frozenset(_ABUSIVE_WORDS_TEXT.split())

LINK = re.compile(r"(https?://|www\.|\b[\w-]+\.(com|net|org|biz|info|ru|xyz|top|io|ly)\b)", re.IGNORECASE)
REPEATED = re.compile(r"(.)\1{5,}")
WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str


def review_flags(*, text: str, rating: int, probabilities: np.ndarray | None, recent_order: bool) -> list[Flag]:
    """The flags raised by one review, in a fixed order (see the module docstring)."""
    flags = []
    if probabilities is not None:
        if rating >= 4 and probabilities[NEGATIVE] >= CONTRADICTION_CONFIDENCE:
            flags.append(
                Flag(
                    "stars_contradiction",
                    f"{rating} stars, but the text reads negative ({probabilities[NEGATIVE]:.0%}).",
                )
            )
        elif rating <= 2 and probabilities[POSITIVE] >= CONTRADICTION_CONFIDENCE:
            flags.append(
                Flag(
                    "stars_contradiction",
                    f"{rating} stars, but the text reads positive ({probabilities[POSITIVE]:.0%}).",
                )
            )
    link = LINK.search(text)
    if link:
        flags.append(Flag("link", f"Contains a link ({link.group(0)})."))
    repeated = REPEATED.search(text)
    if repeated:
        flags.append(Flag("repeated_characters", f"Repeats {repeated.group(1)!r} {len(repeated.group(0))} times."))
    letters = [character for character in text if character.isalpha()]
    capitals = sum(character.isupper() for character in letters)
    if len(letters) >= SHOUTING_MIN_LETTERS and capitals >= SHOUTING_SHARE * len(letters):
        flags.append(Flag("shouting", f"{capitals / len(letters):.0%} of the letters are capitals."))
    abusive = sorted({word for word in WORD.findall(text.lower()) if word in ABUSIVE_WORDS})
    if abusive:
        flags.append(Flag("abusive", f"Abusive words: {', '.join(abusive)}."))
    if recent_order and rating <= 2 and probabilities is not None and probabilities[NEGATIVE] >= UNHAPPY_CONFIDENCE:
        flags.append(Flag("unhappy_recent_buyer", "Very negative review of a recent order: reach out to the customer."))
    return flags
