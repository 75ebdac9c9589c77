"""In a real Chromium: the admin's progress bar follows a training run without reloading by hand.

Screenshots go to /tmp/storefront-browser/ (outside the repository) for a human look.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ml.models import TrainingRun
from ml.services import training_run_create
from tests.shop.conftest import browser_page

__all__ = ["browser_page"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/storefront-browser")


def test_the_run_progress_bar_updates_while_the_run_trains(browser_page, live_server, admin_user):
    # given: a run the worker has taken to 30 %
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    run = training_run_create(kind="popularity", trigger=TrainingRun.Trigger.ADMIN, requested_by=admin_user)
    TrainingRun.objects.filter(pk=run.pk).update(status="running", stage="fit", percent=30)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/ml/trainingrun/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    bar, label = page.locator("progress.ml-run-progress"), page.locator(".ml-run-label")
    expect(bar).to_have_js_property("value", 30)

    # when: the worker reports progress
    TrainingRun.objects.filter(pk=run.pk).update(stage="evaluate", percent=85)

    # then: the bar follows within a poll or two
    expect(bar).to_have_js_property("value", 85)
    expect(label).to_have_text("85% · Running · evaluate")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "ml-01-run-progress.png", full_page=True)

    # when: the run finishes, the page reloads to show the outcome
    TrainingRun.objects.filter(pk=run.pk).update(status="succeeded", stage="publish", percent=100)

    # then
    expect(label).to_have_text("100% · Succeeded")
    page.screenshot(path=SCREENSHOTS / "ml-02-run-finished.png", full_page=True)
    assert errors == []
