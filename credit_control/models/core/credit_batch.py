import time

from odoo import api, models
from odoo.tools import split_every


class CreditBatch(models.AbstractModel):
    """Where the crons' heavy work runs: batch scoring, dunning sending, statement runs.

    The core runs the batches in the calling worker, one savepoint each, as the crons always
    did (Odoo commits between cron calls). A bridge (``credit_control_queue``) overrides both
    methods to hand each batch to a job, so that every worker of every server shares them.
    """

    _name = "credit.batch"
    _description = "Credit Control Batches"

    @api.model
    def _credit_jobs_enabled(self):
        """Whether batches go to jobs (bridge) rather than run here: callers then report no
        work left to their cron, the jobs do it."""
        return False

    @api.model
    def _credit_run_batches(
        self, records, method_name, batch_size, channel, args=(), max_batches=None, time_budget=None
    ):
        """Call ``records[batch].<method_name>(*args)`` for each batch of ``batch_size`` records.

        ``channel`` names the job channel of the bridge (unused here). ``max_batches`` and
        ``time_budget`` (seconds) bound the work of one call, as the crons do. Returns how
        many records were handled (run here or handed to jobs). A batch method must be
        idempotent: a batch run twice changes nothing the second time.
        """
        start = time.monotonic()
        handled = 0
        for number, batch_ids in enumerate(split_every(batch_size, records.ids), 1):
            with self.env.cr.savepoint():
                getattr(records.browse(batch_ids), method_name)(*args)
            handled += len(batch_ids)
            if max_batches and number >= max_batches:
                break
            if time_budget and time.monotonic() - start >= time_budget:
                break
        return handled
