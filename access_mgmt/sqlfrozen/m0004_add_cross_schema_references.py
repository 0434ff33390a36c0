"""SQL that access_mgmt migration 0004_add_cross_schema_references ran, frozen as it ran.

The migration reads these names from ``access_mgmt.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

SETTING_VALUE = """
CREATE FUNCTION "access_mgmt".setting_value(
    setting_key text, for_city_id bigint DEFAULT NULL, at timestamptz DEFAULT now()
) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT setting.value
      FROM "access_mgmt"."system_settings" setting
     WHERE setting.key = setting_key
       AND (setting.city_id IS NULL OR setting.city_id = for_city_id)
       AND setting.effective_from <= at
       AND (setting.effective_to IS NULL OR setting.effective_to > at)
     ORDER BY setting.city_id IS NULL  -- false (the city's own) sorts first
     LIMIT 1
$$;
"""

DROP_SETTING_VALUE = """
DROP FUNCTION "access_mgmt".setting_value(text, bigint, timestamptz);
"""
