//! Helpers shared by the egui_kittest tests.

use egui::accesskit::{Action, ActionData, ActionRequest, Role};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// Sets the value of the widget with `role` and `label` the way assistive technology does,
/// then lets the UI settle for a couple of frames.
pub fn set_value<S>(h: &mut Harness<'_, S>, role: Role, label: &str, value: f64) {
    let node = h.get_by_role_and_label(role, label);
    let (target_node, target_tree) = node.accesskit_node().locate();
    h.event(egui::Event::AccessKitActionRequest(ActionRequest {
        action: Action::SetValue,
        target_node,
        target_tree,
        data: Some(ActionData::NumericValue(value)),
    }));
    h.run_steps(2);
}
