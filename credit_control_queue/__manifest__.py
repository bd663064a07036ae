{
    "name": "Credit Control - Job Queue",
    "summary": "Batch scoring, dunning, statements and registry refresh as jobs shared by every worker",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "credit_control developers",
    "website": "https://github.com/credit-control/credit_control",
    "license": "LGPL-3",
    "depends": ["credit_control", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
    ],
    "auto_install": True,
}
