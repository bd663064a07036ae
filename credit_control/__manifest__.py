{
    "name": "Credit Control",
    "summary": "Customer credit limits, exposure, and server-side credit holds at sale order confirmation",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "credit_control developers",
    "website": "https://github.com/credit-control/credit_control",
    "license": "LGPL-3",
    "depends": ["mail", "account", "sale_management"],
    "external_dependencies": {
        "python": ["xlsxwriter", "requests", "phonenumbers"],
    },
    "data": [
        "security/credit_control_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/ir_cron_data.xml",
        "wizard/credit_hold_decision_views.xml",
        "views/credit_hold_views.xml",
        "views/credit_aging_views.xml",
        "views/credit_aging_snapshot_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/credit_control_menus.xml",
        "report/credit_hold_report.xml",
    ],
    "demo": [
        "demo/credit_control_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "credit_control/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
