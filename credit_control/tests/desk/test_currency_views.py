from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "credit_control")
class TestAmountsWithCurrency(TransactionCase):
    """Every amount of the addon's screens shows its currency: a monetary field's currency field is
    loaded in the same view (else Odoo shows the number alone)."""

    def test_every_monetary_field_of_the_addon_views_has_its_currency(self):
        views = self.env["ir.ui.view"].search(
            [("type", "in", ("form", "list")), ("inherit_id", "=", False), ("model", "like", "credit.%")]
        )
        missing = []
        for view in views:
            model = self.env[view.model]
            arch = etree.fromstring(model.get_views([(view.id, view.type)])["views"][view.type]["arch"])
            missing += self._missing_currencies(model, arch, view.xml_id)
        self.assertEqual(missing, [])

    def _missing_currencies(self, model, arch, xml_id):
        missing = []
        for node in arch.iter("field"):
            owner = self._owner_model(model, node)
            field = owner._fields.get(node.get("name")) if owner is not None else None
            if not field or (field.type != "monetary" and node.get("widget") != "monetary"):
                continue
            options = node.get("options") or ""
            currency = field.currency_field if field.type == "monetary" else None
            if "currency_field" in options:
                currency = options.split("currency_field")[1].split("'")[2]
            currency = currency or "currency_id"
            scope = next(ancestor for ancestor in node.iterancestors() if ancestor.tag in ("list", "form", "kanban"))
            if not scope.xpath(".//field[@name='%s']" % currency):
                missing.append("%s: %s.%s (%s)" % (xml_id, owner._name, field.name, currency))
        return missing

    def _owner_model(self, model, node):
        """The model of a field node: the comodel of the enclosing x2many field, if any."""
        path = [a for a in node.iterancestors() if a.tag == "field"]
        for parent in reversed(path):
            field = model._fields.get(parent.get("name"))
            if not field or not field.relational:
                return None
            model = self.env[field.comodel_name]
        return model
