"""The Vietnamese collation names are sorted by on PostgreSQL (accounts.collation; SQLite registers
the same rules on each connection, so nothing is created there)."""

from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_interface_language")]

    operations = [CreateCollation("vietnamese", provider="icu", locale="vi-VN")]
