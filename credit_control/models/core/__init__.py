# isort: skip_file
from . import credit_company_default_mixin
from . import credit_batch
from . import credit_exposure
from . import credit_rule
from . import credit_rule_setting
from . import credit_document_mixin
from . import credit_hold_reason
from . import credit_hold
from . import credit_alert
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
from . import sale_order_line
from . import payment_transaction
from . import account_partial_reconcile
