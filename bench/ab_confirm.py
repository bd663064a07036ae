#!/usr/bin/env python3
"""What one piece of the check costs in a cold confirmation: the check as it is (A) against the
check with that piece switched off (B).

    python bench/ab_confirm.py --db bench_medium --plain-db bench_medium_plain -c /tmp/odoo.conf \
        --off paid_online --rounds 3

The orders of ``run.py`` that credit_control lets through are confirmed twice per round, rolled
back, once as they are and once with the piece off. Each of the two comes right after a plain
Odoo confirmation in the twin database (plain, A, plain, B; then plain, B, plain, A for the next
order). A confirmation right after another in the same database finds its code and rows warm,
about 0.35 ms faster here (bench/HISTORY.md, round 11). The figure is the median of the per-order
differences B − A, with a bootstrap 95 % interval; ``--off nothing`` gives the noise.
"""

import random
import statistics

from bench_common import resolve_connection
from floor_confirm import confirm_once
from profile_confirm import close_orders, make_order_parser, open_passing_orders


def _off_check(env):
    return type(env["sale.order"]), "_credit_orders_to_check", lambda self, states=("draft", "sent"): self.browse()


def _off_paid_online(env):
    return type(env["sale.order"]), "_credit_get_document_queries", lambda self: []


def _off_facts(env):
    return type(env["credit.rule"]), "_get_fact_queries", lambda self, partner_ids, company, today: []


def _off_rules(env):
    return type(env["credit.rule"]), "_run_rules", lambda self, check, settings=None: []


def _off_store(env):
    return type(env["sale.order"]), "_credit_store_checked", lambda self, amounts: None


def _off_lock(env):
    cls = type(env["credit.rule"])
    evaluate = cls._evaluate_documents

    def unlocked(self, documents, lock=False, cumulative=True, warnings=None):
        return evaluate(self, documents, lock=False, cumulative=cumulative, warnings=warnings)

    return cls, "_evaluate_documents", unlocked


def _off_nothing(env):
    cls = type(env["sale.order"])
    return cls, "action_confirm", cls.action_confirm


SWITCHES = {
    "check": _off_check,
    "paid_online": _off_paid_online,
    "facts": _off_facts,
    "rules": _off_rules,
    "store": _off_store,
    "lock": _off_lock,
    "nothing": _off_nothing,
}


def parse_args():
    parser = make_order_parser(__doc__, orders=600)
    parser.add_argument("--off", required=True, choices=sorted(SWITCHES), help="the piece switched off in B")
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


def confirm_switched(env, order, switch):
    """Confirm ``order`` (rolled back) with the method of ``switch`` replaced for the call."""
    cls, name, replacement = switch
    original = cls.__dict__.get(name)
    setattr(cls, name, replacement)
    try:
        return confirm_once(env, order)
    finally:
        if original is None:
            delattr(cls, name)
        else:
            setattr(cls, name, original)


def main():
    args = parse_args()
    connection = resolve_connection(args)
    (ours_env, ours_orders), (plain_env, plain_orders), _drawn = open_passing_orders(connection, args)
    switch = SWITCHES[args.off](ours_env)
    plain, as_is, switched, differences = [], [], [], []
    for round_index in range(args.rounds):
        for index, (ours, twin) in enumerate(zip(ours_orders, plain_orders, strict=True)):
            got = {}
            for way in ("A", "B") if (index + round_index) % 2 == 0 else ("B", "A"):
                plain.append(confirm_once(plain_env, twin))
                got[way] = confirm_once(ours_env, ours) if way == "A" else confirm_switched(ours_env, ours, switch)
            as_is.append(got["A"])
            switched.append(got["B"])
            differences.append(got["B"] - got["A"])
    median = statistics.median
    rng = random.Random(args.seed)
    boot = sorted(median(rng.choices(differences, k=len(differences))) for _index in range(1000))
    print(f"{len(ours_orders)} orders that pass, {args.rounds} rounds, '{args.off}' switched off in B")
    print(f"  plain  p50 {median(plain):8.3f} ms")
    print(f"  A      p50 {median(as_is):8.3f} ms  ({median(as_is) / median(plain):.3f}x plain)")
    print(f"  B      p50 {median(switched):8.3f} ms  ({median(switched) / median(plain):.3f}x plain)")
    print(f"  B - A  {median(differences):+.3f} ms per order (95 % {boot[25]:+.3f} .. {boot[974]:+.3f})")
    close_orders(ours_env, plain_env)


if __name__ == "__main__":
    main()
