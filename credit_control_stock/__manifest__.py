{
    "name": "Credit Control - Stock",
    "summary": "Credit holds on delivery validation",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "credit_control developers",
    "website": "https://github.com/credit-control/credit_control",
    "license": "LGPL-3",
    "depends": ["credit_control", "sale_stock"],
    "data": [
        # credit users read sale orders (credit_control): with sale_stock they read, as salespeople
        # do, the stock records of the order form (deliveries, moves, warehouse)
        "security/ir.model.access.csv",
        "views/credit_hold_views.xml",
        "views/stock_picking_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "auto_install": True,
}
