from datetime import timedelta

from odoo import Command
from odoo.tests import new_test_user

from ..dunning.test_dunning import DunningCommon


class CollectionsCommon(DunningCommon):
    """Two collectors, a finance manager and a general manager; helpers for the worklist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,account.group_account_invoice,credit_control.group_credit_user"
        cls.collector = new_test_user(
            cls.env,
            login="collector_colin",
            name="Colin Collect",
            email="colin@example.com",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.collector_2 = new_test_user(
            cls.env,
            login="collector_dora",
            name="Dora Dues",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.finance = new_test_user(
            cls.env,
            login="finance_fiona",
            name="Fiona Finance",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.boss = new_test_user(
            cls.env,
            login="boss_gus",
            name="Gus Boss",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.company.write(
            {
                "credit_collection_finance_manager_id": cls.finance.id,
                "credit_collection_general_manager_id": cls.boss.id,
                "credit_collection_escalation_days": 7,
            }
        )
        cls.customer.credit_collector_id = cls.collector
        cls.tasks = cls.env["credit.collection.task"]

    def refresh(self, partners, offset=0):
        """Refresh the worklist of ``partners`` as the cron would ``offset`` days from today."""
        return self.tasks._refresh(self.company, partners.ids, today=self.today + timedelta(days=offset))

    def task_of(self, partner, state="open"):
        return self.tasks.search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id), ("state", "=", state)]
        )

    def log_contact(self, task, outcome, user=None, **vals):
        """Log a contact from the task's button, as ``user`` (the collector by default)."""
        user = user or self.collector
        action = task.with_user(user).action_log_contact()
        wizard = (
            self.env["credit.collection.log.contact"]
            .with_user(user)
            .with_context(**action["context"])
            .create(dict({"outcome": outcome}, **vals))
        )
        wizard.action_log()
        return self.env["credit.collection.contact"].search([("task_id", "=", task.id)], limit=1)
