from odoo import api, models

# alert types with an event of their own; the other types are "alert"
ALERT_EVENTS = {
    "limit_cut": "limit_cut",
    "registry_status": "registry_status",
}


class CreditAlert(models.Model):
    _inherit = "credit.alert"

    @api.model
    def _raise_alerts(self, vals_list):
        """The new alerts also go to the robots subscribed to them (one summary message per
        event beyond a few dozen alerts)."""
        alerts = super()._raise_alerts(vals_list)
        for company, company_alerts in alerts.grouped("company_id").items():
            by_event = company_alerts.grouped(lambda alert: ALERT_EVENTS.get(alert.alert_type, "alert"))
            for event, event_alerts in by_event.items():
                self.env["credit.channel.message"]._enqueue(event, company, event_alerts)
        return alerts
