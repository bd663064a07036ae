from odoo import _, api, fields, models

# alert types after which a customer's credit is reviewed now
REVIEW_TRIGGER_TYPES = ("grade_drop", "registry_status", "dunning", "limit_cut", "insurance")


class CreditAlert(models.AbstractModel):
    _inherit = "credit.alert"

    @api.model
    def _get_alert_types(self):
        return super()._get_alert_types() + [
            ("limit_validity", _("Credit limit validity ending")),
            ("insurance", _("Credit insurance reduced or cancelled")),
        ]

    @api.model
    def _raise_alerts(self, vals_list):
        """A grade drop, a registry alert, a dunning event (broken promise, hold level) brings the
        customer's next credit review forward to today (one write per company)."""
        alerts = super()._raise_alerts(vals_list)
        triggers = alerts.filtered(lambda alert: alert.alert_type in self._get_review_trigger_types())
        today = fields.Date.context_today(self)
        for company, company_alerts in triggers.grouped("company_id").items():
            company_alerts.partner_id._credit_schedule_reviews(company, today, force_today=True)
        return alerts

    @api.model
    def _get_review_trigger_types(self):
        return REVIEW_TRIGGER_TYPES
