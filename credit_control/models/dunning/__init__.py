# isort: skip_file
from . import credit_dunning_policy
from . import res_company
from . import res_config_settings
from . import credit_dunning_level
from . import credit_dunning_run
from . import credit_dunning_communication
from . import credit_dunning_line
from . import credit_promise
from . import credit_dunning_selection
from . import credit_dunning_report
from . import account_move
from . import credit_rule
from . import credit_alert
from . import credit_score_figures
from . import credit_scorecard_factor
from . import credit_scorecard
from . import res_partner
