from . import aging_xlsx
