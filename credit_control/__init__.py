from . import controllers, lib, models, report, wizard


def uninstall_hook(env):
    """Drop the table the credit check locks customers with (not a model: see credit.exposure)."""
    env.cr.execute("DROP TABLE IF EXISTS credit_control_partner_lock")
