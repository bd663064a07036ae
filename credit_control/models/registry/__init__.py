# isort: skip_file
from . import credit_registry_provider
from . import credit_registry_snapshot
from . import credit_risk_kind
from . import credit_risk_event
from . import credit_registry_fetcher
from . import credit_rule
from . import credit_alert
from . import credit_score_figures
from . import credit_scorecard_factor
from . import credit_scorecard
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
