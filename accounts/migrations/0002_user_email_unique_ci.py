"""Emails of accounts are unique whatever their case (empty emails, such as a bare staff account's, excepted).

An index on UPPER(email), the expression Django's `email__iexact` compiles to on PostgreSQL, so it
also serves the login and password-reset lookups. `auth_user` is Django's own table: the project
uses the stock User model.
"""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX accounts_user_email_ci_uniq ON auth_user (UPPER(email)) WHERE email <> ''",
            reverse_sql="DROP INDEX accounts_user_email_ci_uniq",
        )
    ]
