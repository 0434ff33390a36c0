from django.db import migrations

from merchants.sqlfrozen.m0003_add_merchant_rules import GSTIN_MATCHES_PAN

# A GSTIN holds its holder's PAN, and a proprietor's PAN is personal data:
# the refusals of a registration whose GSTIN is not of its parent's PAN
# printed both. They name the rows by id and the positions compared instead.
KEEP_PAN_OUT = [
    """CREATE OR REPLACE FUNCTION merchants.merchant_tax_registrations_gstin_pan() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_pan text;
BEGIN
    IF NEW.gstin IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT p.pan INTO parent_pan FROM merchants.merchant_parents p WHERE p.id = NEW.parent_id;
    IF parent_pan IS NOT NULL AND substr(NEW.gstin, 3, 10) <> parent_pan THEN
        RAISE EXCEPTION 'merchants.merchant_tax_registrations: the GSTIN of registration % does not contain the PAN of merchant parent % (characters 3 to 12)',
            NEW.id, NEW.parent_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_tax_registrations_gstin_of_parent_pan';
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE OR REPLACE FUNCTION merchants.merchant_parents_pan_gstins() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mismatch bigint;
BEGIN
    SELECT r.id INTO mismatch FROM merchants.merchant_tax_registrations r
     WHERE r.parent_id = NEW.id AND r.gstin IS NOT NULL AND substr(r.gstin, 3, 10) <> NEW.pan
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'merchants.merchant_parents: the PAN of merchant parent % is not the one in the GSTIN of its registration %',
            NEW.id, mismatch
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_tax_registrations_gstin_of_parent_pan';
    END IF;
    RETURN NEW;
END
$$""",
]
PAN_IN_MESSAGES = [
    statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    for statement in GSTIN_MATCHES_PAN
    if statement.startswith("CREATE FUNCTION")
]


class Migration(migrations.Migration):
    """Refusals of a GSTIN that is not of its parent's PAN name the rows by
    id, not the GSTIN and PAN (personal data of a proprietor)."""

    dependencies = [
        ("merchants", "0015_record_e_invoice_acknowledgements"),
    ]

    operations = [migrations.RunSQL(KEEP_PAN_OUT, PAN_IN_MESSAGES)]
