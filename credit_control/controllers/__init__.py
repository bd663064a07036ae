from . import aging, portal
