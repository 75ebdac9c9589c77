"""Words and numbers the demo store is made from: category tree, brands, attributes, names, shopper segments.

Plain data only; `catalog` and `simulation` turn it into a store with a seeded random generator.
Hand-written rather than taken from Faker: product names, attributes and demand parameters must
belong to their category, and the segments and complements must plant known structure
(docs/demo-data.md), which a generic fake-data library cannot give.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A text attribute: one of `choices`."""

    choices: tuple[str, ...]


@dataclass(frozen=True)
class Number:
    """A number attribute: a multiple of `step` in [low, high]."""

    low: float
    high: float
    step: float


@dataclass(frozen=True)
class Flag:
    """A yes/no attribute that is true with probability `p`."""

    p: float


@dataclass(frozen=True)
class SizeAxis:
    """A variant axis such as apparel sizes: (label, price factor, popularity) per option.

    A product offers a contiguous run of at least `min_options` options.
    """

    name: str
    options: tuple[tuple[str, float, float], ...]
    min_options: int


@dataclass(frozen=True)
class Leaf:
    """A leaf category with everything needed to invent its products and the demand for them."""

    slug: str
    name: str
    description: str
    shape: str  # silhouette drawn on its images, see images.SHAPES
    review_family: str  # key of reviews.ASPECTS
    nouns: tuple[str, ...]
    modifiers: tuple[str, ...]
    line_rate: float  # probability that a name carries a product-line word ("Nova")
    sizes: str | None  # key of SIZE_AXES
    colours: tuple[str, ...]  # colour options; empty for products without a colour choice
    attributes: tuple[tuple[str, Text | Number | Flag], ...]
    features: tuple[str, ...]  # description sentences
    price_median: float  # EUR
    price_sigma: float  # log-normal spread of product base prices
    margin: float  # mean gross margin: cost = price x (1 - margin)
    elasticity: float  # mean own-price elasticity of demand
    season_peak: int  # day of the year with the highest demand
    season_amplitude: float
    weekend_lift: float  # multiplier of Saturday and Sunday demand relative to the store as a whole
    multi_buy: float  # probability that a bought line has quantity 2 or more
    complements: tuple[str, ...]  # leaf slugs whose products are bought with this one


@dataclass(frozen=True)
class Department:
    slug: str
    name: str
    description: str
    leaves: tuple[Leaf, ...]


COLOURS: dict[str, tuple[int, int, int]] = {
    "Black": (38, 38, 42),
    "White": (236, 236, 232),
    "Navy": (36, 52, 92),
    "Grey": (128, 132, 138),
    "Charcoal": (62, 66, 72),
    "Olive": (104, 112, 64),
    "Sand": (206, 186, 150),
    "Burgundy": (118, 34, 52),
    "Forest Green": (40, 90, 62),
    "Sky Blue": (120, 176, 222),
    "Blush": (230, 176, 176),
    "Mustard": (214, 164, 46),
    "Rust": (176, 84, 48),
    "Cream": (240, 230, 204),
    "Red": (196, 44, 48),
    "Teal": (32, 128, 128),
    "Lavender": (176, 156, 214),
    "Tan": (184, 134, 92),
    "Brown": (110, 74, 50),
    "Silver": (190, 194, 200),
    "Copper": (184, 110, 64),
    "Stainless": (170, 174, 178),
    "Sage": (156, 178, 146),
    "Coral": (240, 128, 108),
}

SIZE_AXES: dict[str, SizeAxis] = {
    "apparel": SizeAxis(
        "size",
        (("XS", 1, 0.05), ("S", 1, 0.17), ("M", 1, 0.30), ("L", 1, 0.28), ("XL", 1, 0.14), ("XXL", 1, 0.06)),
        4,
    ),
    "shoe": SizeAxis(
        "size",
        tuple(
            (f"EU {size}", 1, weight)
            for size, weight in zip(range(36, 47), (2, 4, 7, 10, 12, 13, 14, 13, 11, 8, 6), strict=True)
        ),
        6,
    ),
    "bedding": SizeAxis(
        "size", (("Single", 1, 0.2), ("Double", 1.25, 0.4), ("King", 1.45, 0.3), ("Super King", 1.6, 0.1)), 2
    ),
    "pan": SizeAxis("size", (("20 cm", 1, 0.3), ("24 cm", 1.2, 0.45), ("28 cm", 1.4, 0.25)), 1),
    "beauty": SizeAxis("size", (("50 ml", 1, 0.6), ("100 ml", 1.6, 0.4)), 1),
    "fragrance": SizeAxis("size", (("30 ml", 1, 0.35), ("50 ml", 1.45, 0.45), ("100 ml", 2.1, 0.2)), 1),
    "bottle": SizeAxis("size", (("500 ml", 1, 0.4), ("750 ml", 1.15, 0.4), ("1 l", 1.3, 0.2)), 1),
}

ATTRIBUTES: dict[str, tuple[str, str, str]] = {
    # code: (name, value type, unit)
    "material": ("Material", "text", ""),
    "fit": ("Fit", "text", ""),
    "weight": ("Weight", "number", "g"),
    "capacity": ("Capacity", "number", "l"),
    "battery-life": ("Battery life", "number", "h"),
    "power": ("Power", "number", "W"),
    "warranty": ("Warranty", "number", "years"),
    "waterproof": ("Waterproof", "boolean", ""),
    "organic": ("Organic", "boolean", ""),
    "recycled": ("Recycled materials", "boolean", ""),
    "vegan": ("Vegan", "boolean", ""),
    "wireless": ("Wireless", "boolean", ""),
    "noise-cancelling": ("Noise cancelling", "boolean", ""),
    "dishwasher-safe": ("Dishwasher safe", "boolean", ""),
    "induction-ready": ("Induction ready", "boolean", ""),
    "insulated": ("Insulated", "boolean", ""),
    "thread-count": ("Thread count", "number", ""),
    "sleeps": ("Sleeps", "number", "people"),
    "skin-type": ("Skin type", "text", ""),
    "scent": ("Scent family", "text", ""),
    "sole": ("Sole", "text", ""),
    "connectivity": ("Connectivity", "text", ""),
    "water-resistance": ("Water resistance", "number", "m"),
    "spf": ("SPF", "number", ""),
}

_APPAREL_COLOURS = ("Black", "White", "Navy", "Grey", "Olive", "Sand", "Burgundy", "Sky Blue", "Mustard", "Rust")

DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "clothing",
        "Clothing",
        "Everyday wardrobe staples and seasonal pieces.",
        (
            Leaf(
                slug="t-shirts-tops",
                name="T-Shirts & Tops",
                description="Tees, polos and tops for every day.",
                shape="tshirt",
                review_family="apparel",
                nouns=(
                    "Crew Neck Tee",
                    "V-Neck Tee",
                    "Long Sleeve Top",
                    "Pocket Tee",
                    "Polo Shirt",
                    "Henley",
                    "Tank Top",
                ),
                modifiers=("Organic Cotton", "Essential", "Relaxed", "Slim Fit", "Heavyweight", "Striped", "Merino"),
                line_rate=0.2,
                sizes="apparel",
                colours=_APPAREL_COLOURS,
                attributes=(
                    ("material", Text(("Cotton", "Organic cotton", "Cotton blend", "Merino wool", "Linen blend"))),
                    ("fit", Text(("Regular", "Slim", "Relaxed", "Oversized"))),
                    ("weight", Number(140, 260, 10)),
                    ("organic", Flag(0.35)),
                ),
                features=(
                    "Pre-shrunk fabric keeps its shape wash after wash.",
                    "Flat-lock seams sit smoothly against the skin.",
                    "A soft, breathable knit that works on its own or layered.",
                    "Reinforced shoulder tape stops the neckline from stretching.",
                ),
                price_median=24,
                price_sigma=0.35,
                margin=0.55,
                elasticity=-2.0,
                season_peak=172,
                season_amplitude=0.3,
                weekend_lift=1.1,
                multi_buy=0.15,
                complements=("jeans-trousers", "sneakers"),
            ),
            Leaf(
                slug="jeans-trousers",
                name="Jeans & Trousers",
                description="Denim, chinos and everyday trousers.",
                shape="trousers",
                review_family="apparel",
                nouns=("Straight Jeans", "Slim Jeans", "Chinos", "Cargo Trousers", "Wide-Leg Trousers", "Joggers"),
                modifiers=("Stretch", "Selvedge", "Classic", "Tapered", "Washed", "Everyday"),
                line_rate=0.25,
                sizes="apparel",
                colours=("Navy", "Black", "Charcoal", "Sand", "Olive", "Grey"),
                attributes=(
                    ("material", Text(("Denim", "Stretch denim", "Cotton twill", "Organic cotton"))),
                    ("fit", Text(("Straight", "Slim", "Tapered", "Wide"))),
                    ("recycled", Flag(0.25)),
                ),
                features=(
                    "A mid-rise waist with a comfortable bit of stretch.",
                    "Deep pockets and bar-tacked stress points for daily wear.",
                    "Garment-washed for a soft, lived-in feel from day one.",
                ),
                price_median=59,
                price_sigma=0.3,
                margin=0.5,
                elasticity=-1.6,
                season_peak=270,
                season_amplitude=0.15,
                weekend_lift=1.1,
                multi_buy=0.05,
                complements=("t-shirts-tops", "boots", "sneakers"),
            ),
            Leaf(
                slug="jackets-coats",
                name="Jackets & Coats",
                description="Layers for wind, rain and cold.",
                shape="jacket",
                review_family="apparel",
                nouns=("Rain Jacket", "Puffer Jacket", "Wool Coat", "Denim Jacket", "Fleece Jacket", "Parka"),
                modifiers=("Packable", "Insulated", "Waterproof", "Lightweight", "Quilted", "Recycled"),
                line_rate=0.4,
                sizes="apparel",
                colours=("Black", "Navy", "Olive", "Sand", "Burgundy", "Charcoal", "Rust"),
                attributes=(
                    ("material", Text(("Recycled polyester", "Wool blend", "Nylon ripstop", "Cotton canvas"))),
                    ("waterproof", Flag(0.5)),
                    ("insulated", Flag(0.4)),
                    ("weight", Number(350, 1400, 50)),
                ),
                features=(
                    "Taped seams and a storm flap keep the weather out.",
                    "A two-way zip and hand-warmer pockets.",
                    "Packs into its own pocket for travel.",
                    "An adjustable hood with a stiffened peak.",
                ),
                price_median=129,
                price_sigma=0.4,
                margin=0.5,
                elasticity=-1.3,
                season_peak=330,
                season_amplitude=0.55,
                weekend_lift=1.15,
                multi_buy=0.0,
                complements=("jeans-trousers", "boots", "backpacks"),
            ),
            Leaf(
                slug="dresses-skirts",
                name="Dresses & Skirts",
                description="Dresses and skirts from casual to occasion.",
                shape="dress",
                review_family="apparel",
                nouns=("Wrap Dress", "Midi Dress", "Shirt Dress", "Slip Dress", "Pleated Skirt", "Denim Skirt"),
                modifiers=("Floral", "Linen", "Jersey", "Satin", "Tiered", "Everyday"),
                line_rate=0.15,
                sizes="apparel",
                colours=("Black", "Navy", "Blush", "Burgundy", "Sage", "Cream", "Coral", "Mustard"),
                attributes=(
                    ("material", Text(("Viscose", "Linen", "Cotton jersey", "Satin", "Crepe"))),
                    ("fit", Text(("Regular", "Relaxed", "Fitted"))),
                    ("vegan", Flag(0.6)),
                ),
                features=(
                    "A flattering cut that moves with you.",
                    "Fully lined, with hidden side pockets.",
                    "Drapes beautifully and packs without creasing.",
                ),
                price_median=69,
                price_sigma=0.35,
                margin=0.55,
                elasticity=-1.8,
                season_peak=160,
                season_amplitude=0.45,
                weekend_lift=1.2,
                multi_buy=0.0,
                complements=("handbags-wallets", "fragrance"),
            ),
        ),
    ),
    Department(
        "shoes-bags",
        "Shoes & Bags",
        "Footwear, backpacks and bags.",
        (
            Leaf(
                slug="sneakers",
                name="Sneakers",
                description="Trainers for running, training and the street.",
                shape="shoe",
                review_family="footwear",
                nouns=("Running Shoes", "Trail Runners", "Court Sneakers", "Knit Trainers", "Low-Top Sneakers"),
                modifiers=("Cushioned", "Lightweight", "Everyday", "Retro", "Responsive", "Recycled"),
                line_rate=0.7,
                sizes="shoe",
                colours=("White", "Black", "Grey", "Navy", "Red", "Sky Blue"),
                attributes=(
                    ("sole", Text(("Rubber", "EVA foam", "Gum rubber", "Carbon-plated foam"))),
                    ("weight", Number(220, 380, 10)),
                    ("vegan", Flag(0.4)),
                    ("recycled", Flag(0.3)),
                ),
                features=(
                    "A responsive foam midsole that softens every stride.",
                    "Breathable knit upper with a padded heel collar.",
                    "Grippy outsole for wet pavements and light trails.",
                ),
                price_median=89,
                price_sigma=0.3,
                margin=0.45,
                elasticity=-1.5,
                season_peak=100,
                season_amplitude=0.2,
                weekend_lift=1.2,
                multi_buy=0.0,
                complements=("t-shirts-tops", "yoga-fitness", "bottles-flasks"),
            ),
            Leaf(
                slug="boots",
                name="Boots",
                description="Leather, hiking and winter boots.",
                shape="boot",
                review_family="footwear",
                nouns=("Chelsea Boots", "Hiking Boots", "Lace-Up Boots", "Winter Boots", "Work Boots"),
                modifiers=("Leather", "Waterproof", "Suede", "Insulated", "Classic", "Rugged"),
                line_rate=0.4,
                sizes="shoe",
                colours=("Brown", "Black", "Tan", "Charcoal"),
                attributes=(
                    ("material", Text(("Full-grain leather", "Suede", "Nubuck", "Synthetic"))),
                    ("sole", Text(("Vibram rubber", "Rubber lug", "Crepe", "Leather"))),
                    ("waterproof", Flag(0.55)),
                ),
                features=(
                    "A cushioned footbed for long days on your feet.",
                    "Goodyear-welted so the sole can be replaced.",
                    "Deep lugs grip on mud, gravel and snow.",
                ),
                price_median=119,
                price_sigma=0.3,
                margin=0.45,
                elasticity=-1.2,
                season_peak=315,
                season_amplitude=0.5,
                weekend_lift=1.15,
                multi_buy=0.0,
                complements=("jeans-trousers", "jackets-coats", "camping-hiking"),
            ),
            Leaf(
                slug="backpacks",
                name="Backpacks",
                description="Daypacks, commuter and travel backpacks.",
                shape="backpack",
                review_family="bags",
                nouns=("Daypack", "Laptop Backpack", "Rolltop Backpack", "Travel Pack", "Hiking Pack"),
                modifiers=("Commuter", "Weatherproof", "Minimalist", "Everyday", "Expandable", "Recycled"),
                line_rate=0.6,
                sizes=None,
                colours=("Black", "Navy", "Olive", "Grey", "Mustard", "Rust"),
                attributes=(
                    ("capacity", Number(15, 45, 1)),
                    ("material", Text(("Recycled polyester", "Nylon", "Waxed canvas", "Cordura"))),
                    ("waterproof", Flag(0.4)),
                    ("recycled", Flag(0.35)),
                ),
                features=(
                    "A padded sleeve fits laptops up to 16 inches.",
                    "Ventilated back panel and load-lifter straps.",
                    "A hidden pocket keeps your passport and cards safe.",
                ),
                price_median=59,
                price_sigma=0.4,
                margin=0.5,
                elasticity=-1.4,
                season_peak=240,
                season_amplitude=0.35,
                weekend_lift=0.95,
                multi_buy=0.0,
                complements=("bottles-flasks", "phone-accessories", "camping-hiking"),
            ),
            Leaf(
                slug="handbags-wallets",
                name="Handbags & Wallets",
                description="Totes, cross-body bags and wallets.",
                shape="handbag",
                review_family="bags",
                nouns=("Tote Bag", "Cross-Body Bag", "Shoulder Bag", "Card Wallet", "Zip Wallet", "Clutch"),
                modifiers=("Leather", "Vegan Leather", "Woven", "Structured", "Mini", "Quilted"),
                line_rate=0.3,
                sizes=None,
                colours=("Black", "Tan", "Brown", "Burgundy", "Cream", "Blush", "Olive"),
                attributes=(
                    ("material", Text(("Full-grain leather", "Vegan leather", "Canvas", "Raffia"))),
                    ("vegan", Flag(0.45)),
                ),
                features=(
                    "An adjustable strap you can wear three ways.",
                    "Card slots and a zipped inner pocket keep things tidy.",
                    "Hand-finished edges and brushed brass hardware.",
                ),
                price_median=79,
                price_sigma=0.5,
                margin=0.6,
                elasticity=-1.1,
                season_peak=340,
                season_amplitude=0.3,
                weekend_lift=1.2,
                multi_buy=0.0,
                complements=("dresses-skirts", "fragrance"),
            ),
        ),
    ),
    Department(
        "home-kitchen",
        "Home & Kitchen",
        "Cookware, appliances, tableware and bedding.",
        (
            Leaf(
                slug="cookware",
                name="Cookware",
                description="Pans, pots and bakeware.",
                shape="pan",
                review_family="kitchen",
                nouns=("Frying Pan", "Saucepan", "Casserole Dish", "Wok", "Sauté Pan", "Griddle Pan"),
                modifiers=("Non-Stick", "Cast Iron", "Stainless Steel", "Carbon Steel", "Ceramic", "Tri-Ply"),
                line_rate=0.3,
                sizes="pan",
                colours=(),
                attributes=(
                    ("material", Text(("Cast iron", "Stainless steel", "Carbon steel", "Aluminium", "Ceramic"))),
                    ("induction-ready", Flag(0.7)),
                    ("dishwasher-safe", Flag(0.5)),
                    ("weight", Number(700, 4200, 100)),
                ),
                features=(
                    "Heats evenly with no hot spots.",
                    "Oven safe up to 260 °C, lid included.",
                    "A stay-cool handle riveted for life.",
                ),
                price_median=49,
                price_sigma=0.5,
                margin=0.5,
                elasticity=-1.4,
                season_peak=345,
                season_amplitude=0.35,
                weekend_lift=1.1,
                multi_buy=0.05,
                complements=("tableware-mugs", "small-appliances", "cookware"),
            ),
            Leaf(
                slug="small-appliances",
                name="Small Appliances",
                description="Kettles, toasters, blenders and coffee makers.",
                shape="kettle",
                review_family="kitchen",
                nouns=("Kettle", "Toaster", "Blender", "Coffee Grinder", "Espresso Machine", "Hand Mixer"),
                modifiers=("Quiet", "Compact", "Digital", "Retro", "Rapid-Boil", "Smart"),
                line_rate=0.5,
                sizes=None,
                colours=("Black", "White", "Stainless", "Cream", "Red", "Sage"),
                attributes=(
                    ("power", Number(400, 2400, 100)),
                    ("warranty", Number(1, 3, 1)),
                    ("dishwasher-safe", Flag(0.2)),
                ),
                features=(
                    "Auto shut-off and boil-dry protection.",
                    "Simple controls you can use without the manual.",
                    "A cord store underneath keeps the worktop tidy.",
                ),
                price_median=69,
                price_sigma=0.5,
                margin=0.35,
                elasticity=-1.7,
                season_peak=350,
                season_amplitude=0.45,
                weekend_lift=1.0,
                multi_buy=0.0,
                complements=("tableware-mugs", "cookware"),
            ),
            Leaf(
                slug="tableware-mugs",
                name="Tableware & Mugs",
                description="Plates, bowls, mugs and glasses.",
                shape="mug",
                review_family="kitchen",
                nouns=("Mug", "Dinner Plate Set", "Pasta Bowl", "Tumbler Set", "Serving Platter", "Espresso Cups"),
                modifiers=("Stoneware", "Porcelain", "Hand-Glazed", "Speckled", "Recycled Glass", "Enamel"),
                line_rate=0.2,
                sizes=None,
                colours=("White", "Cream", "Sage", "Navy", "Charcoal", "Blush", "Teal"),
                attributes=(
                    ("material", Text(("Stoneware", "Porcelain", "Glass", "Enamel steel"))),
                    ("dishwasher-safe", Flag(0.8)),
                    ("capacity", Number(0.2, 0.6, 0.05)),
                ),
                features=(
                    "Microwave and dishwasher friendly.",
                    "Each piece is glazed by hand, so no two are alike.",
                    "Stacks neatly to save cupboard space.",
                ),
                price_median=24,
                price_sigma=0.5,
                margin=0.55,
                elasticity=-2.2,
                season_peak=345,
                season_amplitude=0.3,
                weekend_lift=1.15,
                multi_buy=0.3,
                complements=("cookware", "small-appliances"),
            ),
            Leaf(
                slug="bedding-towels",
                name="Bedding & Towels",
                description="Duvet covers, sheets, pillows and towels.",
                shape="pillow",
                review_family="bedding",
                nouns=("Duvet Cover Set", "Fitted Sheet", "Pillow Pair", "Bath Towel Set", "Throw Blanket"),
                modifiers=("Percale", "Sateen", "Linen", "Waffle", "Organic Cotton", "Brushed Cotton"),
                line_rate=0.15,
                sizes="bedding",
                colours=("White", "Grey", "Sage", "Sand", "Navy", "Blush", "Lavender"),
                attributes=(
                    ("material", Text(("Organic cotton", "Egyptian cotton", "Linen", "Bamboo lyocell"))),
                    ("thread-count", Number(200, 600, 50)),
                    ("organic", Flag(0.4)),
                ),
                features=(
                    "Breathable and cool in summer, cosy in winter.",
                    "Gets softer with every wash.",
                    "Hidden button closure and corner ties keep the duvet in place.",
                ),
                price_median=55,
                price_sigma=0.45,
                margin=0.55,
                elasticity=-1.6,
                season_peak=20,
                season_amplitude=0.3,
                weekend_lift=1.2,
                multi_buy=0.15,
                complements=("bedding-towels", "tableware-mugs"),
            ),
        ),
    ),
    Department(
        "electronics",
        "Electronics",
        "Audio, wearables and phone accessories.",
        (
            Leaf(
                slug="headphones",
                name="Headphones",
                description="Over-ear, on-ear and in-ear headphones.",
                shape="headphones",
                review_family="audio",
                nouns=("Over-Ear Headphones", "Wireless Earbuds", "On-Ear Headphones", "Sport Earbuds"),
                modifiers=("ANC", "Studio", "Wireless", "Open-Back", "Bass", "Travel"),
                line_rate=0.9,
                sizes=None,
                colours=("Black", "White", "Silver", "Navy", "Sand"),
                attributes=(
                    ("battery-life", Number(6, 60, 2)),
                    ("wireless", Flag(0.85)),
                    ("noise-cancelling", Flag(0.5)),
                    ("connectivity", Text(("Bluetooth 5.3", "Bluetooth 5.2", "USB-C", "3.5 mm jack"))),
                ),
                features=(
                    "Custom drivers tuned for clear highs and tight bass.",
                    "Multipoint pairing switches between phone and laptop.",
                    "Memory-foam cushions for all-day comfort.",
                ),
                price_median=99,
                price_sigma=0.6,
                margin=0.4,
                elasticity=-1.9,
                season_peak=350,
                season_amplitude=0.5,
                weekend_lift=1.05,
                multi_buy=0.0,
                complements=("phone-accessories", "smartwatches"),
            ),
            Leaf(
                slug="speakers",
                name="Speakers",
                description="Portable and smart speakers.",
                shape="speaker",
                review_family="audio",
                nouns=("Portable Speaker", "Smart Speaker", "Bookshelf Speakers", "Soundbar", "Party Speaker"),
                modifiers=("Waterproof", "Compact", "Wi-Fi", "Rugged", "Stereo", "Mini"),
                line_rate=0.9,
                sizes=None,
                colours=("Black", "White", "Grey", "Teal", "Coral"),
                attributes=(
                    ("battery-life", Number(5, 30, 1)),
                    ("power", Number(5, 120, 5)),
                    ("waterproof", Flag(0.45)),
                    ("wireless", Flag(0.9)),
                ),
                features=(
                    "Room-filling sound with a passive bass radiator.",
                    "Pair two for true stereo.",
                    "Drop-tested and dust-proof for the beach and the park.",
                ),
                price_median=79,
                price_sigma=0.6,
                margin=0.4,
                elasticity=-1.8,
                season_peak=200,
                season_amplitude=0.35,
                weekend_lift=1.1,
                multi_buy=0.0,
                complements=("phone-accessories", "headphones"),
            ),
            Leaf(
                slug="smartwatches",
                name="Smartwatches & Trackers",
                description="Smartwatches and fitness trackers.",
                shape="watch",
                review_family="gadgets",
                nouns=("Smartwatch", "Fitness Tracker", "GPS Running Watch", "Kids' Smartwatch"),
                modifiers=("Sport", "Active", "AMOLED", "Solar", "Slim", "Outdoor"),
                line_rate=0.95,
                sizes=None,
                colours=("Black", "Silver", "Navy", "Blush", "Olive"),
                attributes=(
                    ("battery-life", Number(24, 336, 24)),
                    ("water-resistance", Number(30, 100, 10)),
                    ("connectivity", Text(("Bluetooth 5.2", "Bluetooth 5.3", "Bluetooth + GPS", "LTE"))),
                ),
                features=(
                    "Tracks heart rate, sleep and over 100 workouts.",
                    "Built-in GPS maps your runs without a phone.",
                    "Notifications and contactless payments on your wrist.",
                ),
                price_median=149,
                price_sigma=0.5,
                margin=0.35,
                elasticity=-1.2,
                season_peak=5,
                season_amplitude=0.45,
                weekend_lift=1.0,
                multi_buy=0.0,
                complements=("phone-accessories", "yoga-fitness", "sneakers"),
            ),
            Leaf(
                slug="phone-accessories",
                name="Phone Accessories",
                description="Cases, chargers, cables and power banks.",
                shape="phone",
                review_family="gadgets",
                nouns=("Phone Case", "USB-C Charger", "Power Bank", "Charging Cable", "Wireless Charger", "Car Mount"),
                modifiers=("Slim", "Rugged", "Fast", "Magnetic", "Braided", "Compact"),
                line_rate=0.6,
                sizes=None,
                colours=("Black", "White", "Navy", "Sage", "Coral", "Lavender"),
                attributes=(
                    ("power", Number(10, 140, 5)),
                    ("connectivity", Text(("USB-C", "Lightning", "Qi wireless", "MagSafe compatible"))),
                    ("recycled", Flag(0.3)),
                ),
                features=(
                    "Drop protection from raised edges and shock-absorbing corners.",
                    "Fast charging with built-in over-heat protection.",
                    "Tangle-free braided cable rated for 20,000 bends.",
                ),
                price_median=19,
                price_sigma=0.5,
                margin=0.6,
                elasticity=-2.5,
                season_peak=350,
                season_amplitude=0.3,
                weekend_lift=0.95,
                multi_buy=0.2,
                complements=("headphones", "speakers", "smartwatches"),
            ),
        ),
    ),
    Department(
        "sports-outdoors",
        "Sports & Outdoors",
        "Fitness, camping, cycling and hydration.",
        (
            Leaf(
                slug="yoga-fitness",
                name="Yoga & Fitness",
                description="Mats, weights and home-gym kit.",
                shape="dumbbell",
                review_family="fitness",
                nouns=("Yoga Mat", "Dumbbell Pair", "Resistance Bands", "Kettlebell", "Foam Roller", "Jump Rope"),
                modifiers=("Non-Slip", "Adjustable", "Cork", "Pro", "Travel", "Eco"),
                line_rate=0.4,
                sizes=None,
                colours=("Black", "Teal", "Lavender", "Coral", "Grey", "Sage"),
                attributes=(
                    ("weight", Number(200, 12000, 100)),
                    ("material", Text(("Natural rubber", "Cork", "TPE", "Cast iron", "Neoprene"))),
                    ("recycled", Flag(0.3)),
                ),
                features=(
                    "Grips on hard floors and does not slip when you sweat.",
                    "Compact enough to store under the bed.",
                    "Comes with a guide of 20 beginner workouts.",
                ),
                price_median=29,
                price_sigma=0.6,
                margin=0.5,
                elasticity=-1.7,
                season_peak=10,
                season_amplitude=0.6,
                weekend_lift=1.1,
                multi_buy=0.1,
                complements=("bottles-flasks", "smartwatches", "sneakers"),
            ),
            Leaf(
                slug="camping-hiking",
                name="Camping & Hiking",
                description="Tents, sleeping bags and trail gear.",
                shape="tent",
                review_family="outdoor",
                nouns=("Dome Tent", "Sleeping Bag", "Camping Stove", "Head Torch", "Trekking Poles", "Camping Chair"),
                modifiers=("Ultralight", "Four-Season", "Compact", "Trail", "Expedition", "Weekend"),
                line_rate=0.6,
                sizes=None,
                colours=("Olive", "Forest Green", "Sand", "Rust", "Grey"),
                attributes=(
                    ("weight", Number(150, 4500, 50)),
                    ("sleeps", Number(1, 4, 1)),
                    ("waterproof", Flag(0.6)),
                ),
                features=(
                    "Pitches in under five minutes, even alone.",
                    "Packs down small enough to strap to a daypack.",
                    "Reflective guy lines you can find after dark.",
                ),
                price_median=89,
                price_sigma=0.7,
                margin=0.45,
                elasticity=-1.0,
                season_peak=170,
                season_amplitude=0.6,
                weekend_lift=1.3,
                multi_buy=0.0,
                complements=("backpacks", "bottles-flasks", "boots"),
            ),
            Leaf(
                slug="cycling",
                name="Cycling",
                description="Helmets, lights, locks and bike tools.",
                shape="bike",
                review_family="fitness",
                nouns=("Bike Helmet", "Bike Light Set", "D-Lock", "Multi-Tool", "Mini Pump", "Saddle Bag"),
                modifiers=("Urban", "Road", "Rechargeable", "Compact", "Reflective", "Trail"),
                line_rate=0.5,
                sizes=None,
                colours=("Black", "White", "Red", "Sky Blue", "Mustard"),
                attributes=(
                    ("weight", Number(80, 1500, 10)),
                    ("battery-life", Number(3, 40, 1)),
                    ("waterproof", Flag(0.5)),
                ),
                features=(
                    "Bright enough to be seen from 300 metres.",
                    "Mounts in seconds without tools.",
                    "Tested to European safety standards.",
                ),
                price_median=39,
                price_sigma=0.7,
                margin=0.45,
                elasticity=-1.1,
                season_peak=150,
                season_amplitude=0.5,
                weekend_lift=1.25,
                multi_buy=0.05,
                complements=("bottles-flasks", "smartwatches", "backpacks"),
            ),
            Leaf(
                slug="bottles-flasks",
                name="Bottles & Flasks",
                description="Water bottles, flasks and travel mugs.",
                shape="bottle",
                review_family="outdoor",
                nouns=("Water Bottle", "Vacuum Flask", "Travel Mug", "Sports Bottle", "Food Jar"),
                modifiers=("Insulated", "Leak-Proof", "Stainless Steel", "Collapsible", "Wide-Mouth", "Glass"),
                line_rate=0.3,
                sizes="bottle",
                colours=("Black", "White", "Teal", "Coral", "Sage", "Mustard", "Navy", "Lavender"),
                attributes=(
                    ("insulated", Flag(0.6)),
                    ("material", Text(("Stainless steel", "Tritan", "Borosilicate glass", "Silicone"))),
                    ("dishwasher-safe", Flag(0.5)),
                ),
                features=(
                    "Keeps drinks cold for 24 hours or hot for 12.",
                    "A leak-proof lid you can throw in your bag.",
                    "BPA-free and free of any plastic taste.",
                ),
                price_median=22,
                price_sigma=0.3,
                margin=0.6,
                elasticity=-2.3,
                season_peak=180,
                season_amplitude=0.4,
                weekend_lift=1.1,
                multi_buy=0.2,
                complements=("yoga-fitness", "cycling", "camping-hiking", "backpacks"),
            ),
        ),
    ),
    Department(
        "beauty",
        "Beauty & Personal Care",
        "Skincare, hair care, fragrance and grooming.",
        (
            Leaf(
                slug="skincare",
                name="Skincare",
                description="Cleansers, serums, moisturisers and sun care.",
                shape="jar",
                review_family="beauty",
                nouns=(
                    "Face Moisturiser",
                    "Vitamin C Serum",
                    "Gentle Cleanser",
                    "Night Cream",
                    "Sun Fluid",
                    "Eye Cream",
                ),
                modifiers=("Hydrating", "Brightening", "Fragrance-Free", "Daily", "Calming", "Renewing"),
                line_rate=0.3,
                sizes="beauty",
                colours=(),
                attributes=(
                    ("skin-type", Text(("All skin types", "Dry", "Oily", "Sensitive", "Combination"))),
                    ("spf", Number(0, 50, 15)),
                    ("vegan", Flag(0.6)),
                    ("organic", Flag(0.3)),
                ),
                features=(
                    "Dermatologically tested and non-comedogenic.",
                    "Absorbs quickly without a greasy film.",
                    "Formulated with niacinamide and hyaluronic acid.",
                ),
                price_median=24,
                price_sigma=0.45,
                margin=0.65,
                elasticity=-0.9,
                season_peak=150,
                season_amplitude=0.2,
                weekend_lift=1.0,
                multi_buy=0.2,
                complements=("hair-care", "shaving-grooming", "skincare"),
            ),
            Leaf(
                slug="hair-care",
                name="Hair Care",
                description="Shampoos, conditioners and styling.",
                shape="pump",
                review_family="beauty",
                nouns=("Shampoo", "Conditioner", "Hair Mask", "Styling Cream", "Hair Oil", "Dry Shampoo"),
                modifiers=("Repairing", "Volumising", "Curl-Defining", "Sulphate-Free", "Nourishing", "Clarifying"),
                line_rate=0.2,
                sizes="beauty",
                colours=(),
                attributes=(
                    ("vegan", Flag(0.6)),
                    ("organic", Flag(0.3)),
                    ("recycled", Flag(0.4)),
                ),
                features=(
                    "Cleans gently without stripping natural oils.",
                    "Leaves hair soft, shiny and easy to comb.",
                    "In a bottle made from recycled plastic.",
                ),
                price_median=14,
                price_sigma=0.4,
                margin=0.65,
                elasticity=-1.5,
                season_peak=150,
                season_amplitude=0.1,
                weekend_lift=1.0,
                multi_buy=0.25,
                complements=("skincare", "hair-care"),
            ),
            Leaf(
                slug="fragrance",
                name="Fragrance",
                description="Perfumes and colognes.",
                shape="perfume",
                review_family="fragrance",
                nouns=("Eau de Parfum", "Eau de Toilette", "Cologne", "Body Mist", "Solid Perfume"),
                modifiers=("Amber", "Citrus", "Wood", "Floral", "Musk", "Fig"),
                line_rate=0.6,
                sizes="fragrance",
                colours=(),
                attributes=(
                    ("scent", Text(("Floral", "Woody", "Citrus", "Oriental", "Fresh", "Gourmand"))),
                    ("vegan", Flag(0.5)),
                ),
                features=(
                    "Top notes of bergamot settle into a warm, woody base.",
                    "Long-lasting and close to the skin.",
                    "Blended in Grasse from natural essences.",
                ),
                price_median=59,
                price_sigma=0.4,
                margin=0.7,
                elasticity=-0.8,
                season_peak=345,
                season_amplitude=0.6,
                weekend_lift=1.05,
                multi_buy=0.0,
                complements=("skincare", "handbags-wallets"),
            ),
            Leaf(
                slug="shaving-grooming",
                name="Shaving & Grooming",
                description="Razors, trimmers and shaving care.",
                shape="razor",
                review_family="beauty",
                nouns=(
                    "Safety Razor",
                    "Beard Trimmer",
                    "Shaving Cream",
                    "Beard Oil",
                    "Electric Shaver",
                    "Razor Blades",
                ),
                modifiers=("Precision", "Sensitive", "Classic", "Cordless", "Travel", "Barber"),
                line_rate=0.4,
                sizes=None,
                colours=(),
                attributes=(
                    ("battery-life", Number(0, 120, 10)),
                    ("waterproof", Flag(0.5)),
                    ("vegan", Flag(0.4)),
                ),
                features=(
                    "A close, comfortable shave without irritation.",
                    "Self-sharpening stainless steel blades.",
                    "Washable head, charges by USB-C.",
                ),
                price_median=19,
                price_sigma=0.5,
                margin=0.55,
                elasticity=-2.0,
                season_peak=350,
                season_amplitude=0.35,
                weekend_lift=0.95,
                multi_buy=0.15,
                complements=("skincare", "hair-care"),
            ),
        ),
    ),
)

LEAVES: tuple[Leaf, ...] = tuple(leaf for department in DEPARTMENTS for leaf in department.leaves)

# Fictional brands and the leaf categories each one sells in; related categories share brands.
BRANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Loomwell", ("t-shirts-tops", "jeans-trousers", "dresses-skirts")),
    ("Harbor & Pine", ("t-shirts-tops", "jeans-trousers", "jackets-coats", "backpacks")),
    ("Urbanfold", ("t-shirts-tops", "jackets-coats", "sneakers", "backpacks")),
    ("Wren Atelier", ("dresses-skirts", "handbags-wallets", "fragrance")),
    ("Cobalt Thread", ("t-shirts-tops", "jeans-trousers", "jackets-coats")),
    ("Aurelia", ("dresses-skirts", "handbags-wallets", "fragrance")),
    ("Fjellmark", ("jackets-coats", "boots", "camping-hiking", "backpacks")),
    ("Stridewell", ("sneakers", "yoga-fitness", "t-shirts-tops")),
    ("Kestrel Sport", ("sneakers", "yoga-fitness", "cycling", "smartwatches")),
    ("Ridgeback", ("boots", "camping-hiking", "backpacks")),
    ("Tallow & Tan", ("boots", "handbags-wallets")),
    ("Voyager Goods", ("backpacks", "handbags-wallets", "bottles-flasks")),
    ("Copperleaf", ("cookware", "tableware-mugs")),
    ("Ember & Oak", ("cookware", "small-appliances")),
    ("Hearthline", ("small-appliances", "cookware")),
    ("Brightkettle", ("small-appliances", "tableware-mugs")),
    ("Linden Home", ("bedding-towels", "tableware-mugs")),
    ("Driftwood Living", ("bedding-towels", "tableware-mugs")),
    ("Slumberly", ("bedding-towels",)),
    ("Halcyon Audio", ("headphones", "speakers")),
    ("Pulse Acoustics", ("headphones", "speakers", "phone-accessories")),
    ("Voltix", ("headphones", "phone-accessories", "smartwatches")),
    ("Orbit Wearables", ("smartwatches", "yoga-fitness")),
    ("Lumen Labs", ("speakers", "phone-accessories", "smartwatches")),
    ("Summit Trail", ("camping-hiking", "bottles-flasks", "backpacks", "cycling")),
    ("Velora Cycling", ("cycling", "bottles-flasks")),
    ("Zenflow", ("yoga-fitness", "bottles-flasks")),
    ("Hydra Peak", ("bottles-flasks", "camping-hiking")),
    ("Petal & Pearl", ("skincare", "hair-care", "fragrance")),
    ("Verdant Botanics", ("skincare", "hair-care")),
    ("Barber & Birch", ("shaving-grooming", "hair-care", "skincare")),
    ("Maison Lior", ("fragrance", "skincare")),
    ("Clearday", ("skincare", "hair-care", "shaving-grooming")),
    ("Keenedge", ("shaving-grooming",)),
)

# Product-line words and generations, for names such as "Halcyon Nova 2 ANC Over-Ear Headphones".
PRODUCT_LINES = (
    "Nova", "Terra", "Luna", "Aero", "Vista", "Core", "Flex", "Edge", "Drift", "Atlas", "Echo", "Solace",
    "Arc", "Pulse", "Orbit", "Haven", "Ridge", "Tide", "Ember", "Frost", "Summit", "Breeze", "Zephyr", "Crest",
    "Nimbus", "Sierra", "Alto", "Verve", "Quill", "Dune", "Fable", "Halo", "Lyra", "Mesa", "Nomad", "Prism",
)  # fmt: skip
LINE_SUFFIXES = ("", "", "", " 2", " 3", " Pro", " Lite", " Plus", " Max", " Mini")

# Shopper taste segments: (name, share of customers, leaf slug -> preference weight).
SEGMENTS: tuple[tuple[str, float, dict[str, float]], ...] = (
    ("Urban style", 0.14, {"t-shirts-tops": 3, "jeans-trousers": 3, "sneakers": 3, "jackets-coats": 2,
                           "handbags-wallets": 1, "fragrance": 1}),
    ("Runners", 0.11, {"sneakers": 3, "yoga-fitness": 3, "smartwatches": 3, "bottles-flasks": 2, "t-shirts-tops": 1}),
    ("Home cooks", 0.13, {"cookware": 4, "small-appliances": 3, "tableware-mugs": 3, "bedding-towels": 1}),
    ("Tech lovers", 0.13, {"headphones": 4, "speakers": 3, "smartwatches": 2, "phone-accessories": 4}),
    ("Outdoor explorers", 0.10, {"camping-hiking": 4, "boots": 3, "jackets-coats": 3, "backpacks": 3,
                                 "bottles-flasks": 2, "cycling": 2}),
    ("Beauty fans", 0.12, {"skincare": 4, "hair-care": 3, "fragrance": 3, "shaving-grooming": 1, "dresses-skirts": 1}),
    ("Nesters", 0.10, {"bedding-towels": 4, "tableware-mugs": 2, "small-appliances": 2, "speakers": 1}),
    ("Commuters", 0.09, {"backpacks": 3, "phone-accessories": 3, "headphones": 2, "bottles-flasks": 2,
                         "cycling": 2, "t-shirts-tops": 1}),
    ("Occasion dressers", 0.08, {"dresses-skirts": 4, "handbags-wallets": 3, "fragrance": 2, "boots": 2}),
)  # fmt: skip

FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Sophia", "Grace", "Lily", "Freya", "Emily", "Ella", "Chloe",
    "Sofia", "Lucy", "Hannah", "Zara", "Anna", "Clara", "Elena", "Laura", "Marta", "Ines", "Nora", "Leah",
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Charlie", "Jacob", "Thomas", "Ethan",
    "Lucas", "Mateo", "Luca", "Adam", "Samuel", "Daniel", "David", "Felix", "Hugo", "Max", "Ravi", "Omar",
    "Aisha", "Priya", "Yuki", "Mei", "Fatima", "Amara", "Kofi", "Tariq", "Sven", "Piotr", "Jonas", "Tomas",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright", "Walker",
    "Evans", "Thomas", "Roberts", "Green", "Hall", "Wood", "Clarke", "Hughes", "Edwards", "Murphy", "Kelly",
    "Martin", "Moreau", "Garcia", "Rossi", "Muller", "Schmidt", "Novak", "Kowalski", "Jansen", "de Vries",
    "Silva", "Costa", "Lopez", "Fernandez", "Nielsen", "Larsen", "Berg", "Khan", "Singh", "Ahmed", "Chen",
    "Wang", "Kim", "Nakamura", "Okafor", "Mensah", "Dubois", "Romano", "Horvat", "Popescu", "O'Brien", "Byrne",
)  # fmt: skip

PRICE_CHANGE_REASONS = {
    "down": ("Seasonal promotion", "Competitor price match", "Clearance", "Weekend offer"),
    "up": ("Supplier cost increase", "Promotion ended", "Demand above forecast", "New season pricing"),
}
