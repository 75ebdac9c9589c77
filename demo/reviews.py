"""Review titles and bodies whose wording agrees with their star rating.

A body is composed, not filled into one template: an opener for the rating's tone, one to three
aspect sentences for the product's family (fit, sound, battery...) each with a polarity drawn
from the rating (`POLARITY_MIX`), sometimes a store-wide aspect (value, delivery), and sometimes a
closer. Each aspect sentence comes from a positive, neutral or negative list, so the text carries
the rating's sentiment while the combinations stay varied.
"""

import random

# Tone of openers, titles and closers per star rating.
TONE = {5: "great", 4: "good", 3: "mixed", 2: "bad", 1: "awful"}

# Probability of a positive / neutral / negative aspect sentence per rating.
POLARITY_MIX = {
    5: (1.0, 0.0, 0.0),
    4: (0.75, 0.25, 0.0),
    3: (0.3, 0.4, 0.3),
    2: (0.0, 0.3, 0.7),
    1: (0.0, 0.0, 1.0),
}

TITLES = {
    "great": ("Absolutely love it", "Best purchase this year", "Perfect", "Exceeded my expectations", "Brilliant",
              "Five stars, no question", "Could not be happier", "Excellent quality"),
    "good": ("Really good", "Very pleased", "Great value", "Happy with this", "Solid choice", "Does the job well",
             "Nice, with one small niggle", "Would buy again"),
    "mixed": ("It's okay", "Mixed feelings", "Average", "Fine for the price", "Not bad, not great",
              "Does the job, just", "Some good, some bad"),
    "bad": ("Disappointed", "Not what I hoped", "Poor quality", "Expected better", "Wouldn't buy again",
            "Underwhelming"),
    "awful": ("Terrible", "Avoid", "Complete waste of money", "Broke almost straight away", "Very disappointed",
              "Returned it"),
}  # fmt: skip

OPENERS = {
    "great": ("I love this {noun}.", "What a fantastic {noun}.", "Honestly the best {noun} I have owned.",
              "Really impressed with this {noun} from {brand}.", "Bought this a few weeks ago and I love it.",
              "Excellent {noun}, I'm delighted with it.", "{brand} have nailed it with this one."),
    "good": ("Really nice {noun} overall.", "A good {noun} and I'm pleased with it.",
             "Happy with this purchase from {brand}.", "Very good {noun} for everyday use.",
             "Pleased with this {noun} so far.", "Good quality, mostly as described."),
    "mixed": ("This {noun} is okay.", "Mixed feelings about this {noun}.", "It's an average {noun}, nothing special.",
              "Some things I like about this {noun}, some I don't.", "Decent enough, but not amazing.",
              "Not sure about this one from {brand}."),
    "bad": ("Quite disappointed with this {noun}.", "I expected more from {brand}.",
            "Not a good {noun}, unfortunately.", "This {noun} didn't live up to the description.",
            "Poor {noun} for the money."),
    "awful": ("Really disappointed with this {noun}.", "Terrible {noun}, I regret buying it.",
              "Awful. Do not buy this {noun}.", "One of the worst purchases I have made.",
              "I wish I could give zero stars."),
}  # fmt: skip

CLOSERS = {
    "great": ("Highly recommend!", "Would definitely buy again.", "Already ordered another one as a gift.",
              "Five stars from me.", "Worth every cent."),
    "good": ("Would recommend.", "Happy overall.", "I'd buy from {brand} again.", "Good value for money."),
    "mixed": ("It'll do for now.", "Fine if you can get it on offer.", "I might look elsewhere next time."),
    "bad": ("I wouldn't buy it again.", "Can't recommend it, sadly.", "Thinking about returning it."),
    "awful": ("Returned it for a refund.", "Save your money.", "Avoid."),
}  # fmt: skip

# Per review family: aspect -> (positive, neutral, negative) sentences.
ASPECTS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = {
    "apparel": {
        "fit": (("The fit is perfect, true to size.", "Fits beautifully and flatters the figure."),
                ("The sizing runs slightly large, so consider going down one.", "Fit is as expected."),
                ("The fit is poor, far too tight across the shoulders.", "Sizing is way off, it's tiny.")),
        "fabric": (("The fabric feels soft and great quality.", "Lovely fabric, it feels really premium."),
                   ("The fabric is thinner than I imagined but fine.", "Fabric is standard for the price."),
                   ("The fabric feels cheap and scratchy.", "It pilled after one wash, poor fabric.")),
        "colour": (("The colour is gorgeous, exactly like the photos.", "Rich colour that hasn't faded at all."),
                   ("The colour is a little different from the pictures.", "Colour is a shade darker than shown."),
                   ("The colour faded badly in the first wash.", "The colour ran and ruined a load of washing.")),
        "comfort": (("So comfortable I wear it all the time.", "Really comfortable for a full day."),
                    ("Comfortable enough for a few hours.", "Comfort is about average."),
                    ("Uncomfortable, the seams rub.", "Not comfortable at all to wear.")),
    },
    "footwear": {
        "comfort": (("Comfortable straight out of the box, no break-in needed.", "Great cushioning on long walks."),
                    ("They needed a week or two to break in.", "Comfort is okay for short walks."),
                    ("Painful to wear, gave me blisters.", "Very uncomfortable, the heel digs in.")),
        "sizing": (("True to size and a perfect fit.", "Fit perfectly in my usual size."),
                   ("They run about half a size small.", "A bit narrow but wearable."),
                   ("The sizing is completely wrong.", "Far too narrow, had to send them back.")),
        "durability": (("Still look great after months of daily wear.", "Really well made, excellent stitching."),
                       ("Some scuffing after a month, as you'd expect.", "Durability seems average so far."),
                       ("The sole came apart after a few weeks.", "Poor build, the stitching broke quickly.")),
    },
    "bags": {
        "space": (("Plenty of room and great organisation inside.", "Fits everything I need, perfect size."),
                  ("Slightly smaller inside than I expected.", "Space is fine for daily essentials."),
                  ("Far too small, barely fits a wallet.", "Useless layout, nothing fits properly.")),
        "build": (("Excellent quality stitching and sturdy zips.", "Beautifully made, it feels premium."),
                  ("The build is okay, some loose threads.", "Construction is standard."),
                  ("The zip broke within a week.", "Cheap materials, the strap snapped.")),
        "comfort": (("Comfortable to carry all day.", "The straps are really comfortable."),
                    ("Comfortable enough when not fully packed.", "The straps are a bit thin but fine."),
                    ("Uncomfortable to carry, digs into my shoulder.", "Awkward and heavy to carry.")),
    },
    "kitchen": {
        "performance": (("It works brilliantly and heats evenly.", "Excellent performance every single time."),
                        ("Performance is fine for everyday cooking.", "It works, nothing remarkable."),
                        ("It heats unevenly and burns everything.", "Poor performance, it struggles constantly.")),
        "build": (("Solid, heavy and beautifully made.", "Great build quality, feels built to last."),
                  ("Build quality is acceptable.", "Feels a little lighter than expected."),
                  ("Cheaply made, it chipped straight away.", "The handle came loose, really poor build.")),
        "cleaning": (("So easy to clean.", "Cleans up perfectly in the dishwasher."),
                     ("Cleaning takes a little effort.", "Needs hand washing, which is a bit of a chore."),
                     ("Impossible to clean properly.", "Stains badly and the coating is peeling.")),
    },
    "bedding": {
        "softness": (("Wonderfully soft, I sleep so well.", "Incredibly soft and cosy."),
                     ("Soft enough after a couple of washes.", "Softness is average."),
                     ("Rough and scratchy, not soft at all.", "Feels cheap and stiff.")),
        "quality": (("Excellent quality, no pilling at all.", "Great quality for the price."),
                    ("Quality is okay.", "Some creasing but nothing major."),
                    ("It pilled after two washes, poor quality.", "The seams split, terrible quality.")),
        "size": (("Fits the bed perfectly.", "Generous size, great fit."),
                 ("Slightly small for a deep mattress.", "Size is as described."),
                 ("Shrank badly after washing.", "Doesn't fit the bed at all, far too small.")),
    },
    "audio": {
        "sound": (("The sound quality is superb, crisp and detailed.", "Amazing sound with rich bass."),
                  ("Sound is decent for the price.", "Sound is fine but a little flat."),
                  ("The sound is tinny and distorted.", "Terrible sound, muffled and harsh.")),
        "battery": (("Battery life is excellent, lasts for days.", "Great battery, I rarely need to charge it."),
                    ("Battery life is about what was advertised.", "Battery is okay, charge it every night."),
                    ("The battery dies within a couple of hours.", "Poor battery life, nowhere near the claim.")),
        "connection": (("Pairs instantly and never drops out.", "Perfect, stable Bluetooth connection."),
                       ("Pairing took a couple of tries.", "Connection is mostly stable."),
                       ("Constantly disconnects, really frustrating.", "Connection drops all the time.")),
        "comfort": (("Comfortable even after hours of use.", "Light and comfortable to wear."),
                    ("Comfortable for an hour or so.", "Comfort is average."),
                    ("Uncomfortable, they hurt after twenty minutes.", "Painful to wear for long.")),
    },
    "gadgets": {
        "battery": (("The battery lasts far longer than I expected.", "Excellent battery life."),
                    ("Battery life is roughly as advertised.", "Battery is fine for a day."),
                    ("Battery drains far too fast.", "Poor battery, barely lasts a morning.")),
        "build": (("Feels premium and really well built.", "Solid build quality, great materials."),
                  ("Build quality is okay for the price.", "Feels a bit plasticky but works."),
                  ("Cheap build, it cracked within days.", "Flimsy and poorly made.")),
        "app": (("The app is excellent and easy to use.", "Setup was quick and painless."),
                ("The app does the basics.", "Setup took a while but got there."),
                ("The app is useless and keeps crashing.", "Setup was a nightmare, nothing synced.")),
    },
    "fitness": {
        "quality": (("Great quality, really sturdy.", "Excellent build, feels solid."),
                    ("Quality is fine for home use.", "It's decent for the price."),
                    ("Poor quality, it broke after a few sessions.", "Cheap and flimsy.")),
        "usability": (("Really easy to use and set up.", "Works perfectly, fits in seconds."),
                      ("Takes some getting used to.", "Usable, a bit fiddly."),
                      ("Awkward and frustrating to use.", "Hard to use and badly designed.")),
        "grip": (("Great grip, nothing slips.", "Stays firmly in place, love it."),
                 ("Grip is okay when dry.", "Grip is average."),
                 ("Slippery and unsafe.", "It slips all over the place, dangerous.")),
    },
    "outdoor": {
        "weather": (("Kept everything dry through heavy rain.", "Handled wind and rain brilliantly."),
                    ("Fine in light rain, untested in a storm.", "Weather protection is okay."),
                    ("Leaked in the first shower.", "Useless in the rain, everything got wet.")),
        "weight": (("Light and packs down small.", "Impressively light for what it is."),
                   ("A little heavier than I'd like.", "Weight is about average."),
                   ("Far too heavy and bulky.", "Heavy and awkward to pack.")),
        "durability": (("Tough and built to last.", "Survived a whole summer of trips, excellent."),
                       ("Some wear after a few trips.", "Durability seems okay."),
                       ("Broke on the second trip.", "Fell apart quickly, poor durability.")),
        "temperature": (("Keeps drinks cold all day, perfect.", "Excellent insulation."),
                        ("Keeps things cool for a few hours.", "Insulation is okay."),
                        ("Doesn't keep anything cold at all.", "Poor insulation, useless.")),
    },
    "beauty": {
        "results": (("My skin feels amazing, visible results in a week.", "Excellent results, I love it."),
                    ("Results are subtle so far.", "It works, but slowly."),
                    ("No results at all after a month.", "Made my skin worse, really disappointed.")),
        "texture": (("Lovely texture that absorbs quickly.", "Great texture, not greasy at all."),
                    ("The texture is a little thick.", "Texture is okay."),
                    ("Greasy, sticky texture.", "Horrible texture, it pills on the skin.")),
        "scent": (("Smells wonderful and subtle.", "A lovely fresh scent."),
                  ("The scent is fine, quite neutral.", "Scent is stronger than I'd like."),
                  ("The smell is awful and chemical.", "Overpowering scent, gave me a headache.")),
        "gentleness": (("Gentle on my sensitive skin, no irritation.", "Perfect for sensitive skin."),
                       ("Slight tingling at first, then fine.", "Mostly gentle."),
                       ("It caused a rash and irritation.", "Stung badly, had to stop using it.")),
    },
    "fragrance": {
        "scent": (("A gorgeous scent, I get compliments every day.", "Beautiful, elegant fragrance."),
                  ("A pleasant scent, a bit generic.", "Nice enough, not very distinctive."),
                  ("Smells cheap and synthetic.", "Awful scent, nothing like the description.")),
        "longevity": (("Lasts all day on my skin.", "Excellent longevity, still there in the evening."),
                      ("Lasts a few hours.", "Longevity is average."),
                      ("Fades within an hour, poor longevity.", "Disappears almost immediately.")),
        "bottle": (("The bottle is beautiful on my dresser.", "Lovely bottle and an excellent atomiser."),
                   ("The bottle is plain but fine.", "Packaging is simple."),
                   ("The atomiser broke and leaked.", "Cheap bottle, the cap doesn't fit.")),
    },
}  # fmt: skip

# Aspects every product can be reviewed on.
STORE_ASPECTS = {
    "value": (("Excellent value for money.", "Great value, worth every cent."),
              ("Fair value for what you get.", "Priced about right."),
              ("Overpriced for the quality.", "Poor value, not worth the money.")),
    "delivery": (("Arrived quickly and well packaged.", "Fast delivery, great packaging."),
                 ("Delivery took a few days longer than promised.", "Delivery was fine."),
                 ("Arrived late and the box was damaged.", "Terrible delivery, it came a week late.")),
}  # fmt: skip


def review_compose(*, rng: random.Random, rating: int, family: str, noun: str, brand: str) -> tuple[str, str]:
    """A (title, body) pair for a `rating`-star review of a product of review `family`."""
    tone = TONE[rating]
    slots = {"noun": noun.lower(), "brand": brand}
    aspects = ASPECTS[family]
    chosen = rng.sample(sorted(aspects), k=min(len(aspects), rng.choice((1, 2, 2, 3))))
    sentences = [rng.choice(OPENERS[tone])]
    for aspect in chosen:
        sentences.append(rng.choice(aspects[aspect][_polarity(rng, rating)]))
    if rng.random() < 0.45:
        sentences.append(rng.choice(STORE_ASPECTS[rng.choice(("value", "delivery"))][_polarity(rng, rating)]))
    if rng.random() < 0.7:
        sentences.append(rng.choice(CLOSERS[tone]))
    body = " ".join(sentence.format(**slots) for sentence in sentences)
    return rng.choice(TITLES[tone]), body


def _polarity(rng: random.Random, rating: int) -> int:
    """0 positive, 1 neutral, 2 negative, drawn from the rating's POLARITY_MIX."""
    return rng.choices((0, 1, 2), weights=POLARITY_MIX[rating])[0]
