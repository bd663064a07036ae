# isort: skip_file
from . import tier_definition
from . import credit_group
from . import credit_insurance
from . import credit_file_event
from . import credit_limit_request
from . import credit_hold
from . import credit_rule
from . import credit_alert
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
from . import credit_overview
