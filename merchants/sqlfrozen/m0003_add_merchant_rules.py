"""SQL that merchants migration 0003_add_merchant_rules ran, frozen as it ran.

The migration reads these names from ``merchants.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

GO_LIVE_GATE = [
    """
CREATE FUNCTION merchants.merchant_store_go_live_missing(p_store bigint, p_parent bigint)
RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
    missing text[] := '{}';
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
    """CREATE FUNCTION merchants.merchant_stores_go_live_gate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing text[];
BEGIN
    IF NEW.status <> 'LIVE' OR NOT ('FOOD' = ANY (NEW.service_types)) THEN
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
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_stores_go_live_gate BEFORE INSERT OR UPDATE OF status, service_types ON merchants.merchant_stores FOR EACH ROW EXECUTE FUNCTION merchants.merchant_stores_go_live_gate()",
]

DROP_GO_LIVE_GATE = [
    "DROP TRIGGER merchant_stores_go_live_gate ON merchants.merchant_stores",
    "DROP FUNCTION merchants.merchant_stores_go_live_gate()",
    "DROP FUNCTION merchants.merchant_store_go_live_missing(bigint, bigint)",
]

PAUSE_EXPIRED_FSSAI_STORES = [
    """
CREATE FUNCTION merchants.pause_expired_fssai_stores() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    paused integer;
BEGIN
    -- A licence past its expiry is no longer VERIFIED.
    UPDATE merchants.merchant_documents
       SET status = 'EXPIRED', updated_at = now()
     WHERE document_type = 'FSSAI_LICENCE'
       AND status = 'VERIFIED'
       AND expires_on < (now() AT TIME ZONE 'Asia/Kolkata')::date;
    -- Every LIVE FOOD store left without a valid licence is paused and logged.
    WITH expired AS (
        UPDATE merchants.merchant_stores s
           SET status = 'PAUSED', is_accepting_orders = false, updated_at = now()
         WHERE s.status = 'LIVE'
           AND 'FOOD' = ANY (s.service_types)
           AND NOT EXISTS (
        SELECT 1 FROM merchants.merchant_documents d
         WHERE d.store_id = s.id
           AND d.document_type = 'FSSAI_LICENCE'
           AND d.status = 'VERIFIED'
           AND d.expires_on >= (now() AT TIME ZONE 'Asia/Kolkata')::date)
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
    "COMMENT ON FUNCTION merchants.pause_expired_fssai_stores() IS 'Pauses LIVE FOOD stores whose FSSAI licence expired (writes availability logs); returns how many. Run daily: manage.py pause_expired_fssai_stores.'",
]

DROP_PAUSE_EXPIRED_FSSAI_STORES = [
    "DROP FUNCTION merchants.pause_expired_fssai_stores()",
]

PAYOUT_VERIFIED_ACCOUNT = [
    """CREATE FUNCTION merchants.merchant_store_payouts_verified_account() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    account record;
    store_parent bigint;
BEGIN
    -- Checked when the payout is created, re-pointed, or starts moving money.
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
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_store_payouts_verified_account BEFORE INSERT OR UPDATE OF bank_account_id, store_id, status ON merchants.merchant_store_payouts FOR EACH ROW EXECUTE FUNCTION merchants.merchant_store_payouts_verified_account()",
]

DROP_PAYOUT_VERIFIED_ACCOUNT = [
    "DROP TRIGGER merchant_store_payouts_verified_account ON merchants.merchant_store_payouts",
    "DROP FUNCTION merchants.merchant_store_payouts_verified_account()",
]

PAYOUT_ADJUSTMENTS = [
    """CREATE FUNCTION merchants.merchant_payout_adjustments_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    payout_ids bigint[];
    target_payout bigint;
    payout record;
    total numeric;
    net numeric;
BEGIN
    IF TG_OP = 'DELETE' THEN
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
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER merchant_payout_adjustments_apply AFTER INSERT OR UPDATE OR DELETE ON merchants.merchant_payout_adjustments FOR EACH ROW EXECUTE FUNCTION merchants.merchant_payout_adjustments_apply()",
    """CREATE FUNCTION merchants.merchant_store_payouts_adjustments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only merchant_payout_adjustments_apply (a nested trigger) moves the total.
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
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_store_payouts_adjustments_guard BEFORE INSERT OR UPDATE OF adjustments_amount ON merchants.merchant_store_payouts FOR EACH ROW EXECUTE FUNCTION merchants.merchant_store_payouts_adjustments_guard()",
]

DROP_PAYOUT_ADJUSTMENTS = [
    "DROP TRIGGER merchant_store_payouts_adjustments_guard ON merchants.merchant_store_payouts",
    "DROP FUNCTION merchants.merchant_store_payouts_adjustments_guard()",
    "DROP TRIGGER merchant_payout_adjustments_apply ON merchants.merchant_payout_adjustments",
    "DROP FUNCTION merchants.merchant_payout_adjustments_apply()",
]

GSTIN_MATCHES_PAN = [
    """CREATE FUNCTION merchants.merchant_tax_registrations_gstin_pan() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_pan text;
BEGIN
    IF NEW.gstin IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT p.pan INTO parent_pan FROM merchants.merchant_parents p WHERE p.id = NEW.parent_id;
    IF parent_pan IS NOT NULL AND substr(NEW.gstin, 3, 10) <> parent_pan THEN
        RAISE EXCEPTION 'merchants.merchant_tax_registrations: GSTIN % does not contain PAN % '
                        'of merchant parent %',
            NEW.gstin, parent_pan, NEW.parent_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_tax_registrations_gstin_pan BEFORE INSERT OR UPDATE OF gstin, parent_id ON merchants.merchant_tax_registrations FOR EACH ROW EXECUTE FUNCTION merchants.merchant_tax_registrations_gstin_pan()",
    """CREATE FUNCTION merchants.merchant_parents_pan_gstins() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mismatch text;
BEGIN
    SELECT r.gstin INTO mismatch FROM merchants.merchant_tax_registrations r
     WHERE r.parent_id = NEW.id AND r.gstin IS NOT NULL AND substr(r.gstin, 3, 10) <> NEW.pan
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'merchants.merchant_parents: PAN % of merchant parent % does not match '
                        'its GSTIN %',
            NEW.pan, NEW.id, mismatch USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_parents_pan_gstins BEFORE UPDATE OF pan ON merchants.merchant_parents FOR EACH ROW WHEN (NEW.pan IS NOT NULL AND NEW.pan IS DISTINCT FROM OLD.pan) EXECUTE FUNCTION merchants.merchant_parents_pan_gstins()",
]

DROP_GSTIN_MATCHES_PAN = [
    "DROP TRIGGER merchant_parents_pan_gstins ON merchants.merchant_parents",
    "DROP FUNCTION merchants.merchant_parents_pan_gstins()",
    "DROP TRIGGER merchant_tax_registrations_gstin_pan ON merchants.merchant_tax_registrations",
    "DROP FUNCTION merchants.merchant_tax_registrations_gstin_pan()",
]

STORE_GST_REGISTRATION = [
    """CREATE FUNCTION merchants.merchant_stores_gst_registration() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    registration_parent bigint;
BEGIN
    SELECT r.parent_id INTO registration_parent
      FROM merchants.merchant_tax_registrations r WHERE r.id = NEW.gst_registration_id;
    IF FOUND AND registration_parent <> NEW.parent_id THEN
        RAISE EXCEPTION 'merchants.merchant_stores: GST registration % of store % (%) belongs to '
                        'merchant parent %, not to the store''s parent %',
            NEW.gst_registration_id, NEW.id, NEW.code, registration_parent, NEW.parent_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_stores_gst_registration BEFORE INSERT OR UPDATE OF gst_registration_id, parent_id ON merchants.merchant_stores FOR EACH ROW WHEN (NEW.gst_registration_id IS NOT NULL) EXECUTE FUNCTION merchants.merchant_stores_gst_registration()",
]

DROP_STORE_GST_REGISTRATION = [
    "DROP TRIGGER merchant_stores_gst_registration ON merchants.merchant_stores",
    "DROP FUNCTION merchants.merchant_stores_gst_registration()",
]

MENU_CONSISTENCY = [
    """CREATE FUNCTION merchants.merchant_menu_categories_tree() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_menu bigint;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.menu_id <> OLD.menu_id AND EXISTS (
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
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_menu_categories_tree BEFORE INSERT OR UPDATE OF parent_category_id, menu_id ON merchants.merchant_menu_categories FOR EACH ROW EXECUTE FUNCTION merchants.merchant_menu_categories_tree()",
    """CREATE FUNCTION merchants.merchant_menu_items_category_store() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    category_store bigint;
BEGIN
    SELECT m.store_id INTO category_store
      FROM merchants.merchant_menu_categories c
      JOIN merchants.merchant_menus m ON m.id = c.menu_id
     WHERE c.id = NEW.category_id;
    IF FOUND AND category_store <> NEW.store_id THEN
        RAISE EXCEPTION 'merchants.merchant_menu_items: item % (%) is of store % but category % '
                        'is on a menu of store %',
            NEW.id, NEW.name, NEW.store_id, NEW.category_id, category_store
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_menu_items_category_store BEFORE INSERT OR UPDATE OF category_id, store_id ON merchants.merchant_menu_items FOR EACH ROW EXECUTE FUNCTION merchants.merchant_menu_items_category_store()",
    """CREATE FUNCTION merchants.merchant_menu_item_addon_groups_store() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    item_store bigint;
    group_store bigint;
BEGIN
    SELECT i.store_id INTO item_store
      FROM merchants.merchant_menu_items i WHERE i.id = NEW.menu_item_id;
    SELECT g.store_id INTO group_store
      FROM merchants.merchant_menu_addon_groups g WHERE g.id = NEW.addon_group_id;
    IF item_store <> group_store THEN
        RAISE EXCEPTION 'merchants.merchant_menu_item_addon_groups: item % is of store % but '
                        'add-on group % is of store %',
            NEW.menu_item_id, item_store, NEW.addon_group_id, group_store
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_menu_item_addon_groups_store BEFORE INSERT OR UPDATE OF menu_item_id, addon_group_id ON merchants.merchant_menu_item_addon_groups FOR EACH ROW EXECUTE FUNCTION merchants.merchant_menu_item_addon_groups_store()",
    """CREATE FUNCTION merchants.merchant_offer_items_scope() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    offer record;
    target_store bigint;
    target_parent bigint;
BEGIN
    SELECT o.parent_id, o.store_id INTO offer
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
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER merchant_offer_items_scope BEFORE INSERT OR UPDATE ON merchants.merchant_offer_items FOR EACH ROW EXECUTE FUNCTION merchants.merchant_offer_items_scope()",
]

DROP_MENU_CONSISTENCY = [
    "DROP TRIGGER merchant_offer_items_scope ON merchants.merchant_offer_items",
    "DROP FUNCTION merchants.merchant_offer_items_scope()",
    "DROP TRIGGER merchant_menu_item_addon_groups_store ON merchants.merchant_menu_item_addon_groups",
    "DROP FUNCTION merchants.merchant_menu_item_addon_groups_store()",
    "DROP TRIGGER merchant_menu_items_category_store ON merchants.merchant_menu_items",
    "DROP FUNCTION merchants.merchant_menu_items_category_store()",
    "DROP TRIGGER merchant_menu_categories_tree ON merchants.merchant_menu_categories",
    "DROP FUNCTION merchants.merchant_menu_categories_tree()",
]
