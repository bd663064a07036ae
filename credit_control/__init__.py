from . import lib, models, wizard
