# isort: skip_file
from . import credit_rule
from . import res_partner
from . import sale_order
from . import credit_hold
from . import credit_file_event
