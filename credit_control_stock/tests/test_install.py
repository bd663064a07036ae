from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "credit_control_stock")
class TestInstall(TransactionCase):
    """The bridge is installed together with the modules it links (auto_install)."""

    def test_installed_with_its_dependencies(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["credit_control_stock", "credit_control", "sale_stock"])]
        )
        self.assertEqual(
            {module.name: module.state for module in modules},
            {"credit_control_stock": "installed", "credit_control": "installed", "sale_stock": "installed"},
        )
        bridge = modules.filtered(lambda module: module.name == "credit_control_stock")
        self.assertTrue(bridge.auto_install)
        self.assertEqual(set(bridge.dependencies_id.mapped("name")), {"credit_control", "sale_stock"})
