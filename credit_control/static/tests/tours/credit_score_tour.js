import { registry } from "@web/core/registry";

// Both tours rely on data created by the Python test (test_scoring_tour.py).
registry.category("web_tour.tours").add("credit_control_score_tour", {
    steps: () => [
        {
            content: "Open the Credit tab of the customer",
            trigger: ".o_notebook .nav-link[name='credit_control']",
            run: "click",
        },
        {
            content: "Score the customer now",
            trigger: "button[name='action_credit_compute_score']",
            run: "click",
        },
        {
            content: "The grade is shown",
            trigger: ".o_field_widget[name='credit_grade']:contains('A')",
        },
        {
            content: "The explanation lists the factors and their points",
            trigger: ".o_credit_score_explanation:contains('On-time payment ratio (%)')",
        },
        {
            content: "The suggested limit is 25% of the last 12 months' sales",
            trigger: ".o_field_widget[name='credit_suggested_limit']:contains('2,500.00')",
        },
        {
            content: "Apply the suggested limit",
            trigger: "button[name='action_credit_apply_suggested_limit']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The credit limit is now the suggested one",
            trigger: ".o_field_widget[name='credit_limit'] input:value('2,500.00')",
        },
    ],
});

registry.category("web_tour.tours").add("credit_control_score_salesman_tour", {
    steps: () => [
        {
            content: "Open the Credit Score tab",
            trigger: ".o_notebook .nav-link[name='credit_score_salesman']",
            run: "click",
        },
        {
            content: "The salesperson sees the grade",
            trigger: ".o_field_widget[name='credit_grade']:contains('A')",
        },
        {
            content: "and why",
            trigger: ".o_credit_score_explanation:contains('Average days paid late')",
        },
        {
            content: "but cannot change the credit settings",
            trigger: ".o_notebook:not(:has(button[name='action_credit_apply_suggested_limit']))",
        },
    ],
});
