//! Server functions of the facility-list import page and the open data
//! page. The file is sent to the axum route `POST /console/facility-list`
//! (a multipart form, see `server::imports`), which leaves the draft in the
//! session; these read the page, write the draft, or drop it.

use leptos::prelude::*;

use crate::core::error::AppError;
use crate::opendata::types::{ListImportPage, OpenDataPage};

#[cfg(feature = "ssr")]
pub use ssr::{LIST_DRAFT, after_upload};

/// The import page's address.
pub const PAGE: &str = "/console/facility-list";

#[cfg(feature = "ssr")]
mod ssr {
    use crate::core::error::AppError;
    use crate::core::session::{self, Key};
    use crate::core::types::Flash;
    use crate::opendata::service::ListDraft;

    /// A list read and not yet written.
    pub const LIST_DRAFT: Key<ListDraft> = Key::new("facility_list_draft");

    /// What the upload route leaves for the page: the draft to preview, or
    /// the message saying what to fix (and no draft).
    pub async fn after_upload(
        s: &tower_sessions::Session,
        outcome: Result<ListDraft, String>,
    ) -> Result<(), AppError> {
        match outcome {
            Ok(d) => session::write(s, LIST_DRAFT, &d).await,
            Err(text) => {
                session::forget(s, LIST_DRAFT).await?;
                let flash = Flash { ok: false, text };
                session::write(s, crate::console::api::ssr::CONSOLE_FLASH, &flash).await
            }
        }
    }
}

/// The form, and the draft's preview.
#[server(prefix = "/sfn", endpoint = "get_facility_list_page")]
pub async fn get_facility_list_page() -> Result<ListImportPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.admin()?;
    let draft = c.get(LIST_DRAFT).await?;
    let mut page = c
        .state
        .facility_list_page(&actor, c.lang, draft.as_ref())
        .await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Writes the draft (all of it, or nothing).
#[server(prefix = "/sfn", endpoint = "apply_facility_list")]
pub async fn apply_facility_list() -> Result<(), AppError> {
    use crate::console::api::ssr;
    let (c, actor) = ssr::ctx().await?;
    actor.admin()?;
    let v = c.state.now().timestamp_millis();
    let Some(draft) = c.get(LIST_DRAFT).await? else {
        crate::core::session::redirect(&format!("{PAGE}?v={v}"));
        return Ok(());
    };
    let back = format!("{PAGE}?v={v}");
    match c.state.apply_facility_list(&actor, c.lang, &draft).await {
        Ok(Ok(text)) => {
            c.take(LIST_DRAFT).await?;
            ssr::done(&c, &back, Ok(text)).await
        }
        // The draft stays: the page shows it again against what is there now.
        Ok(Err(again)) => {
            let flash = crate::core::types::Flash {
                ok: false,
                text: again,
            };
            c.set(ssr::CONSOLE_FLASH, &flash).await?;
            crate::core::session::redirect(&back);
            Ok(())
        }
        Err(e) => ssr::done(&c, &back, Err(e)).await,
    }
}

/// Saves the town's 全国地方公共団体コード and open data licence.
#[server(prefix = "/sfn", endpoint = "save_open_data_settings")]
pub async fn save_open_data_settings(code: String, licence: String) -> Result<(), AppError> {
    use crate::console::api::ssr;
    let (c, actor) = ssr::ctx().await?;
    actor.admin()?;
    let back = format!("{PAGE}?v={}", c.state.now().timestamp_millis());
    match c
        .state
        .save_open_data_settings(&actor, c.lang, &code, &licence)
        .await
    {
        Ok(Ok(text)) => ssr::done(&c, &back, Ok(text)).await,
        Ok(Err(fix)) => {
            let flash = crate::core::types::Flash {
                ok: false,
                text: fix,
            };
            c.set(ssr::CONSOLE_FLASH, &flash).await?;
            crate::core::session::redirect(&back);
            Ok(())
        }
        Err(e) => ssr::done(&c, &back, Err(e)).await,
    }
}

/// Drops the draft; nothing is written.
#[server(prefix = "/sfn", endpoint = "discard_facility_list")]
pub async fn discard_facility_list() -> Result<(), AppError> {
    use crate::console::api::ssr;
    let (c, actor) = ssr::ctx().await?;
    actor.admin()?;
    c.take(LIST_DRAFT).await?;
    let text = crate::opendata::texts::messages(c.lang)
        .discarded
        .to_owned();
    let v = c.state.now().timestamp_millis();
    ssr::done(&c, &format!("{PAGE}?v={v}"), Ok(text)).await
}

/// `/opendata`: what the town publishes (public).
#[server(prefix = "/sfn", endpoint = "get_open_data_page")]
pub async fn get_open_data_page() -> Result<OpenDataPage, AppError> {
    use crate::core::state::AppState;
    let state = use_context::<AppState>()
        .ok_or(AppError::Unavailable)?
        .for_request();
    state.open_data_page(crate::core::lang::detect()).await
}
