from pathlib import Path

import polib
from markupsafe import Markup

from odoo.tests import TransactionCase, tagged

from ..common import CreditControlCommon

# That the .pot lists every term and zh_CN.po translates them all is checked outside the test
# suite, by the quality gate "translations" (tools/check_translations.py, run by make test).
I18N = Path(__file__).resolve().parents[2] / "i18n"


def entries(path):
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if not entry.obsolete}


@tagged("post_install", "-at_install", "credit_control")
class TestChineseTranslation(TransactionCase):
    """The addon ships a complete zh_CN translation, used when a user works in Chinese."""

    def test_chinese_user_sees_chinese_labels_and_reasons(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["credit_control"], ["zh_CN"], overwrite=True)
        chinese = entries(I18N / "zh_CN.po")
        env = self.env(context={"lang": "zh_CN"})
        self.assertEqual(
            env["res.partner"].fields_get(["credit_blacklisted"])["credit_blacklisted"]["string"],
            chinese["Blacklisted"],
        )
        self.assertEqual(
            dict(env["credit.rule"]._get_rule_selection())["credit_limit"],
            chinese["Credit limit exceeded"],
        )
        menu = env.ref("credit_control.menu_credit_control_holds")
        self.assertEqual(menu.name, chinese["Credit Holds"])


class EnglishHoldForChineseManager:
    """An English salesperson's hold (1,500 against a limit of 1,000), for a Chinese credit manager."""

    def hold_for_chinese_manager(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["credit_control"], ["zh_CN"], overwrite=True)
        self.salesman.lang = "en_US"
        self.credit_manager.lang = "zh_CN"
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        return order.credit_hold_ids


@tagged("post_install", "-at_install", "credit_control")
class TestReasonsInTheReadersLanguage(EnglishHoldForChineseManager, CreditControlCommon):
    """A hold keeps the facts of its reasons; each reader sees them in their own language."""

    def test_chinese_manager_reads_an_english_salespersons_hold_in_chinese(self):
        hold = self.hold_for_chinese_manager()
        english = hold.with_user(self.salesman).reason_ids.message
        self.assertIn("exceeds the credit limit", english)
        as_manager = hold.with_user(self.credit_manager).with_context(lang="zh_CN")
        chinese = as_manager.reason_ids.message
        self.assertIn("超出信用额度", chinese)
        self.assertIn("500.00", chinese, "the same facts: 1,500 against a limit of 1,000")
        labels = dict(self.env["credit.rule"].with_context(lang="zh_CN")._get_rule_selection())
        self.assertEqual(as_manager.reason_ids.name, labels["credit_limit"])
        self.assertNotEqual(labels["credit_limit"], "Credit limit exceeded")
        activity = hold.activity_ids.filtered(lambda a: a.user_id == self.credit_manager)
        self.assertIn("超出信用额度", activity.note, "the review activity is written in the manager's language")


@tagged("post_install", "-at_install", "credit_control")
class TestTextsWrittenByCode(CreditControlCommon):
    """What code writes (standard policy, levels, scorecard, alerts) reads in the reader's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["credit_control"], ["zh_CN"], overwrite=True)
        cls.chinese = entries(I18N / "zh_CN.po")

    def test_standard_records_get_the_language_installed_after_them(self):
        policy = self.env["credit.dunning.policy"]._get_default(self.company)
        scorecard = self.env["credit.scorecard"]._get_default(self.company)
        self.assertEqual(policy.with_context(lang="en_US").name, "Standard dunning")
        self.assertEqual(policy.with_context(lang="zh_CN").name, self.chinese["Standard dunning"])
        self.assertEqual(scorecard.with_context(lang="zh_CN").name, self.chinese["Standard scorecard"])
        first = policy._levels_by_rank()[0]
        self.assertEqual(first.with_context(lang="en_US").name, "Friendly reminder")
        self.assertEqual(first.with_context(lang="zh_CN").name, self.chinese["Friendly reminder"])
        self.assertEqual(
            first.with_context(lang="zh_CN").message,
            Markup("<p>%s</p>")
            % self.chinese["This is a friendly reminder that the following items fall due in a few days."],
        )

    def test_a_new_company_gets_its_standard_records_in_every_language(self):
        company = self.env["res.company"].create({"name": "Shenzhen Branch"})
        policy = self.env["credit.dunning.policy"]._get_default(company)
        self.assertEqual(policy.with_context(lang="en_US").name, "Standard dunning")
        self.assertEqual(policy.with_context(lang="zh_CN").name, self.chinese["Standard dunning"])
        self.assertEqual(
            set(policy.level_ids.with_context(lang="zh_CN").mapped("name")),
            {self.chinese[name] for name in ("Friendly reminder", "Due date reminder", "First reminder")}
            | {self.chinese["Second reminder"], self.chinese["Final notice"]},
        )

    def test_a_renamed_level_keeps_its_name_when_terms_are_reloaded(self):
        policy = self.env["credit.dunning.policy"]._get_default(self.company)
        first = policy._levels_by_rank()[0]
        first.with_context(lang="zh_CN").name = "温馨提示"
        self.env["ir.module.module"]._load_module_terms(["credit_control"], ["zh_CN"], overwrite=True)
        self.assertEqual(first.with_context(lang="zh_CN").name, "温馨提示")
        self.assertEqual(first.with_context(lang="en_US").name, "Friendly reminder")

    def test_an_alert_reads_in_each_readers_language(self):
        provider = self.env.ref("credit_control.registry_provider_companies_house")
        snapshots = self.env["credit.registry.snapshot"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "provider_id": provider.id,
                    "identifier": "04567321",
                    "status": status,
                    "registry_status": raw,
                    "previous_status": previous,
                    "changed": bool(previous),
                    "is_latest": latest,
                }
                for status, raw, previous, latest in (
                    ("active", "active", False, False),
                    ("insolvency_liquidation", "liquidation", "active", True),
                )
            ]
        )
        alert = self.env["credit.registry.fetcher"].with_context(lang="zh_CN")._raise_status_alerts(snapshots[1])
        self.assertEqual(len(alert), 1)
        english = alert.with_context(lang="en_US").message
        chinese = alert.with_context(lang="zh_CN").message
        self.assertIn("UK Companies House now reports %s as Insolvency or liquidation" % self.customer.name, english)
        self.assertIn(self.chinese["Insolvency or liquidation"], chinese)
        self.assertIn("liquidation", chinese, "the registry's own words stay as they were")
        self.assertNotIn("now reports", chinese)
        self.assertEqual(alert.with_user(self.credit_manager).with_context(lang="en_US").message, english)
