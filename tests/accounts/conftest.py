"""Fixtures of the accounts tests: a customer who can sign in, a DRF client, and Chromium."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.shop.conftest import browser_page, make_product

__all__ = ["browser_page", "make_product"]

PASSWORD = "correct-horse-battery"  # UserFactory's


@pytest.fixture
def customer():
    return UserFactory(username="ana@example.com", email="ana@example.com", first_name="Ana", last_name="Silva")


@pytest.fixture
def api():
    return APIClient()
