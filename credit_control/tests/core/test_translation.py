from pathlib import Path

import polib

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


@tagged("post_install", "-at_install", "credit_control")
class TestReasonsInTheReadersLanguage(CreditControlCommon):
    """A hold keeps the facts of its reasons; each reader sees them in their own language."""

    def test_chinese_manager_reads_an_english_salespersons_hold_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["credit_control"], ["zh_CN"], overwrite=True)
        self.salesman.lang = "en_US"
        self.credit_manager.lang = "zh_CN"
        order = self.create_order(self.customer, 1500.0)
        self.confirm_as(self.salesman, order)
        hold = order.credit_hold_ids
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
