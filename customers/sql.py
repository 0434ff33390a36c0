"""Database rules of the customers domain that CHECK and UNIQUE cannot
express, as trigger SQL. One constant pair (create, drop) per concern,
applied with ``RunSQL`` by ``customers/migrations/0003_add_ledger_and_customer_triggers.py``
and, for the rules on cross-schema references, by
``0004_add_cross_schema_references.py``. A migration runs the SQL of this
module as it is when the migration runs, so a constant an applied migration
uses never changes meaning: new rules get new constants. The ledgers' chaining and append-only rules come from
``gatimitra.db.operations`` (``LedgerChain``, ``AppendOnly``).

Every function lives in the ``customers`` schema and refers to tables
schema-qualified (Django's connections only see ``public``). Errors name
the table and the offending values and use SQLSTATE class 23, so Django
raises ``IntegrityError``.
"""

# SQL of applied migrations, frozen as it ran (sqlfrozen/, docs/migrations.md):
# those migrations read these names from this module, and their files may not change.
from customers.sqlfrozen.m0003_add_ledger_and_customer_triggers import (  # noqa: F401
    DROP_LIFETIME_POINTS,
    DROP_OPENING_BALANCES,
    DROP_PROMOTIONAL_CONSENT,
    DROP_PUBLIC_IDENTIFIERS,
    DROP_RATING_TAGS,
    DROP_SAME_CUSTOMER,
    DROP_WALLET_STATE,
    LIFETIME_POINTS,
    OPENING_BALANCES,
    PROMOTIONAL_CONSENT,
    PUBLIC_IDENTIFIERS,
    RATING_TAGS,
    SAME_CUSTOMER,
    WALLET_STATE,
)
from customers.sqlfrozen.m0004_add_cross_schema_references import (  # noqa: F401
    CART_LINES,
    DROP_CART_LINES,
    DROP_OWN_ORDERS,
    DROP_RATED_ORDERS,
    OWN_ORDERS,
    RATED_ORDERS,
)
from customers.sqlfrozen.m0005_partition_customer_notifications import (  # noqa: F401
    DROP_PROVIDER_MESSAGE_UNIQUE,
    PROVIDER_MESSAGE_UNIQUE,
)
from customers.sqlfrozen.m0006_provider_message_lock_buckets import (  # noqa: F401
    PROVIDER_MESSAGE_LOCK_BUCKETS,
    PROVIDER_MESSAGE_LOCK_PER_MESSAGE,
)


# Public identifiers ----------------------------------------------------------
# Referral codes, ticket numbers and data-request numbers are assigned by the
# database from the row's id, so they are unique by construction (no retry
# loop on collisions) and rows written by any client get one.
#
# A referral code is the id pushed through an affine bijection modulo 30^8
# and written in a 30-symbol alphabet without look-alikes (0/O, 1/I/L, U/V):
# eight characters, distinct for the first 656 billion ids, and not
# guessable from a neighbour's code.


# Opening balances -------------------------------------------------------------
# LedgerChain keeps a balance equal to its ledger from the first entry on and
# refuses UPDATEs of it; a wallet or loyalty account must therefore also be
# born empty, or its balance would disagree with its (empty) ledger.


# Wallet state -------------------------------------------------------------------
# A CLOSED wallet takes no entries; a FROZEN one still receives credits and
# expiries but cannot be spent.


# Lifetime points ----------------------------------------------------------------
# customer_loyalty.lifetime_points (what tiers are computed from) is the sum
# of EARN and BONUS credits minus REVERSE debits (an earn taken back). The
# points ledger keeps it, like LedgerChain keeps points_balance, and nothing
# else may change it.


# Same customer --------------------------------------------------------------------
# A reference from one of a customer's rows to another of their rows (a cart's
# address, a subscription's payment method...) must stay within that
# customer: a plain FK would accept another customer's address.


# Promotional consent --------------------------------------------------------------
# CATALOG section 8, item 17: a promotional send needs the customer's latest
# consent for that channel's purpose to be GRANTED (and unexpired). Checked
# when the row is written as anything but SUPPRESSED/FAILED, and when a
# queued message is marked sent. In-app messages need no consent; promotional
# voice calls are refused by a CHECK.


# Rating tags ----------------------------------------------------------------------
# customer_ratings.tag_codes is an array (no link table); each code must name
# a customer_rating_tags row of the rating's target type.


# The customer's own orders ----------------------------------------------------------
# A customer's row that names an order (a ticket, rating, trip share, masked
# call, SOS, notification, survey answer, reward, referral, ledger entry) must
# name one of that customer's orders, and a refund it names must be of one of
# them: a plain FK accepts anybody's. (SAME_CUSTOMER above is frozen as
# migration 0003 applied it; these references arrived with migration 0004.)
#
# orders.orders.customer_id is added by the orders app's own cross-schema
# migration, and neither app's migrations depend on the other's; these rules
# must stay valid whichever is applied first. So the order's owner is read
# from the row as jsonb: while orders.orders has no customer column there is
# no owner to compare with, and any existing order passes; once it has one,
# the order's customer_id must be the one given (NULL never matches). A
# missing order (one inserted later in the transaction) never passes.


# Rated orders ---------------------------------------------------------------------
# Only a finished order is rated: delivered (FOOD, PARCEL) or completed (RIDE).
# (That it is the customer's own order is OWN_ORDERS'.)


# Cart lines of the cart's store ---------------------------------------------------
# A cart line is a menu item of its cart's store (so only FOOD carts have
# lines), and its variant is a variant of that item. A cart that switches
# store must be emptied first.


# Provider message ids --------------------------------------------------------------
# customer_notifications is partitioned by month; a unique index there must
# include created_at, which would let the same provider message be recorded
# once per month. A provider's delivery reports are matched by its message
# id, so the rule is kept by this trigger instead: a second row with the same
# (provider, provider_message_id), in any partition, is refused. Writers of
# one id are serialised by a transaction advisory lock, so two concurrent
# inserts cannot both pass (the later one sees the earlier once it commits).


# customers 0006: a lock per message id filled PostgreSQL's shared lock table
# (max_locks_per_transaction x max_connections, 6,400 by default) when one
# transaction wrote more rows than that: a campaign's notifications, a bulk
# load ("out of shared memory"). The ids hash into 256 lock buckets instead:
# writers of one id still take the same lock, and a transaction holds at most
# 256 of them. Two writers whose ids share a bucket wait for each other.
