from odoo import models

from odoo.addons.credit_control.models.dunning.credit_dunning_run import DUNNING_CHANNEL


class CreditDunningCommunication(models.Model):
    _inherit = "credit.dunning.communication"

    def _send_batch(self):
        """As a job, once the batch is committed a small job closes the runs with nothing left to
        send (a job cannot see the batches other workers are still sending)."""
        communications = super()._send_batch()
        if self.env.context.get("job_uuid"):
            for run in self.run_id:
                run.with_delay(
                    channel=DUNNING_CHANNEL,
                    identity_key=f"credit_control:credit.dunning.run._credit_finish_sent:{run.id}",
                    priority=20,
                )._credit_finish_sent()
        return communications
