"""The receivables book, decided in Python from a seed and written as compact staging rows.

Nothing here touches the database: ``generate_book`` calls ``write_item`` / ``write_partial``
for every receivable item and every reconciliation, and ``generate_orders`` returns the
confirmed orders. All numbers are *relative* (customer 1..N, item 1..M, partial 1..K):
the SQL in ``bench_sql.py`` adds the id offsets reserved in each table.

The shape of the book:

- item counts per customer follow a Zipf-like law (rank^-0.9), capped at
  ``MAX_ITEMS_PER_CUSTOMER``, every customer having at least one item, so a few customers
  have thousands of open items and most have a handful;
- a receivable item is one move: a customer invoice (receivable debit + income credit), a
  credit note (income debit + receivable credit) or a payment (bank debit + receivable
  credit, a journal entry in the bank journal);
- events: invoice paid in full (invoice + payment, full reconcile), invoice partly paid
  (invoice left open with its residual, payment consumed), invoice cancelled by a credit
  note (full reconcile), open credit note, unapplied payment, open invoice. About half of
  the items end up reconciled;
- 20 % of the events in the second company, 10 % in the other company's currency, with
  monthly exchange rates; the two items of a reconciled pair share the rate of the
  invoice, so no exchange difference entry is needed (a payment is a journal entry booked
  at the invoice's rate; a credit note is dated in the invoice's month);
- 0.5 % extra draft invoices (not counted in the items);
- 10 % of the customers have an invoice address (a child contact) used on half their orders.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

HISTORY_DAYS = 730
PAYMENT_TERM_DAYS = 30
ZIPF_EXPONENT = 0.9
MAX_ITEMS_PER_CUSTOMER = 10_000
SECOND_COMPANY_SHARE = 0.20
FOREIGN_CURRENCY_SHARE = 0.10
DRAFT_INVOICE_SHARE = 0.005
CONTACT_SHARE = 0.10
NO_LIMIT_SHARE = 0.10
CREDIT_HOLD_SHARE = 0.005
BLACKLIST_SHARE = 0.002

# (event, probability, items it makes); the probabilities add up to 1.
EVENTS = (
    ("paid", 0.30, 2),
    ("partly_paid", 0.10, 2),
    ("refunded", 0.03, 2),
    ("open_refund", 0.03, 1),
    ("unapplied_payment", 0.04, 1),
    ("open_invoice", 0.50, 1),
)

ITEM_COLUMNS = (
    "item",
    "customer",
    "company_id",
    "kind",
    "state",
    "currency_id",
    "rate",
    "date",
    "date_maturity",
    "amount_cur",
    "amount_comp",
    "residual_cur",
    "residual_comp",
    "payment_state",
    "partial_no",
    "full_no",
)
PARTIAL_COLUMNS = (
    "partial_no",
    "debit_item",
    "credit_item",
    "company_id",
    "currency_id",
    "amount_comp",
    "amount_cur",
    "max_date",
    "full_no",
)
CUSTOMER_COLUMNS = ("customer", "contact", "limit_factor", "credit_hold", "blacklisted")
ORDER_COLUMNS = ("order_no", "customer", "contact", "company_id", "currency_id", "rate", "date_order")
ORDER_LINE_COLUMNS = ("line_no", "order_no", "sequence", "qty", "price_unit")


@dataclass(frozen=True)
class CompanyBook:
    """What the generator needs to know of a company."""

    company_id: int
    currency_id: int
    foreign_currency_id: int
    base_rate: float  # foreign currency units per company currency unit


def monthly_rate(base_rate, day):
    """Rate of the foreign currency in the month of ``day`` (a gentle wave around the base).

    The same function gives the res.currency.rate rows (dated the 1st of each month), so
    Odoo converts with exactly the rates used here.
    """
    index = day.year * 12 + day.month
    return round(base_rate * (1 + 0.04 * math.sin(index / 3)), 6)


def rate_months(today):
    """First days of the months covered by the book (for the res.currency.rate rows)."""
    first = (today - timedelta(days=HISTORY_DAYS + 62)).replace(day=1)
    months = []
    while first <= today:
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return months


def to_company(amount_cur, rate):
    return round(amount_cur / rate, 2)


def items_per_customer(customers, items, rng):
    """Item count of each customer (index 0 = customer 1), Zipf-like, shuffled."""
    if items < customers:
        raise ValueError("need at least one item per customer")
    weights = [rank**-ZIPF_EXPONENT for rank in range(1, customers + 1)]
    total_weight = sum(weights)
    cap = max(MAX_ITEMS_PER_CUSTOMER, math.ceil(items / customers))
    counts = [min(cap, max(1, int(items * weight / total_weight))) for weight in weights]
    missing = items - sum(counts)
    rank = 0
    while missing > 0:  # spread the rounding and the capped excess over the customers
        if counts[rank] < cap:
            counts[rank] += 1
            missing -= 1
        rank = (rank + 1) % customers
    rank = 0
    while missing < 0:  # more customers than the law gives items to: take from the largest
        if counts[rank] > 1:
            counts[rank] -= 1
            missing += 1
        rank = (rank + 1) % customers
    rng.shuffle(counts)
    return counts


class BookGenerator:
    """Walks the customers and writes their items and reconciliations."""

    def __init__(self, companies, today, rng, write_item, write_partial):
        self.companies = companies
        self.today = today
        self.rng = rng
        self.write_item = write_item
        self.write_partial = write_partial
        self.item_no = 0
        self.partial_no = 0
        self.full_no = 0
        self.posted_items = 0
        self.draft_items = 0

    # -- random choices -------------------------------------------------

    def _day_between(self, days_ago_max, days_ago_min=0):
        return self.today - timedelta(days=self.rng.randint(days_ago_min, days_ago_max))

    def _after(self, day, max_days):
        return min(self.today, day + timedelta(days=self.rng.randint(0, max_days)))

    def _amount(self, low, high):
        return round(math.exp(self.rng.uniform(math.log(low), math.log(high))), 2)

    def _company_and_currency(self):
        company = self.companies[1] if self.rng.random() < SECOND_COMPANY_SHARE else self.companies[0]
        foreign = self.rng.random() < FOREIGN_CURRENCY_SHARE
        return company, foreign

    def _rate(self, company, foreign, day):
        return monthly_rate(company.base_rate, day) if foreign else 1.0

    def _open_invoice_date(self):
        draw = self.rng.random()
        if draw < 0.7:
            return self._day_between(60)
        if draw < 0.9:
            return self._day_between(180, 61)
        return self._day_between(HISTORY_DAYS, 181)

    # -- rows -----------------------------------------------------------

    def _item(self, customer, company, foreign, rate, kind, day, amount_cur, residual_cur, **extra):
        """Write one receivable item; amounts are signed like its receivable line."""
        self.item_no += 1
        amount_comp = to_company(amount_cur, rate)
        residual_comp = extra.pop("residual_comp", None)
        if residual_comp is None:
            residual_comp = amount_comp if residual_cur == amount_cur else to_company(residual_cur, rate)
        state = extra.pop("state", "posted")
        if kind == "out_invoice":
            maturity = day + timedelta(days=PAYMENT_TERM_DAYS)
        elif kind == "out_refund":
            maturity = day
        else:
            maturity = None
        self.write_item(
            (
                self.item_no,
                customer,
                company.company_id,
                kind,
                state,
                company.foreign_currency_id if foreign else company.currency_id,
                rate,
                day,
                maturity,
                amount_cur,
                amount_comp,
                residual_cur,
                residual_comp,
                extra.pop("payment_state", "not_paid"),
                extra.pop("partial_no", None),
                extra.pop("full_no", None),
            )
        )
        if state == "posted":
            self.posted_items += 1
        else:
            self.draft_items += 1
        return self.item_no, amount_comp

    def _partial(self, debit_item, credit_item, company, foreign, amount_comp, amount_cur, max_date, full_no):
        self.write_partial(
            (
                self.partial_no,
                debit_item,
                credit_item,
                company.company_id,
                company.foreign_currency_id if foreign else company.currency_id,
                amount_comp,
                amount_cur,
                max_date,
                full_no,
            )
        )

    # -- events ---------------------------------------------------------

    def _settled_pair(self, customer, credit_kind):
        """An invoice settled in full by a payment or a credit note (full reconcile)."""
        company, foreign = self._company_and_currency()
        invoice_day = self._day_between(HISTORY_DAYS, 31)
        if credit_kind == "payment":
            settle_day = self._after(invoice_day, 60)
        else:  # a credit note of the same month: its own date gives it the same rate
            month_end = (invoice_day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            settle_day = min(self._after(invoice_day, 30), month_end)
        rate = self._rate(company, foreign, invoice_day)
        amount_cur = self._amount(50, 20_000)
        self.partial_no += 1
        self.full_no += 1
        invoice_state = "paid" if credit_kind == "payment" else "reversed"
        debit_item, amount_comp = self._item(
            customer,
            company,
            foreign,
            rate,
            "out_invoice",
            invoice_day,
            amount_cur,
            0.0,
            residual_comp=0.0,
            payment_state=invoice_state,
            full_no=self.full_no,
        )
        credit_item, _credit_comp = self._item(
            customer,
            company,
            foreign,
            rate,
            credit_kind,
            settle_day,
            -amount_cur,
            0.0,
            residual_comp=0.0,
            payment_state="paid" if credit_kind == "out_refund" else "not_paid",
            full_no=self.full_no,
        )
        self._partial(debit_item, credit_item, company, foreign, amount_comp, amount_cur, settle_day, self.full_no)

    def _partly_paid(self, customer):
        company, foreign = self._company_and_currency()
        invoice_day = self._day_between(365)
        pay_day = self._after(invoice_day, 30)
        rate = self._rate(company, foreign, invoice_day)
        amount_cur = self._amount(50, 20_000)
        paid_cur = max(0.01, round(amount_cur * self.rng.uniform(0.1, 0.9), 2))
        amount_comp = to_company(amount_cur, rate)
        paid_comp = to_company(paid_cur, rate)
        self.partial_no += 1
        debit_item, _amount = self._item(
            customer,
            company,
            foreign,
            rate,
            "out_invoice",
            invoice_day,
            amount_cur,
            round(amount_cur - paid_cur, 2),
            residual_comp=round(amount_comp - paid_comp, 2),
            payment_state="partial",
            partial_no=self.partial_no,
        )
        credit_item, _amount = self._item(
            customer,
            company,
            foreign,
            rate,
            "payment",
            pay_day,
            -paid_cur,
            0.0,
            residual_comp=0.0,
            partial_no=self.partial_no,
        )
        self._partial(debit_item, credit_item, company, foreign, paid_comp, paid_cur, pay_day, None)

    def _open_item(self, customer, kind):
        company, foreign = self._company_and_currency()
        if kind == "out_invoice":
            day, amount_cur = self._open_invoice_date(), self._amount(50, 20_000)
        elif kind == "out_refund":
            day, amount_cur = self._day_between(180), -self._amount(20, 1_000)
        else:
            day, amount_cur = self._day_between(180), -self._amount(50, 3_000)
        rate = self._rate(company, foreign, day)
        self._item(customer, company, foreign, rate, kind, day, amount_cur, amount_cur)

    def _draft_invoice(self, customer):
        company = self.companies[1] if self.rng.random() < SECOND_COMPANY_SHARE else self.companies[0]
        amount_cur = self._amount(50, 20_000)
        self._item(
            customer, company, False, 1.0, "out_invoice", self._day_between(30), amount_cur, amount_cur, state="draft"
        )

    def _pick_event(self, remaining):
        draw = self.rng.random()
        for name, probability, size in EVENTS:
            draw -= probability
            if draw < 0:
                return name if size <= remaining else "open_invoice"
        return "open_invoice"

    def customer(self, customer, item_count):
        remaining = item_count
        while remaining > 0:
            event = self._pick_event(remaining)
            if event == "paid":
                self._settled_pair(customer, "payment")
            elif event == "refunded":
                self._settled_pair(customer, "out_refund")
            elif event == "partly_paid":
                self._partly_paid(customer)
            elif event == "open_refund":
                self._open_item(customer, "out_refund")
            elif event == "unapplied_payment":
                self._open_item(customer, "payment")
            else:
                self._open_item(customer, "out_invoice")
            remaining -= 2 if event in ("paid", "refunded", "partly_paid") else 1
        drafts = sum(1 for _item in range(item_count) if self.rng.random() < DRAFT_INVOICE_SHARE)
        for _draft in range(drafts):
            self._draft_invoice(customer)


def generate_customers(customers, rng):
    """Rows (customer, contact, limit factor, hold, blacklisted) and the contact count.

    A contact number is given to 10 % of the customers (their invoice address); a customer
    without a limit factor has no credit limit.
    """
    rows = []
    contacts = 0
    for customer in range(1, customers + 1):
        contact = None
        if rng.random() < CONTACT_SHARE:
            contacts += 1
            contact = contacts
        factor = None if rng.random() < NO_LIMIT_SHARE else round(rng.uniform(0.7, 2.5), 3)
        rows.append((customer, contact, factor, rng.random() < CREDIT_HOLD_SHARE, rng.random() < BLACKLIST_SHARE))
    return rows, contacts


def generate_book(companies, item_counts, today, rng, write_item, write_partial):
    generator = BookGenerator(companies, today, rng, write_item, write_partial)
    for index, count in enumerate(item_counts):
        generator.customer(index + 1, count)
    return generator


def generate_orders(orders, item_counts, customer_rows, companies, today, rng):
    """Confirmed orders not invoiced yet: (orders, lines), customers weighted like their items."""
    cumulative = []
    total = 0.0
    for count in item_counts:
        total += count**0.7
        cumulative.append(total)
    customers = rng.choices(range(1, len(item_counts) + 1), cum_weights=cumulative, k=orders)
    contact_of = {row[0]: row[1] for row in customer_rows}
    order_rows, line_rows = [], []
    line_no = 0
    for order_no, customer in enumerate(customers, start=1):
        company = companies[1] if rng.random() < SECOND_COMPANY_SHARE else companies[0]
        foreign = rng.random() < FOREIGN_CURRENCY_SHARE
        day = today - timedelta(days=rng.randint(0, 60))
        contact = contact_of[customer] if contact_of[customer] and rng.random() < 0.5 else None
        order_rows.append(
            (
                order_no,
                customer,
                contact,
                company.company_id,
                company.foreign_currency_id if foreign else company.currency_id,
                monthly_rate(company.base_rate, day) if foreign else 1.0,
                day,
            )
        )
        for sequence in range(1, rng.randint(1, 3) + 1):
            line_no += 1
            price = round(math.exp(rng.uniform(math.log(10), math.log(2_000))), 2)
            line_rows.append((line_no, order_no, sequence * 10, rng.randint(1, 20), price))
    return order_rows, line_rows
