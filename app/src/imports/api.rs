//! Server functions of the import page. The file or URL is sent to the
//! axum route `POST /console/import` (a multipart form, see
//! `server::imports`), which leaves the draft in the session; these read
//! the page, write the draft with its decisions, or drop it.

use leptos::prelude::*;

use crate::core::error::AppError;
use crate::imports::types::ImportPage;

#[cfg(feature = "ssr")]
pub use ssr::{IMPORT_DRAFT, after_upload};

#[cfg(feature = "ssr")]
mod ssr {
    use crate::core::error::AppError;
    use crate::core::session::{self, Key};
    use crate::core::types::Flash;
    use crate::imports::service::ImportDraft;

    /// A file read and not yet written.
    pub const IMPORT_DRAFT: Key<ImportDraft> = Key::new("import_draft");

    /// What the upload route leaves for the page: the draft to preview, or
    /// the message saying what to fix (and no draft).
    pub async fn after_upload(
        s: &tower_sessions::Session,
        outcome: Result<ImportDraft, String>,
    ) -> Result<(), AppError> {
        match outcome {
            Ok(d) => session::write(s, IMPORT_DRAFT, &d).await,
            Err(text) => {
                session::forget(s, IMPORT_DRAFT).await?;
                let flash = Flash { ok: false, text };
                session::write(s, crate::console::api::ssr::CONSOLE_FLASH, &flash).await
            }
        }
    }
}

/// The form, and the draft's preview with everything it meets.
#[server(prefix = "/sfn", endpoint = "get_import_page")]
pub async fn get_import_page() -> Result<ImportPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let draft = c.get(IMPORT_DRAFT).await?;
    let mut page = match c.state.import_page(&actor, c.lang, draft.as_ref()).await {
        Ok(page) => page,
        // A draft that no longer reads (its target left the actor's
        // scope, say) is dropped; the form starts again.
        Err(AppError::Domain(_) | AppError::Auth(crate::core::error::AuthError::Forbidden))
            if draft.is_some() =>
        {
            c.take(IMPORT_DRAFT).await?;
            c.state.import_page(&actor, c.lang, None).await?
        }
        Err(e) => return Err(e),
    };
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Writes the draft with a decision for each booking or visit it meets.
#[server(prefix = "/sfn", endpoint = "apply_import")]
pub async fn apply_import(decisions: Option<Vec<String>>) -> Result<(), AppError> {
    use crate::console::api::ssr;
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let Some(draft) = c.get(IMPORT_DRAFT).await? else {
        crate::core::session::redirect("/console/import");
        return Ok(());
    };
    let outcome = c
        .state
        .apply_import(&actor, c.lang, &draft, &decisions.unwrap_or_default())
        .await;
    let v = c.state.now().timestamp_millis();
    match outcome {
        Ok(Ok(text)) => {
            c.take(IMPORT_DRAFT).await?;
            ssr::done(&c, &format!("/console/import?v={v}"), Ok(text)).await
        }
        Ok(Err(again)) => {
            let flash = crate::core::types::Flash {
                ok: false,
                text: again,
            };
            c.set(ssr::CONSOLE_FLASH, &flash).await?;
            crate::core::session::redirect(&format!("/console/import?v={v}"));
            Ok(())
        }
        Err(e) => ssr::done(&c, &format!("/console/import?v={v}"), Err(e)).await,
    }
}

/// Drops the draft; nothing is written.
#[server(prefix = "/sfn", endpoint = "discard_import")]
pub async fn discard_import() -> Result<(), AppError> {
    use crate::console::api::ssr;
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    c.take(IMPORT_DRAFT).await?;
    let text = crate::imports::texts::texts(c.lang).discarded.to_owned();
    let v = c.state.now().timestamp_millis();
    ssr::done(&c, &format!("/console/import?v={v}"), Ok(text)).await
}
