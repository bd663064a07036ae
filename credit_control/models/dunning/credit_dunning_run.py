import logging
import time
from collections import defaultdict, namedtuple

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ...lib.dunning import (
    PROMISE_BROKEN,
    as_date,
    communication_rank,
    days_overdue,
    interest_days,
    late_interest,
    next_level_rank,
    promise_state,
)
from .credit_dunning_communication import MAX_ATTEMPTS

_logger = logging.getLogger(__name__)

RUN_STATES = [
    ("draft", "Draft"),
    ("previewed", "Preview"),
    ("running", "Sending"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
# Communications sent per batch (one savepoint each; the wizard sends all batches at once).
SEND_BATCH_SIZE = 200
# The cron sends small batches for about this long per call; Odoo commits after each call and
# calls again while work remains (a PDF takes about a second: calls stay well under the
# workers' time limit, and a crash loses one call's work at most).
CRON_BATCH_SIZE = 20
CRON_SECONDS_PER_CALL = 45
# Customers whose communications and lines are written per INSERT.
PREPARE_BATCH_SIZE = 5000
# One selected item: a tuple (light on memory for hundreds of thousands of items).
DunningItem = namedtuple("DunningItem", "aml_id partner_id policy_id due move_id residual last_rank broken")


class CreditDunningRun(models.Model):
    """One dunning pass over a company's overdue items on a date.

    The run selects the items with one SQL query, decides each item's level, writes one
    communication per customer at the highest level reached (draft), and sends them in
    batches. It can be re-run or resumed at any time: a level already sent for an item
    (or being sent) is never selected again, and sent communications are never sent again.
    """

    _name = "credit.dunning.run"
    _description = "Dunning Run"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True, index=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="Started By", readonly=True, default=lambda self: self.env.user)
    trigger = fields.Selection(
        [("manual", "Manual"), ("cron", "Scheduled")], default="manual", required=True, readonly=True
    )
    state = fields.Selection(RUN_STATES, default="draft", required=True, readonly=True, index=True, tracking=True)
    error = fields.Text(readonly=True)
    communication_ids = fields.One2many("credit.dunning.communication", "run_id", string="Communications")
    line_ids = fields.One2many("credit.dunning.line", "run_id", string="Items")
    communication_count = fields.Integer(compute="_compute_counts", string="Customers")
    sent_count = fields.Integer(compute="_compute_counts", string="Sent")
    failed_count = fields.Integer(compute="_compute_counts", string="Failed")
    pending_count = fields.Integer(compute="_compute_counts", string="To Send")
    line_count = fields.Integer(compute="_compute_counts", string="Items Count")
    letter_count = fields.Integer(compute="_compute_counts", string="Letters")
    fee_invoice_count = fields.Integer(compute="_compute_counts", string="Fee Invoices")
    amount_total = fields.Monetary(compute="_compute_counts", string="Amount Dunned", currency_field="currency_id")
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 2), help="Selection and sending time.")
    last_attempt_date = fields.Date(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("credit.dunning.run") or "/"
        return super().create(vals_list)

    def _compute_counts(self):
        communications = self.env["credit.dunning.communication"]
        by_state = defaultdict(dict)
        for run, state, count, amount in communications._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count", "amount_due:sum"]
        ):
            by_state[run.id][state] = (count, amount)
        letters = dict(
            communications._read_group(
                [("run_id", "in", self.ids), ("channel_letter", "=", True)], ["run_id"], ["__count"]
            )
        )
        fees = dict(
            communications._read_group(
                [("run_id", "in", self.ids), ("fee_move_id", "!=", False)], ["run_id"], ["__count"]
            )
        )
        lines = dict(
            self.env["credit.dunning.line"]._read_group(
                [("run_id", "in", self.ids), ("excluded", "=", False)], ["run_id"], ["__count"]
            )
        )
        for run in self:
            states = by_state.get(run.id, {})
            run.communication_count = sum(count for state, (count, _amount) in states.items() if state != "cancelled")
            run.sent_count = states.get("sent", (0, 0.0))[0]
            run.failed_count = states.get("failed", (0, 0.0))[0]
            run.pending_count = states.get("draft", (0, 0.0))[0] + run.failed_count
            run.amount_total = sum(amount for state, (_count, amount) in states.items() if state != "cancelled")
            run.letter_count = letters.get(run, 0)
            run.fee_invoice_count = fees.get(run, 0)
            run.line_count = lines.get(run, 0)

    # ------------------------------------------------------------------
    # Selection
    # ------------------------------------------------------------------

    def _prepare(self):
        """Select the items to dun and write the draft communications and their lines.

        Returns the number of communications written.
        """
        self.ensure_one()
        if self.state not in ("draft",):
            raise UserError(_("Only a new dunning run can select items."))
        start = time.monotonic()
        company = self.company_id
        policy_model = self.env["credit.dunning.policy"].sudo().with_company(company)
        default_policy = policy_model._get_default(company)
        policies = policy_model.search([("company_id", "=", company.id)])
        levels = {policy.id: policy._levels_by_rank() for policy in policies}
        delays = {policy_id: policy_levels.mapped("delay_days") for policy_id, policy_levels in levels.items()}
        level_ids = {policy_id: policy_levels.ids for policy_id, policy_levels in levels.items()}
        self.env.flush_all()
        rows = self._select_items(company, self.date, default_policy, policies)
        decisions = defaultdict(list)  # partner id -> [(row, rank)]
        for row in rows:
            overdue = days_overdue(as_date(row.due), self.date)
            rank = next_level_rank(delays[row.policy_id], overdue, row.last_rank, row.broken)
            if rank:
                decisions[row.partner_id].append((row, rank, overdue))
        charges = self._charges(decisions, policies, levels)
        created = 0
        for partner_ids in split_every(PREPARE_BATCH_SIZE, sorted(decisions)):
            created += self._write_communications(partner_ids, decisions, level_ids, charges)
        self.write({"state": "previewed", "duration": self.duration + time.monotonic() - start})
        _logger.info(
            "credit_control: dunning run %s selected %s items of %s customers in %.2f s",
            self.name,
            sum(len(items) for items in decisions.values()),
            created,
            time.monotonic() - start,
        )
        return created

    @api.model
    def _select_items(self, company, run_date, default_policy, policies):
        """Open receivable items that reach a level not sent yet, in three set-based queries.

        1. the customers with open items old enough for a first level, with their policy (own
           or company default), dispute flag and promise to pay (company-dependent values);
        2. which of their promises to pay are broken (only customers whose promise is due);
        3. the items of the customers not paused, each with the highest level already sent (or
           being sent) and whether its invoice's promise is broken, keeping only the items whose
           next level is due (or whose promise is broken): a daily run reads few rows.

        The customers' own values are resolved first and passed as arrays, which PostgreSQL
        estimates exactly (a single query joining them was planned as a nested loop).
        """
        account_ids = self.env["credit.exposure"]._receivable_account_ids()
        levels = {policy.id: policy._levels_by_rank() for policy in policies}
        min_delay = min(policies.level_ids.mapped("delay_days") or [0])
        customers = self._select_customers(company, run_date, default_policy, policies, account_ids, min_delay)
        paused = {partner_id for partner_id, (_policy, paused, _promise) in customers.items() if paused}
        broken = self._broken_customer_promises(
            company, run_date, account_ids, {pid: promise for pid, (_po, _pa, promise) in customers.items() if promise}
        )
        partner_ids = [partner_id for partner_id in customers if partner_id not in paused]
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
                   aml.amount_residual, COALESCE(last.rank, 0),
                   (pp.broken
                    OR (m.credit_promise_date < %(date)s
                        AND m.amount_residual > COALESCE(m.credit_promise_residual, 0)
                                                - COALESCE(m.credit_promise_amount, 0) + 0.005))
              FROM unnest(%(partner_ids)s::int[], %(policy_ids)s::int[], %(policy_index)s::int[], %(broken)s::bool[])
                   AS pp(partner_id, policy_id, policy_index, broken)
              JOIN res_partner p ON p.commercial_partner_id = pp.partner_id
              JOIN account_move_line aml ON aml.partner_id = p.id
              JOIN account_move m ON m.id = aml.move_id
         LEFT JOIN LATERAL (
                    SELECT MAX(lv.rank) AS rank
                      FROM credit_dunning_line dl
                      JOIN credit_dunning_level lv ON lv.id = dl.level_id
                     WHERE dl.move_line_id = aml.id AND NOT dl.excluded AND dl.state <> 'cancelled'
                   ) last ON TRUE
             WHERE aml.account_id = ANY(%(account_ids)s)
               AND aml.company_id = %(company_id)s
               AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE
               AND aml.amount_residual > 0
               AND COALESCE(aml.date_maturity, aml.date) <= %(date)s::date - %(min_delay)s
               AND m.credit_dunning_dispute IS NOT TRUE
               AND (m.credit_promise_date IS NULL OR m.credit_promise_date < %(date)s)
               AND (%(delays)s::int[])[pp.policy_index][COALESCE(last.rank, 0) + 1] IS NOT NULL
               AND (COALESCE(aml.date_maturity, aml.date)
                        + (%(delays)s::int[])[pp.policy_index][COALESCE(last.rank, 0) + 1] <= %(date)s
                    OR pp.broken
                    OR m.credit_promise_date < %(date)s)
          ORDER BY pp.partner_id, aml.id
            """,
                partner_ids=partner_ids,
                policy_ids=[customers[partner_id][0] for partner_id in partner_ids],
                broken=[partner_id in broken for partner_id in partner_ids],
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
    def _select_customers(self, company, run_date, default_policy, policies, account_ids, min_delay):
        """{commercial partner id: (policy id, paused, promise)} of the customers with open items
        due early enough for a first level; paused: disputed or promised to pay later; promise:
        (date, amount, since) of a promise whose date has passed, else None."""
        key = str(company.id)
        self.env.cr.execute(
            SQL(
                """
            SELECT cp.id,
                   CASE WHEN (cp.credit_dunning_policy_id ->> %(key)s)::int = ANY(%(policy_ids)s)
                        THEN (cp.credit_dunning_policy_id ->> %(key)s)::int
                        ELSE %(default_policy)s END,
                   COALESCE((cp.credit_dunning_dispute ->> %(key)s)::boolean, FALSE),
                   (cp.credit_promise_date ->> %(key)s)::date,
                   COALESCE((cp.credit_promise_amount ->> %(key)s)::numeric, 0),
                   COALESCE((cp.credit_promise_since ->> %(key)s)::date, (cp.credit_promise_date ->> %(key)s)::date)
              FROM res_partner cp
             WHERE cp.id IN (SELECT p.commercial_partner_id
                               FROM account_move_line aml
                               JOIN res_partner p ON p.id = aml.partner_id
                              WHERE aml.account_id = ANY(%(account_ids)s)
                                AND aml.company_id = %(company_id)s
                                AND aml.parent_state = 'posted'
                                AND aml.reconciled IS NOT TRUE
                                AND aml.amount_residual > 0
                                AND COALESCE(aml.date_maturity, aml.date) <= %(date)s::date - %(min_delay)s)
            """,
                key=key,
                policy_ids=policies.ids,
                default_policy=default_policy.id,
                account_ids=account_ids,
                company_id=company.id,
                date=run_date,
                min_delay=min_delay,
            )
        )
        customers = {}
        for partner_id, policy_id, disputed, promise_date, amount, since in self.env.cr.fetchall():
            active_promise = bool(promise_date and promise_date >= run_date)
            due_promise = (promise_date, amount, since) if promise_date and not active_promise and amount else None
            customers[partner_id] = (policy_id, disputed or active_promise, due_promise)
        return customers

    @api.model
    def _broken_customer_promises(self, company, run_date, account_ids, promises):
        """The customers among ``promises`` ({partner id: (date, amount, since)}) that paid less
        than they promised since they promised it (payments and credit notes count)."""
        if not promises:
            return set()
        partner_ids = list(promises)
        self.env.cr.execute(
            SQL(
                """
            SELECT pr.partner_id, COALESCE(SUM(-aml.balance), 0)
              FROM unnest(%(partner_ids)s::int[], %(since)s::date[]) AS pr(partner_id, since)
              JOIN res_partner mp ON mp.commercial_partner_id = pr.partner_id
         LEFT JOIN account_move_line aml
                ON aml.partner_id = mp.id
               AND aml.account_id = ANY(%(account_ids)s)
               AND aml.company_id = %(company_id)s
               AND aml.parent_state = 'posted'
               AND aml.balance < 0
               AND aml.date >= pr.since
          GROUP BY pr.partner_id
            """,
                partner_ids=partner_ids,
                since=[promises[partner_id][2] for partner_id in partner_ids],
                account_ids=account_ids,
                company_id=company.id,
            )
        )
        paid = dict(self.env.cr.fetchall())
        return {
            partner_id
            for partner_id, (promise_date, amount, _since) in promises.items()
            if promise_state(promise_date, float(amount), paid.get(partner_id, 0.0), run_date) == PROMISE_BROKEN
        }

    def _charges(self, decisions, policies, levels):
        """{move line id: (interest days, interest, compensation)} for policies charging fees."""
        charging = {policy.id: policy for policy in policies if policy.charge_fees}
        if not charging:
            return {}
        items = [
            (row, rank, overdue)
            for partner_items in decisions.values()
            for row, rank, overdue in partner_items
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
        digits = self.company_id.currency_id.decimal_places
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

    def _write_communications(self, partner_ids, decisions, level_ids, charges):
        """One draft communication per customer at its highest level, and its lines (SQL)."""
        comm_values = []
        for partner_id in partner_ids:
            items = decisions[partner_id]
            policy_id = items[0][0].policy_id
            rank = communication_rank(rank for _row, rank, _overdue in items)
            comm_values.append((partner_id, policy_id, level_ids[policy_id][rank - 1], rank))
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO credit_dunning_communication
                   (run_id, company_id, partner_id, policy_id, level_id, level_rank, date, state,
                    amount_due, attempt_count, broken_promise, create_uid, create_date, write_uid, write_date)
            SELECT %(run_id)s, %(company_id)s, d.partner_id, d.policy_id, d.level_id, d.level_rank, %(date)s,
                   'draft', 0, 0, FALSE, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM unnest(%(partner_ids)s::int[], %(policy_ids)s::int[], %(level_ids)s::int[],
                          %(ranks)s::int[]) AS d(partner_id, policy_id, level_id, level_rank)
         RETURNING id, partner_id
            """,
                run_id=self.id,
                company_id=self.company_id.id,
                date=self.date,
                uid=self.env.uid,
                partner_ids=[value[0] for value in comm_values],
                policy_ids=[value[1] for value in comm_values],
                level_ids=[value[2] for value in comm_values],
                ranks=[value[3] for value in comm_values],
            )
        )
        communication_of = {partner_id: comm_id for comm_id, partner_id in self.env.cr.fetchall()}
        keys = ("aml_id", "comm_id", "level_id", "rank", "overdue", "broken", "interest_days", "interest")
        keys += ("compensation",)
        rows = []
        for partner_id in partner_ids:
            comm_id = communication_of[partner_id]
            for row, rank, overdue in decisions[partner_id]:
                days, interest, compensation = charges.get(row.aml_id, (0, 0.0, 0.0))
                rows.append(
                    (
                        row.aml_id,
                        comm_id,
                        level_ids[row.policy_id][rank - 1],
                        rank,
                        overdue,
                        bool(row.broken),
                        days,
                        interest,
                        compensation,
                    )
                )
        line_values = dict(zip(keys, (list(column) for column in zip(*rows, strict=True)), strict=True))
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO credit_dunning_line
                   (communication_id, run_id, partner_id, company_id, move_line_id, move_id, level_id, level_rank,
                    date, date_maturity, days_overdue, amount_residual, amount_residual_currency, currency_id,
                    excluded, state, broken_promise, interest_days, interest_amount, compensation_amount,
                    create_uid, create_date, write_uid, write_date)
            SELECT d.comm_id, %(run_id)s, c.partner_id, %(company_id)s, aml.id, aml.move_id, d.level_id, d.rank,
                   %(date)s, COALESCE(aml.date_maturity, aml.date), d.overdue, aml.amount_residual,
                   aml.amount_residual_currency, aml.currency_id, FALSE, 'draft', d.broken, d.interest_days,
                   d.interest, d.compensation,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM unnest(%(aml_ids)s::int[], %(comm_ids)s::int[], %(level_ids)s::int[], %(ranks)s::int[],
                          %(overdue)s::int[], %(broken)s::bool[], %(interest_days)s::int[],
                          %(interest)s::numeric[], %(compensation)s::numeric[])
                   AS d(aml_id, comm_id, level_id, rank, overdue, broken, interest_days, interest, compensation)
              JOIN account_move_line aml ON aml.id = d.aml_id
              JOIN credit_dunning_communication c ON c.id = d.comm_id
                ON CONFLICT (move_line_id, level_id) WHERE NOT excluded AND state <> 'cancelled' DO NOTHING
            """,
                run_id=self.id,
                company_id=self.company_id.id,
                date=self.date,
                uid=self.env.uid,
                aml_ids=line_values["aml_id"],
                comm_ids=line_values["comm_id"],
                level_ids=line_values["level_id"],
                ranks=line_values["rank"],
                overdue=line_values["overdue"],
                broken=line_values["broken"],
                interest_days=line_values["interest_days"],
                interest=line_values["interest"],
                compensation=line_values["compensation"],
            )
        )
        # an overlapping run may have taken some items first: drop what is left empty
        self.env.cr.execute(
            SQL(
                """
            DELETE FROM credit_dunning_communication c
             WHERE c.id = ANY(%s)
               AND NOT EXISTS (SELECT 1 FROM credit_dunning_line l WHERE l.communication_id = c.id)
            """,
                list(communication_of.values()),
            )
        )
        self.env["credit.dunning.communication"].invalidate_model()
        self.env["credit.dunning.line"].invalidate_model()
        self.invalidate_recordset(["communication_ids", "line_ids"])
        communications = self.env["credit.dunning.communication"].browse(communication_of.values()).exists()
        communications._refresh_from_lines()
        return len(communications)

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _pending_communications(self, retry_failed=True):
        states = ["draft", "failed"] if retry_failed else ["draft"]
        domain = [("run_id", "=", self.id), ("state", "in", states)]
        if retry_failed:
            domain = [*domain, "|", ("state", "=", "draft"), ("attempt_count", "<", MAX_ATTEMPTS)]
        return self.env["credit.dunning.communication"].search(domain, order="id")

    def _execute(self, batch_size=SEND_BATCH_SIZE, max_batches=None, time_budget=None):
        """Send the run's communications not sent yet, in batches; returns how many were handled.

        Each batch runs in a savepoint: a crash in the middle of a batch leaves that batch
        untouched (as a killed worker would), the run is marked failed with the error, and
        calling ``_execute`` again goes on where it stopped — sent communications are never
        sent twice. ``max_batches`` and ``time_budget`` (seconds) bound the work of one call:
        the cron sends batches for a while per call and Odoo commits between calls; the wizard
        sends everything at once.
        """
        self.ensure_one()
        if self.state in ("done", "cancelled"):
            return 0
        start = time.monotonic()
        self.write(
            {
                "state": "running",
                "error": False,
                "started_at": self.started_at or fields.Datetime.now(),
                "last_attempt_date": fields.Date.context_today(self),
            }
        )
        pending = self._pending_communications()
        handled = 0
        try:
            for batch_number, batch_ids in enumerate(split_every(batch_size, pending.ids), 1):
                with self.env.cr.savepoint():
                    communications = self._lock_pending(batch_ids)
                    communications._refresh_from_lines()
                    communications._send_all(communications._prerender_pdfs())
                    self.env.flush_all()
                handled += len(batch_ids)
                if max_batches and batch_number >= max_batches:
                    break
                if time_budget and time.monotonic() - start >= time_budget:
                    break
        except Exception as error:
            _logger.exception("credit_control: dunning run %s stopped", self.name)
            self.write(
                {
                    "state": "failed",
                    "error": _("Stopped after %(count)s communications: %(error)s", count=handled, error=str(error)),
                    "duration": self.duration + time.monotonic() - start,
                }
            )
            return handled
        self._finish(time.monotonic() - start)
        return handled

    def _lock_pending(self, communication_ids):
        """Lock the batch's communications still to send; skip those another transaction sends."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            SELECT id FROM credit_dunning_communication
             WHERE id = ANY(%s) AND state IN ('draft', 'failed')
          ORDER BY id
               FOR NO KEY UPDATE SKIP LOCKED
            """,
                list(communication_ids),
            )
        )
        return self.env["credit.dunning.communication"].browse([row[0] for row in self.env.cr.fetchall()])

    def _finish(self, elapsed):
        self.invalidate_recordset()
        vals = {"duration": self.duration + elapsed}
        if self._pending_communications(retry_failed=False):
            pass  # drafts left for the next call (cron batches)
        elif self.failed_count:
            vals.update(
                {
                    "state": "failed",
                    "error": _("%(count)s communications failed: see their errors.", count=self.failed_count),
                    "finished_at": fields.Datetime.now(),
                }
            )
        else:
            vals.update({"state": "done", "finished_at": fields.Datetime.now()})
        self.write(vals)
        self.env["res.partner"].invalidate_model(["credit_dunning_hold_level_id", "credit_dunning_level_id"])

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_can_run(self):
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("account.group_account_invoice")
            or user.has_group("credit_control.group_credit_manager")
        ):
            raise UserError(_("Only accountants and credit managers can run dunning."))

    def action_send(self):
        """Send the previewed communications now (the lines left included)."""
        self._check_can_run()
        for run in self:
            if run.state not in ("previewed", "failed", "running"):
                raise UserError(_("The dunning run %(name)s has nothing to send.", name=run.name))
            run._execute()
        return True

    def action_cancel(self):
        """Drop the communications not sent: their items will be selected again by a later run."""
        self._check_can_run()
        for run in self:
            if run.state in ("done", "cancelled"):
                raise UserError(_("The dunning run %(name)s is finished: it cannot be cancelled.", name=run.name))
            run.communication_ids.filtered(lambda comm: comm.state in ("draft", "failed")).write({"state": "cancelled"})
            run.invalidate_recordset(["sent_count"])
            run.state = "cancelled" if not run.sent_count else "done"
        return True

    def action_view_communications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_dunning_communication")
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_fee_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Fee Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.communication_ids.fee_move_id.ids)],
            "context": {"create": False, "default_move_type": "out_invoice"},
        }

    def action_print_letters(self):
        self.ensure_one()
        letters = self.communication_ids.filtered("channel_letter")
        if not letters:
            raise UserError(_("This dunning run has no letter to print."))
        return self.env.ref("credit_control.action_report_credit_dunning_letter").report_action(letters)

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_dunning(self):
        """Daily: one run per company, sent for a while per call.

        Odoo commits after each call and calls again while work remains, so a crash loses
        one batch at most, and the next call (or the next day) resumes the run.
        """
        today = fields.Date.context_today(self)
        deadline = time.monotonic() + CRON_SECONDS_PER_CALL
        done = remaining = 0
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            runs = self.sudo().with_company(company)
            runs._cancel_stale_previews(company, today)
            runs.env["credit.dunning.communication"]._fallback_undelivered(company)
            to_send = runs.search(
                [
                    ("company_id", "=", company.id),
                    "|",
                    "|",
                    ("state", "=", "running"),
                    "&",
                    ("state", "=", "previewed"),
                    ("trigger", "=", "cron"),
                    "&",
                    ("state", "=", "failed"),
                    ("last_attempt_date", "<", today),
                ]
            )
            if not to_send and not runs.search_count(
                [("company_id", "=", company.id), ("date", "=", today), ("state", "not in", ("draft", "cancelled"))]
            ):
                run = runs.create({"company_id": company.id, "date": today, "trigger": "cron"})
                if run._prepare():
                    to_send = run
                else:
                    run._finish(0.0)
            for run in to_send:
                time_left = deadline - time.monotonic()
                if time_left > 0 or not done:  # at least one batch per call, so that work goes on
                    done += run._execute(batch_size=CRON_BATCH_SIZE, time_budget=max(time_left, 0.001))
                if run.state in ("previewed", "running"):
                    remaining += len(run._pending_communications())
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _cancel_stale_previews(self, company, today):
        """Previews left unsent on an earlier day free their items for today's run."""
        stale = self.search([("company_id", "=", company.id), ("state", "=", "previewed"), ("date", "<", today)])
        for run in stale:
            run.communication_ids.filtered(lambda comm: comm.state == "draft").write({"state": "cancelled"})
            run.write({"state": "cancelled", "error": _("Preview not sent on its day: cancelled.")})
