import { registry } from "@web/core/registry";

// Both tours rely on data created by the Python test (test_tour.py).
registry.category("web_tour.tours").add("credit_control_hold_tour", {
    steps: () => [
        {
            content: "The quotation warns before confirmation and shows the credit left",
            trigger: ".o_credit_check_warning:contains('exceeds the credit limit')",
        },
        {
            content: "Available credit is shown to the salesperson",
            trigger: ".o_credit_available:contains('300.00')",
        },
        {
            content: "Confirm the over-limit order",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The salesperson is told the order is on credit hold, and why",
            trigger: ".o_notification:contains('Credit hold'):contains('exceeds the credit limit')",
        },
        {
            content: "The order shows it is on credit hold",
            trigger: ".o_credit_hold_alert:contains('On credit hold')",
        },
        {
            content: "It is still a quotation",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Quotation')",
        },
    ],
});

registry.category("web_tour.tours").add("credit_control_release_tour", {
    steps: () => [
        {
            content: "Open the pending hold of the order",
            trigger: ".o_data_row td:contains('SO-TOUR-001')",
            run: "click",
        },
        {
            content: "The hold lists its reason",
            trigger: ".o_field_widget[name='reason_ids'] td:contains('exceeds the credit limit')",
        },
        {
            content: "Release it",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Release')",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Deposit received by wire",
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

registry.category("web_tour.tours").add("credit_control_settings_tour", {
    steps: () => [
        {
            content: "A credit manager who is no administrator opens the credit settings",
            trigger: "#credit_hold_enabled input[type='checkbox']:not(:checked)",
            run: "click",
        },
        {
            content: "Save the settings",
            trigger: "button.o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: credit holds are on and nothing is left to save",
            trigger: "body:not(:has(.o_form_dirty)) #credit_hold_enabled input[type='checkbox']:checked",
        },
    ],
});
