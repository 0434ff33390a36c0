from django.db import migrations

from gatimitra.db.operations import AppendOnly
from merchants import sql


class Migration(migrations.Migration):
    """The merchants rules PostgreSQL enforces beyond CHECK/UNIQUE/EXCLUDE
    (SQL in ``merchants/sql.py``): append-only logs, the FOOD go-live gate and
    the FSSAI auto-pause, payouts only to verified accounts with adjustments
    kept in the net, GSTIN/PAN agreement, and menus that hang together."""

    dependencies = [
        ("merchants", "0002_create_merchant_tables"),
    ]

    operations = [
        AppendOnly(model_name="MerchantStoreAvailabilityLog"),
        AppendOnly(model_name="MerchantItemStockEvent"),
        migrations.RunSQL(sql.GO_LIVE_GATE, sql.DROP_GO_LIVE_GATE),
        migrations.RunSQL(sql.PAUSE_EXPIRED_FSSAI_STORES, sql.DROP_PAUSE_EXPIRED_FSSAI_STORES),
        migrations.RunSQL(sql.PAYOUT_VERIFIED_ACCOUNT, sql.DROP_PAYOUT_VERIFIED_ACCOUNT),
        migrations.RunSQL(sql.PAYOUT_ADJUSTMENTS, sql.DROP_PAYOUT_ADJUSTMENTS),
        migrations.RunSQL(sql.GSTIN_MATCHES_PAN, sql.DROP_GSTIN_MATCHES_PAN),
        migrations.RunSQL(sql.STORE_GST_REGISTRATION, sql.DROP_STORE_GST_REGISTRATION),
        migrations.RunSQL(sql.MENU_CONSISTENCY, sql.DROP_MENU_CONSISTENCY),
    ]
