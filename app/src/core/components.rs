//! Page frame and small shared pieces.

use leptos::prelude::*;

use crate::core::town::at;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use crate::core::error::AppError;
use crate::core::i18n::texts;
use crate::core::lang::{encode_next, use_lang};
use crate::core::messages::error_message;

/// Header with skip link, site name, text-size and language links, menu;
/// footer. The console's pages use the whole width of a desk's screen;
/// residents' pages keep a reading width.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let other = match lang {
        domain::text::Lang::Ja => "en",
        domain::text::Lang::En => "ja",
    };
    let location = use_location();
    let town = use_context::<crate::core::town::TownBase>().unwrap_or_default();
    let base = town.base.clone();
    let at = {
        let base = base.clone();
        move |path: &str| crate::core::town::join(&base, path)
    };
    // The path within the town (the browser's router sees the prefix).
    let local = move || {
        let path = location.pathname.get();
        match path.strip_prefix(base.as_str()) {
            Some(rest) if !base.is_empty() && rest.starts_with('/') => rest.to_owned(),
            _ => path,
        }
    };
    // This page's path and query, for the links that come back to it.
    let here = {
        let at = at.clone();
        let local = local.clone();
        move || {
            let path = at(&local());
            let search = location.search.get();
            let here = if search.is_empty() {
                path
            } else {
                format!("{path}?{search}")
            };
            encode_next(&here)
        }
    };
    // The language and text-size links are plain server routes (they set a
    // cookie), so they work without JavaScript and the client router never
    // handles them.
    let switch_href = {
        let here = here.clone();
        move || format!("/lang/{other}?next={}", here())
    };
    let size = crate::core::text_size::detect();
    let size_links = crate::core::text_size::TextSize::ALL
        .into_iter()
        .zip(t.text_sizes)
        .map(|(s, label)| {
            let here = here.clone();
            let href = move || format!("/text-size/{}?next={}", s.code(), here());
            view! {
                <li><a href=href rel="external" aria-current=(s == size).then_some("true")>{label}</a></li>
            }
        })
        .collect_view();
    let wrap = move || {
        if local().starts_with("/console") {
            "wrap wide"
        } else {
            "wrap"
        }
    };
    let header_row = {
        let wrap = wrap.clone();
        move || format!("{} header-row", wrap())
    };
    let nav_class = {
        let wrap = wrap.clone();
        move || format!("{} site-nav", wrap())
    };
    view! {
        <a class="skip-link" href="#main">{t.skip_to_content}</a>
        <header class="site-header">
            <div class=header_row>
                <a class="site-name" href=at("/")>
                    {(!town.name.is_empty()).then(|| view! { <span class="site-town">{town.name.clone()}</span>" " })}
                    {t.site_name}
                </a>
                <div class="header-tools">
                    <nav class="text-size" aria-label=t.text_size_label>
                        <span aria-hidden="true">{t.text_size_label}</span>
                        <ul>{size_links}</ul>
                    </nav>
                    <a class="lang-switch" href=switch_href rel="external" hreflang=other lang=other title=t.switch_language_hint>
                        {t.switch_language}
                    </a>
                </div>
            </div>
            <nav class=nav_class aria-label=t.nav_label>
                <ul>
                    <li><a href=at("/")>{t.nav_home}</a></li>
                    <li><a href=at("/facilities")>{t.nav_facilities}</a></li>
                    <li><a href=at("/visits")>{t.nav_visits}</a></li>
                    <li><a href=at("/bookings")>{t.nav_my_booking}</a></li>
                    <li><a href=at("/my")>{t.nav_my}</a></li>
                </ul>
            </nav>
        </header>
        <main id="main" class=wrap.clone() tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <div class=wrap>{demo().then(|| view! { <p>{t.footer_fictional}</p> })}</div>
        </footer>
    }
}

/// Whether this installation holds the fictional demo town, whose pages
/// say so in the footer (a real town's do not): set once at start by the
/// server, and read in the browser from `<html data-demo>` (which
/// [`crate::shell`] writes), so both render the same footer.
#[cfg(feature = "ssr")]
static DEMO: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Records, at start, whether the installation holds the demo town.
#[cfg(feature = "ssr")]
pub fn set_demo(demo: bool) {
    DEMO.store(demo, std::sync::atomic::Ordering::Relaxed);
}

/// See [`set_demo`].
pub fn demo() -> bool {
    #[cfg(feature = "ssr")]
    {
        DEMO.load(std::sync::atomic::Ordering::Relaxed)
    }
    #[cfg(all(not(feature = "ssr"), feature = "hydrate"))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .is_some_and(|e| e.has_attribute("data-demo"))
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        false
    }
}

/// Sets the HTTP status of a server-rendered page (no-op in the browser).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// A translated error with a way back. `nested` when the page already has
/// its own `<h1>`.
#[component]
pub fn ErrorView(error: AppError, #[prop(optional)] nested: bool) -> impl IntoView {
    set_status(error.status());
    let lang = use_lang();
    let t = texts(lang);
    // A missing or lapsed sign-in offers the way back in.
    let sign_in = matches!(
        error,
        AppError::Auth(crate::core::error::AuthError::SignInRequired)
    )
    .then(|| view! {
        <p><a class="button button-primary" href=at("/console/login")>{texts(lang).sign_in_link}</a></p>
    });
    view! {
        <Title text=t.error_title/>
        <section class="notice notice-error" role="alert">
            {if nested { view! { <h2>{t.error_title}</h2> }.into_any() } else { view! { <h1>{t.error_title}</h1> }.into_any() }}
            <p>{error_message(lang, &error)}</p>
            {sign_in}
            <p class="link-row"><a href=at("/facilities")>{t.back_to_facilities}</a></p>
        </section>
    }
}

/// Waits for `data` (server-side before any HTML is sent, see `SsrMode::Async`),
/// then shows `render` of the value or the translated error. `nested` when
/// the page already has its own `<h1>`.
pub fn loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    nested: bool,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=Loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorView error nested/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The loading line shown while data arrives in the browser.
#[component]
pub fn Loading() -> impl IntoView {
    let t = texts(use_lang());
    view! { <p class="loading" role="status">{t.loading}</p> }
}

/// Shows a failed server call (only with JavaScript; without it the
/// browser shows the next page): a refusal such as a rate limit is said in
/// words next to the form instead of the click doing nothing.
#[component]
pub fn ActionError<S>(action: ServerAction<S>) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let lang = use_lang();
    move || {
        action.value().get().and_then(Result::err).map(|e| {
            view! { <p class="notice notice-error" role="alert">{error_message(lang, &e)}</p> }
        })
    }
}
