"""Aspects: what reviews talk about ("battery life", "fabric", "sizing"), and how buyers feel about each.

No part-of-speech tagger is available offline, so candidates come from a chunker over word lists: a
text is cut into clauses (at . ! ? ; and "but"/"however"), each clause into words, and every run of
up to three consecutive content words is a candidate noun phrase ("the battery life is great" ->
"battery life"). A content word is none of STOPWORDS, TIME_WORDS, OPINION_WORDS (written here),
VADER's sentiment lexicon (except ASPECT_NOUNS such as "fit" and "value"), VERBS, and has none of
the endings of adverbs (-ly), adjectives (-ful, -less, -ous) or past participles (-ed); nor is it
a verb right after a subject pronoun ("it pills") or at the start of a clause without its subject
("Smells wonderful"). A phrase must end in a word that can be a noun, which LemmInflect's English
lexicon tells (words with their parts of speech, shipped inside the package): "not greasy", "I have
owned" and "fades within an hour" name no aspect.

Per product, each mention carries the sentiment score of its clause (positive - negative,
-1..1). `aspects_rank` groups phrases whose embeddings are close (cosine >= `similarity`: "battery"
and "battery life" fall together), names each group by its most frequent phrase, and returns the
groups mentioned in at least `min_mentions` reviews, liked (mean score >= `threshold`) and
disliked (<= -`threshold`), each ranked by mentions x |mean score|.
"""

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import lemminflect
import numpy as np

_STOPWORDS_TEXT = """
    a about above after again against all almost also am an and any are as at be because been before being below
    between both but by can could did do does doing done down during each either else enough even ever every few
    for from further get gets got had has have having he her here hers herself him himself his how i if in into is
    it its itself just least less let like lot lots made make makes many me might mine more most much must my
    myself neither no nor not now of off often on once one only onto or other our ours ourselves out over own per
    quite rather really same she should since so some still such than that the their theirs them themselves then
    there these they thing things this those though through thus to too under until up upon us very was we were
    what when where which while who whom whose why will with within without would yet you your yours yourself
    yourselves ive im dont didnt doesnt isnt wasnt wont cant couldnt wouldnt its youre thats theres id ill week
    weeks day days month months year years time times bit way star stars one two three four five first second last
    next back again ago everything anything something nothing someone anyone everyone overall honestly definitely
    absolutely totally fairly pretty slightly bit little far cent percent question place plenty
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Adjectives and other opinion words that carry the feeling, not the topic (written for reviews).
_OPINION_WORDS_TEXT = """
    good great excellent amazing awesome fantastic brilliant superb perfect lovely nice fine okay ok decent solid
    happy pleased delighted impressed love loved loves like liked hate hated bad poor terrible awful horrible
    worst best better worse cheap cheaper expensive pricey premium gorgeous beautiful pretty ugly soft hard rough
    scratchy comfortable uncomfortable comfy tight loose small large big tiny huge long short thin thick thinner
    thicker heavy light lighter weak strong quick fast slow quiet loud noisy clear crisp sturdy flimsy fragile
    durable broken broke useless worthless disappointed disappointing disappointment underwhelming average mixed
    standard normal expected unexpected recommend recommended regret true false real easy difficult simple
    complicated rich dark darker faded exactly generous stingy sharp dull fresh new old original genuine fake
    wonderful stunning rubbish dreadful fab favourite favorite top highly slight full entire whole certain sure
    able unable different same similar main much greater nicer worth value excellent reliable unreliable smooth
    bumpy flawless faulty defective great-quality
"""
OPINION_WORDS = frozenset(_OPINION_WORDS_TEXT.split())

_VERBS_TEXT = """
    is are was were be been am feel feels felt fits fitted run runs ran look looks looked seem seems seemed work
    works worked working arrived arrive arrives came come comes bought buy buying ordered order use used using
    wear wore wearing worn wash washed keep keeps kept lasts lasted last stopped stop stops went go goes gets got
    give gave given take took taken hold holds held need needs needed want wanted think thought know knew say said
    says tried try tries returned return returning would could should will can did does do makes made make find
    found found expect expected consider considering going charge charges charged pilled shrank shrunk hasn't
    haven't won't isn't wasn't doesn't didn't ruined flatters wish regret described
"""
VERBS = frozenset(_VERBS_TEXT.split())

# More words that describe or happen rather than name (seen in review texts).
_DESCRIBING_WORDS_TEXT = """
    zero tinny late early elsewhere complete across away single impossible narrow wide apart nowhere near never always
    shown else around instead inside outside whole usual usually properly drops dies died disconnects pairs heats
    burns walks digs rub rubs takes send sent snapped snaps lasts hurts charges breaks arrives fits feelings chore
    claim purchases purchase offer refund money already another right longer job choice built flat stay stays
    stayed slip slips slipped absorbs cleans washes
"""
DESCRIBING_WORDS = frozenset(_DESCRIBING_WORDS_TEXT.split())

# Time spans and counts are never aspects ("after twenty minutes", "a couple of hours").
_TIME_WORDS_TEXT = """
    second seconds minute minutes hour hours night nights morning mornings evening weekend weekends today yesterday
    couple dozen half six seven eight nine ten eleven twelve twenty thirty forty fifty hundred once twice
"""
TIME_WORDS = frozenset(_TIME_WORDS_TEXT.split())

# Nouns that sentiment lexicons list as opinion words but that reviews use as aspects.
ASPECT_NOUNS = frozenset(["fit", "value", "comfort", "support", "care", "warmth", "protection", "grip"])
ADJECTIVE_ENDINGS = ("ful", "less", "ous")


@functools.cache
def lexicon_opinion_words() -> frozenset[str]:
    """VADER's lexicon (7,500 words that carry sentiment) minus ASPECT_NOUNS; empty if it is missing."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return frozenset()
    return frozenset(word for word in SentimentIntensityAnalyzer().lexicon if word.isalpha()) - ASPECT_NOUNS


# A word right after one of these is the verb of the clause ("it pills", "they fit"), not a noun.
SUBJECT_PRONOUNS = frozenset(["it", "he", "she", "they"])


def can_be_noun(word: str) -> bool:
    """Whether `word` can be a noun: LemmInflect knows a noun reading of it, or it is an -ing form
    ("sizing", "stitching", which the lexicon lists as verbs only), or the lexicon does not know it
    (brand and product names, "earbuds")."""
    readings = lemminflect.getAllLemmas(word)
    return not readings or "NOUN" in readings or "PROPN" in readings or word.endswith("ing")


def lexicon_load() -> None:
    """Load LemmInflect's lexicon now (about a second) rather than on the first review scored."""
    can_be_noun("aspect")


CLAUSE = re.compile(r"[.!?;:\n]+|,\s*(?:but|however|although|though)\b|\s(?:but|however|although|though)\s", re.I)
WORD = re.compile(r"[a-z][a-z'-]*")
MAX_PHRASE_WORDS = 3


def clauses(text: str) -> list[str]:
    return [part.strip(" ,") for part in CLAUSE.split(text) if part and part.strip(" ,")]


def _is_content(word: str, exclude: frozenset[str]) -> bool:
    """Could be part of a noun phrase: not a stop, time, opinion or common verb word, not an adverb
    in -ly, an adjective in -ful/-less/-ous, or a past participle in -ed (longer than 5 letters)."""
    return (
        len(word) >= 3
        and word not in exclude
        and word not in STOPWORDS
        and word not in TIME_WORDS
        and word not in DESCRIBING_WORDS
        and word not in OPINION_WORDS
        and word not in VERBS
        and word not in lexicon_opinion_words()
        and not word.endswith("ly")
        and not word.endswith(ADJECTIVE_ENDINGS)
        and not (len(word) > 5 and word.endswith("ed") and not word.endswith("eed"))
        and "'" not in word
    )


def _is_verb_after_subject(word: str, previous: str) -> bool:
    return previous in SUBJECT_PRONOUNS and "VERB" in lemminflect.getAllLemmas(word)


def _starts_with_a_verb(words: list[str]) -> bool:
    """Whether a clause without its subject begins with the verb ("Smells wonderful", "Fell apart"):
    the first word can be a verb and the next is an opinion word or can only be an adjective or
    adverb ("Straps are comfy" and "Colour on the box" begin with a noun)."""
    if len(words) < 2 or "VERB" not in lemminflect.getAllLemmas(words[0]):
        return False
    following = words[1]
    if following in OPINION_WORDS or following in lexicon_opinion_words():
        return True
    readings = set(lemminflect.getAllLemmas(following))
    return bool(readings) and readings <= {"ADJ", "ADV"} and following not in STOPWORDS


def _noun_phrase(run: list[str]) -> str:
    """The last (up to three) words of a run of content words that ends in a word that can be a noun."""
    while run and not can_be_noun(run[-1]):
        run = run[:-1]
    return " ".join(run[-MAX_PHRASE_WORDS:])


def candidates(clause: str, *, exclude: frozenset[str] = frozenset()) -> list[str]:
    """The candidate noun phrases of one clause, in order (runs of up to three content words).

    `exclude`: more words that are never part of an aspect (e.g. the product's and brand's names).
    """
    words = WORD.findall(clause.lower())
    phrases, run, previous = [], [], ""
    for index, word in enumerate([*words, ""]):
        if (
            word
            and _is_content(word, exclude)
            and not _is_verb_after_subject(word, previous)
            and not (index == 0 and _starts_with_a_verb(words))
        ):
            run.append(word)
        else:
            if phrase := _noun_phrase(run):
                phrases.append(phrase)
            run = []
        previous = word
    return phrases


@dataclass(frozen=True)
class Mention:
    phrase: str
    review_id: int
    score: float  # of the clause it was found in, -1..1


@dataclass
class Aspect:
    phrase: str
    mentions: int  # distinct reviews
    score: float  # mean clause score
    review_ids: list[int] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "phrase": self.phrase,
            "mentions": self.mentions,
            "score": round(self.score, 3),
            "review_ids": self.review_ids,
            "phrases": self.phrases,
        }


def aspects_group(
    mentions: Sequence[Mention], *, encode: Callable[[list[str]], np.ndarray], similarity: float = 0.8
) -> list[Aspect]:
    """Every group of similar phrases, most mentioned first (greedy: a phrase joins the most
    frequent group head it is close enough to, else it heads a new group)."""
    counts = Counter(mention.phrase for mention in mentions)
    phrases = sorted(counts, key=lambda phrase: (-counts[phrase], phrase))
    if not phrases:
        return []
    vectors = encode(phrases)
    heads: list[int] = []
    group_of: dict[str, int] = {}
    for index, phrase in enumerate(phrases):
        if heads:
            similarities = vectors[heads] @ vectors[index]
            best = int(np.argmax(similarities))
            if similarities[best] >= similarity:
                group_of[phrase] = heads[best]
                continue
        heads.append(index)
        group_of[phrase] = index
    scores: dict[int, list[float]] = defaultdict(list)
    reviews: dict[int, set[int]] = defaultdict(set)
    members: dict[int, list[str]] = defaultdict(list)
    for mention in mentions:
        head = group_of[mention.phrase]
        scores[head].append(mention.score)
        reviews[head].add(mention.review_id)
    for phrase, head in group_of.items():
        members[head].append(phrase)
    groups = [
        Aspect(
            phrase=phrases[head],
            mentions=len(reviews[head]),
            score=float(np.mean(scores[head])),
            review_ids=sorted(reviews[head]),
            phrases=members[head],
        )
        for head in heads
    ]
    return sorted(groups, key=lambda aspect: (-aspect.mentions, aspect.phrase))


def aspects_rank(
    mentions: Sequence[Mention],
    *,
    encode: Callable[[list[str]], np.ndarray],
    similarity: float = 0.8,
    min_mentions: int = 2,
    threshold: float = 0.25,
    top: int = 5,
) -> tuple[list[Aspect], list[Aspect]]:
    """(liked, disliked): the groups of at least `min_mentions` reviews, ranked by mentions x |score|."""
    groups = aspects_group(mentions, encode=encode, similarity=similarity)
    groups = [group for group in groups if group.mentions >= min_mentions]
    liked = sorted(
        (group for group in groups if group.score >= threshold), key=lambda g: (-g.mentions * g.score, g.phrase)
    )
    disliked = sorted(
        (group for group in groups if group.score <= -threshold), key=lambda g: (g.mentions * g.score, g.phrase)
    )
    return liked[:top], disliked[:top]
