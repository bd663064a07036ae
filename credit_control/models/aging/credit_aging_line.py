from odoo import fields, models


class CreditAgingLine(models.Model):
    """An open receivable item as of the report's date, with its bucket.

    Rows are written by one SQL statement per report (``credit.aging._fill_report``);
    they are what the list, pivot and graph views show and drill down to.
    """

    _name = "credit.aging.line"
    _description = "Aging Line"
    _order = "report_id, partner_id, days_overdue desc, id"

    report_id = fields.Many2one("credit.aging.report", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", required=True)
    move_id = fields.Many2one("account.move", string="Entry", required=True)
    company_id = fields.Many2one("res.company", required=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    item_currency_id = fields.Many2one("res.currency")
    date = fields.Date()
    date_maturity = fields.Date(string="Due Date")
    days_overdue = fields.Integer()
    bucket_id = fields.Many2one("credit.aging.bucket", required=True, index=True)
    amount = fields.Monetary(string="Open Amount", currency_field="currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson")
    team_id = fields.Many2one("crm.team", string="Sales Team")
    country_id = fields.Many2one("res.country")

    def action_open_move(self):
        self.ensure_one()
        return self.move_id._get_records_action()
