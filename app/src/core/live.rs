//! Live pages in the browser. A page that shows what can change opens one
//! event stream (`/live/…`, see the server's `live` module) once it runs,
//! and reloads its own data when a change arrives; its view patches only
//! what differs. Without JavaScript nothing here runs (the page is right as
//! of its loading, and a reload shows the truth).
//!
//! - Changes are coalesced: at most one reload per [`DEBOUNCE`].
//! - `resync` (missed too much), every [`REFRESH`] and when the window
//!   regains focus after [`REFRESH_ON_FOCUS`]: a reload, so a page left open
//!   overnight shows the truth in the morning (past times, today).
//! - If the stream cannot be held (refused, or cut three times in a row) the
//!   page polls every [`POLL`] and says when it last read.

use leptos::prelude::*;
use std::time::Duration;

use domain::text::Lang;

use crate::core::i18n::texts;
use crate::core::lang::use_lang;

pub const DEBOUNCE: Duration = Duration::from_millis(200);
pub const POLL: Duration = Duration::from_secs(30);
pub const REFRESH: Duration = Duration::from_secs(300);
pub const REFRESH_ON_FOCUS: Duration = Duration::from_secs(60);

/// What a live page says about its updates.
#[derive(Clone, Copy)]
pub struct Live {
    /// The status region's words after an update changed something.
    pub said: RwSignal<String>,
    /// When polling instead of streaming: the local time of the last read.
    pub polled: RwSignal<Option<String>>,
    lang: Lang,
}

impl Live {
    /// For the page being rendered (in its language).
    pub fn new() -> Live {
        Live {
            said: RwSignal::new(String::new()),
            polled: RwSignal::new(None),
            lang: use_lang(),
        }
    }

    /// Tells screen readers (politely) how many places changed; nothing
    /// when nothing did.
    pub fn changed(&self, n: usize) {
        if n > 0 {
            self.said.set((texts(self.lang).live_changed)(n));
        }
    }
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

/// The page's one status region (`role="status"`, polite): a summary of
/// the last update; present from the first render so screen readers watch
/// it. Below it, when polling, when the data was last read.
#[component]
pub fn LiveNote(live: Live) -> impl IntoView {
    let t = texts(live.lang);
    // The polling note changes every 30 s; it stays out of the status
    // region so screen readers are not told each time.
    view! {
        <p class="live-note" role="status">{move || live.said.get()}</p>
        {move || live.polled.get().map(|at| view! { <p class="live-note">{(t.live_polled)(&at)}</p> })}
    }
}

/// Keeps a page's data live once it runs in the browser: `url` is its
/// stream, `refresh` reloads the data (and patches the view).
pub fn keep_live(live: Live, url: String, refresh: impl Fn() + Clone + 'static) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            browser::start(live, &url, std::rc::Rc::new(refresh.clone()));
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (live, url, refresh);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;

    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::EventSource;

    use super::{DEBOUNCE, Live, POLL, REFRESH, REFRESH_ON_FOCUS};

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    /// The device's clock as `HH:MM`.
    fn clock() -> String {
        let d = js_sys::Date::new_0();
        format!("{}:{:02}", d.get_hours(), d.get_minutes())
    }

    pub fn start(live: Live, url: &str, refresh: Rc<dyn Fn()>) {
        let last = Rc::new(Cell::new(now_ms()));
        let waiting = Rc::new(Cell::new(false));
        // A reload soon, coalescing a burst of changes into one.
        let soon: Rc<dyn Fn()> = {
            let (refresh, last, waiting) = (refresh.clone(), last.clone(), waiting.clone());
            Rc::new(move || {
                if waiting.replace(true) {
                    return;
                }
                let (refresh, last, waiting) = (refresh.clone(), last.clone(), waiting.clone());
                set_timeout(
                    move || {
                        waiting.set(false);
                        last.set(now_ms());
                        refresh();
                    },
                    DEBOUNCE,
                );
            })
        };

        let periodic = {
            let soon = soon.clone();
            set_interval_with_handle(move || soon(), REFRESH).ok()
        };
        let focus = {
            let (soon, last) = (soon.clone(), last.clone());
            window_event_listener(leptos::ev::focus, move |_| {
                if now_ms() - last.get() > REFRESH_ON_FOCUS.as_millis() as f64 {
                    soon();
                }
            })
        };

        let polling: Rc<Cell<Option<IntervalHandle>>> = Rc::new(Cell::new(None));
        let poll = {
            let (soon, polling) = (soon.clone(), polling.clone());
            move || {
                if let Some(p) = polling.take() {
                    polling.set(Some(p));
                    return;
                }
                live.polled.set(Some(clock()));
                let soon = soon.clone();
                let handle = set_interval_with_handle(
                    move || {
                        soon();
                        live.polled.set(Some(clock()));
                    },
                    POLL,
                );
                polling.set(handle.ok());
            }
        };

        let source = match EventSource::new(url) {
            Ok(s) => Some(s),
            Err(_) => {
                poll();
                None
            }
        };
        let mut handlers: Vec<Closure<dyn FnMut(web_sys::Event)>> = Vec::new();
        if let Some(es) = &source {
            let on_change = {
                let soon = soon.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |_| soon())
            };
            for name in ["change", "resync"] {
                let _ =
                    es.add_event_listener_with_callback(name, on_change.as_ref().unchecked_ref());
            }
            handlers.push(on_change);
            let failures = Rc::new(Cell::new(0u32));
            let on_open = {
                let failures = failures.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |_| failures.set(0))
            };
            es.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            handlers.push(on_open);
            let on_error = {
                let es = es.clone();
                let poll = poll.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                    failures.set(failures.get() + 1);
                    // Refused (closed for good), or cut again and again:
                    // poll instead.
                    if es.ready_state() == EventSource::CLOSED || failures.get() >= 3 {
                        es.close();
                        poll();
                    }
                })
            };
            es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            handlers.push(on_error);
        }

        let cleanup = send_wrapper::SendWrapper::new((source, handlers, periodic, polling, focus));
        on_cleanup(move || {
            let (source, handlers, periodic, polling, focus) = cleanup.take();
            if let Some(es) = source {
                es.close();
            }
            drop(handlers);
            if let Some(p) = periodic {
                p.clear();
            }
            if let Some(p) = polling.take() {
                p.clear();
            }
            focus.remove();
        });
    }
}
