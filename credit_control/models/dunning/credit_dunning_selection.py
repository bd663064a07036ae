from collections import defaultdict, namedtuple

from odoo import api, models
from odoo.tools import SQL

from ...lib.dunning import as_date, days_overdue, interest_days, late_interest, next_level_rank, reached_rank

# One selected item: a tuple (light on memory for hundreds of thousands of items).
DunningItem = namedtuple("DunningItem", "aml_id partner_id policy_id due move_id residual last_rank last_date broken")
# What a run dunns: {partner id: [(item, rank, days overdue, rank reached)]} (rank reached: the
# highest level whose delay has passed, above the rank sent when the item is caught up late),
# {move line id: (interest days,
# interest, compensation)} and {policy id: [level id of rank 1, 2, ...]}.
DunningSelection = namedtuple("DunningSelection", "decisions charges level_ids")


class CreditDunningSelection(models.AbstractModel):
    """The selection engine of the dunning runs: which items reach which level on a date.

    Set-based: a few SQL queries read the company's open receivable items with the levels
    already sent, the customers' policies, disputes and promises to pay, and their net amount
    due (customers who owe nothing net of their unapplied payments and credit notes, or less
    than the policy's minimum amount, are left out); plain functions of ``lib/dunning.py``
    decide each item's level (one level at a time) and charges. Nothing is written here except
    the settlement of the promises to pay whose date has passed.
    """

    _name = "credit.dunning.selection"
    _description = "Dunning Selection"

    @api.model
    def _select(self, company, run_date):
        """The items of ``company`` to dun on ``run_date``, their levels and charges."""
        policy_model = self.env["credit.dunning.policy"].sudo().with_company(company)
        default_policy = policy_model._get_default(company)
        policies = policy_model.search([("company_id", "=", company.id)])
        levels = {policy.id: policy._levels_by_rank() for policy in policies}
        delays = {policy_id: policy_levels.mapped("delay_days") for policy_id, policy_levels in levels.items()}
        account_ids = self.env["credit.exposure"]._receivable_account_ids()
        self._flush_sources()
        self.env["credit.promise"]._settle(company, run_date, account_ids)
        rows = self._select_items(company, run_date, default_policy, levels, account_ids)
        decisions = defaultdict(list)
        for row in rows:
            overdue = days_overdue(as_date(row.due), run_date)
            since_last = days_overdue(as_date(row.last_date), run_date) if row.last_date else None
            policy_delays = delays[row.policy_id]
            rank = next_level_rank(policy_delays, overdue, row.last_rank, row.broken, since_last)
            if rank:
                decisions[row.partner_id].append((row, rank, overdue, max(rank, reached_rank(policy_delays, overdue))))
        charges = self._charges(company, decisions, policies, levels)
        level_ids = {policy_id: policy_levels.ids for policy_id, policy_levels in levels.items()}
        return DunningSelection(decisions, charges, level_ids)

    @api.model
    def _flush_sources(self):
        """Write pending ORM changes of what the selection reads."""
        self.env["res.partner"].flush_model(
            ["commercial_partner_id", "credit_dunning_policy_id", "credit_dunning_dispute"]
        )
        self.env["account.move"].flush_model(["credit_dunning_dispute", "amount_residual"])
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "account_id",
                "company_id",
                "parent_state",
                "reconciled",
                "amount_residual",
                "date_maturity",
                "date",
                "move_id",
            ]
        )
        self.env["credit.promise"].flush_model()
        self.env["credit.dunning.level"].flush_model()
        self.env["credit.dunning.line"].flush_model()
        self.env["credit.dunning.communication"].flush_model(["partner_id", "company_id", "remind_date"])

    @api.model
    def _select_items(self, company, run_date, default_policy, levels, account_ids):
        """Open receivable items that reach a level not sent yet, in two set-based queries.

        1. the customers with open items old enough for a first level, with their policy (own
           or company default), whether they are paused (dispute, promise to pay not due) and
           whether a broken promise of theirs waits for its escalation;
           customers who owe nothing net of their unapplied payments and credit notes, or less
           than their policy's minimum amount, are not returned;
        2. the items of the customers not paused, each with the highest level already sent (or
           being sent) with its date, and whether its invoice's broken promise waits for its escalation,
           keeping only the items whose next level is due (or whose promise is broken): a daily
           run reads few rows.

        The customers' own values are resolved first and passed as arrays, which PostgreSQL
        estimates exactly (a single query joining them was planned as a nested loop).
        """
        min_delay = min(
            [delay for policy_levels in levels.values() for delay in policy_levels.mapped("delay_days")] or [0]
        )
        customers = self._select_customers(company, run_date, default_policy, levels, account_ids, min_delay)
        partner_ids = [partner_id for partner_id, (_policy, paused, _broken) in customers.items() if not paused]
        if not partner_ids:
            return []
        # delays[policy index][rank]: the delay of each level (NULL past the last level)
        policy_index = {policy_id: index for index, policy_id in enumerate(levels, 1)}
        width = max(len(policy_levels) for policy_levels in levels.values()) + 1
        delays = [
            [*policy_levels.mapped("delay_days"), *[None] * (width - len(policy_levels))]
            for policy_levels in levels.values()
        ]
        self.env.cr.execute(
            SQL(
                """
            SELECT aml.id, pp.partner_id, pp.policy_id, COALESCE(aml.date_maturity, aml.date), aml.move_id,
                   aml.amount_residual, COALESCE(last.rank, 0), last.date, (pp.broken OR COALESCE(mp.broken, FALSE))
              FROM unnest(%(partner_ids)s::int[], %(policy_ids)s::int[], %(policy_index)s::int[], %(broken)s::bool[])
                   AS pp(partner_id, policy_id, policy_index, broken)
              JOIN res_partner p ON p.commercial_partner_id = pp.partner_id
              JOIN account_move_line aml ON aml.partner_id = p.id
              JOIN account_move m ON m.id = aml.move_id
         LEFT JOIN LATERAL (
                    SELECT lv.rank, dl.date
                      FROM credit_dunning_line dl
                      JOIN credit_dunning_level lv ON lv.id = dl.level_id
                     WHERE dl.move_line_id = aml.id AND NOT dl.excluded AND dl.state <> 'cancelled'
                  ORDER BY lv.rank DESC, dl.date DESC
                     LIMIT 1
                   ) last ON TRUE
         LEFT JOIN LATERAL (
                    SELECT bool_or(pr.state = 'open' AND pr.date >= %(date)s) AS promised,
                           bool_or(pr.state = 'broken' AND pr.escalation_communication_id IS NULL) AS broken
                      FROM credit_promise pr
                     WHERE pr.move_id = m.id AND pr.state IN ('open', 'broken')
                   ) mp ON TRUE
             WHERE aml.account_id = ANY(%(account_ids)s)
               AND aml.company_id = %(company_id)s
               AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE
               AND aml.amount_residual > 0
               AND COALESCE(aml.date_maturity, aml.date) <= %(date)s::date - %(min_delay)s
               AND m.credit_dunning_dispute IS NOT TRUE
               AND mp.promised IS NOT TRUE
               AND (%(delays)s::int[])[pp.policy_index][COALESCE(last.rank, 0) + 1] IS NOT NULL
               AND (COALESCE(aml.date_maturity, aml.date)
                        + (%(delays)s::int[])[pp.policy_index][COALESCE(last.rank, 0) + 1] <= %(date)s
                    OR pp.broken
                    OR mp.broken)
          ORDER BY pp.partner_id, aml.id
            """,
                partner_ids=partner_ids,
                policy_ids=[customers[partner_id][0] for partner_id in partner_ids],
                broken=[customers[partner_id][2] for partner_id in partner_ids],
                policy_index=[policy_index[customers[partner_id][0]] for partner_id in partner_ids],
                delays=delays,
                account_ids=account_ids,
                company_id=company.id,
                date=run_date,
                min_delay=min_delay,
            )
        )
        return [DunningItem._make(row) for row in self.env.cr.fetchall()]

    @api.model
    def _select_customers(self, company, run_date, default_policy, levels, account_ids, min_delay):
        """{commercial partner id: (policy id, paused, broken)} of the customers with open items
        due early enough for a first level who owe something; paused: disputed, or an open
        promise to pay of the customer not due yet, or postponed by the collector ("Remind me
        on", ``credit.dunning.communication._postponed_partners_sql``); broken: a broken promise of the customer
        waits for its escalation.

        What a customer owes is read as the credit check reads its overdue (``credit.exposure``,
        ``lib/limits.py`` ``net_overdue``), in company currency: its items old enough for the
        first level of its policy, capped at its open balance, so that unapplied payments and
        credit notes settle them first. A customer whose net amount is not positive, or is below
        its policy's minimum amount, is not dunned.

        The promises whose date has passed are settled before (``credit.promise._settle``).
        """
        key = str(company.id)
        policy_ids = list(levels)
        policies = self.env["credit.dunning.policy"].sudo().browse(policy_ids)
        self.env.cr.execute(
            SQL(
                """
            WITH customer AS (
                SELECT cp.id,
                       CASE WHEN (cp.credit_dunning_policy_id ->> %(key)s)::int = ANY(%(policy_ids)s)
                            THEN (cp.credit_dunning_policy_id ->> %(key)s)::int
                            ELSE %(default_policy)s END AS policy_id,
                       COALESCE((cp.credit_dunning_dispute ->> %(key)s)::boolean, FALSE)
                       OR COALESCE(pr.promised, FALSE)
                       OR cp.id IN (%(postponed)s) AS paused,
                       COALESCE(pr.broken, FALSE) AS broken
                  FROM res_partner cp
             LEFT JOIN LATERAL (
                        SELECT bool_or(p.state = 'open' AND p.date >= %(date)s) AS promised,
                               bool_or(p.state = 'broken' AND p.escalation_communication_id IS NULL) AS broken
                          FROM credit_promise p
                         WHERE p.partner_id = cp.id
                           AND p.company_id = %(company_id)s
                           AND p.move_id IS NULL
                           AND p.state IN ('open', 'broken')
                       ) pr ON TRUE
                 WHERE cp.id IN (SELECT p.commercial_partner_id
                                   FROM account_move_line aml
                                   JOIN res_partner p ON p.id = aml.partner_id
                                  WHERE aml.account_id = ANY(%(account_ids)s)
                                    AND aml.company_id = %(company_id)s
                                    AND aml.parent_state = 'posted'
                                    AND aml.reconciled IS NOT TRUE
                                    AND aml.amount_residual > 0
                                    AND COALESCE(aml.date_maturity, aml.date) <= %(date)s::date - %(min_delay)s)
            ),
            figures AS (
                SELECT c.id,
                       SUM(aml.amount_residual) AS balance,
                       SUM(aml.amount_residual) FILTER (
                           WHERE aml.amount_residual > 0
                             AND COALESCE(aml.date_maturity, aml.date) <= %(date)s::date - pol.min_delay) AS due
                  FROM customer c
                  JOIN unnest(%(policy_ids)s::int[], %(min_delays)s::int[]) AS pol(id, min_delay)
                       ON pol.id = c.policy_id
                  JOIN res_partner p ON p.commercial_partner_id = c.id
                  JOIN account_move_line aml ON aml.partner_id = p.id
                 WHERE aml.account_id = ANY(%(account_ids)s)
                   AND aml.company_id = %(company_id)s
                   AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE
              GROUP BY c.id
            )
            SELECT c.id, c.policy_id, c.paused, c.broken
              FROM customer c
              JOIN figures f ON f.id = c.id
              JOIN unnest(%(policy_ids)s::int[], %(min_amounts)s::numeric[]) AS pol(id, min_amount)
                   ON pol.id = c.policy_id
             WHERE LEAST(COALESCE(f.due, 0), f.balance) > 0
               AND LEAST(COALESCE(f.due, 0), f.balance) >= pol.min_amount
            """,
                key=key,
                policy_ids=policy_ids,
                min_delays=[min(policy_levels.mapped("delay_days"), default=0) for policy_levels in levels.values()],
                min_amounts=policies.mapped("minimum_amount"),
                default_policy=default_policy.id,
                account_ids=account_ids,
                company_id=company.id,
                date=run_date,
                min_delay=min_delay,
                postponed=self.env["credit.dunning.communication"]._postponed_partners_sql(company.id, run_date),
            )
        )
        return {
            partner_id: (policy_id, paused, broken) for partner_id, policy_id, paused, broken in self.env.cr.fetchall()
        }

    @api.model
    def _charges(self, company, decisions, policies, levels):
        """{move line id: (interest days, interest, compensation)} for policies charging fees."""
        charging = {policy.id: policy for policy in policies if policy.charge_fees}
        if not charging:
            return {}
        items = [
            (row, rank, overdue)
            for partner_items in decisions.values()
            for row, rank, overdue, _reached in partner_items
            if row.policy_id in charging
        ]
        if not items:
            return {}
        aml_ids = [row.aml_id for row, _rank, _overdue in items]
        move_ids = list({row.move_id for row, _rank, _overdue in items})
        self.env.cr.execute(
            SQL(
                """
            SELECT move_line_id, SUM(interest_days) FROM credit_dunning_line
             WHERE move_line_id = ANY(%s) AND state = 'sent' AND NOT excluded
          GROUP BY move_line_id
            """,
                aml_ids,
            )
        )
        charged_days = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT move_id FROM credit_dunning_line
             WHERE move_id = ANY(%s) AND compensation_amount > 0 AND state <> 'cancelled' AND NOT excluded
            """,
                move_ids,
            )
        )
        compensated = {row[0] for row in self.env.cr.fetchall()}
        digits = company.currency_id.decimal_places
        rates = {policy_id: policy.interest_rate for policy_id, policy in charging.items()}
        compensations = {policy_id: policy.compensation_amount for policy_id, policy in charging.items()}
        # (policy id, rank) -> (late interest, fixed compensation)
        applies = {
            (policy_id, rank): (level.apply_interest, level.apply_compensation)
            for policy_id in charging
            for rank, level in enumerate(levels[policy_id], 1)
        }
        charges = {}
        for row, rank, overdue in items:
            apply_interest, apply_compensation = applies[row.policy_id, rank]
            days = 0
            interest = 0.0
            if apply_interest:
                days = interest_days(overdue, charged_days.get(row.aml_id, 0))
                interest = late_interest(row.residual, rates[row.policy_id], days, digits)
            compensation = 0.0
            if apply_compensation and row.move_id not in compensated and overdue > 0:
                compensation = compensations[row.policy_id]
                compensated.add(row.move_id)
            if interest or compensation:
                charges[row.aml_id] = (days if interest else 0, interest, compensation)
        return charges
