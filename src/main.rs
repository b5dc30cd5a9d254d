//! Mounts the softphone into the page Salesforce frames, once it speaks the agent's language.
fn main() {
    wasm_bindgen_futures::spawn_local(async {
        softphone::language::speak_the_agents_language().await;
        yew::Renderer::<softphone::ui::App>::new().render();
    });
}
