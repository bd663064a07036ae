/** The live aging's controls and list (the pivot and graph are in aging_lazy/, as Odoo's own
 * pivot and graph load lazily): in the control panel, the as-of date and the XLSX / PDF exports of what the screen shows. */
import { Component } from "@odoo/owl";
import { useBus, useService } from "@web/core/utils/hooks";
import { download } from "@web/core/network/download";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";

const AS_OF_KEY = "aging_as_of";

export class AgingControls extends Component {
    static template = "credit_control.AgingControls";
    static props = {};

    setup() {
        this.action = useService("action");
        this.ui = useService("ui");
        useBus(this.env.searchModel, "update", () => this.render());
    }

    get searchModel() {
        return this.env.searchModel;
    }

    /** The date the figures are computed at: the search's (a filter's or the date field's), today without. */
    get asOf() {
        return this.searchModel.context[AS_OF_KEY] || luxon.DateTime.local().toISODate();
    }

    onDateChange(ev) {
        const value = ev.target.value;
        if (!value || value === this.asOf) {
            return;
        }
        const searchModel = this.searchModel;
        // the date typed wins over an "As of …" filter (or favorite): those are removed from the search
        const asOfItemIds = new Set(
            Object.values(searchModel.searchItems)
                .filter((item) => JSON.stringify(item.context || "").includes(AS_OF_KEY))
                .map((item) => item.id)
        );
        searchModel.query = searchModel.query.filter((element) => !asOfItemIds.has(element.searchItemId));
        searchModel.globalContext = { ...searchModel.globalContext, [AS_OF_KEY]: value };
        searchModel._notify();
    }

    /** "Title: value, value" of each facet of the search, for the exports' header. */
    get filterDescriptions() {
        return this.searchModel.facets
            .filter((facet) => facet.type !== "groupBy")
            .map((facet) => {
                const values = facet.values.join(` ${facet.separator || "or"} `);
                return facet.title ? `${facet.title}: ${values}` : values;
            });
    }

    get exportData() {
        return {
            as_of: this.asOf,
            domain: this.searchModel.domain,
            filters: this.filterDescriptions,
        };
    }

    async onExportXlsx() {
        const data = this.exportData;
        this.ui.block();
        try {
            await download({
                url: "/credit_control/aging/xlsx",
                data: {
                    as_of: data.as_of,
                    domain: JSON.stringify(data.domain),
                    filters: JSON.stringify(data.filters),
                    company_ids: JSON.stringify(user.context.allowed_company_ids || []),
                },
            });
        } finally {
            this.ui.unblock();
        }
    }

    async onExportPdf() {
        await this.action.doAction({
            type: "ir.actions.report",
            report_type: "qweb-pdf",
            report_name: "credit_control.report_credit_aging_live",
            report_file: "credit_control.report_credit_aging_live",
            name: _t("Receivable Aging"),
            data: this.exportData,
            context: { ...user.context, [AS_OF_KEY]: this.asOf },
        });
    }
}

export class AgingListController extends ListController {
    static template = "credit_control.AgingListView";
    static components = { ...ListController.components, AgingControls };
}

const views = registry.category("views");
views.add("credit_aging_live_list", { ...listView, Controller: AgingListController });
