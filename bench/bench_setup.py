"""Everything set up through the ORM before the bulk load: the second company and its
chart of accounts, the foreign currencies and their monthly rates, pricelists, the product
sold, the company credit settings. Returns the ids the bulk SQL needs ("facts")."""

from bench_data import monthly_rate, rate_months

SECOND_COMPANY_NAME = "Bench Company B"
# Foreign currency units per company currency unit, around which the monthly rates move.
BASE_RATES = {"USD->EUR": 0.92, "EUR->USD": 1.087}


def _second_company(env, eur):
    company = env["res.company"].search([("name", "=", SECOND_COMPANY_NAME)], limit=1)
    if company:
        return company
    company = env["res.company"].create({"name": SECOND_COMPANY_NAME, "currency_id": eur.id})
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    # the chart template sets its own currency: the second company works in euros
    company.currency_id = eur
    admin = env.ref("base.user_admin")
    admin.company_ids = [(4, company.id)]
    return company


def _monthly_rates(env, company, currency, base_rate, today):
    Rate = env["res.currency.rate"]
    Rate.search([("company_id", "=", company.id), ("currency_id", "=", currency.id)]).unlink()
    Rate.create(
        [
            {
                "name": month,
                "rate": monthly_rate(base_rate, month),
                "currency_id": currency.id,
                "company_id": company.id,
            }
            for month in rate_months(today)
        ]
    )


def _pricelist(env, company, currency):
    Pricelist = env["product.pricelist"]
    pricelist = Pricelist.search([("company_id", "=", company.id), ("currency_id", "=", currency.id)], limit=1)
    return pricelist or Pricelist.create(
        {"name": f"Bench {currency.name} ({company.name})", "company_id": company.id, "currency_id": currency.id}
    )


def _product(env):
    product = env["product.product"].search(
        [
            ("sale_ok", "=", True),
            ("type", "=", "consu"),
            ("invoice_policy", "=", "order"),
            ("uom_id", "=", env.ref("uom.product_uom_unit").id),
            ("company_id", "=", False),
        ],
        order="id",
        limit=1,
    )
    if not product:
        product = env["product.product"].create(
            {"name": "Bench goods", "type": "consu", "invoice_policy": "order", "list_price": 100.0}
        )
    return product


def _company_facts(env, company, foreign_currency, base_rate, product):
    company = company.with_company(company)
    receivable = company.partner_id.with_company(company).property_account_receivable_id
    sale_journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
    bank_journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
    tax = company.account_sale_tax_id
    if tax and tax.amount_type != "percent":
        tax = env["account.tax"]
    team = env["crm.team"].search([("company_id", "in", (False, company.id))], order="id", limit=1)
    return {
        "company_id": company.id,
        "name": company.name,
        "currency_id": company.currency_id.id,
        "foreign_currency_id": foreign_currency.id,
        "base_rate": base_rate,
        "receivable_account_id": receivable.id,
        "income_account_id": sale_journal.default_account_id.id,
        "bank_account_id": bank_journal.default_account_id.id,
        "sale_journal_id": sale_journal.id,
        "bank_journal_id": bank_journal.id,
        "sale_code": sale_journal.code,
        "bank_code": bank_journal.code,
        "tax_id": tax.id or None,
        "tax_rate": tax.amount if tax else 0.0,
        "pricelist_id": _pricelist(env, company, company.currency_id).id,
        "foreign_pricelist_id": _pricelist(env, company, foreign_currency).id,
        "team_id": team.id or None,
    }


def prepare(env, today):
    """Set up companies, currencies, rates, pricelists and settings; return the facts."""
    usd = env.ref("base.USD")
    eur = env.ref("base.EUR")
    (usd | eur).active = True
    main = env.ref("base.main_company")
    if main.currency_id != usd:
        raise RuntimeError("the template database's main company is expected to work in USD")
    second = _second_company(env, eur)
    _monthly_rates(env, main, eur, BASE_RATES["USD->EUR"], today)
    _monthly_rates(env, second, usd, BASE_RATES["EUR->USD"], today)
    companies = main | second
    settings = {"account_use_credit_limit": True}  # Odoo's own credit warning, measured too
    if "credit_hold_enabled" in env["res.company"]._fields:  # credit_control installed
        settings.update(
            credit_hold_enabled=True,
            credit_overdue_check=True,
            credit_overdue_tolerance_days=30,
            credit_overdue_tolerance_amount=100.0,
            credit_no_limit_policy="unlimited",
        )
    for company in companies:  # one by one: a monetary value takes each company's currency
        company.write(settings)
    product = _product(env)
    facts = {
        "companies": [
            _company_facts(env, main, eur, BASE_RATES["USD->EUR"], product),
            _company_facts(env, second, usd, BASE_RATES["EUR->USD"], product),
        ],
        "product_id": product.id,
        "uom_id": product.uom_id.id,
        "product_name": product.display_name,
        "user_id": env.ref("base.user_admin").id,
    }
    for company in facts["companies"]:
        missing = [key for key, value in company.items() if value is None and key not in ("tax_id", "team_id")]
        if missing or not company["receivable_account_id"] or not company["bank_account_id"]:
            raise RuntimeError(f"company {company['name']}: cannot find {missing or 'its accounts'}")
    return facts
