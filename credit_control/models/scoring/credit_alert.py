from odoo import _, api, models


class CreditAlert(models.Model):
    _inherit = "credit.alert"

    @api.model
    def _get_alert_types(self):
        return super()._get_alert_types() + [
            ("exposure", _("Exposure near the limit")),
            ("score_drop", _("Score dropped")),
            ("grade_drop", _("Grade dropped")),
            ("new_overdue", _("New overdue")),
            ("days_late_trend", _("Paying later")),
            ("limit_cut", _("Credit limit cut")),
        ]
