from . import lib, models, report, wizard
