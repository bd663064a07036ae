from . import controllers, lib, models, report, tools, wizard


def uninstall_hook(env):
    """Drop what is not a model: the table the credit check locks customers with, and the
    functions of its planned statements (see credit.exposure)."""
    env.cr.execute("DROP TABLE IF EXISTS credit_control_partner_lock")
    env.cr.execute(
        """
        DO $$
        DECLARE signature text;
        BEGIN
            FOR signature IN
                SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE 'credit\\_control\\_q\\_%'
            LOOP
                EXECUTE 'DROP FUNCTION IF EXISTS ' || signature;
            END LOOP;
        END
        $$
        """
    )
