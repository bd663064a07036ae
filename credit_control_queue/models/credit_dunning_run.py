from odoo import fields, models


class CreditDunningRun(models.Model):
    _inherit = "credit.dunning.run"

    def _credit_finish_sent(self):
        """Close the run (done, or failed with its failed communications) when its jobs sent
        everything; the time is counted from the start of the run."""
        for run in self.filtered(lambda run: run.state == "running"):
            if run._pending_communications(retry_failed=False):
                continue  # other batches still to send: their own jobs close the run
            elapsed = (fields.Datetime.now() - run.started_at).total_seconds() - run.duration
            run._finish(max(elapsed, 0.0))
        return True
