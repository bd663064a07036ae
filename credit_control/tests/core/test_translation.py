from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged

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
