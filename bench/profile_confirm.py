#!/usr/bin/env python3
"""Where an order that passes spends its confirmation: ours beside plain Odoo, profiled.

    python bench/profile_confirm.py --db bench_medium --plain-db bench_medium_plain -c /tmp/odoo.conf \
        --orders 100 --out /tmp/profile

The orders of ``run.py`` (same seed, same customers and amounts), only those credit_control lets
through, are confirmed one by one under cProfile in both databases (each rolled back, empty ORM
cache, a warm-up pass first). Writes ``<out>_ours.pstats`` and ``<out>_plain.pstats`` (open them
with ``python -m pstats`` or snakeviz) and prints the functions whose own time (tottime) and
calls differ most between the two, per order, and the SQL queries ours adds.
"""

import cProfile
import pstats
import random
import time

from bench_checks import rolled_back
from bench_common import add_connection_arguments, make_parser, open_registry, read_marker, resolve_connection
from run import create_quotations, measure, open_items_by_customer, pick_samples, user_environment


def make_order_parser(doc, orders):
    """The parser of the scripts that confirm ``open_passing_orders``: connection, the two
    databases, the draw of the orders."""
    parser = make_parser(doc)
    add_connection_arguments(parser)
    parser.add_argument("--db", required=True, help="database with credit_control (generate.py)")
    parser.add_argument("--plain-db", required=True, help="its twin without any credit module (generate.py --plain)")
    parser.add_argument("--orders", type=int, default=orders, help="orders drawn (only those that pass are kept)")
    parser.add_argument("--seed", type=int, default=1)
    return parser


def parse_args():
    parser = make_order_parser(__doc__, orders=100)
    parser.add_argument("--top", type=int, default=30, help="functions listed")
    parser.add_argument("--out", default="/tmp/profile_confirm", help="prefix of the .pstats files")
    return parser.parse_args()


def open_orders(connection, dbname, samples):
    marker = read_marker(connection, dbname)
    odoo, registry = open_registry(connection, dbname)
    cr = registry.cursor()
    env = user_environment(odoo, cr, marker["facts"]["user_id"])
    orders = create_quotations(env, samples, marker["facts"])
    return env, [order.with_company(order.company_id) for order in orders]


def open_passing_orders(connection, args):
    """((env, orders) of ``args.db``, (env, orders) of ``args.plain_db``, orders drawn): the
    quotations of ``run.py``'s draw (``args.orders``, ``args.seed``) that credit_control lets
    through, the same in both databases, after a warm-up confirmation of all (rolled back)."""
    odoo, registry = open_registry(connection, args.db)
    marker = read_marker(connection, args.db)
    with registry.cursor() as cr:
        samples = pick_samples(open_items_by_customer(cr), args.orders, random.Random(args.seed))
    company_ids = [company["company_id"] for company in marker["facts"]["companies"]]
    for sample in samples:
        sample["company_index"] = company_ids.index(sample["company_id"])
    ours_env, ours_orders = open_orders(connection, args.db, samples)
    plain_env, plain_orders = open_orders(connection, args.plain_db, samples)
    passed = confirm_all(ours_env, ours_orders)  # warm-up, and which orders pass
    confirm_all(plain_env, plain_orders)
    ours_orders = [order for order, ok in zip(ours_orders, passed, strict=True) if ok]
    plain_orders = [order for order, ok in zip(plain_orders, passed, strict=True) if ok]
    return (ours_env, ours_orders), (plain_env, plain_orders), len(samples)


def close_orders(*envs):
    """Roll back and close the cursors of ``open_passing_orders``' environments."""
    for env in envs:
        env.cr.rollback()
        env.cr.close()


def confirm_all(env, orders, profile=None, queries=None):
    """Confirm each order, rolled back; with ``profile``, under it; ``queries`` gets the count."""
    confirmed = []
    for order in orders:
        with rolled_back(env):

            def run(order=order):
                if profile:
                    profile.enable()
                order.action_confirm()
                if profile:
                    profile.disable()

            _ms, count = measure(env, run)
            confirmed.append(order.state == "sale")
            if queries is not None:
                queries.append(count)
    return confirmed


def timed_queries(env, orders):
    """[(mean ms per order, statement)] of the queries of the confirmations, by their text."""
    times = {}
    original = env.cr.execute

    def execute(query, params=None, log_exceptions=True):
        started = time.perf_counter()
        try:
            return original(query, params, log_exceptions)
        finally:
            text = " ".join(str(getattr(query, "code", query)).split())[:160]
            times[text] = times.get(text, 0.0) + (time.perf_counter() - started) * 1000

    env.cr.execute = execute
    try:
        confirm_all(env, orders)
    finally:
        del env.cr.execute
    return sorted(((total / len(orders), text) for text, total in times.items()), reverse=True)


def own_times(stats):
    """{function label: (tottime, calls)}."""
    result = {}
    for (filename, line, name), (_cc, calls, tottime, _cumtime, _callers) in stats.stats.items():
        short = filename.split("/odoo/addons/")[-1].split("/odoo-18.0/")[-1]
        result[f"{short}:{line}({name})"] = (tottime, calls)
    return result


def main():
    args = parse_args()
    connection = resolve_connection(args)
    (ours_env, ours_orders), (plain_env, plain_orders), drawn = open_passing_orders(connection, args)
    count = len(ours_orders)
    print(f"{count} orders that pass, of {drawn}")
    results = {}
    for name, env, orders in (("ours", ours_env, ours_orders), ("plain", plain_env, plain_orders)):
        profile, queries = cProfile.Profile(), []
        started = time.perf_counter()
        confirm_all(env, orders, profile, queries)
        wall = (time.perf_counter() - started) * 1000 / count
        stats = pstats.Stats(profile)
        stats.dump_stats(f"{args.out}_{name}.pstats")
        results[name] = (own_times(stats), stats.total_tt * 1000 / count, queries, wall)
        print(f"{name:>5}: {results[name][1]:.2f} ms profiled per order, {sum(queries) / count:.1f} queries")
    ours, plain = results["ours"][0], results["plain"][0]
    rows = []
    for label in set(ours) | set(plain):
        (our_time, our_calls), (plain_time, plain_calls) = ours.get(label, (0, 0)), plain.get(label, (0, 0))
        rows.append(((our_time - plain_time) * 1000 / count, (our_calls - plain_calls) / count, label))
    rows.sort(reverse=True)
    print(f"\nown time added per order (ms), calls added per order, function (top {args.top}):")
    for added_ms, added_calls, label in rows[: args.top]:
        print(f"  {added_ms:7.3f}  {added_calls:8.1f}  {label}")
    print("\nSQL of ours, per order: mean ms, statement (slowest first):")
    for mean_ms, statement in timed_queries(ours_env, ours_orders)[: args.top]:
        print(f"  {mean_ms:7.3f}  {statement}")
    close_orders(ours_env, plain_env)
    print(f"\nwrote {args.out}_ours.pstats, {args.out}_plain.pstats")


if __name__ == "__main__":
    main()
