from odoo import _, fields, models
from odoo.exceptions import UserError

from ...lib.collections import balance_portfolio


class CreditCollectionAssign(models.TransientModel):
    """Rebalance a portfolio: spread the open tasks of some collectors (or those selected) over
    the chosen collectors so their overdue amounts are even, and make them the customers'
    collectors."""

    _name = "credit.collection.assign"
    _description = "Assign Collectors"

    task_ids = fields.Many2many("credit.collection.task", string="Tasks")
    from_user_ids = fields.Many2many(
        "res.users",
        "credit_collection_assign_from_rel",
        string="From Collectors",
        help="Take the open tasks of these collectors (when no task is selected).",
    )
    user_ids = fields.Many2many(
        "res.users",
        "credit_collection_assign_to_rel",
        string="To Collectors",
        required=True,
        domain="[('share', '=', False)]",
    )
    keep_loads = fields.Boolean(
        string="Count Their Current Portfolio",
        default=True,
        help="Give fewer customers to collectors who already carry more overdue.",
    )

    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "credit.collection.task" and self.env.context.get("active_ids"):
            values["task_ids"] = [fields.Command.set(self.env.context["active_ids"])]
        return values

    def action_assign(self):
        self.ensure_one()
        tasks = self.task_ids.filtered(lambda task: task.state == "open")
        if not tasks and self.from_user_ids:
            tasks = self.env["credit.collection.task"].search(
                [("state", "=", "open"), ("collector_id", "in", self.from_user_ids.ids)]
            )
        if not tasks:
            raise UserError(_("Select open worklist tasks, or the collectors whose tasks to spread."))
        collectors = self.user_ids.ids
        loads = {}
        if self.keep_loads:
            groups = self.env["credit.collection.task"]._read_group(
                [("state", "=", "open"), ("collector_id", "in", collectors), ("id", "not in", tasks.ids)],
                ["collector_id"],
                ["amount_overdue:sum"],
            )
            loads = {user.id: amount for user, amount in groups}
        mapping = balance_portfolio([(task.id, task.amount_overdue) for task in tasks], collectors, loads)
        by_company_user = {}
        for task in tasks:
            by_company_user.setdefault((task.company_id, mapping[task.id]), self.env["credit.collection.task"])
            by_company_user[task.company_id, mapping[task.id]] |= task
        for (company, user_id), company_tasks in by_company_user.items():
            company_tasks.partner_id.with_company(company).sudo().write({"credit_collector_id": user_id})
        for company in tasks.company_id:
            company_tasks = tasks.filtered(lambda task, company=company: task.company_id == company)
            self.env["credit.collection.task"].sudo().with_company(company)._refresh(
                company, company_tasks.partner_id.ids
            )
        return {"type": "ir.actions.act_window_close"}
