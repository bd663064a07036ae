import hashlib

from odoo import _, api, models
from odoo.tools import config, split_every


class CreditBatch(models.AbstractModel):
    """The crons' batches as jobs: each batch is a job on its channel, so that the job runner
    spreads them over every worker of every server sharing the database."""

    _inherit = "credit.batch"

    @api.model
    def _credit_jobs_enabled(self):
        """Jobs, except with ``queue_job__no_delay`` (queue_job's switch) and in Odoo's test mode
        unless the context asks for them (``credit_control_jobs``): the core's tests check the
        in-process path with this bridge installed."""
        context = self.env.context
        if context.get("queue_job__no_delay"):
            return False
        if config["test_enable"] and not context.get("credit_control_jobs"):
            return super()._credit_jobs_enabled()
        return True

    @api.model
    def _credit_run_batches(
        self, records, method_name, batch_size, channel, args=(), max_batches=None, time_budget=None
    ):
        """One job per batch on ``channel``; every batch is handed over at once (the bounds of one
        cron call do not apply: the jobs share the work). A batch already waiting in a job with the
        same records and arguments is not queued twice (identity key)."""
        if not self._credit_jobs_enabled():
            return super()._credit_run_batches(
                records, method_name, batch_size, channel, args=args, max_batches=max_batches, time_budget=time_budget
            )
        for batch_ids in split_every(batch_size, records.ids):
            batch = records.browse(batch_ids)
            delayable = batch.with_delay(
                channel=channel,
                identity_key=self._credit_job_identity_key(batch, method_name, args),
                description=self._credit_job_description(batch, method_name),
            )
            getattr(delayable, method_name)(*args)
        return len(records)

    @api.model
    def _credit_job_identity_key(self, batch, method_name, args):
        """The batch's model, method, records and arguments: the same batch is one job."""
        digest = hashlib.sha1(repr((sorted(batch.ids), args)).encode(), usedforsecurity=False).hexdigest()
        return f"credit_control:{batch._name}.{method_name}:{digest}"

    @api.model
    def _credit_job_description(self, batch, method_name):
        model = self.env["ir.model"]._get(batch._name)
        return _(
            "Credit control: %(model)s %(method)s, %(count)s records from #%(first)s",
            model=model.name,
            method=method_name,
            count=len(batch),
            first=batch[:1].id,
        )
