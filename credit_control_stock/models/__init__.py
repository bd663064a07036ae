# The bridge's models (none yet): one import per module, as in credit_control/models/.
