"""Consistency of a generated database.

1. SQL over all the rows: balanced moves, residuals equal balance minus partial
   reconciliations, reconciled exactly when settled, full reconciliations that add up to
   zero, partials between lines of the same partner and account, invoice headers that match
   their lines, order totals that match their lines.
2. The ORM on a sample: Odoo's compute methods run again on stored lines, moves and
   orders (without writing) must give the stored values; Odoo's partner ``credit``,
   credit_control's ``credit_receivable`` and OCA's open + unpaid risk must equal the open
   receivables recomputed from the lines.

Every check returns (name, problems, detail, blocking); a problem count of 0 passes. OCA's
figure is informative only: it converts the company-currency residual of a foreign-currency
item as if it were in the item's currency, so it differs from the others on such items.
"""

import random
from contextlib import contextmanager

SQL_CHECKS = {
    "moves balanced": """
        SELECT COUNT(*) FROM (
            SELECT move_id FROM account_move_line
          GROUP BY move_id
            HAVING SUM(balance) != 0 OR SUM(debit) != SUM(credit)) unbalanced
    """,
    "residual = balance - partials (company and foreign currency), reconciled iff zero": """
        WITH part AS (
            SELECT debit_move_id AS line_id, amount, debit_amount_currency AS amount_currency
              FROM account_partial_reconcile
         UNION ALL
            SELECT credit_move_id, -amount, -credit_amount_currency FROM account_partial_reconcile
        ), by_line AS (
            SELECT line_id, SUM(amount) AS amount, SUM(amount_currency) AS amount_currency
              FROM part GROUP BY line_id
        )
        SELECT COUNT(*)
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id
     LEFT JOIN by_line ON by_line.line_id = aml.id
         WHERE (acc.reconcile OR acc.account_type IN ('asset_cash', 'liability_credit_card'))
           AND (aml.amount_residual != aml.balance - COALESCE(by_line.amount, 0)
                OR aml.amount_residual_currency != aml.amount_currency - COALESCE(by_line.amount_currency, 0)
                OR aml.reconciled IS DISTINCT FROM (aml.amount_residual = 0 AND aml.amount_residual_currency = 0))
    """,
    "full reconciliations add up to zero, all lines reconciled and numbered": """
        SELECT COUNT(*) FROM (
            SELECT full_reconcile_id FROM account_move_line
             WHERE full_reconcile_id IS NOT NULL
          GROUP BY full_reconcile_id
            HAVING SUM(balance) != 0
                OR BOOL_OR(NOT reconciled)
                OR BOOL_OR(matching_number IS DISTINCT FROM full_reconcile_id::text)) bad
    """,
    "partials join a debit and a credit of the same partner, account and company": """
        SELECT COUNT(*)
          FROM account_partial_reconcile part
          JOIN account_move_line d ON d.id = part.debit_move_id
          JOIN account_move_line c ON c.id = part.credit_move_id
         WHERE d.balance <= 0 OR c.balance >= 0
            OR d.account_id != c.account_id
            OR d.partner_id IS DISTINCT FROM c.partner_id
            OR part.company_id != d.company_id
            OR part.max_date != GREATEST(d.date, c.date)
    """,
    "invoice residuals and totals match their receivable lines": """
        SELECT COUNT(*)
          FROM account_move m
          JOIN (SELECT move_id, SUM(amount_residual) AS residual, SUM(balance) AS balance
                  FROM account_move_line WHERE display_type = 'payment_term' GROUP BY move_id) l
            ON l.move_id = m.id
         WHERE m.move_type IN ('out_invoice', 'out_refund')
           AND (m.amount_residual_signed != l.residual OR m.amount_total_signed != l.balance)
    """,
    "order totals match their lines": """
        SELECT COUNT(*)
          FROM sale_order so
          JOIN (SELECT order_id, SUM(price_total) AS total, SUM(price_subtotal) AS untaxed
                  FROM sale_order_line GROUP BY order_id) l ON l.order_id = so.id
         WHERE so.amount_total != l.total OR so.amount_untaxed != l.untaxed
    """,
}


def run_sql_checks(cur):
    results = []
    for name, query in SQL_CHECKS.items():
        cur.execute(query)
        results.append((name, cur.fetchone()[0], "", True))
    return results


# ----------------------------------------------------------------------
# ORM
# ----------------------------------------------------------------------


def _same(left, right):
    if isinstance(left, float) or isinstance(right, float):
        return abs((left or 0.0) - (right or 0.0)) < 0.005
    return left == right


@contextmanager
def rolled_back(env):
    """Whatever happens inside (computed values flushed by the ORM) is rolled back."""
    savepoint = env.cr.savepoint(flush=True)
    try:
        yield
        env.flush_all()
    finally:
        savepoint.close(rollback=True)
        env.invalidate_all(flush=False)


def recompute_and_compare(records, methods_and_fields):
    """Run compute methods on stored records (rolled back); count the records whose
    computed values differ from the stored ones. Returns (mismatches, first examples)."""
    with rolled_back(records.env):
        return _recompute_and_compare(records, methods_and_fields)


def _recompute_and_compare(records, methods_and_fields):
    env = records.env
    names = [name for _method, field_names in methods_and_fields for name in field_names]
    stored = {record.id: {name: record[name] for name in names} for record in records}
    fields = [records._fields[name] for name in names]
    mismatched = {}
    with env.protecting(fields, records):
        for method, _field_names in methods_and_fields:
            getattr(records, method)()
        for record in records:
            for name in names:
                value = record[name]
                if hasattr(value, "ids"):  # a relational value: compare ids
                    value, expected = value.ids, stored[record.id][name].ids
                else:
                    expected = stored[record.id][name]
                if not _same(value, expected):
                    mismatched.setdefault(record.id, []).append(f"{name}: stored {expected!r}, computed {value!r}")
    examples = "; ".join(f"{records._name}({rid}) {', '.join(diffs)}" for rid, diffs in list(mismatched.items())[:3])
    return len(mismatched), examples


def _sample_ids(cr, query, params, size, rng):
    cr.execute(query, params)
    ids = [row[0] for row in cr.fetchall()]
    return sorted(rng.sample(ids, min(size, len(ids))))


def _open_receivables(cr, partner_ids, company_id):
    cr.execute(
        """
        SELECT p.commercial_partner_id, SUM(aml.amount_residual)
          FROM account_move_line aml
          JOIN res_partner p ON p.id = aml.partner_id
          JOIN account_account acc ON acc.id = aml.account_id
         WHERE p.commercial_partner_id = ANY(%s)
           AND aml.company_id = %s
           AND aml.parent_state = 'posted'
           AND aml.reconciled IS NOT TRUE
           AND acc.account_type = 'asset_receivable'
      GROUP BY p.commercial_partner_id
        """,
        [partner_ids, company_id],
    )
    return dict(cr.fetchall())


def check_partner_figures(env, companies, sample_size, rng, ref_prefix):
    """Partner figures read through the ORM against a recomputation from the lines."""
    cr = env.cr
    results = []
    for company_id in companies:
        # the heaviest customers of the company plus a random sample
        cr.execute(
            """
            SELECT aml.partner_id FROM account_move_line aml
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE aml.company_id = %s AND p.ref LIKE %s AND aml.reconciled IS NOT TRUE
               AND aml.parent_state = 'posted' AND aml.display_type != 'product'
          GROUP BY aml.partner_id ORDER BY COUNT(*) DESC LIMIT 5
            """,
            [company_id, ref_prefix + "%"],
        )
        heavy = [row[0] for row in cr.fetchall()]
        others = _sample_ids(
            cr,
            "SELECT id FROM res_partner WHERE ref LIKE %s",
            [ref_prefix + "%"],
            sample_size,
            rng,
        )
        partner_ids = sorted(set(heavy + others))
        expected = _open_receivables(cr, partner_ids, company_id)
        company_env = env(context={"allowed_company_ids": [company_id]})
        partners = company_env["res.partner"].browse(partner_ids)
        figures = {"Odoo res.partner.credit": lambda p: p.credit}
        if "credit_receivable" in partners._fields:
            figures["credit_control credit_receivable"] = lambda p: p.credit_receivable
        if "risk_invoice_open" in partners._fields:
            figures["OCA risk_invoice_open + risk_invoice_unpaid"] = lambda p: (
                p.risk_invoice_open + p.risk_invoice_unpaid
            )
        for label, read in figures.items():
            blocking = not label.startswith("OCA")
            env.invalidate_all()
            wrong = [p.id for p in partners if not _same(read(p), float(expected.get(p.id, 0.0)))]
            detail = f"{len(partner_ids)} customers"
            if wrong:
                p = partners.browse(wrong[0])
                detail += f"; e.g. partner {p.id}: {read(p)} != {float(expected.get(p.id, 0.0))}"
            name = f"company {company_id}: {label} = open receivables"
            results.append((name if blocking else name + " (informative)", len(wrong), detail, blocking))
    return results


def check_oca_order_lines(env, orders):
    """risk_amount recomputed in each order's company; risk_partner_id is the commercial
    entity of the invoice address."""
    results = []
    for company, company_orders in orders.grouped("company_id").items():
        lines = company_orders.order_line.with_context(allowed_company_ids=[company.id])
        mismatches, examples = recompute_and_compare(lines, [("_compute_risk_amount", ["risk_amount"])])
        label = f"ORM: OCA sale.order.line risk_amount, company {company.id}"
        results.append((label, mismatches, examples or f"{len(lines)} lines", True))
    env.cr.execute(
        """
        SELECT COUNT(*) FROM sale_order_line sol
          JOIN sale_order so ON so.id = sol.order_id
          JOIN res_partner p ON p.id = so.partner_invoice_id
         WHERE sol.risk_partner_id IS DISTINCT FROM p.commercial_partner_id
        """
    )
    results.append(("OCA sale.order.line risk_partner_id = commercial entity", env.cr.fetchone()[0], "", True))
    return results


def check_with_orm(env, sample_size=200, seed=1, ref_prefix="BENCH-"):
    """Run Odoo's own computations on samples; nothing is written (rolled back)."""
    rng = random.Random(seed)
    cr = env.cr
    results = []
    companies = env["res.company"].search([]).ids
    line_ids = _sample_ids(
        cr,
        """SELECT aml.id FROM account_move_line aml JOIN account_account acc ON acc.id = aml.account_id
            WHERE acc.account_type = 'asset_receivable' AND aml.id %% %s = 0""",
        [7],
        sample_size,
        rng,
    )
    partial_line_ids = _sample_ids(
        cr, "SELECT debit_move_id FROM account_partial_reconcile WHERE id %% %s = 0", [5], sample_size // 2, rng
    )
    lines = env["account.move.line"].browse(sorted(set(line_ids + partial_line_ids)))
    mismatches, examples = recompute_and_compare(
        lines, [("_compute_amount_residual", ["amount_residual", "amount_residual_currency", "reconciled"])]
    )
    results.append(("ORM: account.move.line residuals recomputed", mismatches, examples or f"{len(lines)} lines", True))
    try:
        lines._constrains_matching_number()
        results.append(("ORM: matching numbers pass Odoo's constraint", 0, f"{len(lines)} lines", True))
    except Exception as error:  # reported as a failed check
        results.append(("ORM: matching numbers pass Odoo's constraint", 1, str(error), True))

    move_ids = _sample_ids(
        cr, "SELECT id FROM account_move WHERE id %% %s = 0 AND move_type != 'in_invoice'", [7], sample_size, rng
    )
    moves = env["account.move"].browse(move_ids)
    mismatches, examples = recompute_and_compare(
        moves,
        [
            (
                "_compute_amount",
                [
                    "amount_untaxed",
                    "amount_tax",
                    "amount_total",
                    "amount_residual",
                    "amount_untaxed_signed",
                    "amount_untaxed_in_currency_signed",
                    "amount_tax_signed",
                    "amount_total_signed",
                    "amount_total_in_currency_signed",
                    "amount_residual_signed",
                ],
            ),
            ("_compute_payment_state", ["payment_state"]),
            ("_compute_always_tax_exigible", ["always_tax_exigible"]),
        ],
    )
    results.append(("ORM: account.move amounts and payment state", mismatches, examples or f"{len(moves)} moves", True))
    invoices = moves.filtered(lambda move: move.is_invoice(True))
    mismatches, examples = recompute_and_compare(
        invoices, [("_compute_invoice_currency_rate", ["invoice_currency_rate"])]
    )
    results.append(("ORM: invoice currency rates", mismatches, examples or f"{len(invoices)} invoices", True))

    order_ids = _sample_ids(cr, "SELECT id FROM sale_order WHERE state = %s", ["sale"], sample_size, rng)
    orders = env["sale.order"].browse(order_ids)
    mismatches, examples = recompute_and_compare(
        orders.order_line,
        [
            ("_compute_amount", ["price_subtotal", "price_tax", "price_total"]),
            ("_compute_qty_delivered_method", ["qty_delivered_method"]),
            ("_compute_qty_to_invoice", ["qty_to_invoice"]),
            ("_compute_untaxed_amount_to_invoice", ["untaxed_amount_to_invoice"]),
            ("_compute_invoice_status", ["invoice_status"]),
        ],
    )
    results.append(
        ("ORM: sale.order.line amounts and status", mismatches, examples or f"{len(orders.order_line)} lines", True)
    )
    mismatches, examples = recompute_and_compare(
        orders,
        [
            ("_compute_amounts", ["amount_untaxed", "amount_tax", "amount_total"]),
            ("_compute_invoice_status", ["invoice_status"]),
            ("_compute_currency_rate", ["currency_rate"]),
        ],
    )
    results.append(("ORM: sale.order totals, status and rate", mismatches, examples or f"{len(orders)} orders", True))

    if "risk_amount" in orders.order_line._fields:  # OCA sale_financial_risk: its stored line fields
        results += check_oca_order_lines(env, orders)
    results += check_partner_figures(env, companies, sample_size // 4, rng, ref_prefix)
    cr.rollback()
    return results


def print_results(results):
    """Print one line per check; return the number of failed blocking checks."""
    width = max(len(result[0]) for result in results)
    failed = 0
    for name, count, detail, blocking in results:
        status = "ok" if not count else f"{count} differ" if not blocking else f"{count} WRONG"
        failed += bool(count) and blocking
        print(f"  {name:<{width}}  {status:>10}  {detail}")
    return failed
