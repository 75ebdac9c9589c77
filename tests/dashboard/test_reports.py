"""Reports: a date range in, a table and its charts out, the same table as CSV; bad ranges are form errors."""

import pytest

from dashboard.reports import REPORTS
from orders.models import OrderLine
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

RANGE = "start=2026-03-01&end=2026-03-03"


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_every_report_renders_for_a_store_manager(admin_client, slug):
    response = admin_client.get(f"/admin/reports/{slug}/?{RANGE}")

    assert response.status_code == 200
    assert response.context["table"] is not None
    assert 'id="report-table"' in response.content.decode()


def test_sales_by_day_show_the_figures_and_chart_them(admin_client, sales):
    response = admin_client.get(f"/admin/reports/sales/?{RANGE}&by=day")

    page = response.content.decode()
    assert '<td class="date">2026-03-02</td><td class="count">1</td><td class="count">3</td>' in page
    assert '<td class="money">€45.00</td><td class="money">€22.00</td><td class="rate">48.9 %</td>' in page
    chart = response.context["charts"][0]["config"]
    assert chart["labels"] == ["2026-03-02", "2026-03-03"]
    assert [dataset["data"] for dataset in chart["datasets"]] == [[45.0, 35.0], [1.0, 2.0]]
    assert 'id="chart-data-0" type="application/json"' in page


def test_sales_download_as_csv_with_every_row(admin_client, sales):
    response = admin_client.get(f"/admin/reports/sales/?{RANGE}&by=category&format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sales-2026-03-01-2026-03-03.csv"'
    assert response.content.decode().splitlines() == [
        "Category,Orders,Units,Revenue,Margin,Margin rate",
        "Tea,2,2,50.00,20.00,0.4000",
        "Mugs,2,3,30.00,18.00,0.6000",
    ]


def test_a_name_that_looks_like_a_formula_downloads_as_text(admin_client, sales):
    OrderLine.objects.filter(variant=sales["tea"]).update(product_name='=HYPERLINK("http://x.example","Tea")')

    rows = admin_client.get(f"/admin/reports/sales/?{RANGE}&by=product&format=csv").content.decode().splitlines()

    assert rows[1] == '"\'=HYPERLINK(""http://x.example"",""Tea"")",2,2,50.00,20.00,0.4000'


def test_refunds_and_cancellations_and_new_against_returning_customers(admin_client, sales):
    refunds = admin_client.get(f"/admin/reports/refunds/?{RANGE}&format=csv").content.decode().splitlines()
    assert refunds == [
        "Day,Orders cancelled,Value cancelled,Refunds,Amount refunded",
        "2026-03-03,1,50.00,1,25.00",
    ]
    customers = admin_client.get(f"/admin/reports/customers/?{RANGE}&format=csv").content.decode().splitlines()
    assert customers[1:] == ["2026-03-02,1,0,0.0000,45.00,0.00", "2026-03-03,1,1,0.5000,10.00,50.00"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-03-05&end=2026-03-01", "end", "The end date is before the start date."),
        ("start=2024-01-01&end=2026-03-01", "end", "A report covers at most 366 days"),
        ("start=2999-01-01&end=2999-01-02", "start", "The start date is in the future"),
        ("start=yesterday&end=2026-03-01", "start", "Enter a valid date."),
        ("by=colour", "by", "Select a valid choice."),
    ],
)
def test_a_bad_range_is_a_clear_form_error_not_a_report(admin_client, query, field, message):
    response = admin_client.get(f"/admin/reports/sales/?{query}")

    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert response.context["table"] is None
    assert message in response.content.decode()


def test_a_bad_range_downloads_no_csv(admin_client):
    response = admin_client.get("/admin/reports/sales/?start=2026-03-05&end=2026-03-01&format=csv")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_sentiment_of_an_unknown_product_is_a_form_error(admin_client):
    ProductFactory(slug="real-mug")

    assert admin_client.get("/admin/reports/sentiment/?product=real-mug").status_code == 200
    response = admin_client.get("/admin/reports/sentiment/?product=no-such-mug")
    assert response.status_code == 400
    assert response.context["form"].errors["product"] == ["No active product has the slug “no-such-mug”."]


def test_reports_need_their_permission_and_an_unknown_report_is_a_404(client, admin_client, staff_with):
    assert client.get("/admin/reports/sales/")["Location"] == "/admin/login/?next=/admin/reports/sales/"
    client.force_login(staff_with("support.view_message", username="agent"))

    assert client.get("/admin/reports/sales/").status_code == 403
    assert client.get("/admin/reports/support/").status_code == 200
    assert [report.slug for report in client.get("/admin/reports/support/").context["reports"]] == ["support"]
    assert admin_client.get("/admin/reports/nothing/").status_code == 404


def test_the_default_range_is_the_last_thirty_days(admin_client):
    form = admin_client.get("/admin/reports/refunds/").context["form"]

    assert (form.cleaned_data["end"] - form.cleaned_data["start"]).days == 29
