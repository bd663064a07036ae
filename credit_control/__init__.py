from . import controllers, lib, models, report, wizard
