#!/usr/bin/env python3
"""Build a benchmark database: a realistic receivables book for credit_control (or, with
--oca, for OCA's account_financial_risk / sale_financial_risk; with --plain, for plain Odoo).

    python bench/generate.py --db bench_medium --size medium -c /tmp/odoo.conf
    python bench/generate.py --db bench_medium_oca --size medium --oca -c /tmp/odoo.conf
    python bench/generate.py --db bench_medium_plain --size medium --plain -c /tmp/odoo.conf

Steps: copy the template database (sale_management + account + demo data), install the
modules with odoo-bin, set up the second company, currencies and rates through the ORM,
bulk-load customers, journal items, reconciliations and orders with SQL, then check the
result with SQL over every row and with Odoo's own computations on a sample.
"""

import json
import random
import subprocess
import sys
import time
from datetime import date

from bench_checks import check_with_orm, print_results, run_sql_checks
from bench_common import (
    BENCH_REF_PREFIX,
    MARKER_KEY,
    SIZES,
    add_connection_arguments,
    database_exists,
    make_parser,
    open_registry,
    read_marker,
    resolve_connection,
)
from bench_data import (
    CUSTOMER_COLUMNS,
    ITEM_COLUMNS,
    ORDER_COLUMNS,
    ORDER_LINE_COLUMNS,
    PARTIAL_COLUMNS,
    CompanyBook,
    generate_book,
    generate_customers,
    generate_orders,
    items_per_customer,
)
from bench_sql import (
    BIG_TABLES,
    LOADED_TABLES,
    CopyWriter,
    PhaseTimer,
    create_indexes,
    create_staging_tables,
    drop_indexes,
    drop_staging_tables,
    fill_companies,
    insert_customers,
    insert_move_lines,
    insert_moves,
    insert_orders,
    insert_reconciliations,
    reserve_ids,
    secondary_indexes,
    set_credit_control_flags,
    set_credit_limits,
    set_oca_columns,
    set_sequences,
    vacuum_analyze,
    validate_foreign_keys,
)
from psycopg2 import sql

OUR_MODULES = ["credit_control"]
OCA_MODULES = ["account_financial_risk", "sale_financial_risk"]


def parse_args():
    parser = make_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database to create")
    parser.add_argument("--size", choices=sorted(SIZES), help="preset: small 2k/40k, medium 10k/200k, full 100k/2M")
    parser.add_argument("--customers", type=int, help="customers (default 100000, or the preset's)")
    parser.add_argument("--items", type=int, help="posted journal items on receivable accounts (default 2000000)")
    parser.add_argument("--orders", type=int, help="confirmed orders not invoiced (default: customers / 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--template",
        default="base_sale",
        help="template database with sale_management and account (demo data); if missing, they are installed",
    )
    parser.add_argument(
        "--oca",
        action="store_true",
        help="install OCA account_financial_risk + sale_financial_risk instead of credit_control",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="no credit module at all: plain Odoo (sale_management, account), same book",
    )
    parser.add_argument("--replace", action="store_true", help="drop the database first if generate.py built it")
    parser.add_argument("--check-sample", type=int, default=200, help="records per ORM consistency check")
    parser.add_argument("--json", help="write the generation figures (sizes, phase times, checks) to this file")
    add_connection_arguments(parser)
    args = parser.parse_args()
    if args.oca and args.plain:
        parser.error("--oca and --plain exclude each other")
    size = SIZES[args.size or "full"]
    args.customers = args.customers or size.customers
    args.items = args.items or size.items
    args.orders = args.orders if args.orders is not None else args.customers // 2
    return args


# ----------------------------------------------------------------------
# Database and modules
# ----------------------------------------------------------------------


def create_database(connection, name, template, replace):
    """Copy the template database; without it, create an empty one (Odoo initialises it).

    Returns whether the template was used."""
    if database_exists(connection, name):
        if not replace:
            sys.exit(f"database {name} exists: pass --replace to rebuild it")
        if read_marker(connection, name) is None:
            sys.exit(f"database {name} was not built by generate.py: not dropping it")
        run_admin(connection, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    if not template or not database_exists(connection, template):
        print(f"  no template database {template!r}: sale_management and account are installed with demo data")
        run_admin(
            connection,
            sql.SQL("CREATE DATABASE {} ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0").format(
                sql.Identifier(name)
            ),
        )
        return False
    statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    for attempt in range(10):  # the template may be in use for a moment by another copy
        try:
            run_admin(connection, statement)
            return True
        except Exception as error:
            if "is being accessed by other users" not in str(error) or attempt == 9:
                raise
            time.sleep(3)
    return True


def run_admin(connection, statement):
    conn = connection.connect("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def install_modules(connection, name, modules, with_oca):
    command = [
        sys.executable,
        str(connection.odoo_src / "odoo-bin"),
        *connection.odoo_args(with_oca),
        "-d",
        name,
        "-i",
        ",".join(modules),
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
    ]
    subprocess.run(command, check=True)


def prepare_with_orm(connection, name, with_oca, today):
    from bench_setup import prepare

    odoo, registry = open_registry(connection, name, with_oca)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        return prepare(env, today)


# ----------------------------------------------------------------------
# Bulk load
# ----------------------------------------------------------------------


def bulk_load(conn, args, facts, today, timer):
    """Everything in one transaction: staging rows, then Odoo's tables, then checks of keys."""
    rng = random.Random(args.seed)
    companies = [
        CompanyBook(c["company_id"], c["currency_id"], c["foreign_currency_id"], c["base_rate"])
        for c in facts["companies"]
    ]
    stats = {}
    with conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no FK triggers: checked below
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET work_mem = '256MB'")
        cur.execute("SET maintenance_work_mem = '1GB'")
        create_staging_tables(cur)
        fill_companies(cur, facts["companies"])

        def stage_customers_and_book():
            customer_rows, contacts = generate_customers(args.customers, rng)
            CopyWriter(cur, "bench_customer", CUSTOMER_COLUMNS).write_all(customer_rows)
            counts = items_per_customer(args.customers, args.items, rng)
            items = CopyWriter(cur, "bench_item", ITEM_COLUMNS)
            partials = CopyWriter(cur, "bench_partial", PARTIAL_COLUMNS)
            book = generate_book(companies, counts, today, rng, items.write, partials.write)
            items.flush()
            partials.flush()
            order_rows, line_rows = generate_orders(args.orders, counts, customer_rows, companies, today, rng)
            CopyWriter(cur, "bench_order", ORDER_COLUMNS).write_all(order_rows)
            CopyWriter(cur, "bench_order_line", ORDER_LINE_COLUMNS).write_all(line_rows)
            stats.update(
                customers=args.customers,
                contacts=contacts,
                posted_items=book.posted_items,
                draft_invoices=book.draft_items,
                partials=book.partial_no,
                full_reconciles=book.full_no,
                orders=len(order_rows),
                order_lines=len(line_rows),
                max_items_per_customer=max(counts),
            )
            return book

        book = timer.run("generate rows in Python + COPY to staging", stage_customers_and_book)
        cur.execute("ANALYZE bench_item; ANALYZE bench_partial")

        bases = {
            "partner": reserve_ids(cur, "res_partner", args.customers + stats["contacts"]),
            "move": reserve_ids(cur, "account_move", book.item_no),
            "line": reserve_ids(cur, "account_move_line", 2 * book.item_no),
            "partial": reserve_ids(cur, "account_partial_reconcile", book.partial_no),
            "full": reserve_ids(cur, "account_full_reconcile", book.full_no),
            "order": reserve_ids(cur, "sale_order", stats["orders"]),
            "order_line": reserve_ids(cur, "sale_order_line", stats["order_lines"]),
        }
        indexes = secondary_indexes(cur, BIG_TABLES)
        timer.run(f"drop {len(indexes)} secondary indexes", drop_indexes, cur, indexes)
        timer.run("insert customers", insert_customers, cur, bases["partner"], args.customers, BENCH_REF_PREFIX)
        timer.run("insert moves", insert_moves, cur, bases["move"], bases["partner"])
        timer.run(
            "insert move lines",
            insert_move_lines,
            cur,
            bases["line"],
            bases["move"],
            bases["partner"],
            bases["partial"],
            bases["full"],
        )
        timer.run("insert reconciliations", insert_reconciliations, cur, bases["line"], bases["partial"], bases["full"])
        timer.run(
            "insert orders",
            insert_orders,
            cur,
            bases["order"],
            bases["order_line"],
            bases["partner"],
            args.customers,
            facts,
        )
        timer.run("recreate indexes", create_indexes, cur, indexes)
        timer.run("credit limits and flags", set_credit_limits, cur, bases["partner"], bases["order"])
        set_credit_control_flags(cur, bases["partner"])
        set_oca_columns(cur, bases["partner"], bases["order_line"])
        set_sequences(cur, LOADED_TABLES)
        new_rows = {
            "res_partner": ("id", bases["partner"]),
            "account_move": ("id", bases["move"]),
            "account_move_line": ("id", bases["line"]),
            "account_partial_reconcile": ("id", bases["partial"]),
            "account_full_reconcile": ("id", bases["full"]),
            "sale_order": ("id", bases["order"]),
            "sale_order_line": ("id", bases["order_line"]),
            "account_tax_sale_order_line_rel": ("sale_order_line_id", bases["order_line"]),
        }
        dangling = timer.run("check foreign keys of the new rows", validate_foreign_keys, cur, new_rows)
        if dangling:
            raise RuntimeError(f"dangling references: {dangling}")
        cur.execute("RESET session_replication_role")
        drop_staging_tables(cur)
    conn.commit()
    stats["id_bases"] = bases
    return stats


def mark_building(connection, name):
    conn = connection.connect(name)
    try:
        write_marker(conn, {"complete": False, "building": True})
    finally:
        conn.close()


def write_marker(conn, payload):
    with conn.cursor() as cur:
        cur.execute(
            """
            INSERT INTO ir_config_parameter (key, value, create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC')
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
            """,
            [MARKER_KEY, json.dumps(payload)],
        )
    conn.commit()


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------


def main():
    args = parse_args()
    connection = resolve_connection(args)
    modules = OCA_MODULES if args.oca else [] if args.plain else OUR_MODULES
    today = date.today()
    print(
        f"Building {args.db}: {args.customers} customers, {args.items} receivable items, {args.orders} orders, "
        f"modules {', '.join(modules) or 'none (plain Odoo)'} (seed {args.seed})",
        flush=True,
    )
    timer = PhaseTimer()
    from_template = timer.run(
        f"create database from {args.template}", create_database, connection, args.db, args.template, args.replace
    )
    if not from_template:
        modules = ["sale_management", "account", *modules]
    if from_template:  # marks the database as ours at once, so that --replace may drop a half-built one
        mark_building(connection, args.db)
    if modules:
        timer.run("install " + ", ".join(modules), install_modules, connection, args.db, modules, args.oca)
    mark_building(connection, args.db)
    facts = timer.run(
        "ORM setup (second company, rates, pricelists)", prepare_with_orm, connection, args.db, args.oca, today
    )
    conn = connection.connect(args.db)
    try:
        stats = bulk_load(conn, args, facts, today, timer)
        timer.run("VACUUM ANALYZE", vacuum_analyze, conn, [*LOADED_TABLES, "account_tax_sale_order_line_rel"])
        with conn.cursor() as cur:
            sql_results = timer.run("SQL consistency checks (all rows)", run_sql_checks, cur)
        conn.rollback()
        write_marker(
            conn,
            {
                "customers": args.customers,
                "items": args.items,
                "orders": args.orders,
                "seed": args.seed,
                "today": today.isoformat(),
                "modules": modules,
                "facts": facts,
                "stats": stats,
                "complete": False,
            },
        )
    finally:
        conn.close()

    odoo, registry = open_registry(connection, args.db, args.oca)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        orm_results = timer.run(
            "ORM consistency checks (sample)", check_with_orm, env, args.check_sample, args.seed, BENCH_REF_PREFIX
        )
    total = timer.total
    print(f"\nGenerated {args.db} in {total:.0f} s ({total / 60:.1f} min)")
    for key, value in stats.items():
        if key != "id_bases":
            print(f"  {key:<24} {value:>12,}")
    print("\nConsistency:")
    failed = print_results(sql_results + orm_results)
    payload = {
        "customers": args.customers,
        "items": args.items,
        "orders": args.orders,
        "seed": args.seed,
        "today": today.isoformat(),
        "modules": modules,
        "facts": facts,
        "stats": stats,
        "phases_s": timer.phases,
        "total_s": total,
        "checks": [
            {"check": name, "problems": count, "detail": detail, "blocking": blocking}
            for name, count, detail, blocking in sql_results + orm_results
        ],
        "complete": not failed,
    }
    conn = connection.connect(args.db)
    try:
        write_marker(conn, payload)
    finally:
        conn.close()
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(payload, handle, indent=2, default=str)
    if failed:
        sys.exit(f"{failed} consistency checks failed")


if __name__ == "__main__":
    main()
