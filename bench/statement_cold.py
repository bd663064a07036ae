#!/usr/bin/env python3
"""The check's one statement on its own: warm, in a fresh transaction, and with the CPU caches cold.

    python bench/statement_cold.py --db bench_medium --plain-db bench_medium_plain -c /tmp/odoo.conf \
        --orders 600 --rounds 3

The check of each quotation of ``run.py``'s draw that passes gives its statement and parameters
(figures, facts, customer fields and the customer lock in one round trip; rolled back). Each is
then sent by a connection of its own in three ways, in turn: twice in one transaction (the second
one is timed, warm); alone in a fresh transaction; and alone right after the script has written
over 32 MiB of memory, as a confirmation's Python does between two statements, which leaves the
CPU caches cold. The plan and the rows read are the same in the three ways: only the state of the
caches differs. Compare with the statement's time inside a confirmation (``floor_confirm.py``).
"""

import random
import statistics
import time

from bench_common import resolve_connection
from profile_confirm import close_orders, make_order_parser, open_passing_orders

SWEEP_BYTES = 32 * 2**20
CACHE_LINE = 64


def parse_args():
    parser = make_order_parser(__doc__, orders=600)
    parser.add_argument("--rounds", type=int, default=3, help="times each statement is sent in each way")
    return parser.parse_args()


def captured_statements(env, orders):
    """[(call, params)] of the planned statement of each order's check (rolled back)."""
    exposure_class = type(env["credit.exposure"])
    planned = exposure_class._execute_planned
    captured = []

    def execute_planned(exposure, query, log_exceptions=True):
        result = planned(exposure, query, log_exceptions)
        call = exposure.env.registry._credit_planned_functions.get(query.code)
        if call and "credit_control_partner_lock" in query.code:
            captured.append((call, query.params))
        return result

    exposure_class._execute_planned = execute_planned
    try:
        for order in orders:
            savepoint = env.cr.savepoint()
            env["credit.rule"]._evaluate_orders(order, lock=True)
            savepoint.close(rollback=True)
    finally:
        exposure_class._execute_planned = planned
    return captured


def sweep(memory):
    for offset in range(0, len(memory), CACHE_LINE):
        memory[offset] = 1


def timed(cursor, call, params):
    started = time.perf_counter()
    cursor.execute(call, params)
    cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def main():
    args = parse_args()
    connection = resolve_connection(args)
    (ours_env, ours_orders), (plain_env, _plain_orders), _drawn = open_passing_orders(connection, args)
    statements = captured_statements(ours_env, ours_orders)
    close_orders(ours_env, plain_env)
    conn = connection.connect(args.db)
    cursor = conn.cursor()
    memory = bytearray(SWEEP_BYTES)
    times = {"warm (second in its transaction)": [], "fresh transaction": [], "CPU caches swept": []}
    rng = random.Random(args.seed)
    for _round in range(args.rounds):
        rng.shuffle(statements)
        for call, params in statements:
            cursor.execute(call, params)
            cursor.fetchall()
            times["warm (second in its transaction)"].append(timed(cursor, call, params))
            conn.rollback()
            times["fresh transaction"].append(timed(cursor, call, params))
            conn.rollback()
            sweep(memory)
            times["CPU caches swept"].append(timed(cursor, call, params))
            conn.rollback()
    conn.close()
    print(f"{len(statements)} statements of checks that pass, {args.rounds} rounds (client-side time, ms)")
    for label, values in times.items():
        print(f"  {label:<36} p50 {statistics.median(values):6.3f}")


if __name__ == "__main__":
    main()
