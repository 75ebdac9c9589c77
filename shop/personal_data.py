"""Personal data of the catalogue for privacy.registry: reviews and the wishlist.

A closed account's reviews stay published (they help other shoppers; the text is what the customer
chose to make public) under "Former customer" instead of their name.
"""

from shop.models import Review, ReviewVote, WishlistItem
from shop.services import reviews_author_anonymise, wishlist_clear

FIELDS = [
    ("shop.Review", "author_name", "contact", "account"),
    ("shop.Review", "title", "free_text", "published"),
    ("shop.Review", "body", "free_text", "published"),
]


def export(*, user) -> dict:
    return {
        "reviews": list(
            Review.objects.filter(user=user).values(
                "product__name", "rating", "title", "body", "author_name", "status", "created_at", "updated_at"
            )
        ),
        "wishlist": list(WishlistItem.objects.filter(user=user).values("product__name", "created_at")),
        "review_votes": list(ReviewVote.objects.filter(user=user).values("review_id", "created_at")),
    }


def erase(*, user, pseudonym) -> dict[str, int]:
    return {
        "wishlist_items": wishlist_clear(user=user),
        "reviews_anonymised": reviews_author_anonymise(user=user),
    }
