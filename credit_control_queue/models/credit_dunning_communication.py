from odoo import models

from odoo.addons.credit_control.models.dunning.credit_dunning_run import DUNNING_CHANNEL


class CreditDunningCommunication(models.Model):
    _inherit = "credit.dunning.communication"

    def _send_batch(self):
        """As a job, a small job queued with the batch closes the runs with nothing left to send.

        It starts once the batch is committed (a job cannot see the batches other workers are
        still sending): one per batch and no identity key, so that the closing job of the batch
        committed last sees every other batch committed and closes the run."""
        communications = super()._send_batch()
        if self.env.context.get("job_uuid"):
            for run in self.run_id:
                run.with_delay(channel=DUNNING_CHANNEL, priority=20)._credit_finish_sent()
        return communications
