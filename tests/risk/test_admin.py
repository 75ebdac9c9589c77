"""The back office of risk control: the review queue (riskiest first, reasons, history, linked
accounts; approve captures, decline voids and returns the stock), rules with hit counts, chargebacks
and the thresholds page."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from orders.models import Order
from risk.models import RiskAssessment, RiskLabel
from tests.factories import RiskRuleFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:risk_reviewqueueitem_changelist")
ASSESSMENTS = reverse("admin:risk_riskassessment_changelist")


@pytest.fixture
def held(buy):
    """Three held orders of one device (a rule holds everything), scored 0.2, 0.9 and 0.5."""
    RiskRuleFactory(name="Hold all", kind="new_account_amount", action="review", amount="1.00", values="")
    orders = [buy(email=f"ring{n}@example.com", quantity=n + 1) for n in range(3)]
    for order, score in zip(orders, (0.2, 0.9, 0.5), strict=True):
        RiskAssessment.objects.filter(order=order).update(score=score)
    return orders


def act(admin_client, url: str, action: str, *orders: Order):
    ids = [order.risk_assessment.pk for order in orders]
    return admin_client.post(url, {"action": action, ACTION_CHECKBOX_NAME: ids}, follow=True)


def test_the_queue_lists_held_orders_riskiest_first(admin_client, held, buy):
    buy(email="paid@example.com", device="other")  # still held by the rule, but then approved below
    approved = Order.objects.get(email="paid@example.com")
    act(admin_client, QUEUE, "approve", approved)

    response = admin_client.get(QUEUE)

    assert [a.order.number for a in response.context["cl"].result_list] == [
        held[1].number,
        held[2].number,
        held[0].number,
    ]


def test_an_assessment_shows_reasons_history_and_linked_accounts(admin_client, held):
    url = reverse("admin:risk_reviewqueueitem_change", args=[held[0].risk_assessment.pk])

    html = admin_client.get(url).content.decode()

    assert "Rule &#x27;Hold all&#x27;" in html
    assert "0 earlier orders" in html
    assert f"same device: {held[1].number} (ring1@example.com, Review)" in html


def test_approve_captures_and_decline_voids_from_the_queue(admin_client, held, buy):
    act(admin_client, QUEUE, "approve", held[0])
    response = act(admin_client, QUEUE, "decline", held[1])

    statuses = dict(Order.objects.values_list("number", "status"))
    assert (statuses[held[0].number], statuses[held[1].number]) == ("paid", "cancelled")
    assert list(held[0].payments.values_list("status", flat=True)) == ["captured"]
    assert list(held[1].payments.values_list("status", flat=True)) == ["voided"]
    buy.variant.refresh_from_db()
    assert buy.variant.stock_quantity == 50 - 1 - 3  # the declined order's 2 came back
    assert [str(m) for m in response.context["messages"]] == ["1 order(s) declined."]
    assert sorted(RiskLabel.objects.values_list("source", "is_fraud")) == [
        ("staff_approved", False),
        ("staff_declined", True),
    ]


def test_a_chargeback_recorded_on_an_approved_order_is_a_fraud_label(admin_client, held):
    act(admin_client, QUEUE, "approve", held[0])

    response = act(admin_client, ASSESSMENTS, "chargeback", held[0])

    assert [str(m) for m in response.context["messages"]] == ["1 order(s) labelled with a chargeback."]
    assert sorted(held[0].risk_assessment.labels.values_list("source", "is_fraud")) == [
        ("chargeback", True),
        ("staff_approved", False),
    ]


def test_rules_show_their_hit_counts_and_settings_explain_an_empty_table(admin_client, held):
    rules = admin_client.get(reverse("admin:risk_riskrule_changelist")).content.decode()
    settings_page = admin_client.get(reverse("admin:risk_risksettings_add")).content.decode()

    assert '<td class="field-hit_count">3</td>' in rules
    assert "No champion model or no labelled orders yet." in settings_page
