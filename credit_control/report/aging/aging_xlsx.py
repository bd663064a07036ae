"""The aging workbook: one sheet per company, a row per customer, a column per bucket.

A plain function over plain data, so it is tested without a database; the report model
gives it exactly the figures its views show.
"""

import datetime
import io

import xlsxwriter


def build_aging_workbook(title, header_lines, bucket_names, sheets, customer_label="Customer", total_label="Total"):
    """Return the XLSX file as bytes.

    :param title: first header line, e.g. "Receivable aging as of 2026-11-23"
    :param header_lines: further header lines (basis, filters)
    :param bucket_names: column titles of the buckets, in order
    :param sheets: list of (sheet name, currency symbol, rows) with rows a list of
        (customer name, [amount per bucket]) sorted as they should appear
    """
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    title_format = workbook.add_format({"bold": True, "font_size": 14})
    column_title = workbook.add_format({"bold": True, "bottom": 1, "align": "center", "text_wrap": True})
    for sheet_name, currency_symbol, rows in sheets:
        sheet = workbook.add_worksheet(_sheet_name(sheet_name, workbook))
        money = workbook.add_format({"num_format": f'#,##0.00 "{currency_symbol}";-#,##0.00 "{currency_symbol}"'})
        money_total = workbook.add_format(
            {"num_format": f'#,##0.00 "{currency_symbol}";-#,##0.00 "{currency_symbol}"', "bold": True, "top": 1}
        )
        sheet.write(0, 0, title, title_format)
        for offset, line in enumerate(header_lines, start=1):
            sheet.write(offset, 0, line)
        header_row = len(header_lines) + 2
        sheet.write(header_row, 0, customer_label, column_title)
        for column, name in enumerate([*bucket_names, total_label], start=1):
            sheet.write(header_row, column, name, column_title)
        first_row = header_row + 1
        for row_index, (customer, amounts) in enumerate(rows, start=first_row):
            sheet.write(row_index, 0, customer)
            for column, amount in enumerate(amounts, start=1):
                sheet.write_number(row_index, column, amount, money)
            sheet.write_number(row_index, len(amounts) + 1, round(sum(amounts), 2), money)
        total_row = first_row + len(rows)
        sheet.write(total_row, 0, total_label, bold)
        for column in range(1, len(bucket_names) + 2):
            total = round(
                sum(sum(amounts) if column > len(bucket_names) else amounts[column - 1] for _customer, amounts in rows),
                2,
            )
            sheet.write_number(total_row, column, total, money_total)
        sheet.freeze_panes(first_row, 1)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(bucket_names) + 1, 15)
    workbook.close()
    return output.getvalue()


def _sheet_name(name, workbook):
    """Excel sheet names: 31 characters, no []:*?/\\, unique in the workbook."""
    clean = "".join("_" if char in "[]:*?/\\" else char for char in name)[:31] or "Sheet"
    existing = {sheet.get_name() for sheet in workbook.worksheets()}
    candidate, suffix = clean, 2
    while candidate in existing:
        candidate = f"{clean[:28]}~{suffix}"
        suffix += 1
    return candidate


def currency_num_format(symbol, position, digits):
    """Excel number format of an amount as Odoo shows it: the currency's symbol before or
    after, its decimals ('"$ "#,##0.00', '#,##0" ¥"')."""
    number = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    symbol = (symbol or "").replace('"', "")
    if not symbol:
        return number
    return f'"{symbol} "{number}' if position == "before" else f'{number}" {symbol}"'


def build_live_aging_workbook(title, header_lines, bucket_names, blocks, labels):
    """Return the live aging as XLSX bytes: per company currency, a customer sheet (a row
    per customer, a column per bucket, a total) and an item sheet (a row per open item).

    :param blocks: list of dicts, one per currency: ``currency`` (name, symbol, position,
        digits), ``customers`` [(name, [amount per bucket], total)], ``items`` [(customer,
        entry, date, due date, days overdue or None, bucket name, item currency, amount)]
    :param labels: translated texts: customers, items (sheet names), customer, total, entry,
        date, due_date, days_overdue, bucket, currency, amount
    """
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    title_format = workbook.add_format({"bold": True, "font_size": 14})
    column_title = workbook.add_format({"bold": True, "bottom": 1, "align": "center", "text_wrap": True})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    several = len(blocks) > 1
    for block in blocks:
        currency = block["currency"]
        num_format = currency_num_format(currency["symbol"], currency["position"], currency["digits"])
        money = workbook.add_format({"num_format": num_format})
        money_total = workbook.add_format({"num_format": num_format, "bold": True, "top": 1})
        suffix = f" {currency['name']}" if several else ""

        sheet = workbook.add_worksheet(_sheet_name(labels["customers"] + suffix, workbook))
        first_row = _write_header(sheet, title, header_lines, title_format)
        sheet.write_row(first_row, 0, [labels["customer"], *bucket_names, labels["total"]], column_title)
        row = first_row + 1
        for name, amounts, total in block["customers"]:
            sheet.write(row, 0, name)
            for column, amount in enumerate([*amounts, total], start=1):
                sheet.write_number(row, column, amount, money)
            row += 1
        sheet.write(row, 0, labels["total"], bold)
        for column in range(1, len(bucket_names) + 2):
            total = sum(
                (total if column > len(bucket_names) else amounts[column - 1])
                for _name, amounts, total in block["customers"]
            )
            sheet.write_number(row, column, round(total, currency["digits"]), money_total)
        sheet.freeze_panes(first_row + 1, 1)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(bucket_names) + 1, 15)

        sheet = workbook.add_worksheet(_sheet_name(labels["items"] + suffix, workbook))
        first_row = _write_header(sheet, title, header_lines, title_format)
        heads = ["customer", "entry", "date", "due_date", "days_overdue", "bucket", "currency", "amount"]
        sheet.write_row(first_row, 0, [labels[head] for head in heads], column_title)
        row = first_row + 1
        for customer, entry, date, due, days, bucket, item_currency, amount in block["items"]:
            sheet.write(row, 0, customer)
            sheet.write(row, 1, entry)
            _write_date(sheet, row, 2, date, date_format)
            _write_date(sheet, row, 3, due, date_format)
            if days is not None:
                sheet.write_number(row, 4, days)
            sheet.write(row, 5, bucket)
            sheet.write(row, 6, item_currency)
            sheet.write_number(row, 7, amount, money)
            row += 1
        sheet.write(row, 0, labels["total"], bold)
        sheet.write_number(row, 7, round(sum(item[7] for item in block["items"]), currency["digits"]), money_total)
        sheet.freeze_panes(first_row + 1, 1)
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, 6, 12)
        sheet.set_column(7, 7, 16)
    if not blocks:
        sheet = workbook.add_worksheet(_sheet_name(labels["customers"], workbook))
        _write_header(sheet, title, header_lines, title_format)
    workbook.close()
    return output.getvalue()


def _write_header(sheet, title, header_lines, title_format):
    """Title and header lines; returns the row of the column titles."""
    sheet.write(0, 0, title, title_format)
    for offset, line in enumerate(header_lines, start=1):
        sheet.write(offset, 0, line)
    return len(header_lines) + 2


def _write_date(sheet, row, column, value, date_format):
    if value:
        sheet.write_datetime(row, column, datetime.datetime.combine(value, datetime.time()), date_format)
