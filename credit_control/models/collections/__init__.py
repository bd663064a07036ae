# isort: skip_file
from . import res_company
from . import res_config_settings
from . import res_partner
from . import credit_collection_rule
from . import credit_collection_task
from . import credit_collection_contact
from . import credit_collection_statement
from . import credit_collection_measure
from . import credit_promise
from . import credit_dunning_level
from . import credit_dunning_policy
from . import credit_dunning_selection
from . import credit_dunning_communication
from . import account_partial_reconcile
from . import credit_alert
from . import credit_score_figures
from . import credit_scorecard_factor
