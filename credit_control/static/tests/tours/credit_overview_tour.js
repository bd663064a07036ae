import { registry } from "@web/core/registry";

// Relies on the data created by the Python test (tests/core/test_overview_tour.py).
registry.category("web_tour.tours").add("credit_control_overview_tour", {
    steps: () => [
        {
            content: "The credit manager lands on the overview: one hold of 450.00 pending",
            trigger: ".o_credit_overview_card[data-card='holds_pending'] .o_credit_overview_value:contains('450.00')",
        },
        {
            content: "The overdue card shows the overdue receivables",
            trigger: ".o_credit_overview_card[data-card='overdue'] .o_credit_overview_value:contains('600.00')",
        },
        {
            content: "Open the pending holds",
            trigger: ".o_credit_overview_card[data-card='holds_pending'] .o_credit_overview_value",
            run: "click",
        },
        {
            content: "The list shows the pending holds, the held order among them",
            trigger: ".o_list_view .o_data_row td:contains('SO-OVW-TOUR')",
            run: "click",
        },
        {
            content: "Release the hold",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Release')",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Customer paid the overdue invoice",
        },
        {
            content: "Apply the decision",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "The hold is released",
            trigger: "body:not(:has(.modal)) .o_field_widget[name='state'] .badge:contains('Released')",
        },
    ],
});
