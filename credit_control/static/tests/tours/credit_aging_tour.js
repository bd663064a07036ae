import { registry } from "@web/core/registry";

// Data created by the Python test (test_aging_live.py): an invoice of 1,000.00, 45 days late,
// 400.00 of it paid today.
registry.category("web_tour.tours").add("credit_control_aging_tour", {
    steps: () => [
        {
            content: "The aging is shown at once: the customer and what is open today",
            trigger: ".o_pivot th:contains('Acme Retail')",
        },
        {
            content: "600.00 open today in the 31-60 bucket",
            trigger: ".o_pivot td:contains('600.00')",
        },
        {
            content: "Go back ten days: the payment of today did not happen yet",
            trigger: "input.o_credit_aging_as_of",
            run() {
                const date = luxon.DateTime.local().minus({ days: 10 }).toISODate();
                this.anchor.value = date;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "1,000.00 open ten days ago",
            trigger: ".o_pivot td:contains('1,000.00')",
        },
        {
            content: "Export the aging shown to Excel",
            trigger: "button.o_credit_aging_xlsx",
            run: "click",
        },
        {
            content: "The screen is still there, without an error",
            trigger: ".o_pivot:not(:has(.o_error_dialog)) td:contains('1,000.00')",
        },
    ],
});
