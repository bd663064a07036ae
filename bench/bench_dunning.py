#!/usr/bin/env python3
"""Measure a dunning run on a benchmark database (a database built by generate.py, or a copy).

    python bench/bench_dunning.py --db bench_full_copy -c /tmp/odoo.conf --send 1000 --json dunning.json

It WRITES into the database (runs, communications, lines, queued emails, committed batch by
batch as the cron does): use a copy of the benchmark database. Per company:

1. selection: a new run selects the overdue items (one SQL query), decides their levels and
   writes one draft communication per customer with its lines (bulk INSERTs);
2. sending: batches of --batch communications (email with the statement PDF, letters, call
   activities), one commit per batch, up to --send communications (0: all of them), then
   --send-without-pdf more without any PDF; the time for all is extrapolated from the rate;
3. re-run the same day: a second run selects nothing (idempotence) — its selection time;
4. figures: the current dunning level of every customer (credit hold rule, "level >= N"
   filter) and the levels reached in 12 months (scoring), for all customers at once.
"""

import json
import os
import time
from datetime import date, timedelta

from bench_common import add_connection_arguments, make_parser, open_registry, read_marker, resolve_connection


def parse_args():
    parser = make_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a database built by generate.py (or a copy of one)")
    parser.add_argument("--send", type=int, default=1000, help="communications to send per company (0: all)")
    parser.add_argument("--batch", type=int, default=200, help="communications per batch (one commit each)")
    parser.add_argument(
        "--send-without-pdf",
        type=int,
        default=0,
        help="then this many more communications without PDFs (no statement attached, letters off)",
    )
    parser.add_argument(
        "--fill-contacts",
        action="store_true",
        help="give the generated customers an email, a postal address and a phone first (they have none)",
    )
    parser.add_argument("--json", help="write the figures to this file")
    add_connection_arguments(parser)
    return parser.parse_args()


def timed(cr, function):
    queries = cr.sql_log_count
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started, cr.sql_log_count - queries


def overdue_items(cr, company_id, on_date):
    cr.execute(
        """
        SELECT COUNT(*), COUNT(DISTINCT p.commercial_partner_id)
          FROM account_move_line aml
          JOIN account_account a ON a.id = aml.account_id
          JOIN res_partner p ON p.id = aml.partner_id
         WHERE a.account_type = 'asset_receivable' AND aml.company_id = %s AND aml.parent_state = 'posted'
           AND aml.reconciled IS NOT TRUE AND aml.amount_residual > 0
           AND COALESCE(aml.date_maturity, aml.date) < %s
        """,
        [company_id, on_date],
    )
    return cr.fetchone()


def send(cr, run, limit, batch, communications):
    """Send batches (one commit each) until ``limit`` communications are sent (0: all)."""
    sent = 0
    batch_seconds = []
    started = time.perf_counter()
    while run.state in ("previewed", "running"):
        handled, seconds, _queries = timed(cr, lambda: run._execute(batch_size=batch, max_batches=1))
        cr.commit()
        if not handled:
            break
        sent += handled
        batch_seconds.append(seconds)
        if limit and sent >= limit:
            break
    elapsed = time.perf_counter() - started
    rate = sent / elapsed if elapsed else 0.0
    return {
        "communications_sent": sent,
        "batches": len(batch_seconds),
        "seconds": round(elapsed, 2),
        "per_communication_ms": round(1000 / rate, 1) if rate else None,
        "batch_p50_s": round(sorted(batch_seconds)[len(batch_seconds) // 2], 2) if batch_seconds else None,
        "all_communications_projected_s": round(communications / rate, 0) if rate else None,
        "run_state": run.state,
    }


def fill_contacts(cr):
    cr.execute(
        """
        UPDATE res_partner
           SET email = 'customer-' || id || '@example.com', street = id || ' Bench Street', city = 'Springfield',
               phone = '+1 650 253 ' || LPAD((id % 10000)::text, 4, '0')
         WHERE ref LIKE 'BENCH-%%' AND email IS NULL
        """
    )
    return cr.rowcount


def bench_company(env, company, args):
    cr = env.cr
    today = date.today()
    runs = env["credit.dunning.run"].sudo().with_company(company)
    policy = env["credit.dunning.policy"].sudo()._get_default(company)
    cr.commit()
    items, customers = overdue_items(cr, company.id, today)
    result = {"company": company.name, "overdue_items": items, "overdue_customers": customers}

    run = runs.create({"company_id": company.id, "trigger": "cron"})
    communications, seconds, queries = timed(cr, run._prepare)
    cr.commit()
    result["selection"] = {
        "seconds": round(seconds, 2),
        "queries": queries,
        "communications": communications,
        "lines": run.line_count,
        "levels": dict(
            env["credit.dunning.communication"]
            .sudo()
            ._read_group([("run_id", "=", run.id)], ["level_rank"], ["__count"])
        ),
    }

    print(json.dumps(result, default=str), flush=True)
    result["sending"] = send(cr, run, args.send, args.batch, communications)
    print(json.dumps(result["sending"]), flush=True)
    if args.send_without_pdf:
        policy.attach_statement = False
        letter_levels = policy.level_ids.filtered("send_letter")
        letter_levels.send_letter = False
        cr.commit()
        result["sending_without_pdf"] = send(cr, run, args.send_without_pdf, args.batch, communications)
        print(json.dumps(result["sending_without_pdf"]), flush=True)
        policy.attach_statement = True
        letter_levels.send_letter = True
        cr.commit()
    groups = ["channel_email", "channel_letter", "channel_call", "channel_activity"]
    result["sending"]["channels"] = {
        "+".join(name[8:] for name, used in zip(groups, flags, strict=True) if used): count
        for *flags, count in env["credit.dunning.communication"]
        .sudo()
        ._read_group([("run_id", "=", run.id), ("state", "=", "sent")], groups, ["__count"])
    }

    rerun = runs.create({"company_id": company.id, "trigger": "manual"})
    again, seconds, queries = timed(cr, rerun._prepare)
    rerun._finish(0.0)
    cr.commit()
    result["rerun_same_day"] = {"seconds": round(seconds, 2), "queries": queries, "communications": again}

    lines = env["credit.dunning.line"].sudo()
    levels, seconds, queries = timed(cr, lambda: lines._open_levels(company))
    result["current_levels_all_customers"] = {
        "seconds": round(seconds, 3),
        "queries": queries,
        "customers": len(levels),
    }
    cr.execute("SELECT id FROM res_partner WHERE id = commercial_partner_id AND customer_rank > 0")
    partner_ids = [row[0] for row in cr.fetchall()]
    reached, seconds, queries = timed(
        cr,
        lambda: (
            env["credit.dunning.communication"]
            .sudo()
            ._dunning_levels_reached(partner_ids, company.id, today - timedelta(days=365))
        ),
    )
    result["levels_reached_all_customers"] = {
        "seconds": round(seconds, 3),
        "queries": queries,
        "customers": len(partner_ids),
        "with_level": len(reached),
    }
    return result


def main():
    args = parse_args()
    connection = resolve_connection(args)
    if read_marker(connection, args.db) is None:
        raise SystemExit(f"{args.db} was not built by generate.py: this benchmark writes, use a copy of one")
    odoo, registry = open_registry(connection, args.db)
    results = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.fill_contacts:
            print(f"contacts filled in for {fill_contacts(cr)} customers")
            cr.commit()
        for company in env["res.company"].search([]):
            result = bench_company(env, company, args)
            results.append(result)
            print(json.dumps(result, indent=2, default=str))
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "database": args.db,
        "machine": {"cpus": os.cpu_count()},
        "dunning": results,
    }
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=2, default=str)
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
