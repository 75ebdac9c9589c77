"""The demand curve chart of a suggestion, as data for the back office's chart script.

`demand_curve_chart` returns the JSON shape that static/js/admin-charts.js draws with Chart.js (served
from the store's static files, so the strict CSP holds): units per day (left scale) and profit per
day (right scale) against price, with the current and the suggested price marked. The admin prints
it with json_script next to a table of the same points, the chart's accessible view.
"""


def demand_curve_chart(*, curve: dict, current: float, suggested: float, currency: str = "") -> dict | None:
    """None without at least two points on the curve."""
    prices, units, profit = curve.get("prices") or [], curve.get("units") or [], curve.get("profit") or []
    if len(prices) < 2:
        return None
    return {
        "title": "Demand curve: units and profit per day against price",
        "type": "line",
        "linearX": True,
        "xTitle": f"price {currency}".strip(),
        "yTitle": "units/day",
        "y2Title": "profit/day",
        "datasets": [
            {"label": "Units per day", "data": [{"x": p, "y": u} for p, u in zip(prices, units, strict=True)]},
            {
                "label": "Profit per day",
                "data": [{"x": p, "y": v} for p, v in zip(prices, profit, strict=True)],
                "right": True,
            },
        ],
        "markers": [
            {"value": current, "label": f"now {current:.2f}", "colour": "#777777"},
            {"value": suggested, "label": f"suggested {suggested:.2f}", "colour": "#d9731a"},
        ],
    }
