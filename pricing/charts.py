"""The demand curve chart of a suggestion: an SVG drawn on the server (no script, no external asset).

Units per day (blue, left scale) and profit per day (green, right scale) against price, with the
current price (grey) and the suggested price (orange) marked. Only numbers and fixed words go into
the markup, so it is safe to mark as HTML.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 520, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 64, 16, 40


def _scale(values: list[float], low: float, high: float, start: float, end: float) -> list[float]:
    span = (high - low) or 1.0
    return [start + (v - low) / span * (end - start) for v in values]


def demand_curve_svg(*, curve: dict, current: float, suggested: float, currency: str = "") -> SafeString:
    prices, units, profit = curve.get("prices") or [], curve.get("units") or [], curve.get("profit") or []
    if len(prices) < 2:
        return mark_safe("<p>No demand curve.</p>")
    low, high = min([*prices, current, suggested]), max([*prices, current, suggested])
    xs = _scale(prices, low, high, LEFT, WIDTH - RIGHT)
    umax = max(max(units), 1e-9)
    pmin, pmax = min(min(profit), 0.0), max(max(profit), 1e-9)
    uy = _scale(units, 0.0, umax, HEIGHT - BOTTOM, TOP)
    py = _scale(profit, pmin, pmax, HEIGHT - BOTTOM, TOP)

    def points(ys):
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))

    def marker(price: float, colour: str, label: str, row: int) -> str:
        x = _scale([price], low, high, LEFT, WIDTH - RIGHT)[0]
        return (
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="{colour}" '
            f'stroke-dasharray="4 3" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{TOP + 8 + 13 * row}" fill="{colour}" font-size="11" text-anchor="middle">'
            f"{escape(label)} {price:.2f}</text>"
        )

    zero = _scale([0.0], pmin, pmax, HEIGHT - BOTTOM, TOP)[0]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pricing-curve" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Demand curve: units and profit per day against price">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>',
        f'<line x1="{WIDTH - RIGHT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>',
        f'<line x1="{LEFT}" y1="{zero:.1f}" x2="{WIDTH - RIGHT}" y2="{zero:.1f}" stroke="#cde5cd"/>',
        f'<polyline fill="none" stroke="#1f6fb2" stroke-width="2" points="{points(uy)}"/>',
        f'<polyline fill="none" stroke="#2e8b3a" stroke-width="2" points="{points(py)}"/>',
        marker(current, "#777", "now", 0),
        marker(suggested, "#d9731a", "suggested", 1),
        f'<text x="{LEFT - 6}" y="{TOP + 8}" font-size="11" text-anchor="end" fill="#1f6fb2">{umax:.1f}</text>',
        f'<text x="{LEFT - 6}" y="{HEIGHT - BOTTOM}" font-size="11" text-anchor="end" fill="#1f6fb2">0</text>',
        f'<text x="{WIDTH - RIGHT + 6}" y="{TOP + 8}" font-size="11" fill="#2e8b3a">{pmax:.0f}</text>',
        f'<text x="{WIDTH - RIGHT + 6}" y="{HEIGHT - BOTTOM}" font-size="11" fill="#2e8b3a">{pmin:.0f}</text>',
        f'<text x="{LEFT}" y="{HEIGHT - BOTTOM + 16}" font-size="11">{low:.2f}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - BOTTOM + 16}" font-size="11" text-anchor="end">{high:.2f}</text>',
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 6}" font-size="12" text-anchor="middle">'
        f"price {escape(currency)}</text>",
        f'<text x="{LEFT}" y="{HEIGHT - 6}" font-size="11" fill="#1f6fb2">units/day</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" font-size="11" fill="#2e8b3a" text-anchor="end">profit/day</text>',
        "</svg>",
    ]
    return mark_safe("".join(parts))  # numbers and fixed words only; labels escaped
