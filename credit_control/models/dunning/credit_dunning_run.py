import logging
import time
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ...lib.dunning import communication_rank
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
# The job channel of the sending batches (credit_control_queue).
DUNNING_CHANNEL = "root.credit_control.dunning"
# Customers whose communications and lines are written per INSERT.
PREPARE_BATCH_SIZE = 5000


class CreditDunningRun(models.Model):
    """One dunning pass over a company's overdue items on a date.

    The run has the selection engine (``credit.dunning.selection``) select the items and
    decide each item's level (one level at a time), writes one communication per customer at
    the highest level of its items (draft), and sends them in batches. It can be re-run or resumed at any time: a
    level already sent for an item (or being sent) is never selected again, and sent
    communications are never sent again.
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

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

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
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("credit.dunning.run") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send(self):
        """Send the previewed communications now (the lines left included)."""
        self._ensure_can_run()
        for run in self:
            if run.state not in ("previewed", "failed", "running"):
                raise UserError(_("The dunning run %(name)s has nothing to send.", name=run.name))
            run._execute()
        return True

    def action_cancel(self):
        """Drop the communications not sent: their items will be selected again by a later run."""
        self._ensure_can_run()
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
    # Business methods: selection
    # ------------------------------------------------------------------

    def _ensure_can_run(self):
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("account.group_account_invoice")
            or user.has_group("credit_control.group_credit_manager")
        ):
            raise UserError(_("Only accountants and credit managers can run dunning."))

    def _prepare(self):
        """Select the items to dun (``credit.dunning.selection``) and write the draft
        communications and their lines.

        Returns the number of communications written.
        """
        self.ensure_one()
        if self.state not in ("draft",):
            raise UserError(_("Only a new dunning run can select items."))
        start = time.monotonic()
        selection = self.env["credit.dunning.selection"]._select(self.company_id, self.date)
        self.flush_recordset()
        decisions = selection.decisions
        created = 0
        for partner_ids in split_every(PREPARE_BATCH_SIZE, sorted(decisions)):
            created += self._write_communications(partner_ids, decisions, selection.level_ids, selection.charges)
        self.write({"state": "previewed", "duration": self.duration + time.monotonic() - start})
        _logger.info(
            "credit_control: dunning run %s selected %s items of %s customers in %.2f s",
            self.name,
            sum(len(items) for items in decisions.values()),
            created,
            time.monotonic() - start,
        )
        return created

    def _write_communications(self, partner_ids, decisions, level_ids, charges):
        """One draft communication per customer at its highest level, and its lines (SQL)."""
        comm_values = []
        for partner_id in partner_ids:
            items = decisions[partner_id]
            policy_id = items[0][0].policy_id
            rank = communication_rank(rank for _row, rank, _overdue, _reached in items)
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
        keys += ("compensation", "reached_level_id")
        rows = []
        for partner_id in partner_ids:
            comm_id = communication_of[partner_id]
            for row, rank, overdue, reached in decisions[partner_id]:
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
                        level_ids[row.policy_id][reached - 1],
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
                    reached_level_id, create_uid, create_date, write_uid, write_date)
            SELECT d.comm_id, %(run_id)s, c.partner_id, %(company_id)s, aml.id, aml.move_id, d.level_id, d.rank,
                   %(date)s, COALESCE(aml.date_maturity, aml.date), d.overdue, aml.amount_residual,
                   aml.amount_residual_currency, aml.currency_id, FALSE, 'draft', d.broken, d.interest_days,
                   d.interest, d.compensation, d.reached_level_id,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM unnest(%(aml_ids)s::int[], %(comm_ids)s::int[], %(level_ids)s::int[], %(ranks)s::int[],
                          %(overdue)s::int[], %(broken)s::bool[], %(interest_days)s::int[],
                          %(interest)s::numeric[], %(compensation)s::numeric[], %(reached_level_ids)s::int[])
                   AS d(aml_id, comm_id, level_id, rank, overdue, broken, interest_days, interest, compensation,
                        reached_level_id)
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
                reached_level_ids=line_values["reached_level_id"],
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
    # Business methods: sending
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
        drafts = len(self._pending_communications(retry_failed=False))
        try:
            handled = self.env["credit.batch"]._credit_run_batches(
                pending,
                "_send_batch",
                batch_size,
                DUNNING_CHANNEL,
                max_batches=max_batches,
                time_budget=time_budget,
            )
        except Exception as error:
            _logger.exception("credit_control: dunning run %s stopped", self.name)
            # the batches done before the crash: their communications are no longer drafts
            handled = drafts - len(self._pending_communications(retry_failed=False))
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
        self.env["credit.dunning.communication"].flush_model(["state"])
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
    # Business methods: cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_dunning(self):
        """Daily: one run per company, sent for a while per call.

        Odoo commits after each call and calls again while work remains, so a crash loses
        one batch at most, and the next call (or the next day) resumes the run.
        """
        today = fields.Date.context_today(self)
        deadline = time.monotonic() + CRON_SECONDS_PER_CALL
        in_jobs = self.env["credit.batch"]._credit_jobs_enabled()
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
                if run.state in ("previewed", "running") and not in_jobs:  # jobs send the rest
                    remaining += len(run._pending_communications())
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _cancel_stale_previews(self, company, today):
        """Previews left unsent on an earlier day free their items for today's run."""
        stale = self.search([("company_id", "=", company.id), ("state", "=", "previewed"), ("date", "<", today)])
        for run in stale:
            run.communication_ids.filtered(lambda comm: comm.state == "draft").write({"state": "cancelled"})
            run.write({"state": "cancelled", "error": _("Preview not sent on its day: cancelled.")})
