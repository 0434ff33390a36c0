"""Moving one domain schema to its own server with logical replication.

Three steps, each a ``manage.py move_schema SCHEMA --to URL`` action:

``setup``
    Refuses unless the source has ``wal_level = logical`` and both servers
    are PostgreSQL 15+ (``FOR TABLES IN SCHEMA``). On the target: the roles
    the schemas name (NOLOGIN: logins and passwords are the operator's), the
    extensions, the ``public`` guard functions, and ``pg_dump --schema-only``
    of the schema plus ``audit``/``audit_secrets`` (the domain's audit
    capture writes there) and the domain's owner-only schemas
    (``roles.PRIVATE_SCHEMAS``), without the cross-schema foreign keys and triggers
    that cannot exist on the target (``scaleout`` lists them). On the
    source: a publication of the schema's tables, the domain's audit log,
    the pepper and the trusted roles (``publish_via_partition_root``). On
    the target: a subscription with ``copy_data``; the application keeps
    writing to the source meanwhile.
``status``
    Per table sync state (``pg_subscription_rel``), the slot's
    ``confirmed_flush_lsn`` against ``pg_current_wal_lsn()`` (lag in bytes),
    ``pg_stat_subscription``.
``cutover``
    In one source transaction (audited maintenance): a statement trigger on
    every table of the schema refusing writes (SQLSTATE 23514, every role,
    superusers too), the schema's ``rw`` role loses INSERT/UPDATE/DELETE,
    and the foreign keys from other schemas into it are dropped (printed:
    they would refuse rows naming what is created on the target). Then it
    waits until the slot has confirmed the fence's LSN (zero lag), copies
    every sequence position (logical replication does not carry them),
    drops the subscription and publication, and notes the move in the
    schema's comment. The application then runs with
    ``DATABASE_<SCHEMA>_URL`` set (``gatimitra.routers.DomainRouter``).
"""

import json
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from gatimitra.apps import domain_hooks
from gatimitra.ops import backup, scaleout
from gatimitra.ops.catalog import foreign_keys, tables_in
from gatimitra.ops.roles import PRIVATE_SCHEMAS

FENCE_FUNCTION = "moved_away"


class MoveError(RuntimeError):
    pass


def name_of(schema):
    return f"gm_move_{schema}"


def fence_trigger(table):
    return f"{table}_moved_away"[:63]


@dataclass
class Move:
    schema: str
    source: dict  # psycopg conninfo keywords
    target: dict
    subscription_source: str = ""  # conninfo the target uses to reach the source
    log: list = field(default_factory=list)

    @property
    def name(self):
        return name_of(self.schema)

    def connect_source(self, autocommit=True):
        return psycopg.connect(**self.source, autocommit=autocommit)

    def connect_target(self, autocommit=True):
        return psycopg.connect(**self.target, autocommit=autocommit)

    def say(self, line):
        self.log.append(line)


def target_conninfo(url):
    """psycopg keywords from a ``postgres://`` URL (or conninfo string)."""
    params = conninfo_to_dict(url)
    if not params.get("dbname"):
        raise MoveError(f"the target URL names no database: {redacted(url)}")
    return params


def redacted(conninfo):
    params = conninfo_to_dict(conninfo) if isinstance(conninfo, str) else dict(conninfo)
    params.pop("password", None)
    return make_conninfo(**{k: v for k, v in params.items() if v not in (None, "")})


def audit_logs_of(schema):
    """The audit logs the schema's tracked tables write to (the audit app says,
    through its ``audit_logs_of_schema`` hook: gatimitra imports no domain)."""
    return sorted({log for hook in domain_hooks("audit_logs_of_schema") for log in hook(schema)})


def _published_extras(schema):
    return [
        *(f"audit.{log}" for log in audit_logs_of(schema)),
        "audit.trusted_actor_roles",
        "audit_secrets.hash_pepper",
    ]


def _require_server(conn, side):
    major = conn.info.server_version // 10000
    if major < 15:
        raise MoveError(
            f"the {side} runs PostgreSQL {major}: moving a schema needs 15 or newer "
            "(CREATE PUBLICATION ... FOR TABLES IN SCHEMA)"
        )
    return major


def _tables(cur, schema):
    return tables_in(cur, schema, partitions=True)


def _excluded_objects(cur, schemas):
    """(catalog, oid) of the foreign keys and triggers of ``schemas`` that
    reach outside them: they cannot be created on the target."""
    cur.execute(
        """
        SELECT 'pg_constraint', c.oid, cn.nspname || '.' || cl.relname || ' ' || c.conname
        FROM pg_constraint c
        JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace
        JOIN pg_class r ON r.oid = c.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
        WHERE c.contype = 'f' AND cn.nspname = ANY(%(s)s) AND NOT rn.nspname = ANY(%(s)s)
        UNION ALL
        SELECT 'pg_trigger', t.oid, n.nspname || '.' || c.relname || ' ' || t.tgname
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
        WHERE NOT t.tgisinternal AND n.nspname = ANY(%(s)s)
          AND NOT pn.nspname = ANY(%(s)s || ARRAY['public'])
        """,
        {"s": list(schemas)},
    )
    return cur.fetchall()


def _roles(cur, schemas):
    names = set()
    for schema in schemas:
        names.update(backup.roles_named(cur, schema))
    return sorted(names)


def _libpq_env(params):
    env = {
        "PGHOST": params.get("host", ""),
        "PGPORT": str(params.get("port", "") or ""),
        "PGUSER": params.get("user", ""),
        "PGDATABASE": params["dbname"],
    }
    if params.get("password"):
        env["PGPASSWORD"] = params["password"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return {**base, **{k: v for k, v in env.items() if v}}


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise MoveError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def setup(move):
    # A domain's owner-only schemas (PRIVATE_SCHEMAS: orders_pending holds
    # the orders checks queued for commit, which its triggers write) go along;
    # their tables are unlogged and always empty at commit, so they are created
    # on the target and not published.
    private = [p for p, domain in PRIVATE_SCHEMAS.items() if domain == move.schema]
    schemas = [move.schema, *scaleout.AUDIT_SCHEMAS, *private]
    with move.connect_source() as src, move.connect_target() as dst:
        source_major = _require_server(src, "source")
        _require_server(dst, "target")
        wal_level = src.execute("SHOW wal_level").fetchone()[0]
        if wal_level != "logical":
            raise MoveError(
                f"the source has wal_level = {wal_level}: logical replication needs "
                "wal_level = logical (ALTER SYSTEM SET wal_level = logical; then restart it)"
            )
        if src.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", [move.name]).fetchone():
            raise MoveError(f"a move of {move.schema} is already set up (publication {move.name})")
        present = dst.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [schemas]
        ).fetchall()
        if present:
            raise MoveError(
                "the target already has schema(s) "
                f"{', '.join(r[0] for r in present)}: setup needs a target without them"
            )
        with src.cursor() as cur:
            roles = _roles(cur, schemas)
            excluded = _excluded_objects(cur, schemas)
            extensions = cur.execute(
                "SELECT e.extname, n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'"
            ).fetchall()
            functions = cur.execute(
                """SELECT pg_get_functiondef(p.oid) FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'public' AND NOT EXISTS (
                       SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
                   ORDER BY p.oid"""
            ).fetchall()
        existing = {r[0] for r in dst.execute("SELECT rolname FROM pg_roles").fetchall()}
        for role in roles:
            if role not in existing:
                dst.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        move.say(f"roles on the target: {len(roles)} named, {len(set(roles) - existing)} created")
        for extension, namespace in extensions:
            dst.execute(
                sql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}").format(
                    sql.Identifier(extension), sql.Identifier(namespace)
                )
            )
        # One function may call another that comes later: create them as
        # pg_dump restores them, bodies checked when they first run.
        dst.execute("SET check_function_bodies = off")
        for (definition,) in functions:
            dst.execute(definition)
        dst.execute("RESET check_function_bodies")
        move.say(f"extensions: {len(extensions)}; shared functions in public: {len(functions)}")
    _copy_ddl(move, schemas, source_major, excluded)
    with move.connect_source() as src:
        published = sql.SQL(", ").join(
            sql.Identifier(*name.split(".")) for name in _published_extras(move.schema)
        )
        src.execute(
            sql.SQL(
                "CREATE PUBLICATION {} FOR TABLES IN SCHEMA {}, TABLE {} "
                "WITH (publish_via_partition_root = true)"
            ).format(sql.Identifier(move.name), sql.Identifier(move.schema), published)
        )
    with move.connect_target() as dst:
        dst.execute(
            sql.SQL(
                "CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION {} WITH (copy_data = true)"
            ).format(
                sql.Identifier(move.name),
                sql.Literal(move.subscription_source),
                sql.Identifier(move.name),
            )
        )
    move.say(
        f"publication and subscription {move.name} created: copying "
        f"{move.schema} and {', '.join(_published_extras(move.schema))}"
    )
    return excluded


def _copy_ddl(move, schemas, source_major, excluded):
    pg_dump = backup.tool("pg_dump", source_major)
    pg_restore = backup.tool("pg_restore", source_major)
    skip = {(catalog, oid) for catalog, oid, _ in excluded}
    catalog_oids = {"pg_constraint": 2606, "pg_trigger": 2620}
    skip_ids = {(catalog_oids[c], oid) for c, oid in skip}
    with tempfile.TemporaryDirectory(prefix="gm-move-") as work:
        dump = Path(work) / "schema.dump"
        _run(
            [str(pg_dump), "--schema-only", "-Fc", "-f", str(dump)]
            + [f"--schema={s}" for s in schemas],
            _libpq_env(move.source),
        )
        listing = _run([str(pg_restore), "-l", str(dump)], _libpq_env(move.source))
        kept, dropped = [], 0
        for line in listing.splitlines():
            head = line.split(";", 1)
            if len(head) == 2 and head[0].strip().isdigit():
                parts = head[1].split()
                numbered = len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit()
                if numbered and (int(parts[0]), int(parts[1])) in skip_ids:
                    kept.append(";" + line)
                    dropped += 1
                    continue
            kept.append(line)
        if dropped != len(skip_ids):
            raise MoveError(
                f"pg_restore's listing names {dropped} of the {len(skip_ids)} cross-schema "
                "foreign keys and triggers to leave out: refusing to guess"
            )
        listing_path = Path(work) / "list"
        listing_path.write_text("\n".join(kept) + "\n")
        script = Path(work) / "schema.sql"
        _run(
            [str(pg_restore), "-L", str(listing_path), "-f", str(script), str(dump)],
            _libpq_env(move.source),
        )
        target_env = _libpq_env(move.target)
        with psycopg.connect(**move.target) as dst:
            known = {r[0] for r in dst.execute("SELECT name FROM pg_settings").fetchall()}
        script.write_text(_for_target(script.read_text(), known))
        psql = backup.tool("psql", source_major)
        _run(
            [
                str(psql),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "-d",
                target_env["PGDATABASE"],
                "-f",
                str(script),
            ],
            target_env,
        )
    move.say(
        f"schema DDL of {', '.join(schemas)} restored on the target without "
        f"{len(skip_ids)} cross-schema foreign keys and triggers"
    )


def _for_target(script, known_settings):
    """The dump's script without the session settings an older target lacks
    (pg_dump 18 sets ``transaction_timeout``, new in 17): a PostgreSQL 15
    subscriber gets everything else as written."""
    kept = []
    for line in script.splitlines():
        match = re.match(r"^SET (\w+) = .*;$", line) or re.match(
            r"^SELECT pg_catalog.set_config\('(\w+)'", line
        )
        if match and match.group(1) not in known_settings:
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def status(move):
    """A dict: the subscription's tables by state, the slot's lag, the stats."""
    report = {"schema": move.schema, "publication": None, "slot": None, "subscription": None}
    with move.connect_source() as src:
        pub = src.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", [move.name]).fetchone()
        report["publication"] = bool(pub)
        slot = src.execute(
            """SELECT slot_name, active, confirmed_flush_lsn::text, pg_current_wal_lsn()::text,
                      pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
               FROM pg_replication_slots WHERE slot_name = %s""",
            [move.name],
        ).fetchone()
        if slot:
            report["slot"] = dict(
                zip(
                    ("name", "active", "confirmed_flush_lsn", "current_wal_lsn", "lag_bytes"),
                    slot,
                    strict=True,
                )
            )
        report["fenced_tables"] = src.execute(
            """SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND t.tgname LIKE '%%\\_moved\\_away'""",
            [move.schema],
        ).fetchone()[0]
        report["comment"] = src.execute(
            "SELECT obj_description(to_regnamespace(%s)::oid, 'pg_namespace')", [move.schema]
        ).fetchone()[0]
    with move.connect_target() as dst:
        sub = dst.execute(
            """SELECT s.oid, st.received_lsn::text, st.latest_end_lsn::text,
                      st.last_msg_receipt_time::text
               FROM pg_subscription s LEFT JOIN pg_stat_subscription st
                 ON st.subid = s.oid AND st.relid IS NULL
               WHERE s.subname = %s""",
            [move.name],
        ).fetchone()
        if sub:
            states = dict(
                dst.execute(
                    "SELECT srsubstate::text, count(*) FROM pg_subscription_rel "
                    "WHERE srsubid = %s GROUP BY 1",
                    [sub[0]],
                ).fetchall()
            )
            names = {"i": "init", "d": "copying", "f": "copied", "s": "synced", "r": "ready"}
            report["subscription"] = {
                "tables": {names.get(k, k): v for k, v in states.items()},
                "all_ready": bool(states) and set(states) == {"r"},
                "received_lsn": sub[1],
                "latest_end_lsn": sub[2],
                "last_message": sub[3],
            }
    return report


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise MoveError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.2)


def _inbound_foreign_keys(cur, schema):
    """``[(schema, table, name, definition)]`` of the foreign keys from other
    schemas into ``schema``."""
    return [
        (fk.schema, fk.table, fk.name, fk.definition)
        for fk in foreign_keys(cur, [schema])
        if fk.target_schema == schema and fk.schema != schema
    ]


def _sequences(cur, schema):
    """Sequences of the schema and those owned by the moved audit tables, with
    their positions (``pg_sequences.last_value`` is NULL before first use)."""
    cur.execute(
        """SELECT s.schemaname, s.sequencename, s.last_value
           FROM pg_sequences s
           WHERE s.schemaname = %s OR (s.schemaname = 'audit' AND EXISTS (
               SELECT 1 FROM pg_depend d
               JOIN pg_class t ON t.oid = d.refobjid
               WHERE d.objid = format('%%I.%%I', s.schemaname, s.sequencename)::regclass
                 AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                 AND t.relname = ANY(%s)))
           ORDER BY 1, 2""",
        [schema, audit_logs_of(schema)],
    )
    return cur.fetchall()


#: How long the fence waits for one attempt at locking every table: shorter
#: than deadlock_timeout (1s), so a writer between two of the schema's tables
#: is never chosen as a deadlock victim; the fence lets go and tries again.
FENCE_LOCK_TIMEOUT = "200ms"


def _lock_all(conn, cur, schema, deadline):
    """Lock every table of the schema against writes in one statement,
    retrying until ``deadline``: the fence's triggers then go in without
    waiting behind (or deadlocking with) a writer's transaction."""
    tables = sql.SQL(", ").join(sql.Identifier(schema, table) for table in _tables(cur, schema))
    while True:
        cur.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(FENCE_LOCK_TIMEOUT)))
        try:
            cur.execute(sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(tables))
            return
        except psycopg.errors.LockNotAvailable:
            conn.rollback()
            if time.monotonic() > deadline:
                raise MoveError(
                    f"could not lock the tables of {schema} against writes before the timeout"
                ) from None
            time.sleep(0.05)


def cutover(move, timeout=120.0, accept_broken_rules=False):
    """Fence the source, wait for zero lag, copy sequences, end replication.
    Returns the figures (seconds) of the write pause and the waits."""
    with move.connect_source() as src:
        rules = [
            t
            for t in scaleout.ties_of(src.cursor(), move.schema)
            if t.becomes == scaleout.ONE_DATABASE
        ]
    if rules and not accept_broken_rules:
        listed = "\n".join(f"  {t.kind} {t.on} {t.name} -> {t.reaches}" for t in rules)
        raise MoveError(
            f"{len(rules)} rules of {move.schema} read another schema in the writing "
            f"transaction and break when it moves (scale_out_plan {move.schema}):\n{listed}\n"
            "rewrite them, or pass --accept-broken-rules to move anyway"
        )
    first = status(move)
    if not first["subscription"]:
        raise MoveError(f"no subscription {move.name} on the target: run setup first")
    _wait(lambda: status(move)["subscription"]["all_ready"], timeout, "every table copied")
    figures = {}
    with move.connect_source(autocommit=False) as src:
        with src.cursor() as cur:
            started = time.monotonic()
            _lock_all(src, cur, move.schema, started + timeout)
            cur.execute(
                "SELECT audit.begin_maintenance(%s)", [f"move_schema {move.schema}: cutover"]
            )
            cur.execute(
                sql.SQL(
                    """CREATE FUNCTION {}.{}() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        RAISE EXCEPTION '%.%: the schema has moved to another server; '
                            'writes go there (rule %)', TG_TABLE_SCHEMA, TG_TABLE_NAME,
                            TG_ARGV[0]
                            USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0],
                                  SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
                    END $$"""
                ).format(sql.Identifier(move.schema), sql.Identifier(FENCE_FUNCTION))
            )
            for table in _tables(cur, move.schema):
                trigger = fence_trigger(table)
                cur.execute(
                    sql.SQL(
                        "CREATE TRIGGER {} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {}.{} "
                        "FOR EACH STATEMENT EXECUTE FUNCTION {}.{}({})"
                    ).format(
                        sql.Identifier(trigger),
                        sql.Identifier(move.schema),
                        sql.Identifier(table),
                        sql.Identifier(move.schema),
                        sql.Identifier(FENCE_FUNCTION),
                        sql.Literal(trigger),
                    )
                )
            rw_role = f"gm_{move.schema}_rw"
            if cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [rw_role]).fetchone():
                cur.execute(
                    sql.SQL(
                        "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {} FROM {}"
                    ).format(sql.Identifier(move.schema), sql.Identifier(rw_role))
                )
            inbound = _inbound_foreign_keys(cur, move.schema)
            for schema, table, name, _ in inbound:
                cur.execute(
                    sql.SQL("ALTER TABLE {}.{} DROP CONSTRAINT {}").format(
                        sql.Identifier(schema), sql.Identifier(table), sql.Identifier(name)
                    )
                )
        src.commit()
        fence_lsn = src.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
        src.commit()
        figures["fence_seconds"] = time.monotonic() - started
    move.say(
        f"writes to {move.schema} refused on the source from LSN {fence_lsn}; dropped "
        f"{len(inbound)} foreign keys into it from other schemas:"
    )
    for schema, table, name, definition in inbound:
        move.say(f"  ALTER TABLE {schema}.{table} ADD CONSTRAINT {name} {definition}")

    def caught_up():
        with move.connect_source() as src:
            return src.execute(
                "SELECT confirmed_flush_lsn >= %s::pg_lsn FROM pg_replication_slots "
                "WHERE slot_name = %s",
                [fence_lsn, move.name],
            ).fetchone()[0]

    waited = time.monotonic()
    _wait(caught_up, timeout, f"the subscription to confirm LSN {fence_lsn}")
    figures["lag_drain_seconds"] = time.monotonic() - waited
    with move.connect_source() as src, move.connect_target() as dst:
        sequences = _sequences(src.cursor(), move.schema)
        for schema, name, last_value in sequences:
            if last_value is not None:
                dst.execute(
                    "SELECT setval(%s::regclass, %s, true)",
                    [f'"{schema}"."{name}"', last_value],
                )
        dst.execute(sql.SQL("DROP SUBSCRIPTION {}").format(sql.Identifier(move.name)))
        src.execute(sql.SQL("DROP PUBLICATION {}").format(sql.Identifier(move.name)))
        before = src.execute(
            "SELECT obj_description(to_regnamespace(%s)::oid, 'pg_namespace')", [move.schema]
        ).fetchone()[0]
        note = (
            f"MOVED to {redacted(move.target)} at "
            f"{src.execute('SELECT now()::text').fetchone()[0]} (move_schema); "
            f"foreign keys dropped here: {json.dumps([f'{s}.{t}.{n}' for s, t, n, _ in inbound])}"
        )
        src.execute(
            sql.SQL("COMMENT ON SCHEMA {} IS {}").format(
                sql.Identifier(move.schema),
                sql.Literal(f"{before} [{note}]" if before else note),
            )
        )
    figures["write_pause_seconds"] = time.monotonic() - started
    figures["sequences"] = len(sequences)
    figures["dropped_foreign_keys"] = len(inbound)
    move.say(
        f"{len(sequences)} sequence positions copied; replication ended. Writes were paused "
        f"{figures['write_pause_seconds']:.2f}s. Set DATABASE_{move.schema.upper()}_URL to the "
        "target and restart the application."
    )
    return figures
