import { registry } from "@web/core/registry";

// Data created by the Python test (tests/desk/test_desk_tour.py): the salesperson's order is on hold.
registry.category("web_tour.tours").add("credit_control_salesperson_tour", {
    steps: () => [
        {
            content: "The held order says why, in the hold's words",
            trigger: ".o_credit_signal.o_credit_hold_alert:contains('On credit hold'):contains('exceeds the credit limit')",
        },
        {
            content: "Open its hold",
            trigger: ".o_credit_hold_alert button[name='action_view_credit_holds']",
            run: "click",
        },
        {
            content: "The hold is pending, as a badge",
            trigger: ".o_field_widget[name='state'] .badge:contains('Pending')",
        },
        {
            content: "Log a note in the hold's chatter",
            trigger: ".o-mail-Chatter button:contains('Log note')",
            run: "click",
        },
        {
            content: "Write the comment",
            trigger: ".o-mail-Composer-input",
            run: "edit The customer paid 500 by wire this morning",
        },
        {
            content: "Post it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The comment is in the chatter",
            trigger: ".o-mail-Message:contains('paid 500 by wire')",
        },
        {
            content: "Request the release",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_request_release']",
            run: "click",
        },
        {
            content: "Give the justification",
            trigger: ".modal .o_field_widget[name='justification'] textarea",
            run: "edit Wire transfer received, see the note",
        },
        {
            content: "Send the request",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "The hold shows the release is requested",
            trigger: "body:not(:has(.modal)) .o_credit_release_requested:contains('Release requested')",
        },
        {
            content: "The request is in the chatter",
            trigger: ".o-mail-Message:contains('Wire transfer received, see the note')",
        },
    ],
});
