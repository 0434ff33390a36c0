"""Database-enforced rules of the merchants domain that a CHECK, UNIQUE or
EXCLUDE constraint cannot express: one pair of (create, drop) statement
lists per concern, applied with ``RunSQL`` by the migrations
``0003_add_merchant_rules`` (rules within the schema) and
``0005_enforce_zone_in_store_city`` (the rule that reads ``orders`` zones).

Every function lives in the ``merchants`` schema and names every table it
reads schema-qualified (Django's connections only see ``public``). Errors use
SQLSTATE ``check_violation`` so Django raises ``IntegrityError``, and their
messages start with the table they protect.

"Today" is the date in India (``Asia/Kolkata``), whatever the session's time
zone (Django sets UTC): a licence valid until 31 March is valid all of that
Indian day.
"""

from gatimitra.db.sql import TODAY_IN_INDIA

#: The predicate "store ``s`` holds a VERIFIED FSSAI licence valid today".
#: ``merchant_documents`` is the single source of truth for the licence; the
#: store's own ``fssai_number`` is the declared number, not its validity.
_HAS_VALID_FSSAI = f"""EXISTS (
        SELECT 1 FROM merchants.merchant_documents d
         WHERE d.store_id = s.id
           AND d.document_type = 'FSSAI_LICENCE'
           AND d.status = 'VERIFIED'
           AND d.expires_on >= {TODAY_IN_INDIA})"""


def _trigger(name, table, when, function, condition=""):
    """``CREATE TRIGGER`` and its ``DROP``, for a function of the same name."""
    condition = f" WHEN ({condition})" if condition else ""
    create = (
        f"CREATE TRIGGER {name} {when} ON merchants.{table} "
        f"FOR EACH ROW{condition} EXECUTE FUNCTION merchants.{function}()"
    )
    return create, f"DROP TRIGGER {name} ON merchants.{table}"


def _function(name, body, declare=""):
    declare = f"DECLARE\n{declare}\n" if declare else ""
    create = (
        f"CREATE FUNCTION merchants.{name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"{declare}BEGIN\n{body}\nEND\n$$"
    )
    return create, f"DROP FUNCTION merchants.{name}()"


def _concern(*parts):
    """Create in order; drop in reverse order."""
    return [create for create, _ in parts], [drop for _, drop in reversed(parts)]


# Go-live gate (CATALOG section 8, item 14) ---------------------------------------

#: What a FOOD store still lacks to go LIVE (empty when nothing). Shared by the
#: trigger and by ``MerchantStore.clean()``, so forms explain the refusal.
GO_LIVE_MISSING_FUNCTION = (
    f"""
CREATE FUNCTION merchants.merchant_store_go_live_missing(p_store bigint, p_parent bigint)
RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    today date := {TODAY_IN_INDIA};
    missing text[] := '{{}}';
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM merchants.merchant_documents d
         WHERE d.store_id = p_store
           AND d.document_type = 'FSSAI_LICENCE'
           AND d.status = 'VERIFIED'
           AND d.expires_on >= today
    ) THEN
        missing := missing || 'an unexpired VERIFIED FSSAI licence (merchant_documents)'::text;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM merchants.merchant_bank_accounts a
         WHERE a.verification_status = 'VERIFIED'
           AND a.is_active
           AND a.is_default
           AND (a.store_id = p_store OR a.parent_id = p_parent)
    ) THEN
        missing := missing
            || 'a VERIFIED default bank account of the store or its parent (merchant_bank_accounts)'::text;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM merchants.merchant_contracts c
         WHERE c.store_id = p_store
           AND c.status = 'ACTIVE'
           AND c.valid_from <= today
           AND (c.valid_to IS NULL OR c.valid_to >= today)
    ) THEN
        missing := missing || 'an ACTIVE contract covering today (merchant_contracts)'::text;
    END IF;
    RETURN missing;
END
$$""",
    "DROP FUNCTION merchants.merchant_store_go_live_missing(bigint, bigint)",
)

GO_LIVE_GATE, DROP_GO_LIVE_GATE = _concern(
    GO_LIVE_MISSING_FUNCTION,
    _function(
        "merchant_stores_go_live_gate",
        declare="    missing text[];",
        body="""    IF NEW.status <> 'LIVE' OR NOT ('FOOD' = ANY (NEW.service_types)) THEN
        RETURN NEW;
    END IF;
    -- A FOOD store already LIVE passed the gate when it went live; a licence
    -- that lapses since is handled by pause_expired_fssai_stores().
    IF TG_OP = 'UPDATE' AND OLD.status = 'LIVE' AND 'FOOD' = ANY (OLD.service_types) THEN
        RETURN NEW;
    END IF;
    missing := merchants.merchant_store_go_live_missing(NEW.id, NEW.parent_id);
    IF cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'merchants.merchant_stores: FOOD store % (%) cannot go LIVE: missing %',
            NEW.id, NEW.code, array_to_string(missing, '; ')
            USING ERRCODE = 'check_violation',
                  HINT = 'A FOOD store goes LIVE only with an unexpired FSSAI licence, '
                         'a verified bank account and an active contract.';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_stores_go_live_gate",
        "merchant_stores",
        "BEFORE INSERT OR UPDATE OF status, service_types",
        "merchant_stores_go_live_gate",
    ),
)

# Auto-pause on FSSAI expiry (item 14) ------------------------------------------------

PAUSE_EXPIRED_FSSAI_STORES = [
    f"""
CREATE FUNCTION merchants.pause_expired_fssai_stores() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    paused integer;
BEGIN
    -- A licence past its expiry is no longer VERIFIED.
    UPDATE merchants.merchant_documents
       SET status = 'EXPIRED', updated_at = now()
     WHERE document_type = 'FSSAI_LICENCE'
       AND status = 'VERIFIED'
       AND expires_on < {TODAY_IN_INDIA};
    -- Every LIVE FOOD store left without a valid licence is paused and logged.
    WITH expired AS (
        UPDATE merchants.merchant_stores s
           SET status = 'PAUSED', is_accepting_orders = false, updated_at = now()
         WHERE s.status = 'LIVE'
           AND 'FOOD' = ANY (s.service_types)
           AND NOT {_HAS_VALID_FSSAI}
        RETURNING s.id
    )
    INSERT INTO merchants.merchant_store_availability_logs
        (created_at, updated_at, store_id, from_status, to_status, is_accepting_orders,
         reason_code, actor_type, note)
    SELECT now(), now(), expired.id, 'LIVE', 'PAUSED', false,
           'FSSAI_EXPIRED', 'SYSTEM', 'Paused automatically: no unexpired verified FSSAI licence'
      FROM expired;
    GET DIAGNOSTICS paused = ROW_COUNT;
    RETURN paused;
END
$$""",
    "COMMENT ON FUNCTION merchants.pause_expired_fssai_stores() IS "
    "'Pauses LIVE FOOD stores whose FSSAI licence expired (writes availability logs); "
    "returns how many. Run daily: manage.py pause_expired_fssai_stores.'",
]
DROP_PAUSE_EXPIRED_FSSAI_STORES = ["DROP FUNCTION merchants.pause_expired_fssai_stores()"]

# Payouts only to verified accounts of the store or its parent (item 15) ------------------

PAYOUT_VERIFIED_ACCOUNT, DROP_PAYOUT_VERIFIED_ACCOUNT = _concern(
    _function(
        "merchant_store_payouts_verified_account",
        declare="""    account record;
    store_parent bigint;""",
        body="""    -- Checked when the payout is created, re-pointed, or starts moving money.
    IF TG_OP = 'UPDATE'
       AND NEW.bank_account_id = OLD.bank_account_id
       AND NEW.store_id = OLD.store_id
       AND NOT (NEW.status = 'PROCESSING' AND OLD.status <> 'PROCESSING') THEN
        RETURN NEW;
    END IF;
    SELECT a.id, a.parent_id, a.store_id, a.verification_status, a.is_active INTO account
      FROM merchants.merchant_bank_accounts a WHERE a.id = NEW.bank_account_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'merchants.merchant_store_payouts: bank account % does not exist',
            NEW.bank_account_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF account.verification_status <> 'VERIFIED' OR NOT account.is_active THEN
        RAISE EXCEPTION 'merchants.merchant_store_payouts: bank account % is % (active: %); '
                        'payouts go only to VERIFIED active accounts',
            account.id, account.verification_status, account.is_active
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT s.parent_id INTO store_parent FROM merchants.merchant_stores s WHERE s.id = NEW.store_id;
    IF account.store_id IS DISTINCT FROM NEW.store_id
       AND account.parent_id IS DISTINCT FROM store_parent THEN
        RAISE EXCEPTION 'merchants.merchant_store_payouts: bank account % belongs to neither '
                        'store % nor its parent %',
            account.id, NEW.store_id, store_parent USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_store_payouts_verified_account",
        "merchant_store_payouts",
        "BEFORE INSERT OR UPDATE OF bank_account_id, store_id, status",
        "merchant_store_payouts_verified_account",
    ),
)

# Adjustments move the payout (item 15: net = ... +/- adjustments) ---------------------

PAYOUT_ADJUSTMENTS, DROP_PAYOUT_ADJUSTMENTS = _concern(
    _function(
        "merchant_payout_adjustments_apply",
        declare="""    payout_ids bigint[];
    target_payout bigint;
    payout record;
    total numeric;
    net numeric;""",
        body="""    IF TG_OP = 'DELETE' THEN
        payout_ids := ARRAY[OLD.payout_id];
    ELSIF TG_OP = 'UPDATE' AND OLD.payout_id <> NEW.payout_id THEN
        payout_ids := ARRAY[OLD.payout_id, NEW.payout_id];
    ELSE
        payout_ids := ARRAY[NEW.payout_id];
    END IF;
    FOREACH target_payout IN ARRAY payout_ids LOOP
        SELECT * INTO payout FROM merchants.merchant_store_payouts p
         WHERE p.id = target_payout FOR UPDATE;
        CONTINUE WHEN NOT FOUND;  -- the (deferred) foreign key reports it
        IF payout.status NOT IN ('SCHEDULED', 'ON_HOLD') THEN
            RAISE EXCEPTION 'merchants.merchant_payout_adjustments: payout % is %; only '
                            'SCHEDULED or ON_HOLD payouts can be adjusted',
                target_payout, payout.status
                USING ERRCODE = 'check_violation',
                      HINT = 'Adjust the next cycle''s payout instead.';
        END IF;
        SELECT coalesce(sum(CASE a.direction WHEN 'CREDIT' THEN a.amount ELSE -a.amount END), 0)
          INTO total
          FROM merchants.merchant_payout_adjustments a WHERE a.payout_id = payout.id;
        net := payout.gross_amount - payout.commission_amount - payout.gst_on_commission
             - payout.tcs_amount - payout.tds_amount - payout.refunds_recovered + total;
        IF net < 0 THEN
            RAISE EXCEPTION 'merchants.merchant_payout_adjustments: payout % would pay % '
                            '(below 0) with adjustments of %',
                target_payout, net, total USING ERRCODE = 'check_violation';
        END IF;
        UPDATE merchants.merchant_store_payouts
           SET adjustments_amount = total, net_amount = net, updated_at = now()
         WHERE id = target_payout;
    END LOOP;
    RETURN NULL;""",
    ),
    _trigger(
        "merchant_payout_adjustments_apply",
        "merchant_payout_adjustments",
        "AFTER INSERT OR UPDATE OR DELETE",
        "merchant_payout_adjustments_apply",
    ),
    _function(
        "merchant_store_payouts_adjustments_guard",
        body="""    -- Only merchant_payout_adjustments_apply (a nested trigger) moves the total.
    IF pg_trigger_depth() > 1 THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.adjustments_amount <> 0 THEN
        RAISE EXCEPTION 'merchants.merchant_store_payouts: a new payout has adjustments_amount 0 '
                        '(got %); add merchant_payout_adjustments rows instead',
            NEW.adjustments_amount USING ERRCODE = 'check_violation';
    ELSIF TG_OP = 'UPDATE' AND NEW.adjustments_amount IS DISTINCT FROM OLD.adjustments_amount THEN
        RAISE EXCEPTION 'merchants.merchant_store_payouts: adjustments_amount of payout % changes '
                        'only through merchant_payout_adjustments (% -> % refused)',
            NEW.id, OLD.adjustments_amount, NEW.adjustments_amount
            USING ERRCODE = 'check_violation',
                  HINT = 'Reload the payout after adjusting it.';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_store_payouts_adjustments_guard",
        "merchant_store_payouts",
        "BEFORE INSERT OR UPDATE OF adjustments_amount",
        "merchant_store_payouts_adjustments_guard",
    ),
)

# A GSTIN contains its holder's PAN (items 10, 11) --------------------------------------

GSTIN_MATCHES_PAN, DROP_GSTIN_MATCHES_PAN = _concern(
    _function(
        "merchant_tax_registrations_gstin_pan",
        declare="    parent_pan text;",
        body="""    IF NEW.gstin IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT p.pan INTO parent_pan FROM merchants.merchant_parents p WHERE p.id = NEW.parent_id;
    IF parent_pan IS NOT NULL AND substr(NEW.gstin, 3, 10) <> parent_pan THEN
        RAISE EXCEPTION 'merchants.merchant_tax_registrations: GSTIN % does not contain PAN % '
                        'of merchant parent %',
            NEW.gstin, parent_pan, NEW.parent_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_tax_registrations_gstin_pan",
        "merchant_tax_registrations",
        "BEFORE INSERT OR UPDATE OF gstin, parent_id",
        "merchant_tax_registrations_gstin_pan",
    ),
    _function(
        "merchant_parents_pan_gstins",
        declare="    mismatch text;",
        body="""    SELECT r.gstin INTO mismatch FROM merchants.merchant_tax_registrations r
     WHERE r.parent_id = NEW.id AND r.gstin IS NOT NULL AND substr(r.gstin, 3, 10) <> NEW.pan
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'merchants.merchant_parents: PAN % of merchant parent % does not match '
                        'its GSTIN %',
            NEW.pan, NEW.id, mismatch USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_parents_pan_gstins",
        "merchant_parents",
        "BEFORE UPDATE OF pan",
        "merchant_parents_pan_gstins",
        condition="NEW.pan IS NOT NULL AND NEW.pan IS DISTINCT FROM OLD.pan",
    ),
)

# A store's GST registration is its own parent's ---------------------------------------

STORE_GST_REGISTRATION, DROP_STORE_GST_REGISTRATION = _concern(
    _function(
        "merchant_stores_gst_registration",
        declare="    registration_parent bigint;",
        body="""    SELECT r.parent_id INTO registration_parent
      FROM merchants.merchant_tax_registrations r WHERE r.id = NEW.gst_registration_id;
    IF FOUND AND registration_parent <> NEW.parent_id THEN
        RAISE EXCEPTION 'merchants.merchant_stores: GST registration % of store % (%) belongs to '
                        'merchant parent %, not to the store''s parent %',
            NEW.gst_registration_id, NEW.id, NEW.code, registration_parent, NEW.parent_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_stores_gst_registration",
        "merchant_stores",
        "BEFORE INSERT OR UPDATE OF gst_registration_id, parent_id",
        "merchant_stores_gst_registration",
        condition="NEW.gst_registration_id IS NOT NULL",
    ),
)

# Menus hang together: one store, one menu, no cycles ------------------------------------

MENU_CONSISTENCY, DROP_MENU_CONSISTENCY = _concern(
    _function(
        "merchant_menu_categories_tree",
        declare="    parent_menu bigint;",
        body="""    IF TG_OP = 'UPDATE' AND NEW.menu_id <> OLD.menu_id AND EXISTS (
        SELECT 1 FROM merchants.merchant_menu_categories c WHERE c.parent_category_id = NEW.id
    ) THEN
        RAISE EXCEPTION 'merchants.merchant_menu_categories: category % has sub-categories; '
                        'it cannot move to menu % alone', NEW.id, NEW.menu_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.parent_category_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT c.menu_id INTO parent_menu
      FROM merchants.merchant_menu_categories c WHERE c.id = NEW.parent_category_id;
    IF FOUND AND parent_menu <> NEW.menu_id THEN
        RAISE EXCEPTION 'merchants.merchant_menu_categories: category % is on menu % but its '
                        'parent category % is on menu %',
            NEW.id, NEW.menu_id, NEW.parent_category_id, parent_menu
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (
        WITH RECURSIVE ancestors(id) AS (
            SELECT NEW.parent_category_id
            UNION
            SELECT c.parent_category_id
              FROM merchants.merchant_menu_categories c
              JOIN ancestors ON c.id = ancestors.id
             WHERE c.parent_category_id IS NOT NULL
        )
        SELECT 1 FROM ancestors WHERE ancestors.id = NEW.id
    ) THEN
        RAISE EXCEPTION 'merchants.merchant_menu_categories: parent category % of category % '
                        'would make a cycle', NEW.parent_category_id, NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_menu_categories_tree",
        "merchant_menu_categories",
        "BEFORE INSERT OR UPDATE OF parent_category_id, menu_id",
        "merchant_menu_categories_tree",
    ),
    _function(
        "merchant_menu_items_category_store",
        declare="    category_store bigint;",
        body="""    SELECT m.store_id INTO category_store
      FROM merchants.merchant_menu_categories c
      JOIN merchants.merchant_menus m ON m.id = c.menu_id
     WHERE c.id = NEW.category_id;
    IF FOUND AND category_store <> NEW.store_id THEN
        RAISE EXCEPTION 'merchants.merchant_menu_items: item % (%) is of store % but category % '
                        'is on a menu of store %',
            NEW.id, NEW.name, NEW.store_id, NEW.category_id, category_store
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_menu_items_category_store",
        "merchant_menu_items",
        "BEFORE INSERT OR UPDATE OF category_id, store_id",
        "merchant_menu_items_category_store",
    ),
    _function(
        "merchant_menu_item_addon_groups_store",
        declare="""    item_store bigint;
    group_store bigint;""",
        body="""    SELECT i.store_id INTO item_store
      FROM merchants.merchant_menu_items i WHERE i.id = NEW.menu_item_id;
    SELECT g.store_id INTO group_store
      FROM merchants.merchant_menu_addon_groups g WHERE g.id = NEW.addon_group_id;
    IF item_store <> group_store THEN
        RAISE EXCEPTION 'merchants.merchant_menu_item_addon_groups: item % is of store % but '
                        'add-on group % is of store %',
            NEW.menu_item_id, item_store, NEW.addon_group_id, group_store
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_menu_item_addon_groups_store",
        "merchant_menu_item_addon_groups",
        "BEFORE INSERT OR UPDATE OF menu_item_id, addon_group_id",
        "merchant_menu_item_addon_groups_store",
    ),
    _function(
        "merchant_offer_items_scope",
        declare="""    offer record;
    target_store bigint;
    target_parent bigint;""",
        body="""    SELECT o.parent_id, o.store_id INTO offer
      FROM merchants.merchant_offers o WHERE o.id = NEW.offer_id;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;
    IF NEW.menu_item_id IS NOT NULL THEN
        SELECT i.store_id INTO target_store
          FROM merchants.merchant_menu_items i WHERE i.id = NEW.menu_item_id;
    ELSE
        SELECT m.store_id INTO target_store
          FROM merchants.merchant_menu_categories c
          JOIN merchants.merchant_menus m ON m.id = c.menu_id
         WHERE c.id = NEW.category_id;
    END IF;
    SELECT s.parent_id INTO target_parent FROM merchants.merchant_stores s WHERE s.id = target_store;
    IF target_store IS DISTINCT FROM offer.store_id
       AND target_parent IS DISTINCT FROM offer.parent_id THEN
        RAISE EXCEPTION 'merchants.merchant_offer_items: offer % cannot cover a menu of store %, '
                        'which is outside the offer''s store or brand',
            NEW.offer_id, target_store USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;""",
    ),
    _trigger(
        "merchant_offer_items_scope",
        "merchant_offer_items",
        "BEFORE INSERT OR UPDATE",
        "merchant_offer_items_scope",
    ),
)

# Targeted zones lie in the city of the store's zone (cross-schema, checked at commit) ----

#: A service area or ad campaign naming a zone must name one in the city of
#: its store's own zone (``orders.service_zones.city_id``); a store with no
#: zone yet cannot target zones. Checked at commit by constraint triggers, as
#: the foreign keys are: ``loaddata`` may write a campaign before its zone or
#: store, and a store may move to another zone and its targets in one
#: transaction. The check reads the current rows of the store, so a row fixed
#: later in the transaction passes, and it locks the store row (FOR SHARE) so
#: a concurrent change of the store's zone waits or is seen.
_ZONE_TARGETS = [
    ("merchant_store_service_areas", "service area"),
    ("merchant_ad_campaigns", "ad campaign"),
]


def _zone_target_check(table, label):
    return f"""
    SELECT t.id, t.zone_id, z.city_id INTO target
      FROM merchants.{table} t
      JOIN orders.service_zones z ON z.id = t.zone_id
     WHERE t.store_id = p_store
       AND z.city_id IS DISTINCT FROM store.city_id
     ORDER BY t.id
     LIMIT 1;
    IF FOUND THEN
        IF store.zone_id IS NULL THEN
            RAISE EXCEPTION 'merchants.%: {label} % of store % targets zone % (city %), but the '
                            'store has no service zone (merchant_stores.zone_id)',
                p_written, target.id, store.code, target.zone_id, target.city_id
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = '{table}_zone_in_store_city',
                      HINT = 'Set the store''s zone first.';
        END IF;
        RAISE EXCEPTION 'merchants.%: {label} % of store % targets zone % in city %, outside '
                        'city % of the store''s zone %',
            p_written, target.id, store.code, target.zone_id, target.city_id,
            store.city_id, store.zone_id
            USING ERRCODE = 'check_violation', CONSTRAINT = '{table}_zone_in_store_city';
    END IF;"""


ZONE_IN_STORE_CITY_FUNCTION = (
    f"""
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
    END IF;{"".join(_zone_target_check(table, label) for table, label in _ZONE_TARGETS)}
END
$$""",
    "DROP FUNCTION merchants.check_store_zone_targets(bigint, text)",
)


def _zone_in_store_city_trigger(table, events, condition, suffix=""):
    name = f"{table}_zone_in_store_city{suffix}"
    return (
        f"CREATE CONSTRAINT TRIGGER {name} AFTER {events} ON merchants.{table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({condition}) "
        f"EXECUTE FUNCTION merchants.merchant_zone_in_store_city()",
        f"DROP TRIGGER {name} ON merchants.{table}",
    )


def _zone_target_triggers(table):
    # UPDATEs that rewrite identical values (as loaddata does) queue no check.
    changed = (
        "OLD.zone_id IS DISTINCT FROM NEW.zone_id OR OLD.store_id IS DISTINCT FROM NEW.store_id"
    )
    return (
        _zone_in_store_city_trigger(table, "INSERT", "NEW.zone_id IS NOT NULL"),
        _zone_in_store_city_trigger(
            table, "UPDATE", f"NEW.zone_id IS NOT NULL AND ({changed})", suffix="_upd"
        ),
    )


ZONE_IN_STORE_CITY, DROP_ZONE_IN_STORE_CITY = _concern(
    ZONE_IN_STORE_CITY_FUNCTION,
    _function(
        "merchant_zone_in_store_city",
        body="""    IF TG_TABLE_NAME = 'merchant_stores' THEN
        PERFORM merchants.check_store_zone_targets(NEW.id, TG_TABLE_NAME);
    ELSE
        PERFORM merchants.check_store_zone_targets(NEW.store_id, TG_TABLE_NAME);
    END IF;
    RETURN NULL;""",
    ),
    # A store's targets are checked again when its zone changes (a new store has none).
    _zone_in_store_city_trigger(
        "merchant_stores", "UPDATE", "OLD.zone_id IS DISTINCT FROM NEW.zone_id"
    ),
    *(trigger for table, _label in _ZONE_TARGETS for trigger in _zone_target_triggers(table)),
)


# An adjustment or dispute names an order of the payout's store (item 15) --------------

#: Checked at commit, like the foreign keys it reads through: the merchants
#: seed may be loaded before the orders demo seed. The check re-reads the
#: row, so a row fixed or deleted later in the transaction passes.
_ORDER_OF_PAYOUT_STORE_TABLES = ("merchant_payout_adjustments", "merchant_payout_disputes")

ORDER_OF_PAYOUT_STORE_FUNCTION = (
    """
CREATE FUNCTION merchants.merchant_payout_order_of_store() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    row_now record;
    payout_store bigint;
    found_order record;
BEGIN
    EXECUTE format('SELECT payout_id, order_id FROM merchants.%I WHERE id = $1', TG_TABLE_NAME)
       INTO row_now USING NEW.id;
    IF row_now IS NULL OR row_now.order_id IS NULL THEN
        RETURN NULL;  -- deleted, or no order named any more
    END IF;
    SELECT p.store_id INTO payout_store
      FROM merchants.merchant_store_payouts p WHERE p.id = row_now.payout_id;
    SELECT o.order_number, o.merchant_store_id INTO found_order
      FROM orders.orders o WHERE o.id = row_now.order_id;
    IF NOT FOUND OR payout_store IS NULL THEN
        RETURN NULL;  -- the foreign keys report it
    END IF;
    IF found_order.merchant_store_id IS DISTINCT FROM payout_store THEN
        RAISE EXCEPTION 'merchants.%: order % is of store %, not of store % of payout %',
            TG_TABLE_NAME, found_order.order_number, found_order.merchant_store_id,
            payout_store, row_now.payout_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = TG_TABLE_NAME || '_order_of_payout_store';
    END IF;
    RETURN NULL;
END
$$""",
    "DROP FUNCTION merchants.merchant_payout_order_of_store()",
)


def _order_of_payout_store_trigger(table, events, condition, suffix=""):
    name = f"{table}_order_of_payout_store{suffix}"
    return (
        f"CREATE CONSTRAINT TRIGGER {name} AFTER {events} ON merchants.{table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({condition}) "
        f"EXECUTE FUNCTION merchants.merchant_payout_order_of_store()",
        f"DROP TRIGGER {name} ON merchants.{table}",
    )


ORDER_OF_PAYOUT_STORE, DROP_ORDER_OF_PAYOUT_STORE = _concern(
    ORDER_OF_PAYOUT_STORE_FUNCTION,
    *(
        trigger
        for table in _ORDER_OF_PAYOUT_STORE_TABLES
        for trigger in (
            _order_of_payout_store_trigger(table, "INSERT", "NEW.order_id IS NOT NULL"),
            _order_of_payout_store_trigger(
                table,
                "UPDATE",
                "NEW.order_id IS NOT NULL AND (OLD.order_id IS DISTINCT FROM NEW.order_id "
                "OR OLD.payout_id IS DISTINCT FROM NEW.payout_id)",
                suffix="_upd",
            ),
        )
    ),
)
