from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from ...lib.collections import ROLE_CHAIN, first_matching, priority, role_index

ROLES = [
    ("salesperson", "Salesperson"),
    ("collector", "Collector"),
    ("finance_manager", "Finance manager"),
    ("general_manager", "General manager"),
]
OUTCOMES = [
    ("reached", "Reached"),
    ("no_answer", "No answer"),
    ("wrong_number", "Wrong number"),
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("paid", "Says paid"),
    ("refused", "Refused to pay"),
]
TASK_STATES = [("open", "To Do"), ("done", "Done")]
# customers written per INSERT/UPDATE statement of a refresh
REFRESH_BATCH = 5000


class CreditCollectionTask(models.Model):
    """One customer to act on in a company: the collectors' worklist.

    Written by ``_refresh`` only, set-based: one query reads the overdue figures of every
    customer (or of the customers a payment touched), a few more their dunning level, grade,
    broken promises and collector; the priority and the person who acts are computed by
    ``lib/collections.py``; then one INSERT and one UPDATE per batch write the tasks, and one
    UPDATE closes the tasks of customers no longer overdue.
    """

    _name = "credit.collection.task"
    _description = "Collection Task"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, id"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(TASK_STATES, default="open", required=True, readonly=True, index=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        readonly=True,
        index=True,
        tracking=True,
        help="Who acts now: the role of the dunning level reached, moved up by escalations.",
    )
    collector_id = fields.Many2one("res.users", readonly=True, index=True)
    role = fields.Selection(ROLES, readonly=True, tracking=True)
    role_date = fields.Date(string="Role Since", readonly=True)
    escalation_step = fields.Integer(
        readonly=True, help="Roles climbed above the dunning level's: no response, refusal or a broken promise."
    )
    priority = fields.Float(readonly=True, digits=(16, 2), aggregator="max")
    amount_overdue = fields.Monetary(string="Overdue", readonly=True, currency_field="currency_id")
    amount_balance = fields.Monetary(string="Balance", readonly=True, currency_field="currency_id")
    amount_1_30 = fields.Monetary(string="1-30", readonly=True, currency_field="currency_id")
    amount_31_60 = fields.Monetary(string="31-60", readonly=True, currency_field="currency_id")
    amount_61_90 = fields.Monetary(string="61-90", readonly=True, currency_field="currency_id")
    amount_over_90 = fields.Monetary(string="Over 90", readonly=True, currency_field="currency_id")
    days_overdue = fields.Integer(readonly=True, help="Days since the oldest overdue due date.")
    level_id = fields.Many2one("credit.dunning.level", string="Dunning Level", readonly=True)
    final_level = fields.Boolean(string="Final Level Reached", readonly=True)
    broken_promise_count = fields.Integer(string="Broken Promises", readonly=True, help="In the last 12 months.")
    grade = fields.Char(readonly=True)
    next_action_date = fields.Date(tracking=True)
    last_contact_date = fields.Date(readonly=True)
    last_outcome = fields.Selection(OUTCOMES, readonly=True)
    date_closed = fields.Date(readonly=True)
    contact_ids = fields.One2many("credit.collection.contact", "task_id", string="Contacts", readonly=True)
    promise_ids = fields.One2many(
        "credit.promise", compute="_compute_promise_ids", string="Promises to Pay", compute_sudo=True
    )

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS credit_collection_task_open_uniq "
                "ON credit_collection_task (company_id, partner_id) WHERE state = 'open'"
            )
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    def _compute_promise_ids(self):
        promises = self.env["credit.promise"].search(
            [("partner_id", "in", self.partner_id.ids), ("company_id", "in", self.company_id.ids)]
        )
        for task in self:
            task.promise_ids = promises.filtered(
                lambda promise, task=task: (
                    promise.partner_id == task.partner_id and promise.company_id == task.company_id
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_log_contact(self):
        """The one-click contact dialog (outcome, note, next action)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Log a Contact"),
            "res_model": "credit.collection.log.contact",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_task_id": self.id},
        }

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_refresh(self):
        """Read the figures of these customers again now."""
        for company in self.company_id:
            self._refresh(
                company, self.filtered(lambda task, company=company: task.company_id == company).partner_id.ids
            )
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _cron_refresh(self):
        """Daily: escalate the tasks left without response, then refresh every company's worklist."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            task_model = self.sudo().with_company(company)
            task_model._escalate_silent(company, today)
            task_model._refresh(company, today=today)

    @api.model
    def _escalate_silent(self, company, today):
        """Move up one role the open tasks whose person logged no contact within the company's
        escalation days (one UPDATE); returns the customers moved."""
        days = company.credit_collection_escalation_days
        if days <= 0:
            return []
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
            UPDATE credit_collection_task
               SET escalation_step = escalation_step + 1, write_date = NOW() AT TIME ZONE 'UTC'
             WHERE company_id = %(company_id)s
               AND state = 'open'
               AND role <> %(last_role)s
               AND role_date <= %(limit)s
               AND (last_contact_date IS NULL OR last_contact_date < role_date)
               AND (next_action_date IS NULL OR next_action_date <= %(today)s)
         RETURNING partner_id
            """,
                company_id=company.id,
                last_role=ROLE_CHAIN[-1],
                limit=today - timedelta(days=days),
                today=today,
            )
        )
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model(["escalation_step"])
        return partner_ids

    @api.model
    def _escalate(self, company, partner_ids):
        """Move the open tasks of ``partner_ids`` up one role now (refusal, broken promise)."""
        if not partner_ids:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
            UPDATE credit_collection_task
               SET escalation_step = escalation_step + 1, write_date = NOW() AT TIME ZONE 'UTC'
             WHERE company_id = %(company_id)s AND state = 'open' AND partner_id = ANY(%(partner_ids)s)
            """,
                company_id=company.id,
                partner_ids=list(partner_ids),
            )
        )
        self.invalidate_model(["escalation_step"])

    @api.model
    def _refresh(self, company, partner_ids=None, today=None):
        """Open, update or close the worklist tasks of ``company`` (of ``partner_ids`` only, or
        of every customer with ``None``). Returns the open tasks of the call."""
        today = today or fields.Date.context_today(self)
        if partner_ids is not None and not partner_ids:
            return self.browse()
        figures = self._read_figures(company, partner_ids, today)
        overdue_ids = list(figures)
        levels = self.env["credit.dunning.line"].sudo()._open_levels(company, overdue_ids) if overdue_ids else {}
        grades = self.env["credit.score"].sudo()._current_grades(overdue_ids, company) if overdue_ids else {}
        broken = self._broken_promise_counts(company, overdue_ids, today)
        facts = self._partner_facts(company, overdue_ids)
        existing = self._open_tasks(company, overdue_ids)
        level_records = self.env["credit.dunning.level"].sudo().browse({value[0] for value in levels.values()})
        level_info = {
            level.id: (level.escalation_target, level.rank == len(level.policy_id.level_ids)) for level in level_records
        }
        rules = self.env["credit.collection.rule"]._rules_for(company)
        weights = (
            company.credit_collection_weight_amount,
            company.credit_collection_weight_broken,
            company.credit_collection_weight_final,
        )
        resolver = self._role_resolver(company)
        inserts, updates, moved = [], [], []
        for partner_id, row in figures.items():
            level_id = levels.get(partner_id, (False,))[0] or None
            target, final = level_info.get(level_id, (None, False))
            grade = (grades.get(partner_id) or (None,))[0]
            fact = facts.get(partner_id, {})
            collector = fact.get("collector") or first_matching(
                rules,
                {
                    "team_id": fact.get("team_id"),
                    "country_id": fact.get("country_id"),
                    "grade": grade,
                    "amount": row["overdue"],
                },
            )
            task = existing.get(partner_id)
            step = task["escalation_step"] if task else 0
            role = ROLE_CHAIN[role_index(target, step)]
            user_id = resolver(role, target, level_id, fact, collector)
            values = (
                partner_id,
                user_id,
                collector,
                role,
                priority(row["weighted"], grade, broken.get(partner_id, 0), final, weights),
                row["overdue"],
                row["balance"],
                row["b1"],
                row["b2"],
                row["b3"],
                row["b4"],
                row["days"],
                level_id,
                final,
                broken.get(partner_id, 0),
                grade,
            )
            if task:
                role_changed = task["role"] != role
                updates.append((task["id"], role_changed, *values))
                if task["user_id"] != user_id:
                    moved.append((task["id"], user_id, role))
            else:
                inserts.append(values)
        for start in range(0, len(inserts), REFRESH_BATCH):
            self._insert_tasks(company, inserts[start : start + REFRESH_BATCH], today)
        for start in range(0, len(updates), REFRESH_BATCH):
            self._update_tasks(updates[start : start + REFRESH_BATCH], today)
        closed = self._close_tasks(company, partner_ids, overdue_ids, today)
        self.invalidate_model()
        if moved:
            self._move_activities(moved)
        if closed:
            self.browse(closed)._post_closed()
        return self.search([("company_id", "=", company.id), ("partner_id", "in", overdue_ids), ("state", "=", "open")])

    @api.model
    def _read_figures(self, company, partner_ids, today):
        """{commercial partner id: figures} of the customers owing an overdue amount (net of their
        unapplied payments and credit notes) of at least the company's minimum, in one query."""
        self.env["credit.exposure"]._flush_figure_models()
        partner_filter = (
            SQL("TRUE") if partner_ids is None else SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids))
        )
        self.env.cr.execute(
            SQL(
                """
            WITH items AS (
                SELECT p.commercial_partner_id AS partner_id, aml.amount_residual AS residual,
                       %(today)s::date - COALESCE(aml.date_maturity, aml.date) AS days
                  FROM account_move_line aml
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.account_id = ANY(%(account_ids)s)
                   AND aml.company_id = %(company_id)s
                   AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE
                   AND %(partner_filter)s
            )
            SELECT partner_id,
                   SUM(residual),
                   COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND days > 0), 0),
                   COALESCE(SUM(residual * (1 + days / 30.0)) FILTER (WHERE residual > 0 AND days > 0), 0),
                   COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND days BETWEEN 1 AND 30), 0),
                   COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND days BETWEEN 31 AND 60), 0),
                   COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND days BETWEEN 61 AND 90), 0),
                   COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND days > 90), 0),
                   COALESCE(MAX(days) FILTER (WHERE residual > 0 AND days > 0), 0)
              FROM items
             WHERE partner_id IS NOT NULL
          GROUP BY partner_id
            HAVING LEAST(COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND days > 0), 0), SUM(residual)) > 0
               AND LEAST(COALESCE(SUM(residual) FILTER (WHERE residual > 0 AND days > 0), 0), SUM(residual))
                   >= %(min_amount)s
            """,
                today=today,
                account_ids=self.env["credit.exposure"]._receivable_account_ids(),
                company_id=company.id,
                partner_filter=partner_filter,
                min_amount=company.credit_collection_min_amount or 0.0,
            )
        )
        figures = {}
        for partner_id, balance, overdue, weighted, b1, b2, b3, b4, days in self.env.cr.fetchall():
            figures[partner_id] = {
                "balance": float(balance),
                "overdue": min(float(overdue), float(balance)),
                "weighted": float(weighted),
                "b1": float(b1),
                "b2": float(b2),
                "b3": float(b3),
                "b4": float(b4),
                "days": days,
            }
        return figures

    @api.model
    def _broken_promise_counts(self, company, partner_ids, today):
        """{commercial partner id: promises broken in the last 12 months}, one query."""
        if not partner_ids:
            return {}
        self.env["credit.promise"].flush_model(["partner_id", "company_id", "state", "date"])
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, COUNT(*) FROM credit_promise
             WHERE company_id = %(company_id)s AND partner_id = ANY(%(partner_ids)s)
               AND state = 'broken' AND date >= %(since)s
          GROUP BY partner_id
            """,
                company_id=company.id,
                partner_ids=list(partner_ids),
                since=today - timedelta(days=365),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _partner_facts(self, company, partner_ids):
        """{commercial partner id: salesperson, sales team (the salesperson's), country, collector}, one query."""
        if not partner_ids:
            return {}
        self.env["res.partner"].flush_model(["user_id", "country_id", "credit_collector_id"])
        self.env["res.users"].flush_model(["sale_team_id"])
        self.env.cr.execute(
            SQL(
                """
            SELECT p.id, p.user_id, u.sale_team_id, p.country_id, (p.credit_collector_id ->> %(key)s)::int
              FROM res_partner p
         LEFT JOIN res_users u ON u.id = p.user_id
             WHERE p.id = ANY(%(partner_ids)s)
            """,
                key=str(company.id),
                partner_ids=list(partner_ids),
            )
        )
        return {
            partner_id: {"user_id": user_id, "team_id": team_id, "country_id": country_id, "collector": collector}
            for partner_id, user_id, team_id, country_id, collector in self.env.cr.fetchall()
        }

    @api.model
    def _open_tasks(self, company, partner_ids):
        """{commercial partner id: open task values} of ``partner_ids``, one query."""
        if not partner_ids:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, id, escalation_step, role, user_id FROM credit_collection_task
             WHERE company_id = %(company_id)s AND state = 'open' AND partner_id = ANY(%(partner_ids)s)
            """,
                company_id=company.id,
                partner_ids=list(partner_ids),
            )
        )
        return {
            partner_id: {"id": task_id, "escalation_step": step, "role": role, "user_id": user_id}
            for partner_id, task_id, step, role, user_id in self.env.cr.fetchall()
        }

    @api.model
    def _role_resolver(self, company):
        """A function (role, level target, level id, partner facts, collector) → user id of who acts.

        Reads the few users and policies it needs once; falls back along the chain to someone
        real (the collector, the finance manager, the first credit manager, the administrator).
        """
        first_manager = company._get_credit_managers().filtered(lambda user: not user._is_superuser()).sorted("id")[:1]
        finance = company.credit_collection_finance_manager_id or first_manager
        general = company.credit_collection_general_manager_id or finance
        admin = self.env.ref("base.user_admin")
        levels = {}

        def level_user(level_id, target):
            if level_id not in levels:
                level = self.env["credit.dunning.level"].sudo().browse(level_id)
                if target == "accountant":
                    levels[level_id] = level.policy_id.accountant_id
                elif target == "credit_manager":
                    levels[level_id] = level.policy_id.credit_manager_id or first_manager
                else:
                    levels[level_id] = level.escalation_user_id
            return levels[level_id]

        def resolve(role, target, level_id, fact, collector):
            user = False
            if role == "salesperson":
                user = fact.get("user_id") or collector
            elif role == "collector":
                if level_id and target in ("accountant", "user"):
                    user = level_user(level_id, target).id or collector
                else:
                    user = collector
            elif role == "finance_manager":
                if level_id and target == "credit_manager":
                    user = level_user(level_id, target).id
                user = user or finance.id
            elif role == "general_manager":
                user = general.id
            return user or collector or finance.id or admin.id

        return resolve

    @api.model
    def _insert_tasks(self, company, rows, today):
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO credit_collection_task (
                company_id, state, role_date, escalation_step, create_uid, create_date, write_uid, write_date,
                partner_id, user_id, collector_id, role, priority, amount_overdue, amount_balance,
                amount_1_30, amount_31_60, amount_61_90, amount_over_90, days_overdue, level_id, final_level,
                broken_promise_count, grade)
            SELECT %(company_id)s, 'open', %(today)s, 0, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s,
                   NOW() AT TIME ZONE 'UTC', t.*
              FROM unnest(%(partner)s::int[], %(user)s::int[], %(collector)s::int[], %(role)s::varchar[],
                          %(priority)s::numeric[], %(overdue)s::numeric[], %(balance)s::numeric[],
                          %(b1)s::numeric[], %(b2)s::numeric[], %(b3)s::numeric[], %(b4)s::numeric[],
                          %(days)s::int[], %(level)s::int[], %(final)s::bool[], %(broken)s::int[],
                          %(grade)s::varchar[]) AS t
            """,
                company_id=company.id,
                today=today,
                uid=self.env.uid,
                partner=list(columns[0]),
                user=list(columns[1]),
                collector=list(columns[2]),
                role=list(columns[3]),
                priority=list(columns[4]),
                overdue=list(columns[5]),
                balance=list(columns[6]),
                b1=list(columns[7]),
                b2=list(columns[8]),
                b3=list(columns[9]),
                b4=list(columns[10]),
                days=list(columns[11]),
                level=list(columns[12]),
                final=list(columns[13]),
                broken=list(columns[14]),
                grade=list(columns[15]),
            )
        )

    @api.model
    def _update_tasks(self, rows, today):
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """
            UPDATE credit_collection_task task
               SET user_id = t.user_id, collector_id = t.collector_id, role = t.role,
                   role_date = CASE WHEN t.role_changed THEN %(today)s ELSE task.role_date END,
                   priority = t.priority, amount_overdue = t.overdue, amount_balance = t.balance,
                   amount_1_30 = t.b1, amount_31_60 = t.b2, amount_61_90 = t.b3, amount_over_90 = t.b4,
                   days_overdue = t.days, level_id = t.level_id, final_level = t.final,
                   broken_promise_count = t.broken, grade = t.grade,
                   write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
              FROM unnest(%(id)s::int[], %(role_changed)s::bool[], %(user)s::int[], %(collector)s::int[],
                          %(role)s::varchar[], %(priority)s::numeric[], %(overdue)s::numeric[],
                          %(balance)s::numeric[], %(b1)s::numeric[], %(b2)s::numeric[], %(b3)s::numeric[],
                          %(b4)s::numeric[], %(days)s::int[], %(level)s::int[], %(final)s::bool[],
                          %(broken)s::int[], %(grade)s::varchar[])
                   AS t(id, role_changed, user_id, collector_id, role, priority, overdue, balance, b1, b2, b3, b4,
                        days, level_id, final, broken, grade)
             WHERE task.id = t.id
            """,
                today=today,
                uid=self.env.uid,
                id=list(columns[0]),
                role_changed=list(columns[1]),
                user=list(columns[3]),
                collector=list(columns[4]),
                role=list(columns[5]),
                priority=list(columns[6]),
                overdue=list(columns[7]),
                balance=list(columns[8]),
                b1=list(columns[9]),
                b2=list(columns[10]),
                b3=list(columns[11]),
                b4=list(columns[12]),
                days=list(columns[13]),
                level=list(columns[14]),
                final=list(columns[15]),
                broken=list(columns[16]),
                grade=list(columns[17]),
            )
        )

    @api.model
    def _close_tasks(self, company, partner_ids, overdue_ids, today):
        """Close the open tasks (of ``partner_ids``, or all) whose customer is no longer overdue."""
        partner_filter = SQL("TRUE") if partner_ids is None else SQL("partner_id = ANY(%s)", list(partner_ids))
        self.env.cr.execute(
            SQL(
                """
            UPDATE credit_collection_task
               SET state = 'done', date_closed = %(today)s, amount_overdue = 0, amount_1_30 = 0, amount_31_60 = 0,
                   amount_61_90 = 0, amount_over_90 = 0, days_overdue = 0,
                   write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
             WHERE company_id = %(company_id)s AND state = 'open' AND %(partner_filter)s
               AND partner_id <> ALL(%(overdue_ids)s)
         RETURNING id
            """,
                today=today,
                uid=self.env.uid,
                company_id=company.id,
                partner_filter=partner_filter,
                overdue_ids=list(overdue_ids),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _post_closed(self):
        """Say on each closed task why it closed (logged, no notification)."""
        self._message_log_batch(bodies=dict.fromkeys(self.ids, _("The customer is no longer overdue: task closed.")))

    @api.model
    def _move_activities(self, moved):
        """The task moved to another person: its open activities follow, and the new person gets a
        to-do (escalation), one create for all."""
        by_user = defaultdict(list)
        for task_id, user_id, _role in moved:
            by_user[user_id].append(task_id)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", [task_id for task_id, _u, _r in moved])])
        )
        for user_id, task_ids in by_user.items():
            activities.filtered(lambda activity, task_ids=task_ids: activity.res_id in task_ids).write(
                {"user_id": user_id}
            )
        labels = dict(self._fields["role"]._description_selection(self.env))
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        tasks = self.browse([task_id for task_id, _u, _r in moved])
        vals_list = []
        for (task_id, user_id, role), task in zip(moved, tasks, strict=True):
            if task_id in activities.mapped("res_id"):
                continue
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": task_id,
                    "activity_type_id": todo.id,
                    "user_id": user_id,
                    "summary": _(
                        "Collect as %(role)s: %(customer)s",
                        role=labels.get(role, role),
                        customer=task.partner_id.display_name,
                    ),
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        if vals_list:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
