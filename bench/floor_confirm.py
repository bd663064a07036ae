#!/usr/bin/env python3
"""How close to plain Odoo an order that passes can be confirmed: the floor of the check.

    python bench/floor_confirm.py --db bench_medium --plain-db bench_medium_plain -c /tmp/odoo.conf \
        --orders 600 --rounds 5 --json floor.json

The orders of ``run.py`` that credit_control lets through (same seed, customers and amounts) are
confirmed in turn, each rolled back, in three ways: in plain Odoo's twin database; with
credit_control installed but its check switched off (what the installed addons cost Odoo's own
confirmation: more fields, overrides, triggers); and with the check. Each confirmation in our
database comes right after one in plain Odoo's (plain, installed, plain, checked; then plain,
checked, plain, installed for the next order): a confirmation right after another in the same
database finds its code and rows warm in the CPU caches, about 0.35 ms faster here, which the
rotation of the three ways once gave to the check (bench/HISTORY.md, round 11). Inside the check,
the time of its one statement (figures, facts, customer fields and the customer lock in one round
trip) is taken apart. The floor is what the confirmation would cost with a check of no Python at
all: plain + installed addons + the statement. With ``--row-free``, a fourth way confirms checked
orders whose own row the ORM has read before the clock starts: what the confirmation would cost
if the check's statement brought the order's row at no cost, instead of the ORM reading it first
(bench/HISTORY.md, round 12).
"""

import json
import statistics
import time

from bench_checks import rolled_back
from bench_common import resolve_connection
from profile_confirm import close_orders, make_order_parser, open_passing_orders
from run import measure

WAYS = ("plain", "installed", "checked")
ROW_FREE = "row-free"


def parse_args():
    parser = make_order_parser(__doc__, orders=600)
    parser.add_argument("--rounds", type=int, default=5, help="confirmations of each order in each way")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--row-free", action="store_true", help="also confirm checked orders whose row is read first")
    return parser.parse_args()


class CheckSwitch:
    """Switch the check of the orders off (no order is one to check) and time its statement."""

    def __init__(self, env):
        self.orders_class = type(env["sale.order"])
        self.exposure_class = type(env["credit.exposure"])
        self.statement_ms = []
        self.off = False
        self.timing = True  # whether the statement's time is kept
        check = self.orders_class._credit_orders_to_check
        planned = self.exposure_class._execute_planned
        switch = self

        def orders_to_check(orders, states=("draft", "sent")):
            return orders.browse() if switch.off else check(orders, states)

        def execute_planned(exposure, query, log_exceptions=True):
            started = time.perf_counter()
            try:
                return planned(exposure, query, log_exceptions)
            finally:
                if switch.timing:
                    switch.statement_ms.append((time.perf_counter() - started) * 1000)

        self.orders_class._credit_orders_to_check = orders_to_check
        self.exposure_class._execute_planned = execute_planned


def confirm_once(env, order, row_read=False):
    """Milliseconds of the order's confirmation, rolled back; ``row_read``: its row is read into
    the ORM cache before the clock starts (``measure`` empties the cache first)."""
    read_ms = []
    confirm = order.action_confirm
    if row_read:

        def confirm():
            started = time.perf_counter()
            order.state  # noqa: B018 - a first field access: the ORM reads the order's row (its prefetch group)
            read_ms.append((time.perf_counter() - started) * 1000)
            order.action_confirm()

    with rolled_back(env):
        milliseconds, _queries = measure(env, confirm)
        assert order.state == "sale", order.name
    return milliseconds - sum(read_ms)


def p50(values):
    return round(statistics.median(values), 3)


def main():
    args = parse_args()
    connection = resolve_connection(args)
    (ours_env, ours_orders), (plain_env, plain_orders), _drawn = open_passing_orders(connection, args)
    pairs = list(zip(ours_orders, plain_orders, strict=True))
    switch = CheckSwitch(ours_env)
    ways = WAYS + ((ROW_FREE,) if args.row_free else ())
    times = {way: [] for way in ways}
    per_order = {way: [[] for _pair in pairs] for way in ways}
    for round_index in range(args.rounds):
        for index, (ours, plain) in enumerate(pairs):
            ours_ways = ways[1:]
            shift = (index + round_index) % len(ours_ways)
            for way in ours_ways[shift:] + ours_ways[:shift]:
                for current, env, order in (("plain", plain_env, plain), (way, ours_env, ours)):
                    switch.off = current == "installed"
                    switch.timing = current == "checked"  # the statement of the checked way only
                    milliseconds = confirm_once(env, order, row_read=current == ROW_FREE)
                    times[current].append(milliseconds)
                    per_order[current][index].append(milliseconds)
    switch.off = False
    medians = {way: [statistics.median(values) for values in per_order[way]] for way in WAYS}
    plain_p50, installed_p50, checked_p50 = (p50(times[way]) for way in WAYS)
    statement_p50 = p50(switch.statement_ms)
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "orders": len(pairs),
        "rounds": args.rounds,
        "p50_ms": {"plain": plain_p50, "installed": installed_p50, "checked": checked_p50},
        "statement_p50_ms": statement_p50,
        "ratios": {
            "installed / plain (p50)": round(installed_p50 / plain_p50, 3),
            "checked / plain (p50)": round(checked_p50 / plain_p50, 3),
            "installed / plain (median of the orders' ratios)": round(
                statistics.median(i / p for i, p in zip(medians["installed"], medians["plain"], strict=True)), 3
            ),
            "checked / plain (median of the orders' ratios)": round(
                statistics.median(c / p for c, p in zip(medians["checked"], medians["plain"], strict=True)), 3
            ),
            "floor: (installed + statement) / plain": round((installed_p50 + statement_p50) / plain_p50, 3),
        },
        "check_python_ms": round(checked_p50 - installed_p50 - statement_p50, 3),
    }
    if args.row_free:
        row_free_p50 = p50(times[ROW_FREE])
        result["p50_ms"][ROW_FREE] = row_free_p50
        result["ratios"]["checked, the order's row read before the clock / plain (p50)"] = round(
            row_free_p50 / plain_p50, 3
        )
    print(f"{len(pairs)} orders that pass, {args.rounds} rounds, each of ours after a plain one")
    for way, milliseconds in result["p50_ms"].items():
        print(f"  {way:<10} p50 {milliseconds:8.3f} ms")
    print(f"  statement  p50 {statement_p50:8.3f} ms (inside 'checked')")
    print(f"  check's Python (checked - installed - statement) {result['check_python_ms']:.3f} ms")
    for label, ratio in result["ratios"].items():
        print(f"  {label:<52} {ratio:.3f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)
        print(f"wrote {args.json}")
    close_orders(ours_env, plain_env)


if __name__ == "__main__":
    main()
