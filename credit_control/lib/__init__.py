"""Plain Python credit logic, free of Odoo imports so it is easy to unit test."""

from . import aging, collections, decisions, dunning, limits, overview
