from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL


class CreditCodeTermsMixin(models.AbstractModel):
    """Records that code creates with English texts (a company's standard policy, its levels, its
    scorecard) get those texts in every installed language, like the records of XML data do.

    The texts are lazy terms (``_lt``) of the models that write them: ``_get_code_terms`` lists
    them per translated field. They are filled in when such records are created and whenever a
    language is installed or its terms reloaded, only where the record still holds the English
    text (a text somebody changed stays as it is).
    """

    _name = "credit.code.terms.mixin"
    _description = "Texts Written by Code, in Every Language"

    @api.model
    def _get_code_terms(self):
        """{translated field name: [lazy terms that code writes into it]}."""
        return {}

    @api.model
    def _fill_code_translations(self, langs=None):
        """Set the translation of each code term, in ``langs`` (default: every installed language
        but English), on the records whose field still holds the English text: one statement per field."""
        langs = [
            lang for lang in langs or [code for code, _name in self.env["res.lang"].get_installed()] if lang != "en_US"
        ]
        if not langs:
            return
        self.flush_model()
        for field_name, terms in self._get_code_terms().items():
            # an Html field stores the text as the paragraph the sanitizer made of it
            wrap = (lambda text: str(Markup("<p>%s</p>") % text)) if self._fields[field_name].type == "html" else str
            rows = [
                SQL("(%s, %s, %s)", wrap(term._source), lang, wrap(term._translate(lang)))
                for term in terms
                for lang in langs
                if term._translate(lang) != term._source
            ]
            if rows:
                self._fill_code_translations_sql(field_name, rows)
        self.invalidate_model(list(self._get_code_terms()))

    def _fill_code_translations_sql(self, field_name, rows):
        column = SQL.identifier(self._fields[field_name].name)
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s AS record
                   SET %(column)s = record.%(column)s || jsonb_build_object(term.lang, term.translation)
                  FROM (VALUES %(rows)s) AS term(source, lang, translation)
                 WHERE record.%(column)s->>'en_US' = term.source
                   AND (record.%(column)s->>term.lang IS NULL OR record.%(column)s->>term.lang = term.source)
                """,
                table=SQL.identifier(self._table),
                column=column,
                rows=SQL(", ").join(rows),
            )
        )

    def _write_translations_sql(self, field_name, rows):
        """Set translations [(record id, lang, text)] of a translated field, in one statement."""
        self.flush_model([field_name])
        column = SQL.identifier(self._fields[field_name].name)
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s AS record
                   SET %(column)s = COALESCE(record.%(column)s, '{}'::jsonb) || term.texts
                  FROM (SELECT id, jsonb_object_agg(lang, text) AS texts
                          FROM (VALUES %(rows)s) AS row(id, lang, text)
                      GROUP BY id) AS term
                 WHERE record.id = term.id
                """,
                table=SQL.identifier(self._table),
                column=column,
                rows=SQL(", ").join(SQL("(%s, %s, %s)", *row) for row in rows),
            )
        )
        self.invalidate_model([field_name])


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """A language installed after the addon: the records code created get their texts in it."""
        result = super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        if "credit_control" in modules:
            for model_name in self.env["credit.code.terms.mixin"]._inherit_children:
                self.env[model_name]._fill_code_translations(langs)
        return result
