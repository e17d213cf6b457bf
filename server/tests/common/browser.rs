//! A browser without JavaScript, or a script in its place: it keeps its
//! cookies, follows no redirect, posts forms to server functions and reads
//! pages.

use leptos::server_fn::ServerFn;
use reqwest::{StatusCode, redirect};
use serde_json::Value;

use super::Running;

/// A fresh browser: its own cookies (so its own session), no redirect
/// followed. A request unanswered after a minute fails its test, naming the
/// URL, rather than hanging the whole run (as page requests once did, see
/// `server::route_list`).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .cookie_store(true)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Where a server function is posted.
pub fn path<T: ServerFn>() -> &'static str {
    T::PATH
}

/// Posts `fields` as a form from the page `from` of this site (its
/// `Referer`), asking for a page back when `html` (as a browser without
/// JavaScript does). Follows no redirect: returns the status, `Location`
/// ("" when there is none) and body.
pub async fn post_form(
    app: &Running,
    c: &reqwest::Client,
    from: &str,
    url: &str,
    fields: &[(&str, &str)],
    html: bool,
) -> (StatusCode, String, String) {
    let mut req = c
        .post(format!("{}{url}", app.base))
        .header("referer", format!("{}{from}", app.base));
    if html {
        req = req.header("accept", "text/html");
    }
    let res = req.form(fields).send().await.unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

/// Posts a form to a server function as a script would (no redirect
/// follow); returns status, `Location` and body.
pub async fn call(
    app: &Running,
    c: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    post_form(app, c, "/", url, fields, false).await
}

/// Posts a form from the page `from`; returns the `Location` it redirects
/// to (there must be one).
pub async fn redirect_from(
    app: &Running,
    c: &reqwest::Client,
    from: &str,
    url: &str,
    fields: &[(&str, &str)],
) -> String {
    let (status, location, _) = post_form(app, c, from, url, fields, false).await;
    if location.is_empty() {
        panic!("{url}: {status} without a redirect");
    }
    location
}

/// A page as `c` sees it, asking for HTML when `html`: status and body.
pub async fn get_page(
    app: &Running,
    c: &reqwest::Client,
    url: &str,
    html: bool,
) -> (StatusCode, String) {
    let mut req = c.get(format!("{}{url}", app.base));
    if html {
        req = req.header("accept", "text/html");
    }
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// The page `url` as this client sees it.
pub async fn page(app: &Running, c: &reqwest::Client, url: &str) -> String {
    get_page(app, c, url, false).await.1
}

/// The page `url` as this client sees it, which must answer 200.
pub async fn ok_page(app: &Running, c: &reqwest::Client, url: &str) -> String {
    let (status, body) = get_page(app, c, url, false).await;
    assert_eq!(status, StatusCode::OK, "{url}");
    body
}

/// Fills the booking form, then reads what the review page would show.
/// Calls a server function that must answer 200; its JSON.
pub async fn sfn(app: &Running, c: &reqwest::Client, url: &str, fields: &[(&str, &str)]) -> Value {
    let (status, _, body) = call(app, c, url, fields).await;
    assert_eq!(status, StatusCode::OK, "{url}: {body}");
    serde_json::from_str(&body).unwrap()
}

pub async fn review(app: &Running, c: &reqwest::Client, fields: &[(&str, &str)]) -> Value {
    let (_, location, body) =
        call(app, c, path::<app::booking::api::ReviewBooking>(), fields).await;
    assert!(location.starts_with("/book/review"), "{location} {body}");
    let (status, _, body) = call(app, c, path::<app::booking::api::GetReview>(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

impl Running {
    /// A page (a link as written in HTML) as the server's own browser sees
    /// it: status and body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        get_page(self, &self.client, &path.replace("&amp;", "&"), true).await
    }

    /// Posts a form as a browser without JavaScript does; returns where it
    /// redirects.
    pub async fn submit(&self, action: &str, fields: &[(&str, &str)]) -> String {
        let (status, location, body) =
            post_form(self, &self.client, "/", action, fields, true).await;
        assert_eq!(status, StatusCode::FOUND, "{body}");
        assert!(
            location.starts_with('/'),
            "{action} redirected to {location}"
        );
        location
    }
}

/// Posts a multipart form (a file upload) from the page `url` itself, as a
/// browser without JavaScript does: (name, file name, content) for each
/// field, files sent as `file_type`. Follows no redirect: returns the
/// status and `Location` ("" when there is none).
pub async fn post_multipart(
    app: &Running,
    c: &reqwest::Client,
    url: &str,
    fields: &[(&str, Option<&str>, &[u8])],
    file_type: &str,
) -> (StatusCode, String) {
    let boundary = "----town-booking-test-boundary";
    let mut body = Vec::new();
    for (name, file, content) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: {file_type}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let res = c
        .post(format!("{}{url}", app.base))
        .header("referer", format!("{}{url}", app.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (res.status(), location)
}
