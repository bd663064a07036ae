from odoo import api, models
from odoo.tools import SQL


class CreditAging(models.AbstractModel):
    """Aging lines carry the customer's credit grade as of the report's date."""

    _inherit = "credit.aging"

    @api.model
    def _get_line_columns(self, report):
        self.env["credit.score"].flush_model(["partner_id", "company_id", "grade", "date"])
        grades = SQL(
            """
            LEFT JOIN (
                SELECT DISTINCT ON (partner_id, company_id) partner_id, company_id, grade
                  FROM credit_score
                 WHERE date <= %s
              ORDER BY partner_id, company_id, date DESC, id DESC
            ) g ON g.partner_id = i.partner_id AND g.company_id = i.company_id
            """,
            report.as_of_date,
        )
        return super()._get_line_columns(report) + [("grade", SQL("g.grade"), grades)]
