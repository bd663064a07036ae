"""18.0.1.2.0: a credit hold stops any document (order, invoice, delivery) and keeps the
document's currency itself; the holds of orders take their order's currency."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE credit_hold h
           SET currency_id = so.currency_id
          FROM sale_order so
         WHERE so.id = h.order_id
           AND h.currency_id IS NULL
        """
    )
