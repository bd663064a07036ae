from . import test_invoice_checkpoint, test_reevaluation, test_rule_settings
