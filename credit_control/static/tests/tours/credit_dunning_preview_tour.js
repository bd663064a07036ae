import { registry } from "@web/core/registry";

// The data is created by the Python test (tests/dunning/test_dunning_preview_tour.py).
registry.category("web_tour.tours").add("credit_control_dunning_preview_tour", {
    steps: () => [
        {
            content: "The run lists its customers with the recipient and the channel planned",
            trigger: ".o_form_view .o_field_widget[name='communication_ids'] .o_data_row:contains('Acme Retail'):contains('wang@acme.example'):contains('Email')",
        },
        {
            content: "A customer nothing can reach says why",
            trigger: ".o_form_view .o_field_widget[name='communication_ids'] .o_data_row:contains('Nowhere Ltd'):contains('nothing can be sent')",
        },
        {
            content: "Open the run's communications",
            trigger: ".o_form_view button[name='action_view_communications']",
            run: "click",
        },
        {
            content: "The run's communications are listed",
            trigger: ".o_breadcrumb .active:contains('Dunning Communications')",
        },
        {
            content: "Open Acme's communication",
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Acme Retail')",
            run: "click",
        },
        {
            content: "The preview tells to whom the email goes",
            trigger: ".o_form_view .o_field_widget[name='preview_recipient']:contains('wang@acme.example')",
        },
        {
            content: "The subject is rendered",
            trigger: ".o_form_view .o_field_widget[name='preview_subject']:contains('First reminder')",
        },
        {
            content: "The email greets the contact and shows the amount due",
            trigger: ".o_form_view .o_field_widget[name='preview_body'] :iframe body:contains('Dear Mr. Wang'):contains('1,250.00')",
        },
        {
            content: "Exclude this customer from the run",
            trigger: ".o_form_view .o_form_statusbar button[name='action_exclude']",
            run: "click",
        },
        {
            content: "The form says who excluded it",
            trigger: ".o_form_view:has(.alert:contains('Excluded from this run')) .o_field_widget[name='excluded_by_id']:contains('Tour Collector')",
        },
        {
            content: "Back to the run",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('DUN/')",
            run: "click",
        },
        {
            content: "Send the rest",
            trigger: ".o_form_view .o_form_statusbar button[name='action_send']:contains('Send')",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The run is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});
