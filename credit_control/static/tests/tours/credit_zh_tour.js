import { registry } from "@web/core/registry";

// A Chinese credit manager opens an English salesperson's hold (data from test_tour.py).
registry.category("web_tour.tours").add("credit_control_zh_reasons_tour", {
    steps: () => [
        {
            content: "The hold form speaks Chinese: its Reasons tab or field",
            trigger: ".o_form_view:contains('原因')",
        },
        {
            content: "The reason is written in Chinese, with the facts of the hold",
            trigger: ".o_form_sheet:contains('超出信用额度'):contains('500.00')",
        },
        {
            content: "No English reason is left on the sheet (the chatter keeps what was posted)",
            trigger: ".o_form_sheet:not(:contains('exceeds the credit limit'))",
        },
    ],
});
