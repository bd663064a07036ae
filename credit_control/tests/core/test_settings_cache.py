from odoo.tests import BaseCase, tagged
from odoo.tools.cache import STAT

from ...tools import ormcache
from ..common import CreditControlCommon


class _RolledBack(Exception):
    pass


@tagged("post_install", "-at_install", "credit_control")
class TestCreditSettingsCache(CreditControlCommon):
    """The settings every check reads come from the registry's cache, never stale."""

    def committed(self):
        """As after the commit of the request that changed caches (signalled to every worker)."""
        self.env.registry.cache_invalidated.clear()

    def test_check_reads_cached_settings_without_a_query(self):
        self.committed()
        self.company.invalidate_recordset()
        self.company._credit_prefetch_settings()
        usd = self.env.ref("base.USD")
        self.company.invalidate_recordset()
        with self.assertQueryCount(0):
            self.company._credit_prefetch_settings()
            self.assertTrue(self.company._credit_checks_at("order"))
            self.assertTrue(self.company.credit_overdue_check)
            self.assertEqual(self.company.credit_overdue_tolerance_days, 0)
            self.assertEqual(self.company.currency_id, usd)

    def test_changed_setting_applies_to_the_next_check(self):
        self.create_invoice(self.customer, 300.0, days_ago=60, due_in=30)
        self.committed()
        held = self.create_order(self.customer, 100.0)
        held.action_confirm()
        self.assertEqual(held.state, "draft", "overdue 300: held")
        self.assertEqual(held.credit_hold_ids.reason_ids.rule, "overdue")

        self.company.write({"credit_overdue_tolerance_amount": 500.0})
        order = self.create_order(self.customer, 100.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale", "in the transaction that changed it")

        self.committed()
        self.env.invalidate_all()
        order = self.create_order(self.customer, 100.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale", "after its commit, from the cache")

    def test_rolled_back_setting_is_not_kept(self):
        self.committed()
        self.company.invalidate_recordset()
        self.company._credit_prefetch_settings()
        with self.assertRaises(_RolledBack), self.env.cr.savepoint():
            self.company.write({"credit_overdue_check": False})
            self.company.invalidate_recordset()
            self.company._credit_prefetch_settings()
            self.assertFalse(self.company.credit_overdue_check)
            raise _RolledBack
        self.company.invalidate_recordset()
        self.committed()
        self.company._credit_prefetch_settings()
        self.assertTrue(self.company.credit_overdue_check, "the value of the rolled-back change is gone")

    def test_cached_methods_use_the_registry_cache(self):
        """The check's cached methods (``credit_control.tools.ormcache``) keep their value in the
        registry's cache: a second call is a hit, ``clear_cache()`` makes the next one a miss."""
        settings = self.env["credit.rule.setting"]
        method = type(settings)._get_setting_ids
        counter = STAT[(self.env.registry.db_name, settings._name, method.__cache__.method)]
        self.committed()
        self.env.registry.clear_cache()
        self.assertEqual(settings._get_setting_ids(self.company.id), ())
        hits, misses = counter.hit, counter.miss
        self.assertEqual(settings._get_setting_ids(self.company.id), ())
        self.assertEqual((counter.hit, counter.miss), (hits + 1, misses))

        setting = settings.create({"company_id": self.company.id, "rule": "overdue", "mode": "warn"})
        self.assertEqual(settings._get_setting_ids(self.company.id), (setting.id,), "created: cache cleared")
        self.assertEqual(counter.miss, misses + 1)


@tagged("post_install", "-at_install", "credit_control")
class TestOrmcache(BaseCase):
    def test_refuses_a_method_with_default_values(self):
        def method(self, company_id, names=()):
            return names

        with self.assertRaisesRegex(TypeError, "takes no default values"):
            ormcache("company_id")(method)

    def test_keeps_the_method_signature_and_cache(self):
        def method(self, company_id):
            """Doc."""
            return company_id

        cached = ormcache("company_id")(method)
        self.assertEqual(cached.__doc__, "Doc.")
        self.assertEqual(cached.__name__, "method")
        self.assertIs(cached.__cache__.method, method)
        self.assertEqual(cached.__cache__.key(None, 3), (3,))
