# isort: skip_file
from . import credit_aging_bucket
from . import credit_aging
from . import credit_aging_line
from . import credit_aging_live
from . import credit_aging_report
from . import credit_aging_snapshot
from . import credit_aging_snapshot_bucket
from . import res_company
from . import res_config_settings
from . import res_partner
from . import credit_overview
