//! Mounts the softphone into the page Salesforce frames.
fn main() {
    yew::Renderer::<softphone::ui::App>::new().render();
}
