"""In a real Chromium: a seeded store's dashboard and every report render under the site's CSP, the charts
are drawn, and the figures shown are the selectors' figures.

Screenshots go to /tmp/shots/ (outside the repository) for a human look.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dashboard.reports import REPORTS, display
from events.models import Interaction
from orders import selectors as orders_selectors
from orders.models import Order
from recommendations.models import RecommendationEvent
from support.models import Conversation, Ticket
from tests.factories import ModelVersionFactory, OrderFactory, OrderLineFactory, VariantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
LISTEN_FOR_CSP = """document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations = (window.cspViolations || []).concat(event.violatedDirective + " " + event.blockedURI);
});"""


@pytest.fixture
def month_of_trade():
    """Four weeks of orders (one to three a day), browser sessions, recommendation events, a ticket and
    a champion model."""
    now = timezone.now()
    mug = VariantFactory(price=Decimal("12.00"), cost=Decimal("5.00"))
    tea = VariantFactory(price=Decimal("30.00"), cost=Decimal("18.00"))
    for days_ago in range(1, 29):
        when = now - timedelta(days=days_ago, hours=1)
        for n in range(days_ago % 3 + 1):
            order = OrderFactory(created_at=when, status=Order.Status.DELIVERED if n else Order.Status.PAID)
            OrderLineFactory(order=order, variant=mug, quantity=n + 1)
            OrderLineFactory(order=order, variant=tea, quantity=1)
            Interaction.objects.create(session_key=f"s{days_ago}-{n}", kind="purchase", created_at=when)
        for n in range(5):
            Interaction.objects.create(session_key=f"v{days_ago}-{n}", kind="view", created_at=when)
        for block, clicks in (("home", days_ago % 4), ("product", 2)):
            for kind, count in (("impression", 20), ("click", clicks)):
                RecommendationEvent.objects.bulk_create(
                    RecommendationEvent(kind=kind, block=block, position=0, product_id=mug.product_id, created_at=when)
                    for _ in range(count)
                )
    Ticket.objects.create(conversation=Conversation.objects.create(), reason="Parcel late", transcript="-")
    version = ModelVersionFactory(
        number=1,
        run__registered_model__name="popularity",
        main_metric="recall_at_10",
        metrics={"recall_at_10": 0.31, "baseline_recall_at_10": 0.22},
    )
    version.registered_model.aliases.create(name="champion", version=version)
    return now


def violations(page) -> list:
    return page.evaluate("window.cspViolations || []")


def test_a_store_manager_sees_the_dashboard_and_every_report(browser_page, live_server, admin_user, month_of_trade):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(LISTEN_FOR_CSP)
    SHOTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")

    expect(page.get_by_role("heading", name="How the store is doing")).to_be_visible()
    month = orders_selectors.sales_totals(start=timezone.now() - timedelta(days=30), end=timezone.now())
    revenue, orders = page.locator("[data-figure=revenue] td"), page.locator("[data-figure=orders] td")
    expect(revenue.nth(2).locator(".kpi-value")).to_have_text(display(month["revenue"], "money"))
    expect(orders.nth(2).locator(".kpi-value")).to_have_text(display(month["orders"], "count"))
    expect(page.locator(".attention-item", has_text="Open support tickets").locator(".attention-count")).to_have_text(
        "1"
    )
    expect(page.locator("#model-health")).to_contain_text("v1")
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    assert violations(page) == []

    for slug in REPORTS:
        page.goto(f"{live_server.url}/admin/reports/{slug}/")
        expect(page.locator("#report-table")).to_be_visible()
        for canvas in page.locator("canvas[data-chart]").all():
            expect(canvas).to_have_attribute("data-drawn", "true")
        assert violations(page) == [], slug
        page.screenshot(path=str(SHOTS / f"report-{slug}.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/reports/sales/?start=2026-03-05&end=2026-03-01")
    expect(page.locator(".report-field.errors")).to_contain_text("The end date is before the start date.")
    expect(page.locator("#report-table")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "report-error.png"))

    page.goto(f"{live_server.url}/admin/reports/sales/")
    rows = orders_selectors.sales_by(
        dimension="day", start=timezone.now() - timedelta(days=40), end=timezone.now() + timedelta(days=1)
    )
    expect(page.locator("#report-table tbody tr")).to_have_count(len(rows))
    first = page.locator("#report-table tbody tr").first.locator("td")
    expect(first.nth(3)).to_have_text(display(rows[0]["revenue"], "money"))
    expect(first.nth(4)).to_have_text(display(rows[0]["margin"], "money"))
    page.screenshot(path=str(SHOTS / "report-sales.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/reports/recommendations/")
    page.locator("figure.chart").first.screenshot(path=str(SHOTS / "chart-recommendations-ctr.png"))

    page.goto(f"{live_server.url}/admin/recommendations/recommendationevent/")
    header = page.locator("#recommendation-performance thead th").first
    assert header.evaluate("th => getComputedStyle(th).paddingLeft") == "10px"  # headers no longer run together
    page.screenshot(path=str(SHOTS / "recommendation-performance.png"))
    assert errors == []
