#!/usr/bin/env python3
"""Measure credit_control on a database built by generate.py, side by side with Odoo's own
credit warning and, with --oca-db, OCA's account/sale_financial_risk on a twin database, and
with --plain-db, plain Odoo (no credit module) on a third twin.

    python bench/run.py --db bench_medium --oca-db bench_medium_oca --plain-db bench_medium_plain \
        --json bench_medium.json -c /tmp/odoo.conf

1. Confirmation check: ≥ 200 quotations (created in a transaction that is rolled back) of
   customers with 1 to 5,000 open items, plus --held-orders quotations that credit_control
   holds (customers on manual hold or blacklisted, and amounts above the customer's limit);
   latency and SQL queries of the whole check of one order, and of the whole action_confirm
   (each rolled back to a savepoint), for all orders and separately for the orders that
   credit_control lets through and those it holds (the same orders in every database).
2. Figures for all customers (the partner list's figures), per company: wall time, peak
   Python memory (tracemalloc, separate run), process peak RSS; aging next to it; dunning
   and scoring are empty slots until they exist.
3. Ratios ours / theirs and the goals of the performance issue.

Every measurement starts with an empty ORM cache (``env.invalidate_all()``); the database
cache is warm (a warm-up pass runs first). The databases are measured in turn, order by order
(A B C, B C A, …), so that the drift of a shared machine hits all of them alike.
"""

import json
import math
import os
import random
import re
import resource
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date

from bench_checks import rolled_back
from bench_common import (
    BENCH_REF_PREFIX,
    add_connection_arguments,
    make_parser,
    open_registry,
    percentile,
    read_marker,
    resolve_connection,
)

# open items per customer: the strata the orders are drawn from
STRATA = ((1, 1), (2, 10), (11, 100), (101, 1000), (1001, 5000))
# the figures of every customer, as batch jobs read them (no list of ids)
ALL_CUSTOMERS_LABEL = "credit_control _get_figures (all)"
# tracemalloc slows Python down several times: long batch jobs report their peak RSS only
NO_TRACEMALLOC = {"credit_control batch scoring"}
GOALS = {
    "check_p95_ms": 20.0,
    "check_speedup_vs_oca": 3.0,  # at p50 and at p95 (issue 20)
    "confirm_pass_vs_plain": 1.10,  # an order that passes: at most 10 % above plain Odoo's confirmation
    "all_customers_s": 3.0,
    "aging_s": 3.0,
    "scoring_s": 300.0,
}


def parse_args():
    parser = make_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database built by generate.py (credit_control)")
    parser.add_argument("--oca-db", help="twin database built by generate.py --oca (same size and seed)")
    parser.add_argument("--plain-db", help="twin database built by generate.py --plain (no credit module)")
    parser.add_argument("--orders", type=int, default=200, help="quotations to check (at least 200 for the issue)")
    parser.add_argument(
        "--held-orders",
        type=int,
        default=100,
        help="more quotations that credit_control holds (manual hold, blacklist, above the limit)",
    )
    parser.add_argument("--warmup", type=int, default=10, help="checks run first and not counted")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--explain", help="write EXPLAIN (ANALYZE, BUFFERS) of credit_control's queries here")
    parser.add_argument("--skip-all-customers", action="store_true", help="only the confirmation check")
    add_connection_arguments(parser)
    return parser.parse_args()


# ----------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------


def measure(env, function):
    """Run ``function`` with an empty ORM cache; return (milliseconds, SQL queries)."""
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    queries = cr.sql_log_count
    started = time.perf_counter()
    function()
    env.flush_all()
    return (time.perf_counter() - started) * 1000, cr.sql_log_count - queries


def measure_memory(env, function):
    """Peak Python memory (MiB) allocated while ``function`` runs (tracemalloc: slower, so a
    separate run from the timed one)."""
    env.flush_all()
    env.invalidate_all()
    tracemalloc.start()
    try:
        function()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summarize(samples, open_items=None):
    """p50 / p95 / max of (ms, queries) samples, overall and per stratum of open items."""
    times = [ms for ms, _queries in samples]
    queries = [count for _ms, count in samples]
    summary = {
        "n": len(samples),
        "p50_ms": round(percentile(times, 0.50), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "mean_ms": round(sum(times) / len(times), 2),
        "queries_p50": percentile(queries, 0.50),
        "queries_max": max(queries),
    }
    if open_items:
        by_stratum = {}
        for low, high in STRATA:
            picked = [sample for sample, count in zip(samples, open_items, strict=True) if low <= count <= high]
            if picked:
                picked_times = [ms for ms, _queries in picked]
                by_stratum[f"{low}-{high}"] = {
                    "n": len(picked),
                    "p50_ms": round(percentile(picked_times, 0.50), 2),
                    "p95_ms": round(percentile(picked_times, 0.95), 2),
                    "queries_max": max(queries for _ms, queries in picked),
                }
        summary["by_open_items"] = by_stratum
    return summary


@contextmanager
def captured_queries(cr):
    """Record the queries run on ``cr`` (for EXPLAIN)."""
    recorded = []
    original = cr.execute

    def execute(query, params=None, log_exceptions=True):
        recorded.append((query, params))
        return original(query, params, log_exceptions)

    cr.execute = execute
    try:
        yield recorded
    finally:
        del cr.execute


# ----------------------------------------------------------------------
# The orders to check
# ----------------------------------------------------------------------


def open_items_by_customer(cr):
    """{(customer ref, company id): open receivable items} of the generated customers."""
    cr.execute(
        """
        SELECT p.ref, aml.company_id, COUNT(*)
          FROM account_move_line aml
          JOIN res_partner p ON p.id = aml.partner_id
          JOIN account_account acc ON acc.id = aml.account_id
         WHERE p.ref LIKE %s
           AND aml.parent_state = 'posted'
           AND aml.reconciled IS NOT TRUE
           AND acc.account_type = 'asset_receivable'
      GROUP BY p.ref, aml.company_id
        """,
        [BENCH_REF_PREFIX + "%"],
    )
    return {(ref, company_id): count for ref, company_id, count in cr.fetchall()}


def pick_samples(open_items, wanted, rng):
    """About the same number of customers from each stratum of open items; a stratum with
    too few customers gives them all and the others make up the difference."""
    by_stratum = {stratum: [] for stratum in STRATA}
    for key, count in sorted(open_items.items()):
        for low, high in STRATA:
            if low <= count <= high:
                by_stratum[(low, high)].append((key, count))
    for members in by_stratum.values():
        rng.shuffle(members)
    picked = []
    remaining = [stratum for stratum in STRATA if by_stratum[stratum]]
    while len(picked) < wanted and remaining:
        share = math.ceil((wanted - len(picked)) / len(remaining))
        for stratum in list(remaining):
            members = by_stratum[stratum]
            take, by_stratum[stratum] = members[:share], members[share:]
            picked += take
            if not by_stratum[stratum]:
                remaining.remove(stratum)
    picked = picked[:wanted]
    amounts = [round(math.exp(rng.uniform(math.log(100), math.log(5_000))), 2) for _sample in picked]
    return [
        {"ref": ref, "company_id": company_id, "open_items": count, "amount": amount}
        for ((ref, company_id), count), amount in zip(picked, amounts, strict=True)
    ]


def held_samples(cr, open_items, wanted, rng):
    """Quotations credit_control holds: half for customers on manual hold or blacklisted (any
    amount), half above the customer's limit in the company (twice the limit + 1,000), drawn
    from the strata of open items like the others. Odoo's ``credit_limit`` is in every twin."""
    cr.execute(
        """
        SELECT ref, COALESCE(credit_hold, false) OR COALESCE(credit_blacklisted, false), credit_limit
          FROM res_partner
         WHERE ref LIKE %s AND credit_limit IS NOT NULL
        """,
        [BENCH_REF_PREFIX + "%"],
    )
    flagged, limits = set(), {}
    for ref, is_flagged, limit in cr.fetchall():
        if is_flagged:
            flagged.add(ref)
        limits[ref] = limit
    flagged_keys = {key: count for key, count in open_items.items() if key[0] in flagged}
    picked = pick_samples(flagged_keys, wanted // 2, rng)
    limited = {key: count for key, count in open_items.items() if (limits.get(key[0]) or {}).get(str(key[1]))}
    for sample in pick_samples(limited, wanted - len(picked), rng):
        sample["amount"] = round(2 * limits[sample["ref"]][str(sample["company_id"])] + 1000, 2)
        picked.append(sample)
    return picked


def create_quotations(env, samples, facts):
    """One quotation per sample (customer by ref, company by its rank in the facts)."""
    company_ids = [company["company_id"] for company in facts["companies"]]
    refs = [sample["ref"] for sample in samples]
    partner_of = {partner.ref: partner for partner in env["res.partner"].search([("ref", "in", refs)])}
    orders = []
    for sample in samples:
        company_id = company_ids[sample["company_index"]]
        order = (
            env["sale.order"]
            .with_company(company_id)
            .create(
                {
                    "partner_id": partner_of[sample["ref"]].id,
                    "company_id": company_id,
                    "order_line": [
                        (
                            0,
                            0,
                            {"product_id": facts["product_id"], "product_uom_qty": 1, "price_unit": sample["amount"]},
                        )
                    ],
                }
            )
        )
        orders.append(order)
    env.flush_all()
    return orders


# ----------------------------------------------------------------------
# One database
# ----------------------------------------------------------------------


def all_customer_figures(env, companies, measures):
    """{company id: {label: {wall_s, queries, peak_python_mib, peak_rss_mib, customers}}}."""
    customers = env["res.partner"].search([("customer_rank", ">", 0), ("parent_id", "=", False)], order="id")
    results = {}
    for company in companies:
        company_env = env(context={"allowed_company_ids": [company.id]})
        company_customers = customers.with_env(company_env)
        figures = {}
        for label, function in measures:

            def run(function=function, company=company, company_customers=company_customers):
                function(company_customers, company.with_env(company_customers.env))

            with rolled_back(env):
                ms, queries = measure(company_env, run)
            peak = float("nan")
            if label not in NO_TRACEMALLOC:
                with rolled_back(env):
                    peak = measure_memory(company_env, run)
            figures[label] = {
                "customers": len(customers),
                "wall_s": round(ms / 1000, 3),
                "queries": queries,
                "peak_python_mib": round(peak, 1),
                "peak_rss_mib": round(peak_rss_mib(), 1),
            }
            print(f"  company {company.id} {label:<28} {ms / 1000:8.2f} s", flush=True)
        results[str(company.id)] = figures
    return results


def ours_checks():
    def check(order):
        order.env["credit.rule"]._evaluate_orders(order, lock=True)

    def confirm(order):
        order.action_confirm()

    def odoo_warning(order):
        order.partner_credit_warning  # noqa: B018 - reading the field runs Odoo's computation

    return [
        ("credit_control check", check, False),
        ("credit_control action_confirm", confirm, True),
        ("Odoo partner_credit_warning", odoo_warning, False),
    ]


def oca_checks():
    def check(order):
        order.evaluate_risk_message(order.partner_invoice_id.commercial_partner_id)

    def confirm(order):
        order.action_confirm()

    return [("OCA evaluate_risk_message", check, False), ("OCA action_confirm", confirm, True)]


def plain_checks():
    def confirm(order):
        order.action_confirm()

    return [("Odoo action_confirm (plain)", confirm, True)]


def ours_all_customers(today):
    return [
        (
            "credit_control _get_figures",
            lambda partners, company: partners.env["credit.exposure"]._get_figures(partners, company),
        ),
        (
            "credit_control _get_figures (all)",
            lambda partners, company: partners.env["credit.exposure"]._get_figures(None, company),
        ),
        ("credit_control credit_exposure (ORM)", lambda partners, company: partners.mapped("credit_exposure")),
        (
            "credit_control aging",
            lambda partners, company: partners.env["credit.aging"]._get_aging_totals(company, today),
        ),
        (
            "credit_control batch scoring",
            lambda partners, company: partners.env["credit.score"]._run_scoring(company, today=today),
        ),
        ("Odoo credit (ORM)", lambda partners, company: partners.mapped("credit")),
        ("Odoo credit_to_invoice (ORM)", lambda partners, company: partners.mapped("credit_to_invoice")),
    ]


def oca_all_customers():
    return [("OCA risk_total (ORM)", lambda partners, company: partners.mapped("risk_total"))]


def user_environment(odoo, cr, uid):
    """The environment of a request of the user: the web client sends the user's language and
    time zone in every call's context (``res.users.context_get``)."""
    env = odoo.api.Environment(cr, uid, {})
    return env(context=env.user.context_get())


def open_database(connection, dbname, samples, checks, with_oca):
    """A cursor on ``dbname`` (rolled back at the end) holding one quotation per sample."""
    marker = read_marker(connection, dbname)
    if not marker or not marker.get("complete"):
        raise SystemExit(f"{dbname}: not a complete database built by generate.py")
    odoo, registry = open_registry(connection, dbname, with_oca)
    cr = registry.cursor()
    env = user_environment(odoo, cr, marker["facts"]["user_id"])
    orders = create_quotations(env, samples, marker["facts"])
    print(f"{dbname}: {len(orders)} quotations created (rolled back at the end)", flush=True)
    # the whole confirmation first: the check of the same order would warm its customer's rows
    checks = sorted(checks, key=lambda check: not check[2])
    return {
        "db": dbname,
        "marker": marker,
        "cr": cr,
        "env": env,
        "orders": [order.with_company(order.company_id) for order in orders],
        "checks": checks,
        "with_oca": with_oca,
    }


def interleaved_checks(databases, warmup):
    """Every database's checks of one order, then of the next (A B C, B C A, …): the drift of a
    shared machine hits every database alike. Sets ``raw`` {label: [(ms, queries)]} and
    ``confirmed`` (per order: whether its action_confirm confirmed it) on each database."""
    for database in databases:
        database["raw"] = {label: [] for label, _check, _rollback in database["checks"]}
        database["confirmed"] = []
    count = len(databases[0]["orders"])
    passes = [(index, False) for index in range(min(warmup, count))] + [(index, True) for index in range(count)]
    for index, counted in passes:
        turn = index % len(databases)
        for database in databases[turn:] + databases[:turn]:
            env, order = database["env"], database["orders"][index]
            for label, check, rollback in database["checks"]:
                outcomes = []

                def run(order=order, check=check, rollback=rollback, outcomes=outcomes):
                    check(order)
                    if rollback:
                        outcomes.append(order.state == "sale")

                if rollback or not counted:
                    with rolled_back(env):
                        sample = measure(env, run)
                else:
                    sample = measure(env, run)
                if counted:
                    database["raw"][label].append(sample)
                    database["confirmed"] += outcomes
    for database in databases:
        print(f"  {database['db']:<36} done ({count} orders, {len(database['checks'])} measures)", flush=True)


def finish_database(database, samples, all_customers, args):
    """The figures of one database after the interleaved checks, then its rollback."""
    env, marker = database["env"], database["marker"]
    open_items = [sample["open_items"] for sample in samples]
    raw = database["raw"]
    confirmation = {label: summarize(values, open_items) for label, values in raw.items()}
    figures = {}
    if not args.skip_all_customers and all_customers:
        companies = env["res.company"].browse([c["company_id"] for c in marker["facts"]["companies"]])
        figures = all_customer_figures(env, companies, all_customers)
    orders = database["orders"]
    explain = explain_queries(env, orders, samples) if args.explain and not database["with_oca"] else None
    database["cr"].rollback()
    database["cr"].close()
    return {
        "db": database["db"],
        "open_items": open_items,
        "generated": summary_of(marker),
        "confirmation": confirmation,
        "confirmed": database["confirmed"],
        "raw_confirmation": raw,
        "all_customers": figures,
    }, explain


def split_by_outcome(result, passed):
    """The confirmation figures of the orders credit_control confirmed (``pass``) and held."""
    open_items = result.pop("open_items")
    raw = result.pop("raw_confirmation")
    result["by_outcome"] = {}
    for outcome, keep in (("pass", True), ("held", False)):
        indexes = [index for index, value in enumerate(passed) if value is keep]
        if not indexes:
            continue
        result["by_outcome"][outcome] = {
            label: summarize([values[i] for i in indexes], [open_items[i] for i in indexes])
            for label, values in raw.items()
        }
        result["by_outcome"][outcome]["confirmed by this database"] = sum(result["confirmed"][i] for i in indexes)
    result["confirmed"] = sum(result["confirmed"])


def summary_of(marker):
    stats = marker.get("stats", {})
    return {
        "customers": marker.get("customers"),
        "items": marker.get("items"),
        "orders": marker.get("orders"),
        "seed": marker.get("seed"),
        "modules": marker.get("modules"),
        "max_items_per_customer": stats.get("max_items_per_customer"),
        "generation_s": marker.get("total_s"),
    }


# ----------------------------------------------------------------------
# EXPLAIN of credit_control's figure queries
# ----------------------------------------------------------------------


def explain_queries(env, orders, samples):
    """EXPLAIN (ANALYZE, BUFFERS) of the figure queries for the customer with the most open
    items, and for all customers."""
    from odoo.tools import SQL

    cr = env.cr
    heaviest = max(range(len(samples)), key=lambda index: samples[index]["open_items"])
    order = orders[heaviest]
    company = order.company_id
    customers = env["res.partner"].search([("customer_rank", ">", 0), ("parent_id", "=", False)])
    cases = [
        (f"one customer with {samples[heaviest]['open_items']} open items", order.partner_invoice_id),
        (f"all {len(customers)} customers", customers),
    ]
    text = []
    for label, partners in cases:
        env.invalidate_all()
        with captured_queries(cr) as recorded:
            env["credit.exposure"].with_company(company)._get_figures(partners, company)
        for query, params in recorded:
            code = query.code.strip() if isinstance(query, SQL) and params is None else ""
            if code.startswith("SELECT") and "commercial_partner_id" in code and not code.startswith('SELECT "'):
                cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
                plan = "\n".join(shorten_arrays(row[0]) for row in cr.fetchall())
                text.append(f"-- {label} (company {company.id})\n{code}\n\n{plan}\n")
    return "\n\n".join(text)


def shorten_arrays(line):
    """'{1,2,3,…}'::integer[] literals of thousands of ids, shortened to their size."""
    return re.sub(r"'\{([0-9,]{60,})\}'", lambda match: f"'{{{match.group(1).count(',') + 1} ids}}'", line)


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------


def ratios_and_goals(ours, theirs, plain=None):
    ours_check = ours["confirmation"]["credit_control check"]
    result = {"ratios": {}, "goals": {}}
    result["goals"]["check p95 <= 20 ms"] = ours_check["p95_ms"] <= GOALS["check_p95_ms"]
    ours_confirm = ours["confirmation"]["credit_control action_confirm"]
    if theirs:
        oca_check = theirs["confirmation"]["OCA evaluate_risk_message"]
        oca_confirm = theirs["confirmation"]["OCA action_confirm"]
        result["ratios"].update(
            {
                "check p50 ours/OCA": round(ours_check["p50_ms"] / oca_check["p50_ms"], 3),
                "check p95 ours/OCA": round(ours_check["p95_ms"] / oca_check["p95_ms"], 3),
                "action_confirm p50 ours/OCA": round(ours_confirm["p50_ms"] / oca_confirm["p50_ms"], 3),
                "action_confirm p95 ours/OCA": round(ours_confirm["p95_ms"] / oca_confirm["p95_ms"], 3),
            }
        )
        for quantile in ("p50", "p95"):
            speedup = oca_check[f"{quantile}_ms"] / ours_check[f"{quantile}_ms"]
            result["goals"][f"check >= 3x faster than OCA ({quantile})"] = speedup >= GOALS["check_speedup_vs_oca"]
    for outcome in ("pass", "held"):
        mine = ours.get("by_outcome", {}).get(outcome, {}).get("credit_control action_confirm")
        if not mine:
            continue
        others = (
            ("plain", plain, "Odoo action_confirm (plain)"),
            ("OCA", theirs, "OCA action_confirm"),
        )
        for name, other, label in others:
            figures = (other or {}).get("by_outcome", {}).get(outcome, {}).get(label)
            if not figures:
                continue
            for quantile in ("p50", "p95"):
                ratio = round(mine[f"{quantile}_ms"] / figures[f"{quantile}_ms"], 3)
                result["ratios"][f"action_confirm {outcome} {quantile} ours/{name}"] = ratio
                if outcome == "pass" and name == "plain":
                    goal = f"order that passes <= 1.10 x plain Odoo's confirmation ({quantile})"
                    result["goals"][goal] = ratio <= GOALS["confirm_pass_vs_plain"]
                if outcome == "pass" and name == "OCA":
                    result["goals"][f"order that passes faster than OCA's confirmation ({quantile})"] = ratio < 1
    if ours["all_customers"]:
        worst = max(figures[ALL_CUSTOMERS_LABEL]["wall_s"] for figures in ours["all_customers"].values())
        result["goals"]["exposure for all customers <= 3 s (per company)"] = worst <= GOALS["all_customers_s"]
        for label, goal, key in (
            ("credit_control aging", "aging for all customers <= 3 s (per company)", "aging_s"),
            ("credit_control batch scoring", "batch scoring of all customers <= 5 min (per company)", "scoring_s"),
        ):
            timings = [figures[label]["wall_s"] for figures in ours["all_customers"].values() if label in figures]
            if timings:
                result["goals"][goal] = max(timings) <= GOALS[key]
        for company_id, figures in ours["all_customers"].items():
            oca = (theirs or {}).get("all_customers", {}).get(company_id, {}).get("OCA risk_total (ORM)")
            mine = figures[ALL_CUSTOMERS_LABEL]["wall_s"]
            odoo = figures["Odoo credit (ORM)"]["wall_s"]
            result["ratios"][f"company {company_id}: all customers ours/Odoo credit"] = round(mine / odoo, 3)
            if oca:
                result["ratios"][f"company {company_id}: all customers ours/OCA risk_total"] = round(
                    mine / oca["wall_s"], 3
                )
    return result


def print_report(report):
    ours, theirs, plain = report["ours"], report.get("oca"), report.get("plain")
    generated = ours["generated"]
    print(
        f"\n== {ours['db']}: {generated['customers']:,} customers, {generated['items']:,} receivable items, "
        f"{generated['orders']:,} orders (max {generated['max_items_per_customer']:,} items for one customer)"
    )
    rows = [row for result in (ours, plain, theirs) if result for row in result["confirmation"].items()]
    first = rows[0][1]
    strata = list(first.get("by_open_items", {}))
    print(f"\nConfirmation check of one order ({first['n']} orders)")
    header = f"  {'':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>9}"
    print(header + "".join(f" {'p95 ' + s:>12}" for s in strata))
    for label, summary in rows:
        line = (
            f"  {label:<36} {summary['p50_ms']:>8.2f} {summary['p95_ms']:>8.2f} {summary['max_ms']:>8.2f}"
            f" {summary['queries_p50']:>4}/{summary['queries_max']:<4}"
        )
        line += "".join(f" {summary['by_open_items'].get(s, {}).get('p95_ms', float('nan')):>12.2f}" for s in strata)
        print(line)
    print(
        "  open items per customer in the sample: "
        + ", ".join(f"{s}: {first['by_open_items'][s]['n']}" for s in strata)
    )
    for outcome in ("pass", "held"):
        databases = [result for result in (ours, plain, theirs) if result and outcome in result.get("by_outcome", {})]
        if not databases:
            continue
        count = ours["by_outcome"][outcome]["credit_control action_confirm"]["n"]
        print(f"\nOrders credit_control {'confirms' if outcome == 'pass' else 'holds'} ({count})")
        print(f"  {'':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>9} {'confirmed':>10}")
        for result in databases:
            figures = result["by_outcome"][outcome]
            for label, summary in figures.items():
                if label == "confirmed by this database":
                    continue
                confirmed = figures["confirmed by this database"] if "action_confirm" in label else ""
                print(
                    f"  {label:<36} {summary['p50_ms']:>8.2f} {summary['p95_ms']:>8.2f} {summary['max_ms']:>8.2f}"
                    f" {summary['queries_p50']:>4}/{summary['queries_max']:<4} {confirmed:>10}"
                )
    for company_id, figures in ours["all_customers"].items():
        all_figures = dict(figures)
        if theirs:
            all_figures.update(theirs["all_customers"].get(company_id, {}))
        customers = next(iter(all_figures.values()))["customers"]
        print(f"\nFigures for all {customers:,} customers, company {company_id}")
        print(f"  {'':<36} {'wall s':>8} {'queries':>8} {'peak py MiB':>12} {'peak RSS MiB':>13}")
        for label, values in all_figures.items():
            print(
                f"  {label:<36} {values['wall_s']:>8.2f} {values['queries']:>8} {values['peak_python_mib']:>12.1f}"
                f" {values['peak_rss_mib']:>13.1f}"
            )
    print("  dunning: not measured yet (empty slot in the JSON)")
    if report["ratios"]:
        print("\nRatios (ours / theirs: below 1 = we are faster)")
        for label, value in report["ratios"].items():
            print(f"  {label:<56} {value:>8.3f}")
    print("\nGoals")
    for label, passed in report["goals"].items():
        print(f"  {label:<56} {'PASS' if passed else 'FAIL':>8}")


def main():
    args = parse_args()
    connection = resolve_connection(args)
    rng = random.Random(args.seed)
    with_oca = bool(args.oca_db)
    odoo, registry = open_registry(connection, args.db, with_oca)
    marker = read_marker(connection, args.db)
    with registry.cursor() as cr:
        open_items = open_items_by_customer(cr)
    samples = pick_samples(open_items, args.orders, rng)
    with registry.cursor() as cr:
        samples += held_samples(cr, open_items, args.held_orders, rng) if args.held_orders else []
    company_ids = [company["company_id"] for company in marker["facts"]["companies"]]
    for sample in samples:
        sample["company_index"] = company_ids.index(sample["company_id"])
    today = date.today()
    databases = [open_database(connection, args.db, samples, ours_checks(), with_oca)]
    if args.oca_db:
        databases.append(open_database(connection, args.oca_db, samples, oca_checks(), True))
    if args.plain_db:
        databases.append(open_database(connection, args.plain_db, samples, plain_checks(), with_oca))
    interleaved_checks(databases, args.warmup)
    ours, explain = finish_database(databases[0], samples, ours_all_customers(today), args)
    theirs = plain = None
    if args.oca_db:
        theirs, _explain = finish_database(databases[1], samples, oca_all_customers(), args)
    if args.plain_db:
        plain, _explain = finish_database(databases[-1], samples, [], args)
    passed = ours["confirmed"]
    for result in (ours, theirs, plain):
        if result:
            split_by_outcome(result, passed)
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        },
        "ours": ours,
        "oca": theirs,
        "plain": plain,
        "slots": {
            "aging": "credit_control aging (see all_customers)",
            "dunning": None,
            "scoring": "credit_control batch scoring (see all_customers)",
        },
    }
    report.update(ratios_and_goals(ours, theirs, plain))
    print_report(report)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=2, default=str)
        print(f"\nwrote {args.json}")
    if explain is not None:
        with open(args.explain, "w") as handle:
            handle.write(explain)
        print(f"wrote {args.explain}")


if __name__ == "__main__":
    main()
