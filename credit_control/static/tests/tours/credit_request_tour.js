import { registry } from "@web/core/registry";

// The tours rely on data created by the Python test (tests/decisions/test_request_tour.py).
registry.category("web_tour.tours").add("credit_control_request_credit_tour", {
    steps: () => [
        {
            content: "The held quotation offers to request more credit",
            trigger: ".o_credit_hold_alert button.o_credit_request_more",
            run: "click",
        },
        {
            content: "The request is prefilled with the limit the order needs",
            trigger: ".o_field_widget[name='requested_limit'] input:value(1,150.00)",
        },
        {
            content: "Justify it",
            trigger: ".o_field_widget[name='justification'] textarea",
            run: "edit Season orders, always paid on time",
        },
        {
            content: "Submit it for approval",
            trigger: ".o_form_view button[name='action_submit']",
            run: "click",
        },
        {
            content: "It waits for its approvers",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('To Approve')",
        },
    ],
});

function approveSteps(done) {
    return [
        {
            content: "The request waits for this approver",
            trigger: ".o_credit_request_to_approve button[name='validate_tier']",
            run: "click",
        },
        {
            content: "Comment the approval",
            trigger: ".modal .o_field_widget[name='comment'] input",
            run: "edit Checked the figures",
        },
        {
            content: "Approve",
            trigger: ".modal button[name='add_comment']",
            run: "click",
        },
        done,
    ];
}

// The first approver: the request now waits for the next tier.
registry.category("web_tour.tours").add("credit_control_approve_request_tour", {
    steps: () =>
        approveSteps({
            content: "Approved at this level: the request waits for the credit manager",
            trigger:
                "body:not(:has(.modal)) .o_credit_request_to_approve:contains('Credit manager'):not(:has(button[name='validate_tier']))",
        }),
});

// The last approver: the request is approved.
registry.category("web_tour.tours").add("credit_control_approve_request_last_tour", {
    steps: () =>
        approveSteps({
            content: "Approved by the last tier",
            trigger: "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        }),
});
