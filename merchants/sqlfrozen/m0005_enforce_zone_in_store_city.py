"""SQL that merchants migration 0005_enforce_zone_in_store_city ran, frozen as it ran.

The migration reads these names from ``merchants.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

ZONE_IN_STORE_CITY = [
    """
CREATE FUNCTION merchants.check_store_zone_targets(p_store bigint, p_written text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    store record;
    target record;
BEGIN
    SELECT s.id, s.code, s.zone_id, z.city_id INTO store
      FROM merchants.merchant_stores s
      LEFT JOIN orders.service_zones z ON z.id = s.zone_id
     WHERE s.id = p_store
       FOR SHARE OF s;
    IF NOT FOUND THEN
        RETURN;  -- deleted in the same transaction (or left to its foreign key)
    END IF;
    SELECT t.id, t.zone_id, z.city_id INTO target
      FROM merchants.merchant_store_service_areas t
      JOIN orders.service_zones z ON z.id = t.zone_id
     WHERE t.store_id = p_store
       AND z.city_id IS DISTINCT FROM store.city_id
     ORDER BY t.id
     LIMIT 1;
    IF FOUND THEN
        IF store.zone_id IS NULL THEN
            RAISE EXCEPTION 'merchants.%: service area % of store % targets zone % (city %), but the '
                            'store has no service zone (merchant_stores.zone_id)',
                p_written, target.id, store.code, target.zone_id, target.city_id
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'merchant_store_service_areas_zone_in_store_city',
                      HINT = 'Set the store''s zone first.';
        END IF;
        RAISE EXCEPTION 'merchants.%: service area % of store % targets zone % in city %, outside '
                        'city % of the store''s zone %',
            p_written, target.id, store.code, target.zone_id, target.city_id,
            store.city_id, store.zone_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_store_service_areas_zone_in_store_city';
    END IF;
    SELECT t.id, t.zone_id, z.city_id INTO target
      FROM merchants.merchant_ad_campaigns t
      JOIN orders.service_zones z ON z.id = t.zone_id
     WHERE t.store_id = p_store
       AND z.city_id IS DISTINCT FROM store.city_id
     ORDER BY t.id
     LIMIT 1;
    IF FOUND THEN
        IF store.zone_id IS NULL THEN
            RAISE EXCEPTION 'merchants.%: ad campaign % of store % targets zone % (city %), but the '
                            'store has no service zone (merchant_stores.zone_id)',
                p_written, target.id, store.code, target.zone_id, target.city_id
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'merchant_ad_campaigns_zone_in_store_city',
                      HINT = 'Set the store''s zone first.';
        END IF;
        RAISE EXCEPTION 'merchants.%: ad campaign % of store % targets zone % in city %, outside '
                        'city % of the store''s zone %',
            p_written, target.id, store.code, target.zone_id, target.city_id,
            store.city_id, store.zone_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_ad_campaigns_zone_in_store_city';
    END IF;
END
$$""",
    """CREATE FUNCTION merchants.merchant_zone_in_store_city() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'merchant_stores' THEN
        PERFORM merchants.check_store_zone_targets(NEW.id, TG_TABLE_NAME);
    ELSE
        PERFORM merchants.check_store_zone_targets(NEW.store_id, TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END
$$""",
    "CREATE CONSTRAINT TRIGGER merchant_stores_zone_in_store_city AFTER UPDATE ON merchants.merchant_stores DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.zone_id IS DISTINCT FROM NEW.zone_id) EXECUTE FUNCTION merchants.merchant_zone_in_store_city()",
    "CREATE CONSTRAINT TRIGGER merchant_store_service_areas_zone_in_store_city AFTER INSERT ON merchants.merchant_store_service_areas DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.zone_id IS NOT NULL) EXECUTE FUNCTION merchants.merchant_zone_in_store_city()",
    "CREATE CONSTRAINT TRIGGER merchant_store_service_areas_zone_in_store_city_upd AFTER UPDATE ON merchants.merchant_store_service_areas DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.zone_id IS NOT NULL AND (OLD.zone_id IS DISTINCT FROM NEW.zone_id OR OLD.store_id IS DISTINCT FROM NEW.store_id)) EXECUTE FUNCTION merchants.merchant_zone_in_store_city()",
    "CREATE CONSTRAINT TRIGGER merchant_ad_campaigns_zone_in_store_city AFTER INSERT ON merchants.merchant_ad_campaigns DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.zone_id IS NOT NULL) EXECUTE FUNCTION merchants.merchant_zone_in_store_city()",
    "CREATE CONSTRAINT TRIGGER merchant_ad_campaigns_zone_in_store_city_upd AFTER UPDATE ON merchants.merchant_ad_campaigns DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.zone_id IS NOT NULL AND (OLD.zone_id IS DISTINCT FROM NEW.zone_id OR OLD.store_id IS DISTINCT FROM NEW.store_id)) EXECUTE FUNCTION merchants.merchant_zone_in_store_city()",
]

DROP_ZONE_IN_STORE_CITY = [
    "DROP TRIGGER merchant_ad_campaigns_zone_in_store_city_upd ON merchants.merchant_ad_campaigns",
    "DROP TRIGGER merchant_ad_campaigns_zone_in_store_city ON merchants.merchant_ad_campaigns",
    "DROP TRIGGER merchant_store_service_areas_zone_in_store_city_upd ON merchants.merchant_store_service_areas",
    "DROP TRIGGER merchant_store_service_areas_zone_in_store_city ON merchants.merchant_store_service_areas",
    "DROP TRIGGER merchant_stores_zone_in_store_city ON merchants.merchant_stores",
    "DROP FUNCTION merchants.merchant_zone_in_store_city()",
    "DROP FUNCTION merchants.check_store_zone_targets(bigint, text)",
]
