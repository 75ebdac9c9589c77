"""Publications no longer keep the training matrix's confidence scales (`raw_mean`, `confidence_mean`).

The fitted confidence transform (recommendations.ml.interactions.ConfidenceTransform) now travels
with the model in its artifact, where fold-in reads it; two numbers could not describe every scheme.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="publication", name="raw_mean"),
        migrations.RemoveField(model_name="publication", name="confidence_mean"),
    ]
