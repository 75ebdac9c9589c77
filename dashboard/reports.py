"""The back office's reports: each a date range in, a table out (with charts of it), downloadable as CSV.

A report is a title, the permission that shows it, a form and a `build` function that reads through
the owning apps' selectors and returns a `Table`. Charts are built from the table's own rows, so the
table under each chart is its accessible view, and what the chart draws is what the table says.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from dashboard import forms
from ml import selectors as ml_selectors
from orders import selectors as orders_selectors
from payments import selectors as payments_selectors
from pricing import selectors as pricing_selectors
from recommendations import selectors as recommendations_selectors
from sentiment import selectors as sentiment_selectors
from support import selectors as support_selectors

HTML_ROWS = 200  # rows shown on the page; the CSV has them all
CHART_BARS = 15  # bars in a chart of the top rows (categories, brands, products)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, date, datetime, count, money, rate, number


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict]
    charts: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def display_rows(self) -> list[list[tuple[str, str]]]:
        """The first HTML_ROWS rows as (column kind, text) cells."""
        return [
            [(column.kind, display(row.get(column.key), column.kind)) for column in self.columns]
            for row in self.rows[:HTML_ROWS]
        ]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([column.label for column in self.columns])
        for row in self.rows:
            writer.writerow([raw(row.get(column.key), column.kind) for column in self.columns])
        return out.getvalue()


def display(value, kind: str) -> str:
    """A cell as people read it."""
    if value is None:
        return "-"
    if kind == "money":
        return f"{settings.SHOP_CURRENCY_SYMBOL}{value:,.2f}"
    if kind == "rate":
        return f"{value * 100:.1f} %"
    if kind == "count":
        return f"{value:,}"
    if kind == "number":
        return f"{value:,.2f}"
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def raw(value, kind: str) -> str:
    """A cell as spreadsheets read it: plain numbers, ISO dates, rates as fractions, text never a formula."""
    if value is None:
        return ""
    if kind == "money":
        return str(Decimal(value).quantize(Decimal("0.01")))
    if kind in ("rate", "number"):
        return f"{value:.4f}"
    if kind in ("date", "datetime"):
        return value.isoformat()
    text = str(value)
    # A name such as "=HYPERLINK(...)" would run as a formula in a spreadsheet (CSV injection): quote it.
    return f"'{text}" if text.startswith(("=", "+", "-", "@")) else text


def _share(part, whole) -> float | None:
    return float(part) / float(whole) if whole else None


def _label(value) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def _chart_value(value, kind: str):
    if value is None:
        return None
    return round(float(value) * 100, 2) if kind == "rate" else float(value)


def chart(
    title: str,
    rows: list[dict],
    *,
    x: str,
    series: list[Column],
    kind: str = "line",
    right: tuple[str, ...] = (),
    **options,
) -> dict:
    """A chart of `rows`: `x` along the bottom, one dataset per column in `series` (rates in percent);
    columns named in `right` use a second axis on the right."""
    return {
        "title": title,
        "type": kind,
        "labels": [_label(row[x]) for row in rows],
        "datasets": [
            {
                "label": column.label + (" (%)" if column.kind == "rate" else ""),
                "data": [_chart_value(row.get(column.key), column.kind) for row in rows],
                "right": column.key in right,
            }
            for column in series
        ],
        **options,
    }


def pivot_chart(title: str, rows: list[dict], *, x: str, series: str, value: Column, kind: str = "line") -> dict:
    """A chart with one dataset per distinct `series` value of `rows`, `value` along `x` (gaps where a
    series has no row)."""
    labels = sorted({row[x] for row in rows})
    names = sorted({row[series] for row in rows})
    cells = {(row[series], row[x]): row.get(value.key) for row in rows}
    return {
        "title": title,
        "type": kind,
        "labels": [_label(label) for label in labels],
        "datasets": [
            {"label": name, "data": [_chart_value(cells.get((name, label)), value.kind) for label in labels]}
            for name in names
        ],
        "percent": value.kind == "rate",
    }


# --- Sales ------------------------------------------------------------------------------------


def sales(form: forms.SalesForm) -> Table:
    start, end = form.window
    by = form.cleaned_data["by"]
    rows = orders_selectors.sales_by(dimension=by, start=start, end=end)
    for row in rows:
        row["margin_rate"] = _share(row["margin"], row["revenue"])
    columns = [
        Column("key", by.capitalize(), "date" if by == "day" else "text"),
        Column("orders", "Orders", "count"),
        Column("units", "Units", "count"),
        Column("revenue", "Revenue", "money"),
        Column("margin", "Margin", "money"),
        Column("margin_rate", "Margin rate", "rate"),
    ]
    if by == "day":
        charts = [
            chart("Revenue and orders per day", rows, x="key", series=[columns[3], columns[1]], right=("orders",)),
        ]
    else:
        charts = [chart(f"Top {CHART_BARS} by revenue", rows[:CHART_BARS], x="key", series=columns[3:5], kind="bar")]
    notes = [
        "Revenue is what the goods sold for, net of refunded units (shipping excluded); margin uses each "
        "variant's current cost."
    ]
    return Table(columns=columns, rows=rows, charts=charts, notes=notes)


def refunds(form: forms.DateRangeForm) -> Table:
    start, end = form.window
    days: dict[date, dict] = {}
    for row in orders_selectors.cancellations_by_day(start=start, end=end):
        days.setdefault(row["day"], {}).update(row)
    for row in payments_selectors.refunds_by_day(start=start, end=end):
        days.setdefault(row["day"], {}).update(row)
    rows = [{"cancelled": 0, "refunds": 0, **days[day]} for day in sorted(days)]
    columns = [
        Column("day", "Day", "date"),
        Column("cancelled", "Orders cancelled", "count"),
        Column("cancelled_value", "Value cancelled", "money"),
        Column("refunds", "Refunds", "count"),
        Column("refunded", "Amount refunded", "money"),
    ]
    charts = [chart("Cancelled and refunded per day", rows, x="day", series=[columns[2], columns[4]], kind="bar")]
    return Table(columns=columns, rows=rows, charts=charts)


def customers(form: forms.DateRangeForm) -> Table:
    start, end = form.window
    rows = orders_selectors.customers_by_day(start=start, end=end)
    for row in rows:
        row["returning_share"] = _share(row["returning_orders"], row["new_orders"] + row["returning_orders"])
    columns = [
        Column("day", "Day", "date"),
        Column("new_orders", "Orders from new customers", "count"),
        Column("returning_orders", "Orders from returning customers", "count"),
        Column("returning_share", "Returning share", "rate"),
        Column("new_revenue", "Revenue from new", "money"),
        Column("returning_revenue", "Revenue from returning", "money"),
    ]
    charts = [
        chart(
            "New and returning customers' orders per day", rows, x="day", series=columns[1:3], kind="bar", stacked=True
        )
    ]
    notes = ["A returning customer has an earlier paid order with the same email address."]
    return Table(columns=columns, rows=rows, charts=charts, notes=notes)


# --- Trends of the ML features and support ------------------------------------------------------


def recommendations(form: forms.DateRangeForm) -> Table:
    start, end = form.window
    rows = recommendations_selectors.block_performance(since=start, until=end)[::-1]  # oldest day first
    for row in rows:
        version = row["model_version_id"]
        row["series"] = f"{row['block']} · {'version ' + str(version) if version else 'fallback'}"
    columns = [
        Column("day", "Day", "date"),
        Column("series", "Block · model version"),
        Column("impressions", "Impressions", "count"),
        Column("clicks", "Clicks", "count"),
        Column("ctr", "CTR", "rate"),
        Column("conversions", "Conversions", "count"),
        Column("conversion_rate", "Clicks that converted", "rate"),
    ]
    charts = [
        pivot_chart("Click-through rate per block and model version", rows, x="day", series="series", value=columns[4]),
        pivot_chart("Conversions per block and model version", rows, x="day", series="series", value=columns[5]),
    ]
    return Table(columns=columns, rows=rows, charts=charts)


def pricing(form: forms.DateRangeForm) -> Table:
    start, end = form.window
    days: dict[date, dict] = {
        row["day"]: {**row, "measured": 0} for row in pricing_selectors.price_changes_by_day(start=start, end=end)
    }
    for outcome in pricing_selectors.price_change_outcomes():
        day = timezone.localtime(outcome["changed_at"]).date()
        if day in days:
            days[day]["measured"] += 1
            days[day]["uplift"] = days[day].get("uplift", 0.0) + outcome["profit_after"] - outcome["profit_before"]
    rows = [days[day] for day in sorted(days)]
    columns = [
        Column("day", "Day", "date"),
        Column("changes", "Price changes", "count"),
        Column("by_engine", "By the pricing engine", "count"),
        Column("measured", "Measured a week on", "count"),
        Column("uplift", "Realised uplift (profit per day)", "number"),
    ]
    charts = [
        chart(
            "Price changes and realised uplift",
            rows,
            x="day",
            series=[columns[1], columns[2], columns[4]],
            kind="bar",
            right=("uplift",),
        )
    ]
    notes = [
        "Realised uplift: profit per day over the week after the engine's changes made that day, less the "
        "week before them (changes at least a week old)."
    ]
    return Table(columns=columns, rows=rows, charts=charts, notes=notes)


def sentiment(form: forms.SentimentForm) -> Table:
    start, end = form.window
    product = form.cleaned_data["product"]
    first, last = timezone.localtime(start).date().replace(day=1), timezone.localtime(end).date()
    rows = [
        row
        for row in sentiment_selectors.sentiment_by_month(product_id=product.pk if product else None)[::-1]
        if first <= timezone.localtime(row["month"]).date() < last
    ]
    for row in rows:
        row["month"] = timezone.localtime(row["month"]).date().strftime("%Y-%m")
        for label in ("positive", "neutral", "negative"):
            row[f"{label}_share"] = _share(row[label], row["reviews"])
    columns = [
        Column("month", "Month"),
        Column("reviews", "Reviews", "count"),
        Column("positive_share", "Positive", "rate"),
        Column("neutral_share", "Neutral", "rate"),
        Column("negative_share", "Negative", "rate"),
        Column("mean_score", "Mean score", "number"),
    ]
    subject = product.name if product else "the whole store"
    charts = [
        chart(
            f"Sentiment share per month: {subject}",
            rows,
            x="month",
            series=columns[2:5],
            kind="bar",
            stacked=True,
            percent=True,
        )
    ]
    return Table(columns=columns, rows=rows, charts=charts)


def support(form: forms.DateRangeForm) -> Table:
    start, end = form.window
    analytics = support_selectors.support_analytics(days=(end - start).days, end=end)
    rows = [
        {
            "day": day.day,
            "customer_messages": day.customer_messages,
            "fallback_rate": day.fallback_rate,
            "handoffs": day.handoffs,
            "handoff_rate": _share(day.handoffs, day.customer_messages),
            "thumbs_up_rate": day.thumbs_up_rate,
        }
        for day in analytics.days
    ]
    columns = [
        Column("day", "Day", "date"),
        Column("customer_messages", "Customer messages", "count"),
        Column("fallback_rate", "Fallback rate", "rate"),
        Column("handoffs", "Hand-offs", "count"),
        Column("handoff_rate", "Hand-offs per message", "rate"),
        Column("thumbs_up_rate", "Thumbs-up rate", "rate"),
    ]
    charts = [
        chart("Support volume", rows, x="day", series=[columns[1], columns[3]], kind="bar"),
        chart("Fallback and hand-off rates", rows, x="day", series=[columns[2], columns[4]], percent=True),
    ]
    notes = [
        f"Over the period: {analytics.conversations:,} conversations, {display(analytics.handoff_rate, 'rate')} handed "
        f"off to staff; {display(analytics.fallback_rate, 'rate')} of {analytics.customer_messages:,} customer "
        "messages not understood."
    ]
    return Table(columns=columns, rows=rows, charts=charts, notes=notes)


def training(form: forms.DateRangeForm) -> Table:
    start, end = form.window
    rows = ml_selectors.training_run_durations(start=start, end=end)
    for row in rows:
        row["minutes"] = row["seconds"] / 60
    columns = [
        Column("started_at", "Started", "datetime"),
        Column("kind", "Model kind"),
        Column("id", "Run"),
        Column("status", "Status"),
        Column("minutes", "Minutes", "number"),
    ]
    chart_rows = [{**row, "started": display(row["started_at"], "datetime")} for row in rows]
    charts = [
        {
            **pivot_chart("Training-run durations (minutes)", chart_rows, x="started", series="kind", value=columns[4]),
            "spanGaps": True,
        }
    ]
    return Table(columns=columns, rows=rows, charts=charts)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    permission: str
    form_class: type[forms.DateRangeForm]
    build: Callable[[forms.DateRangeForm], Table]


REPORTS = {
    report.slug: report
    for report in (
        Report("sales", "Sales: revenue, units and margin", "orders.view_order", forms.SalesForm, sales),
        Report("refunds", "Refunds and cancellations", "orders.view_order", forms.DateRangeForm, refunds),
        Report("customers", "New and returning customers", "orders.view_order", forms.DateRangeForm, customers),
        Report(
            "recommendations",
            "Recommendations: CTR and conversions",
            "recommendations.view_recommendationevent",
            forms.DateRangeForm,
            recommendations,
        ),
        Report(
            "pricing",
            "Pricing: changes and realised uplift",
            "pricing.view_pricesuggestion",
            forms.DateRangeForm,
            pricing,
        ),
        Report(
            "sentiment", "Review sentiment over time", "sentiment.view_reviewsentiment", forms.SentimentForm, sentiment
        ),
        Report(
            "support", "Support: volume, fallback and hand-offs", "support.view_message", forms.DateRangeForm, support
        ),
        Report("training", "Training-run durations", "ml.view_trainingrun", forms.DateRangeForm, training),
    )
}


def reports_for(user) -> list[Report]:
    return [report for report in REPORTS.values() if user.has_perm(report.permission)]
