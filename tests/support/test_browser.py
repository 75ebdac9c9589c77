"""The chat widget in a real Chromium: keyboard use, quick replies, product cards, thumbs, and the
conversation following the shopper to another page. A screenshot goes to /tmp/screens/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from support import inference
from support.models import Message
from tests.factories import CategoryFactory, ShippingMethodFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCREENS = Path("/tmp/screens")


def test_chat_widget_finds_products_and_keeps_the_conversation_across_pages(browser_page, live_server, make_product):
    outdoor = CategoryFactory(name="Outdoor", slug="outdoor")
    make_product(name="Waterproof Jacket Lite", slug="waterproof-jacket-lite", price="69.00", category=outdoor)
    make_product(name="Waterproof Jacket Pro", slug="waterproof-jacket-pro", price="129.00", category=outdoor)
    inference.understand("hello")  # load the encoder and the model before the clock of the first reply starts
    page = browser_page

    page.goto(f"{live_server.url}/search/?q=jacket")
    toggle = page.locator("#support-chat-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#support-chat-panel")).to_be_visible()
    expect(page.locator("#support-chat-input")).to_be_focused()
    expect(page.locator(".support-chat-quick button", has_text="Where is my order?")).to_be_visible()

    page.keyboard.type("do you have a waterproof jacket under 80")
    page.keyboard.press("Enter")
    reply = page.locator(".support-chat-message.is-bot").last
    expect(reply).to_contain_text("Here is what I found for waterproof jacket under 80:", timeout=20_000)
    expect(reply.locator(".support-chat-card")).to_have_count(1)
    expect(reply.locator(".support-chat-card")).to_contain_text("Waterproof Jacket Lite")
    reply.get_by_role("button", name="Helpful", exact=True).click()
    expect(reply.get_by_role("button", name="Helpful", exact=True)).to_have_attribute("aria-pressed", "true")
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / "support-widget.png"))

    page.goto(f"{live_server.url}/p/waterproof-jacket-lite/")
    expect(page.locator("#support-chat-panel")).to_be_visible()  # still open on the next page
    expect(page.locator(".support-chat-message.is-customer").first).to_have_text(
        "Youdo you have a waterproof jacket under 80"
    )
    page.locator(".support-chat-quick button", has_text="What goes with this?").click()
    picks = page.locator(".support-chat-message.is-bot").last
    expect(picks).to_contain_text("Popular in Outdoor to go with Waterproof Jacket Lite:", timeout=20_000)
    expect(picks.locator(".support-chat-card")).to_have_text(["Waterproof Jacket Pro€129.00"])
    page.keyboard.press("Escape")
    expect(page.locator("#support-chat-panel")).to_be_hidden()
    assert Message.objects.get(role="bot", intent="product_search").feedback == "up"


def test_widget_is_usable_on_a_phone(browser_page, live_server):
    ShippingMethodFactory()
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(f"{live_server.url}/search/")
    page.locator("#support-chat-toggle").click()
    page.locator(".support-chat-quick button", has_text="Delivery options").click()
    expect(page.locator(".support-chat-message.is-bot").last).to_contain_text(
        "We deliver with:\n- Standard delivery (EUR 4.95, free over EUR 50.00): 3-5 working days", timeout=20_000
    )
    box = page.locator("#support-chat-panel").bounding_box()
    assert box["width"] == 375
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / "support-widget-mobile.png"))
