# Nothing recorded or read `rec_impression` or `rec_click`: recommendation impressions and clicks are
# kept in recommendations.RecommendationEvent. A choices change only; the column and its rows stay as they are.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="interaction",
            name="kind",
            field=models.CharField(
                choices=[
                    ("view", "Product view"),
                    ("search", "Search"),
                    ("add_to_cart", "Add to cart"),
                    ("remove_from_cart", "Remove from cart"),
                    ("purchase", "Purchase"),
                    ("wishlist_add", "Wishlist add"),
                    ("review", "Review"),
                ],
                max_length=20,
            ),
        ),
    ]
