//! The browser entry point: hydrates the server-rendered page into the SPA.

// The hydration future holds the app's whole view type; its layout needs
// more room than the default 128 (as in `app`).
#![recursion_limit = "256"]

use wasm_bindgen::prelude::wasm_bindgen;

/// What `leptos::mount::hydrate_lazy` does (a lazy page first fetches its
/// own WASM part), and then marks the document as hydrated: only now, with
/// the whole page live, may tests (and styles) treat it as the SPA.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // An error only means the executor was already set up.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let owner = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        owner.forget();
        app::mark_hydrated();
    });
}
