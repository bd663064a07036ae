import { Component, onWillStart, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import {
    formatFloat,
    formatInteger,
    formatMonetary,
    formatPercentage,
} from "@web/views/fields/formatters";

/** The DSO trend: a small line chart of Chart.js, as Odoo's graph view draws it. */
export class CreditOverviewChart extends Component {
    static template = "credit_control.OverviewChart";
    static props = { chart: Object };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            () => {
                this.renderChart();
                return () => this.chart?.destroy();
            },
            () => [this.props.chart]
        );
    }

    renderChart() {
        this.chart?.destroy();
        const { labels, values, label } = this.props.chart;
        this.chart = new window.Chart(this.canvasRef.el, {
            type: "line",
            data: {
                labels,
                datasets: [
                    {
                        label,
                        data: values,
                        borderColor: "#714B67",
                        backgroundColor: "rgba(113, 75, 103, 0.15)",
                        fill: true,
                        tension: 0.3,
                        spanGaps: true,
                    },
                ],
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                plugins: { legend: { display: false } },
                scales: { y: { beginAtZero: true } },
            },
        });
    }
}

/** Credit Control's landing screen: every figure opens the list it counts. */
export class CreditOverview extends Component {
    static template = "credit_control.Overview";
    static components = { Layout, CreditOverviewChart };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null, scope: this.props.action.params?.scope || false });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("credit.overview", "get_overview_data", [], {
            scope: this.state.scope,
        });
        this.state.scope = this.state.data.scope;
    }

    async setScope(scope) {
        this.state.scope = scope;
        await this.load();
    }

    get figureCards() {
        return this.state.data.cards.filter((card) => card.layout === "figure");
    }

    get wideCards() {
        return this.state.data.cards.filter((card) => card.layout !== "figure");
    }

    format(value, type, currencyId) {
        if (value === null || value === undefined || value === false) {
            return "–";
        }
        switch (type) {
            case "monetary":
                return formatMonetary(value, {
                    currencyId: currencyId || this.state.data.company.currency_id,
                });
            case "percent":
                return formatPercentage(value);
            case "days":
                return _t("%s days", formatFloat(value, { digits: [false, 0] }));
            default:
                return formatInteger(value);
        }
    }

    toneClass(card) {
        return card.tone ? `text-${card.tone}` : "";
    }

    barWidth(card, item) {
        const max = Math.max(...card.items.map((line) => line.value), 1);
        return `width: ${Math.round((item.value / max) * 100)}%`;
    }

    open(action) {
        if (action) {
            this.action.doAction(action);
        }
    }
}

registry.category("actions").add("credit_control.overview", CreditOverview);
