from odoo import api, fields, models


class CreditAgingReport(models.Model):
    """The aging report filtered by the customers' credit grades."""

    _inherit = "credit.aging.report"

    grades = fields.Char(string="Credit Grades", help="Comma-separated grades, e.g. C,D.")

    @api.depends("user_ids", "team_ids", "country_ids", "item_currency_ids", "computed_on", "grades")
    def _compute_totals(self):
        return super()._compute_totals()

    def _grade_list(self):
        return [grade.strip() for grade in (self.grades or "").split(",") if grade.strip()]

    def _line_domain(self):
        domain = super()._line_domain()
        if self._grade_list():
            domain.append(("grade", "in", self._grade_list()))
        return domain

    def _filter_descriptions(self):
        descriptions = super()._filter_descriptions()
        if self._grade_list():
            label = self._fields["grades"]._description_string(self.env)
            descriptions.append("%s: %s" % (label, ", ".join(self._grade_list())))
        return descriptions
