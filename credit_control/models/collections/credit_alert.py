from odoo import _, api, models


class CreditAlert(models.Model):
    _inherit = "credit.alert"

    @api.model
    def _get_alert_types(self):
        return super()._get_alert_types() + [
            ("collection_promise", _("Broken promise to pay")),
        ]
