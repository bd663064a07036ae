/** The live aging's pivot and graph, with its controls (the as-of date, XLSX, PDF). */
import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphController } from "@web/views/graph/graph_controller";
import { pivotView } from "@web/views/pivot/pivot_view";
import { PivotController } from "@web/views/pivot/pivot_controller";
import { AgingControls } from "@credit_control/aging/aging_live_views";

export class AgingPivotController extends PivotController {
    static template = "credit_control.AgingPivotView";
    static components = { ...PivotController.components, AgingControls };
}

export class AgingGraphController extends GraphController {
    static template = "credit_control.AgingGraphView";
    static components = { ...GraphController.components, AgingControls };
}

const views = registry.category("views");
views.add("credit_aging_live_pivot", { ...pivotView, Controller: AgingPivotController });
views.add("credit_aging_live_graph", { ...graphView, Controller: AgingGraphController });
