"""Product pictures drawn locally with Pillow: a soft gradient, a category silhouette and the brand's initials.

Each shape is a list of drawing steps in unit coordinates (0..1 across the drawing box), so a new
category only needs a few points. Output is JPEG bytes, ready for `shop.services.product_image_add`.
"""

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

SIZE = 800

# Drawing steps: ("polygon", points), ("rounded", box, radius), ("ellipse", box), ("ring", box, width),
# ("arc", box, start, end, width), ("line", points, width); an "accent_" prefix fills in a lighter tone.
SHAPES: dict[str, tuple[tuple, ...]] = {
    "tshirt": (
        ("polygon", ((0.3, 0.1), (0.42, 0.1), (0.5, 0.18), (0.58, 0.1), (0.7, 0.1), (0.95, 0.3), (0.85, 0.45),
                     (0.75, 0.38), (0.75, 0.95), (0.25, 0.95), (0.25, 0.38), (0.15, 0.45), (0.05, 0.3))),
    ),
    "trousers": (
        ("polygon", ((0.25, 0.05), (0.75, 0.05), (0.8, 0.95), (0.58, 0.95), (0.5, 0.35), (0.42, 0.95), (0.2, 0.95))),
        ("accent_rounded", (0.25, 0.05, 0.75, 0.12), 0.01),
    ),
    "jacket": (
        ("polygon", ((0.3, 0.05), (0.45, 0.05), (0.5, 0.15), (0.55, 0.05), (0.7, 0.05), (0.92, 0.25), (0.98, 0.9),
                     (0.84, 0.92), (0.78, 0.4), (0.78, 0.97), (0.22, 0.97), (0.22, 0.4), (0.16, 0.92), (0.02, 0.9),
                     (0.08, 0.25))),
        ("accent_line", ((0.5, 0.15), (0.5, 0.97)), 0.012),
    ),
    "dress": (
        ("polygon", ((0.38, 0.05), (0.45, 0.05), (0.5, 0.12), (0.55, 0.05), (0.62, 0.05), (0.64, 0.35), (0.58, 0.45),
                     (0.85, 0.95), (0.15, 0.95), (0.42, 0.45), (0.36, 0.35))),
    ),
    "shoe": (
        ("polygon", ((0.05, 0.55), (0.1, 0.35), (0.35, 0.38), (0.55, 0.55), (0.85, 0.6), (0.95, 0.7), (0.95, 0.8),
                     (0.05, 0.8))),
        ("accent_rounded", (0.04, 0.78, 0.96, 0.88), 0.03),
    ),
    "boot": (
        ("polygon", ((0.2, 0.1), (0.5, 0.1), (0.52, 0.55), (0.85, 0.65), (0.92, 0.78), (0.92, 0.86), (0.18, 0.86))),
        ("accent_rounded", (0.17, 0.84, 0.93, 0.93), 0.02),
    ),
    "backpack": (
        ("ring", (0.38, 0.04, 0.62, 0.26), 0.03),
        ("rounded", (0.2, 0.15, 0.8, 0.92), 0.12),
        ("accent_rounded", (0.3, 0.55, 0.7, 0.82), 0.06),
    ),
    "handbag": (
        ("arc", (0.3, 0.1, 0.7, 0.6), 180, 360, 0.035),
        ("polygon", ((0.15, 0.35), (0.85, 0.35), (0.92, 0.9), (0.08, 0.9))),
    ),
    "pan": (
        ("polygon", ((0.6, 0.5), (0.98, 0.42), (0.98, 0.5), (0.62, 0.6))),
        ("ellipse", (0.02, 0.3, 0.66, 0.8)),
        ("accent_ellipse", (0.08, 0.36, 0.6, 0.74)),
    ),
    "kettle": (
        ("arc", (0.33, 0.08, 0.67, 0.5), 180, 360, 0.04),
        ("polygon", ((0.25, 0.45), (0.05, 0.28), (0.1, 0.25), (0.28, 0.38))),
        ("polygon", ((0.25, 0.3), (0.72, 0.3), (0.8, 0.92), (0.17, 0.92))),
        ("accent_rounded", (0.3, 0.24, 0.67, 0.32), 0.03),
    ),
    "mug": (
        ("ring", (0.58, 0.38, 0.9, 0.74), 0.06),
        ("rounded", (0.15, 0.22, 0.7, 0.92), 0.06),
    ),
    "pillow": (
        ("rounded", (0.06, 0.22, 0.94, 0.82), 0.16),
        ("accent_rounded", (0.16, 0.32, 0.84, 0.72), 0.1),
    ),
    "headphones": (
        ("arc", (0.15, 0.08, 0.85, 0.8), 180, 360, 0.05),
        ("rounded", (0.08, 0.42, 0.3, 0.82), 0.08),
        ("rounded", (0.7, 0.42, 0.92, 0.82), 0.08),
    ),
    "speaker": (
        ("rounded", (0.25, 0.06, 0.75, 0.94), 0.08),
        ("accent_ellipse", (0.33, 0.46, 0.67, 0.8)),
        ("accent_ellipse", (0.42, 0.16, 0.58, 0.32)),
    ),
    "watch": (
        ("rounded", (0.38, 0.02, 0.62, 0.98), 0.04),
        ("rounded", (0.24, 0.27, 0.76, 0.73), 0.1),
        ("accent_rounded", (0.3, 0.33, 0.7, 0.67), 0.07),
    ),
    "phone": (
        ("rounded", (0.28, 0.04, 0.72, 0.96), 0.07),
        ("accent_rounded", (0.32, 0.1, 0.68, 0.88), 0.03),
    ),
    "dumbbell": (
        ("rounded", (0.15, 0.46, 0.85, 0.54), 0.02),
        ("rounded", (0.12, 0.24, 0.27, 0.76), 0.03),
        ("rounded", (0.73, 0.24, 0.88, 0.76), 0.03),
        ("rounded", (0.04, 0.34, 0.13, 0.66), 0.02),
        ("rounded", (0.87, 0.34, 0.96, 0.66), 0.02),
    ),
    "tent": (
        ("polygon", ((0.5, 0.08), (0.96, 0.86), (0.04, 0.86))),
        ("accent_polygon", ((0.5, 0.38), (0.66, 0.86), (0.34, 0.86))),
    ),
    "bike": (
        ("ring", (0.02, 0.45, 0.4, 0.83), 0.03),
        ("ring", (0.6, 0.45, 0.98, 0.83), 0.03),
        ("line", ((0.21, 0.64), (0.42, 0.38), (0.72, 0.38), (0.79, 0.64)), 0.025),
        ("line", ((0.42, 0.38), (0.5, 0.64), (0.21, 0.64)), 0.025),
        ("line", ((0.5, 0.64), (0.72, 0.38), (0.7, 0.24), (0.8, 0.24)), 0.025),
        ("line", ((0.38, 0.3), (0.48, 0.3)), 0.03),
    ),
    "bottle": (
        ("rounded", (0.38, 0.03, 0.62, 0.15), 0.03),
        ("rounded", (0.41, 0.13, 0.59, 0.3), 0.02),
        ("rounded", (0.3, 0.26, 0.7, 0.97), 0.1),
        ("accent_rounded", (0.3, 0.5, 0.7, 0.7), 0.0),
    ),
    "jar": (
        ("rounded", (0.16, 0.4, 0.84, 0.88), 0.08),
        ("accent_rounded", (0.2, 0.26, 0.8, 0.42), 0.04),
    ),
    "pump": (
        ("rounded", (0.44, 0.18, 0.56, 0.36), 0.01),
        ("rounded", (0.42, 0.1, 0.78, 0.19), 0.03),
        ("rounded", (0.28, 0.34, 0.72, 0.96), 0.08),
        ("accent_rounded", (0.34, 0.55, 0.66, 0.78), 0.03),
    ),
    "perfume": (
        ("rounded", (0.42, 0.26, 0.58, 0.42), 0.01),
        ("accent_rounded", (0.35, 0.08, 0.65, 0.28), 0.04),
        ("rounded", (0.18, 0.38, 0.82, 0.93), 0.05),
        ("accent_rounded", (0.3, 0.52, 0.7, 0.78), 0.03),
    ),
    "razor": (
        ("rounded", (0.44, 0.32, 0.56, 0.96), 0.04),
        ("rounded", (0.22, 0.12, 0.78, 0.34), 0.05),
        ("accent_line", ((0.26, 0.23), (0.74, 0.23)), 0.015),
    ),
}  # fmt: skip


def image_render(*, shape: str, colour: tuple[int, int, int], initials: str, caption: str) -> bytes:
    """A SIZE x SIZE JPEG: gradient background, the `shape` silhouette in `colour`, `initials` badge, `caption`."""
    light = sum(colour) / 3 > 170
    top = _mix(colour, (40, 48, 60), 0.55) if light else _mix(colour, (255, 255, 255), 0.85)
    bottom = _mix(colour, (40, 48, 60), 0.7) if light else _mix(colour, (255, 255, 255), 0.65)
    picture = Image.composite(
        Image.new("RGB", (SIZE, SIZE), bottom), Image.new("RGB", (SIZE, SIZE), top), _gradient_mask()
    )
    draw = ImageDraw.Draw(picture)
    outline = _mix(colour, (0, 0, 0), 0.35)
    accent = _mix(colour, (255, 255, 255), 0.45)
    box = (SIZE * 0.2, SIZE * 0.12, SIZE * 0.6, SIZE * 0.6)  # left, top, width, height of the drawing area
    draw.ellipse(_box(box, (0.1, 0.93, 0.9, 1.03)), fill=_mix(bottom, (0, 0, 0), 0.12))  # floor shadow
    for step in SHAPES[shape]:
        kind, fill = step[0], colour
        if kind.startswith("accent_"):
            kind, fill = kind.removeprefix("accent_"), accent
        _draw_step(draw, kind, step[1:], box, fill, outline)
    text = (40, 44, 52) if not light else (245, 245, 245)
    draw.rounded_rectangle((36, 36, 196, 116), radius=40, fill=_mix(top, text, 0.12))
    draw.text((116, 76), initials, font=_font(44), fill=text, anchor="mm")
    draw.text((SIZE / 2, SIZE * 0.86), caption, font=_font(40), fill=text, anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def initials_of(name: str) -> str:
    """Up to three initials of a brand name: "Harbor & Pine" -> "H&P", "Voltix" -> "V"."""
    return "".join(word[0] for word in name.split())[:3].upper()


def _draw_step(draw: ImageDraw.ImageDraw, kind: str, args: tuple, box, fill, outline) -> None:
    width = max(int(SIZE * 0.006), 1)
    if kind == "polygon":
        draw.polygon([_point(box, p) for p in args[0]], fill=fill, outline=outline, width=width)
    elif kind == "rounded":
        draw.rounded_rectangle(
            _box(box, args[0]), radius=int(args[1] * box[2]), fill=fill, outline=outline, width=width
        )
    elif kind == "ellipse":
        draw.ellipse(_box(box, args[0]), fill=fill, outline=outline, width=width)
    elif kind == "ring":
        draw.ellipse(_box(box, args[0]), outline=fill, width=int(args[1] * box[2]))
    elif kind == "arc":
        draw.arc(_box(box, args[0]), args[1], args[2], fill=fill, width=int(args[3] * box[2]))
    elif kind == "line":
        draw.line([_point(box, p) for p in args[0]], fill=fill, width=int(args[1] * box[2]), joint="curve")
    else:
        raise ValueError(f"unknown drawing step {kind!r}")


def _point(box, point: tuple[float, float]) -> tuple[float, float]:
    return box[0] + point[0] * box[2], box[1] + point[1] * box[3]


def _box(box, unit: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (*_point(box, unit[:2]), *_point(box, unit[2:]))


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))


@cache
def _gradient_mask() -> Image.Image:
    return Image.linear_gradient("L").resize((SIZE, SIZE))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow's bundled scalable default font: no font files on disk and nothing fetched.
    return ImageFont.load_default(size=size)
