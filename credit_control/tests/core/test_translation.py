import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = Path(__file__).resolve().parents[2] / "i18n"
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]")
TAG = re.compile(r"</?([a-zA-Z0-9]+)")


def entries(path):
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if not entry.obsolete}


@tagged("post_install", "-at_install", "credit_control")
class TestChineseTranslation(TransactionCase):
    """The addon ships a complete zh_CN translation, used when a user works in Chinese."""

    def test_template_lists_every_term_of_the_code(self):
        exported = {term[4] for term in TranslationModuleReader(self.env.cr, modules=["credit_control"])}
        template = set(entries(I18N / "credit_control.pot"))
        self.assertFalse(exported - template, "credit_control.pot is out of date: export it again")

    def test_every_term_is_translated_with_its_placeholders(self):
        template = entries(I18N / "credit_control.pot")
        chinese = entries(I18N / "zh_CN.po")
        self.assertFalse(set(template) - set(chinese), "terms missing from zh_CN.po")
        for source in template:
            translation = chinese[source]
            self.assertTrue(translation, "untranslated: %r" % source)
            self.assertEqual(sorted(PLACEHOLDER.findall(source)), sorted(PLACEHOLDER.findall(translation)), source)
            self.assertEqual(sorted(TAG.findall(source)), sorted(TAG.findall(translation)), source)

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
