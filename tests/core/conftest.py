from tests.checkout.conftest import express, standard
from tests.shop.conftest import make_product

__all__ = ["express", "make_product", "standard"]
