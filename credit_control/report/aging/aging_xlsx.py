"""The aging workbook: one sheet per company, a row per customer, a column per bucket.

A plain function over plain data, so it is tested without a database; the report model
gives it exactly the figures its views show.
"""

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
