import { registry } from "@web/core/registry";

// The data is created by the Python test (tests/collections/test_collections_tour.py).
registry.category("web_tour.tours").add("credit_control_collections_tour", {
    steps: () => [
        {
            content: "Look at the worklist as cards, by role",
            trigger: ".o_control_panel .o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The customer's card shows its overdue amount",
            trigger: ".o_kanban_record:contains('Tour Customer'):contains('1,000.00')",
        },
        {
            content: "Back to the list",
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The collector's worklist lists the customer",
            trigger: ".o_list_view .o_data_row td:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Log a contact from the task",
            trigger: ".o_form_view button[name='action_log_contact']",
            run: "click",
        },
        {
            content: "The customer promised to pay",
            trigger: ".modal .o_field_widget[name='outcome'] input[data-value='promise']",
            run: "click",
        },
        {
            content: "Promised amount",
            trigger: ".modal .o_field_widget[name='promise_amount'] input",
            run: "edit 500",
        },
        {
            content: "What was said",
            trigger: ".modal .o_field_widget[name='note'] textarea",
            run: "edit Pays on Friday",
        },
        {
            content: "Log it",
            trigger: ".modal-footer button[name='action_log']",
            run: "click",
        },
        {
            content: "The task shows the last outcome",
            trigger: ".o_form_view:not(:has(.modal)) .o_field_widget[name='last_outcome']:contains('Promise to pay')",
        },
    ],
});
