"""What generate.py and run.py share: sizes, connection options, Odoo bootstrap.

Odoo is imported lazily (``load_odoo``) because its source tree is put on ``sys.path``
from a command-line option.
"""

import argparse
import configparser
import json
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg2

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ODOO_SRC = Path(os.environ.get("ODOO_SRC") or Path.home() / ".cache/credit_control/odoo-18.0")
DEFAULT_OCA_ADDONS = Path("/tmp/oca_addons/odoo/addons")
# Marker written into every generated database: its parameters, and the proof that the
# database was built by generate.py (only such a database may be replaced).
MARKER_KEY = "credit_control_bench.generated"
BENCH_REF_PREFIX = "BENCH-"


@dataclass(frozen=True)
class Size:
    customers: int
    items: int
    orders: int


SIZES = {
    "small": Size(customers=2_000, items=40_000, orders=1_000),
    "medium": Size(customers=10_000, items=200_000, orders=5_000),
    "full": Size(customers=100_000, items=2_000_000, orders=50_000),
}


# ----------------------------------------------------------------------
# Connection options
# ----------------------------------------------------------------------


def add_connection_arguments(parser):
    """Connection flags; without them, an Odoo config file (-c), then the PG* variables,
    then the project's private cluster (tools/README-harness.md) are used."""
    group = parser.add_argument_group("connection")
    group.add_argument(
        "-c", "--config", help="Odoo config file to read db_* and addons_path from (e.g. /tmp/odoo.conf)"
    )
    group.add_argument("--db-host", help="PostgreSQL host or unix socket folder (default: the harness cluster)")
    group.add_argument("--db-port", help="PostgreSQL port (default: 54329, the harness cluster)")
    group.add_argument("--db-user", help="PostgreSQL role (default: odoo)")
    group.add_argument("--db-password", help="PostgreSQL password (default: none, or PGPASSWORD)")
    group.add_argument("--odoo-src", default=str(DEFAULT_ODOO_SRC), help="Odoo 18.0 source tree (odoo-bin)")
    group.add_argument("--addons-path", help="Odoo addons path (default: Odoo's addons and this repository)")
    group.add_argument(
        "--oca-addons",
        default=str(DEFAULT_OCA_ADDONS),
        help="folder holding the unpacked OCA addons account_financial_risk and sale_financial_risk",
    )


@dataclass(frozen=True)
class Connection:
    host: str
    port: str
    user: str
    password: str | None
    odoo_src: Path
    addons_path: str
    oca_addons: Path
    config_file: str | None

    def connect(self, dbname):
        """A plain psycopg2 connection (bulk loading and administration)."""
        return psycopg2.connect(host=self.host, port=self.port, user=self.user, password=self.password, dbname=dbname)

    def odoo_args(self, with_oca=False):
        """Command-line options for Odoo (odoo-bin or config.parse_config)."""
        args = ["-c", self.config_file] if self.config_file else []
        args += ["--db_host", self.host, "--db_port", str(self.port), "--db_user", self.user]
        if self.password:
            args += ["--db_password", self.password]
        addons_path = self.addons_path
        if with_oca:
            addons_path += "," + str(self.oca_addons)
        args += ["--addons-path", addons_path]
        return args


def _harness_socket_dir():
    """The socket folder of the project's private cluster (.data/pg, maybe a symlink)."""
    pg_dir = REPO_ROOT / ".data" / "pg"
    return str(pg_dir.resolve() / "run")


def resolve_connection(args):
    """Flags first, then the Odoo config file, then PG* variables, then the harness cluster."""
    config = {}
    if args.config:
        parser = configparser.ConfigParser()
        if not parser.read(args.config):
            sys.exit(f"cannot read the Odoo config file {args.config}")
        config = dict(parser["options"]) if parser.has_section("options") else {}

    def pick(flag, config_key, env_keys, default):
        if flag:
            return flag
        value = config.get(config_key)
        if value and value.lower() not in ("false", "none"):
            return value
        for key in env_keys:
            if os.environ.get(key):
                return os.environ[key]
        return default

    odoo_src = Path(args.odoo_src)
    if not (odoo_src / "odoo-bin").exists():
        sys.exit(f"no odoo-bin in {odoo_src}: pass --odoo-src")
    default_addons = ",".join([str(odoo_src / "addons"), str(odoo_src / "odoo" / "addons"), str(REPO_ROOT)])
    return Connection(
        host=pick(args.db_host, "db_host", ["PGHOST"], _harness_socket_dir()),
        port=pick(args.db_port, "db_port", ["PGPORT", "CREDIT_CONTROL_PGPORT"], "54329"),
        user=pick(args.db_user, "db_user", ["PGUSER"], "odoo"),
        password=pick(args.db_password, "db_password", ["PGPASSWORD"], None),
        odoo_src=odoo_src,
        addons_path=pick(args.addons_path, "addons_path", [], default_addons),
        oca_addons=Path(args.oca_addons),
        config_file=args.config,
    )


# ----------------------------------------------------------------------
# Odoo
# ----------------------------------------------------------------------


def load_odoo(connection, with_oca=False, log_level="warn"):
    """Import Odoo from its source tree and parse its configuration once."""
    if str(connection.odoo_src) not in sys.path:
        sys.path.insert(0, str(connection.odoo_src))
    import odoo
    from odoo.tools import config

    if not getattr(load_odoo, "done", False):
        config.parse_config(connection.odoo_args(with_oca) + ["--log-level", log_level], setup_logging=True)
        load_odoo.done = True
    return odoo


def open_registry(connection, dbname, with_oca=False):
    odoo = load_odoo(connection, with_oca)
    from odoo.modules.registry import Registry

    return odoo, Registry(dbname)


def read_marker(connection, dbname):
    """The generation parameters stored in a database by generate.py, or None."""
    try:
        conn = connection.connect(dbname)
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [MARKER_KEY])
            row = cur.fetchone()
        return json.loads(row[0]) if row else None
    except psycopg2.Error:
        return None
    finally:
        conn.close()


def database_exists(connection, dbname):
    conn = connection.connect("postgres")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
            return cur.fetchone() is not None
    finally:
        conn.close()


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def make_parser(description):
    return argparse.ArgumentParser(description=description, formatter_class=argparse.ArgumentDefaultsHelpFormatter)
