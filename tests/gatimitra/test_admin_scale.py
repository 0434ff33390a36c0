"""The admin stays fast at city scale (CATALOG section 9: customers 2.5M,
orders ~44M a year, location pings ~9.5B a year).

Tested over every registered admin, with tiny tables, what makes a page's
cost independent of the table size: no per-row query, no full count, no
``<select>`` over a related table, and an ORDER BY and a search that an index
serves (asked of the planner with sequential scans and sorts switched off).
Timings are in ``benchmarks/admin_pages.py``.
"""

import json
import re

import pytest
from django.contrib import admin
from django.contrib.admin.filters import AllValuesFieldListFilter, FieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms import ModelChoiceField
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gatimitra.admin import EstimatedCountPaginator, GatimitraModelAdmin, _search_target
from gatimitra.db.tables import split_table
from gatimitra.testing import factory_for

ADMINS = sorted(admin.site._registry.items(), key=lambda pair: pair[0]._meta.label)
ADMIN_MODELS = [model for model, _ in ADMINS]

#: Master data and configuration: at most ~10^4 rows in a metro (CATALOG
#: section 9, "Small tables"), so scanning one when it is searched costs
#: little. Every other table grows with customers, orders or riders' activity
#: and must be searched through an index.
SMALL_TABLES = {
    # access_mgmt: staff, roles, integrations, flags
    "access_policies",
    "account_lockouts",
    "api_client_permissions",
    "api_clients",
    "api_keys",
    "approval_workflow_steps",
    "approval_workflows",
    "feature_flag_rules",
    "feature_flags",
    "ip_allowlists",
    "jwt_signing_keys",
    "mfa_factors",
    "password_history",
    "password_reset_tokens",
    "permission_groups",
    "pii_access_grants",
    "rate_limit_policies",
    "role_hierarchy",
    "role_permissions",
    "system_permissions",
    "system_roles",
    "system_settings",
    "system_users",
    "team_members",
    "teams",
    "trusted_devices",
    "user_access_scopes",
    "user_credentials",
    "user_invitations",
    "user_permission_overrides",
    "user_roles",
    "impersonation_sessions",
    # customers: catalogues and back-office records
    "customer_business_profiles",
    "customer_coupons",
    "customer_data_requests",
    "customer_loyalty_tiers",
    "customer_rating_tags",
    "customer_segments",
    "customer_sos_alerts",
    "customer_subscription_plans",
    # merchants: ~6k parents and ~10k stores with their set-up
    "merchant_ad_campaigns",
    "merchant_commission_plans",
    "merchant_bank_accounts",
    "merchant_contracts",
    "merchant_cuisines",
    "merchant_devices",
    "merchant_documents",
    "merchant_menus",
    "merchant_offers",
    "merchant_parents",
    "merchant_pos_integrations",
    "merchant_stores",
    "merchant_tax_registrations",
    "merchant_users",
    "merchant_verification_checks",
    # orders: cities, zones, pricing rules, providers
    "cancellation_reasons",
    "delivery_fee_rules",
    "external_delivery_providers",
    "ride_fare_policies",
    "service_cities",
    "service_zones",
    "surge_pricing_rules",
    # GST state codes (36 rows) and invoice counters (one per issuer, series, year)
    "indian_states",
    "invoice_series_counters",
    # riders: schemes and welfare-fee rates (one per state or city and window)
    "rider_incentive_schemes",
    "welfare_fee_rates",
    # gatimitra: one row per migration applied
    "gatimitra_migration_history",
}


def _id(model):
    return model._meta.label


def _table(model):
    return split_table(model._meta.db_table)[1]


def _url(model, view="changelist", *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _value_at(obj, path):
    """The value a search path (``customer__mobile``) reads from ``obj``."""
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, "pk" if part == "pk" else part)
    return getattr(obj, "pk", obj)


def search_term(model_admin, obj, spec):
    """A term that finds ``obj`` through search field ``spec``."""
    path = spec.lstrip("=^@")
    if path in {name.lstrip("=^@") for name in model_admin.hashed_search_fields}:
        return "+919812345678"  # hashed before the lookup: any value works
    value = _value_at(obj, path)
    if value not in (None, ""):
        return str(value)
    # The factory left it empty: any value the column accepts.
    field, _ = _search_target(obj._meta.model, path)
    for candidate in ("+919812345678", "12345", "ABC123"):
        try:
            field.clean(candidate, None)
        except ValidationError:
            continue
        return candidate
    return "ABC123"


def test_every_admin_is_on_the_shared_base():
    """Which gives them the estimated count, raw ids, index-friendly search."""
    assert [m._meta.label for m, a in ADMINS if not isinstance(a, GatimitraModelAdmin)] == []


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=[_id(m) for m in ADMIN_MODELS])
def test_no_changelist_counts_or_scans_a_whole_table(model, model_admin, rf):
    # Checked per admin, since an admin may override what the base sets.
    assert model_admin.show_full_result_count is False
    assert issubclass(model_admin.paginator, EstimatedCountPaginator)
    # date_hierarchy costs a DISTINCT date_trunc over the whole table.
    assert not model_admin.date_hierarchy
    assert model_admin.list_per_page <= 100
    assert model_admin.get_ordering(rf.get("/")), "no ordering: the list order is arbitrary"


def _field_filters(model_admin, request):
    """``(field path, FieldListFilter class)`` of the list filters on fields."""
    for item in model_admin.get_list_filter(request):
        path, chosen = item if isinstance(item, list | tuple) else (item, None)
        if not isinstance(path, str):
            continue  # a SimpleListFilter: its own lookups
        field = get_fields_from_path(model_admin.model, path)[-1]
        if chosen is None:
            chosen = next(cls for test, cls in FieldListFilter._field_list_filters if test(field))
        yield path, chosen


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=[_id(m) for m in ADMIN_MODELS])
def test_no_list_filter_reads_a_whole_big_table(model, model_admin, rf):
    """Django's filter for a plain column lists its values with a SELECT
    DISTINCT over the whole table; a big table filters on enums, booleans,
    dates, small related tables or a SimpleListFilter with fixed choices."""
    if _table(model) in SMALL_TABLES:
        return
    distinct = [
        path
        for path, chosen in _field_filters(model_admin, rf.get("/"))
        if issubclass(chosen, AllValuesFieldListFilter)
    ]
    assert distinct == []


def _relation_widgets(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, ModelChoiceField):
            yield name, getattr(field.widget, "widget", field.widget)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=[_id(m) for m in ADMIN_MODELS])
def test_every_relation_is_raw_id_or_autocomplete(model, model_admin, rf, superuser):
    """A plain <select> loads the whole related table into the page (6.45 s
    and 5 MB of HTML over 100k customers); also in inlines and custom forms."""
    request = rf.get("/")
    request.user = superuser
    forms = {model._meta.label: model_admin.get_form(request)}
    for inline in model_admin.get_inline_instances(request):
        forms[inline.model._meta.label] = inline.get_formset(request).form
    allowed = (
        ForeignKeyRawIdWidget,
        ManyToManyRawIdWidget,
        AutocompleteSelect,
        AutocompleteSelectMultiple,
    )
    selects = [
        f"{label}.{name}: {type(widget).__name__}"
        for label, form in forms.items()
        for name, widget in _relation_widgets(form)
        if not isinstance(widget, allowed)
    ]
    assert selects == []


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, params)
    return response, [query["sql"] for query in captured.captured_queries]


def _changelist_for(model_admin, rf, user, params):
    request = rf.get("/", params)
    request.user = user
    return model_admin.get_changelist_instance(request)


def filter_showing(model_admin, obj, rf, user):
    """The parameters of a list-filter choice whose list shows ``obj``
    (the first choice when none does), or None without filters."""
    changelist = _changelist_for(model_admin, rf, user, {})
    choices = [
        QueryDict(choice["query_string"].lstrip("?")).dict()
        for spec in changelist.filter_specs
        for choice in spec.choices(changelist)
        if not choice["selected"]
    ]
    for params in choices:
        listed = _changelist_for(model_admin, rf, user, params).queryset
        if listed.filter(pk=obj.pk).exists():
            return params
    return choices[0] if choices else None


def finding_term(model_admin, obj):
    """``(term, found)``: a search term that finds ``obj`` by the first
    search field with a value (hashed ones are stored as a hash: no use)."""
    hashed = {name.lstrip("=^@") for name in model_admin.hashed_search_fields}
    for spec in model_admin.search_fields:
        path = spec.lstrip("=^@")
        if path not in hashed and _value_at(obj, path) not in (None, ""):
            return search_term(model_admin, obj, spec), True
    return search_term(model_admin, obj, model_admin.search_fields[0]), False


WITH_FACTORIES = [model for model in ADMIN_MODELS if factory_for(model) is not None]


@pytest.mark.django_db
@pytest.mark.parametrize("model", WITH_FACTORIES, ids=_id)
def test_changelist_queries_do_not_grow_with_rows(model, client, rf, superuser, monkeypatch):
    """The plain list, then the list searched and filtered (one page that
    exercises both), with one row and with three. Each list column that reads
    a related object needs list_select_related: the base follows the foreign
    keys in list_display; callables and ``__str__`` of related rows may need
    more."""
    # The sidebar lists all 185 models on every page, without a query: most
    # of the rendering time, none of what is under test.
    monkeypatch.setattr(admin.site, "enable_nav_sidebar", False)
    client.force_login(superuser)
    model_admin = admin.site._registry[model]
    factory = factory_for(model)
    obj = factory()
    url = _url(model)
    narrowed, found = {}, True
    if model_admin.search_fields:
        narrowed["q"], found = finding_term(model_admin, obj)
    filtered = filter_showing(model_admin, obj, rf, superuser)
    narrowed.update(filtered or {})
    variants = {"list": {}, "searched and filtered": narrowed} if narrowed else {"list": {}}

    one_row = {name: _queries(client, url, params) for name, params in variants.items()}
    factory.create_batch(2)
    three_rows = {name: _queries(client, url, params) for name, params in variants.items()}
    for name, (_, queries) in three_rows.items():
        before = one_row[name][1]
        assert len(queries) == len(before), (name, variants[name], _extra(before, queries))
    # Each list showed the row it was built from, so its columns were rendered.
    for name, (response, _) in one_row.items():
        if name == "list" or found:
            assert response.context["cl"].result_count >= 1, (name, variants[name])


def _extra(before, after):
    seen = list(before)
    extra = []
    for sql in after:
        if sql in seen:
            seen.remove(sql)
        else:
            extra.append(sql)
    return extra[:3]


# -- Ordering and search served by indexes -------------------------------


def _plan(queryset, *disabled):
    """The plan PostgreSQL makes with the ``disabled`` plan types switched
    off: tiny test tables are cheaper to scan and sort than to read through
    an index, so the test asks what the indexes allow. A disabled plan type
    still appears when nothing else can do its job."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        _forget_statistics(cursor, sql, params)
        for setting in disabled:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        for setting in disabled:
            cursor.execute(f"RESET {setting}")
    return json.loads(plan) if isinstance(plan, str) else plan


def _forget_statistics(cursor, sql, params):
    """Plan the query as if its tables were never analyzed, every time.

    The plans under test are the ones the indexes allow on tables of unknown
    (so assumed sizeable) size. Whether autovacuum has analyzed a table
    before (the test database's tables fill and empty all through the
    suite) changed that: with statistics of a near-empty table the planner
    prefers scanning it, or (PostgreSQL 18's skip scan) reading an index by
    a later column, so the same test passed or failed by timing. Dropping
    the statistics of the tables the query reads (and their indexes) in the
    test's transaction, rolled back with it, removes that input."""
    cursor.execute(f"EXPLAIN (FORMAT JSON, VERBOSE) {sql}", params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    read = {(node["Schema"], node["Relation Name"]) for node in _nodes(plan) if "Schema" in node}
    tables = sorted(f'"{schema}"."{name}"' for schema, name in read)
    cursor.execute(
        "WITH t AS (SELECT unnest(%s::text[])::regclass::oid AS oid), "
        "rel AS (SELECT oid FROM t UNION SELECT indexrelid FROM pg_index WHERE indrelid IN "
        "(SELECT oid FROM t)), "
        "cleared AS (DELETE FROM pg_statistic WHERE starelid IN (SELECT oid FROM rel) "
        "RETURNING 1) "
        "UPDATE pg_class SET reltuples = -1 WHERE oid IN (SELECT oid FROM rel)",
        [tables],
    )


def _nodes(plan):
    stack = [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        yield node
        stack += node.get("Plans", [])


def _changelist(model_admin, rf, user, params=None):
    request = rf.get("/", params or {})
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    return changelist.queryset[: changelist.list_per_page]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=[_id(m) for m in ADMIN_MODELS])
def test_changelist_order_comes_from_an_index(model, model_admin, rf, superuser):
    """The first page is read off an index in list order (ORDER BY, with the
    ``-pk`` Django appends to make it total), never by sorting the table."""
    plan = _plan(_changelist(model_admin, rf, superuser), "enable_seqscan", "enable_sort")
    sorts = [node for node in _nodes(plan) if node["Node Type"] == "Sort"]
    assert sorts == [], json.dumps(plan, indent=1)


SEARCHED_BIG = [
    (model, spec)
    for model, model_admin in ADMINS
    if _table(model) not in SMALL_TABLES and factory_for(model) is not None
    for spec in model_admin.search_fields
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "spec"), SEARCHED_BIG, ids=[f"{_id(m)}:{s}" for m, s in SEARCHED_BIG]
)
def test_search_of_a_big_table_uses_indexes(model, spec, rf, superuser):
    """Each search field alone (the search ORs or UNIONs them, so each must be
    indexed): exact fields by a btree on the column, others by a trigram
    index on UPPER(col::text); a join to another table by its keys.

    Only bitmap scans are left to the planner: one needs an index condition,
    so a table whose search condition no index serves has to be read whole
    (a Seq Scan, or an Index Scan that merely walks an index in list order
    and filters every row)."""
    model_admin = admin.site._registry[model]
    path = spec.lstrip("=^@")
    target, local = _search_target(model, path)
    if _table(target.model) in SMALL_TABLES:
        # The condition is on a small table, scanned on purpose (and the
        # planner's choice with scans switched off says nothing): the big
        # table must be reached from it through an index on its key.
        first_hop = model._meta.get_field(path.split("__")[0])
        assert not local and _has_leading_index(model, first_hop.column), first_hop
        return
    obj = factory_for(model)()
    term = search_term(model_admin, obj, spec)
    if not spec.startswith("=") and len(term) > 6:
        term = term[-6:]  # a part of the value, as people type it
    one_field = type(
        "OneField", (type(model_admin),), {"search_fields": (spec,), "__module__": __name__}
    )(model, admin.site)
    queryset = _changelist(one_field, rf, superuser, {"q": term})
    plan = _plan(queryset, "enable_seqscan", "enable_indexscan", "enable_indexonlyscan")
    nodes = list(_nodes(plan))
    scanned = {
        node["Relation Name"]
        for node in nodes
        if node["Node Type"] in ("Seq Scan", "Index Scan", "Index Only Scan")
        and node["Relation Name"] not in SMALL_TABLES
    }
    assert scanned == set(), json.dumps(plan, indent=1)
    # A btree condition on a later column only (row_pk of (table_name, row_pk))
    # still reads the whole index.
    tails = [
        f"{node['Index Name']}: {node['Index Cond']}"
        for node in nodes
        if node["Node Type"] == "Bitmap Index Scan" and not _leading_column_used(node)
    ]
    assert tails == [], json.dumps(plan, indent=1)


def _has_leading_index(model, column):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return any(
        (c["index"] or c["unique"]) and c["columns"][:1] == [column] for c in constraints.values()
    )


def _leading_column_used(node):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT am.amname, pg_get_indexdef(i.indexrelid, 1, true) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
            "WHERE c.relname = %s",
            [node["Index Name"]],
        )
        method, first = cursor.fetchone()
    if method != "btree" or not first.isidentifier():
        return True  # GIN: any column; an expression: no simple test
    return re.search(rf"\b{first}\b", node.get("Index Cond", "")) is not None
