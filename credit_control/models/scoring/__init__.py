# isort: skip_file
from . import credit_scorecard_grade
from . import credit_scorecard_factor
from . import credit_scorecard_factor_band
from . import credit_scorecard
from . import credit_score_figures
from . import credit_score
from . import credit_aging
from . import credit_aging_line
from . import credit_aging_report
from . import credit_rule
from . import credit_rule_setting
from . import credit_alert
from . import res_company
from . import res_config_settings
from . import res_partner
from . import credit_overview
