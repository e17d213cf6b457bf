//! HTTP tests: the real router on 127.0.0.1:0 with a real database (SQLite,
//! and PostgreSQL where reachable), talked to by a real client. The clock is
//! pinned to 2026-11-22 10:00 JST so statuses are exact.

use crate::common::{Running, spawn};
use reqwest::StatusCode;
use serde_json::Value;
use store::testing::TestDb;

fn slots_on<'a>(unit: &'a Value, date: &str) -> Vec<&'a Value> {
    unit["slots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["start"].as_str().unwrap().starts_with(date))
        .collect()
}

async fn availability_is_exact(app: &Running) {
    let (status, body) = app
        .json("/api/v1/facilities/1/availability?from=2026-11-22&to=2027-01-12")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["facility_id"], 1);
    assert_eq!(body["time_zone"], "Asia/Tokyo");
    let units = body["units"].as_array().unwrap();
    assert_eq!(units.len(), 4);
    assert_eq!(units[0]["name"], "大ホール");
    let room = &units[1];
    assert_eq!(room["name"], "会議室1");
    // Today 10:00: the morning has started (past), the afternoon's booking
    // closed yesterday 17:00 (closed, 受付終了).
    let today = slots_on(room, "2026-11-22");
    assert_eq!(today[0]["start"], "2026-11-22T09:00:00+09:00");
    assert_eq!(today[0]["end"], "2026-11-22T12:00:00+09:00");
    assert_eq!(today[0]["status"], "past");
    assert_eq!(today[1]["status"], "closed");
    assert_eq!(today[1]["reason"], "受付終了");
    assert_eq!(today[1]["reason_code"], "window_closed");
    assert_eq!(today[2]["label"], "夜間");
    // 2026-11-24 (Tue) follows 勤労感謝の日 on Monday 11-23: closed instead.
    let holiday_monday = slots_on(room, "2026-11-23");
    assert_eq!(holiday_monday.len(), 3);
    assert!(
        holiday_monday
            .iter()
            .all(|s| s["status"] == "free" || s["status"] == "booked")
    );
    let tuesday = slots_on(room, "2026-11-24");
    assert_eq!(tuesday.len(), 3);
    for s in tuesday {
        assert_eq!(s["status"], "closed");
        assert_eq!(s["reason_code"], "shifted_from_holiday");
    }
    // Mondays are closed; year-end too.
    assert_eq!(slots_on(room, "2026-12-07")[0]["reason"], "休館日");
    assert_eq!(slots_on(room, "2026-12-29")[0]["reason"], "年末年始");
    assert_eq!(slots_on(room, "2027-01-01")[1]["reason_code"], "year_end");
    assert_eq!(
        slots_on(room, "2027-01-12")[0]["reason_code"],
        "shifted_from_holiday"
    );
    // The seed booked some slots within the next weeks; others are free.
    let all: Vec<&Value> = units
        .iter()
        .flat_map(|u| u["slots"].as_array().unwrap())
        .collect();
    assert!(all.iter().any(|s| s["status"] == "booked"));
    assert!(all.iter().any(|s| s["status"] == "free"));
    // Booking for March 2027 opens 2026-12-01 09:00.
    let (_, march) = app
        .json("/api/v1/facilities/1/availability?from=2027-03-02&to=2027-03-02&lang=en")
        .await;
    let slot = &march["units"][1]["slots"][0];
    assert_eq!(slot["status"], "not_yet_open");
    assert_eq!(march["units"][1]["name"], "Meeting room 1");
    assert_eq!(slot["label"], "Morning");
}

#[tokio::test]
async fn availability_api_is_exact_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    availability_is_exact(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn availability_api_is_exact_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    availability_is_exact(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn facilities_api_lists_units_with_shared_space() {
    let app = spawn(TestDb::sqlite().await).await;
    let (status, list) = app.json("/api/v1/facilities").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 3);
    let gym = &list[1];
    assert_eq!(gym["name"], "ひだまり町民体育館");
    let whole = gym["units"][0]["id"].clone();
    assert_eq!(gym["units"][0]["parent_id"], Value::Null);
    assert_eq!(gym["units"][1]["parent_id"], whole);
    assert_eq!(gym["units"][2]["parent_id"], whole);
    let (status, one) = app.json("/api/v1/facilities/3?lang=en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["name"], "Hidamari Sports Ground");
    assert_eq!(one["units"][0]["booking_kind"], "grid");
    app.finish().await;
}

#[tokio::test]
async fn bad_parameters_get_clear_messages_never_500() {
    let app = spawn(TestDb::sqlite().await).await;
    let cases = [
        (
            "/api/v1/facilities/1/availability?to=2026-12-01",
            400,
            "invalid_parameter",
            "開始日 (from)を指定してください",
        ),
        (
            "/api/v1/facilities/1/availability?from=2026-13-01&to=2026-12-01",
            400,
            "invalid_parameter",
            "2026-12-07",
        ),
        (
            "/api/v1/facilities/1/availability?from=2026-12-10&to=2026-12-01",
            400,
            "end_before_start",
            "終了日 (to)",
        ),
        (
            "/api/v1/facilities/1/availability?from=2026-01-01&to=2026-04-03",
            400,
            "range_too_long",
            "92日以内",
        ),
        (
            "/api/v1/facilities/1/availability?from=1900-01-01&to=1900-01-02",
            400,
            "invalid_parameter",
            "2099年",
        ),
        (
            "/api/v1/facilities/1/availability?from=%F0%9F%98%80&to=%00",
            400,
            "invalid_parameter",
            "年-月-日",
        ),
        (
            "/api/v1/facilities/abc/availability?from=2026-12-01&to=2026-12-01",
            400,
            "invalid_parameter",
            "施設番号",
        ),
        (
            "/api/v1/facilities/-1",
            400,
            "invalid_parameter",
            "施設番号",
        ),
        (
            "/api/v1/facilities/99999999999999999999999",
            400,
            "invalid_parameter",
            "施設番号",
        ),
        (
            "/api/v1/facilities/999/availability?from=2026-12-01&to=2026-12-01",
            404,
            "not_found",
            "施設一覧",
        ),
    ];
    for (path, status, code, message) in cases {
        let (got, body) = app.json(path).await;
        assert_eq!(got.as_u16(), status, "{path}: {body}");
        assert_eq!(body["code"], code, "{path}");
        assert!(
            body["message"].as_str().unwrap().contains(message),
            "{path}: {body}"
        );
    }
    let long = "9".repeat(10_000);
    let (got, _) = app
        .json(&format!(
            "/api/v1/facilities/1/availability?from={long}&to={long}"
        ))
        .await;
    assert_eq!(got, StatusCode::BAD_REQUEST);
    let res = app
        .get_with(
            "/api/v1/facilities/1/availability?from=2026-01-01&to=2026-12-31",
            ("accept-language", "en-GB,en;q=0.9"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("within 92 days"),
        "{body}"
    );
    app.finish().await;
}

#[tokio::test]
async fn pages_render_complete_html_without_javascript() {
    let app = spawn(TestDb::sqlite().await).await;
    let (status, home) = app.text("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains(r#"<html lang="ja""#), "{home}");
    assert!(home.contains("施設の空き状況を見る"));

    let (status, list) = app.text("/facilities").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("会議室1") && list.contains("定員 30人") && list.contains("多目的トイレ")
    );

    let (status, month) = app.text("/facilities/1?month=2027-01").await;
    assert_eq!(status, StatusCode::OK);
    assert!(month.contains("2027年1月"));
    assert!(
        month.contains("2027年1月1日(金)") && month.contains("元日") && month.contains("年末年始")
    );
    assert!(month.contains("成人の日") && month.contains("休館日（祝日の翌平日）"));
    assert!(
        month.contains(r#"href="/facilities/1?month=2027-02""#),
        "next-month link is a real link"
    );

    let (_, today) = app.text("/facilities/1/days/2026-11-22").await;
    assert!(
        today.contains("受付終了"),
        "booking closed is named as such"
    );
    assert!(
        !today.contains("この日は休館です"),
        "the centre is open today: {today}"
    );

    let (status, day) = app.text("/facilities/2/days/2026-12-29").await;
    assert_eq!(status, StatusCode::OK);
    assert!(day.contains("2026年12月29日(火)") && day.contains("この日は休館です（年末年始）"));
    assert!(day.contains(r#"<th scope="row">"#) && day.contains("体育館 半面A"));

    let (status, missing) = app.text("/facilities/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("その施設は見つかりません"));
    let (status, bad) = app.text("/facilities/1?month=2026-13").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad.contains("2026-12 のように"));
    let (status, _) = app.text("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let english = app
        .get_with("/facilities/1?month=2026-12", ("cookie", "lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        english.contains(r#"<html lang="en""#)
            && english.contains("December 2026")
            && english.contains("New Year holidays")
    );
    app.finish().await;
}

/// A page's text is painted before any script or WASM is fetched: its head
/// names no file to preload (Leptos' own hydration scripts list the main
/// WASM file and, in the split build, every part of the page, which then
/// share the first paint's bandwidth), and its one script starts the WASM
/// after the first frame.
#[tokio::test]
async fn pages_start_their_wasm_after_the_first_paint() {
    let app = spawn(TestDb::sqlite().await).await;
    for path in [
        "/",
        "/facilities/1",
        "/facilities/1/days/2026-12-15",
        "/facilities/1/book?unit=1&date=2026-12-15&time=9:00",
    ] {
        let (status, html) = app.text(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let head = html.split("</head>").next().unwrap_or_default();
        assert!(!head.contains("preload"), "{path}: {head}");
        let scripts: Vec<&str> = head.split("<script").skip(1).collect();
        assert_eq!(scripts.len(), 1, "{path}: {head}");
        assert!(
            scripts[0].contains("requestAnimationFrame(()=>setTimeout(")
                && scripts[0].contains("import(\"/pkg/"),
            "{path}: {}",
            scripts[0]
        );
    }
    app.finish().await;
}

/// Building a router while pages are being served never stalls a page:
/// listing the routes switches Leptos' resource loading off process-wide
/// (leptos-rs/leptos#4773), and a resource first polled meanwhile waited
/// forever. The routes are now listed once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_routers_never_stalls_a_page_being_served() {
    let app = spawn(TestDb::sqlite().await).await;
    let state = app.state.clone();
    // In the runtime's blocking pool: a router starts tasks of its own.
    let builder = tokio::task::spawn_blocking(move || {
        for _ in 0..100 {
            drop(server::router(state.clone()));
        }
    });
    for _ in 0..100 {
        let page = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            app.text("/visits?q=zzzz"),
        )
        .await;
        assert!(page.is_ok(), "a page stalled while a router was built");
    }
    builder.await.unwrap();
    app.finish().await;
}

#[tokio::test]
async fn day_page_and_api_agree() {
    let app = spawn(TestDb::sqlite().await).await;
    for date in ["2026-11-22", "2026-11-25", "2026-12-02", "2026-12-29"] {
        let (_, api) = app
            .json(&format!(
                "/api/v1/facilities/1/availability?from={date}&to={date}"
            ))
            .await;
        let expected: Vec<String> = api["units"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|u| {
                u["slots"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["status"].as_str().unwrap().to_owned())
            })
            .collect();
        let (_, html) = app.text(&format!("/facilities/1/days/{date}")).await;
        let shown: Vec<String> = html
            .split(r#"data-status=""#)
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_owned())
            .collect();
        assert_eq!(shown, expected, "{date}");
        assert_eq!(expected.len(), 12, "{date}");
    }
    app.finish().await;
}

#[tokio::test]
async fn language_link_sets_cookie_and_stays_local() {
    let app = spawn(TestDb::sqlite().await).await;
    let res = app
        .get("/lang/en?next=%2Ffacilities%2F1%3Fmonth%3D2026-12")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/facilities/1?month=2026-12");
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("lang=en;")
    );
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\r\nx",
    ] {
        let res = app
            .get(&format!(
                "/lang/ja?next={}",
                app::core::lang::encode_next(evil)
            ))
            .await;
        assert_eq!(res.headers()["location"], "/", "{evil}");
    }
    let unknown = app.get("/lang/fr?next=/facilities").await;
    assert_eq!(unknown.status(), StatusCode::SEE_OTHER);
    assert!(
        unknown.headers().get("set-cookie").is_none(),
        "unknown language sets nothing"
    );
    app.finish().await;
}

#[tokio::test]
async fn text_size_link_sets_cookie_and_the_page_follows_it() {
    let app = spawn(TestDb::sqlite().await).await;
    let res = app.get("/text-size/largest?next=%2Ffacilities").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/facilities");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("text_size=largest;"), "{cookie}");
    // The client keeps the cookie: the next page is drawn at that size, and
    // the header marks the chosen link.
    let page = app.get("/facilities").await.text().await.unwrap();
    assert!(page.contains(r#"data-text-size="largest""#), "{page}");
    assert!(
        page.contains(
            r#"href="/text-size/largest?next=/facilities" rel="external" aria-current="true""#
        ),
        "{page}"
    );
    let evil = app
        .get("/text-size/largest?next=%2F%2Fevil.example%2F")
        .await;
    assert_eq!(evil.headers()["location"], "/");
    let unknown = app.get("/text-size/huge?next=/facilities").await;
    assert_eq!(unknown.status(), StatusCode::SEE_OTHER);
    assert!(
        unknown.headers().get("set-cookie").is_none(),
        "an unknown size sets nothing"
    );
    let page = app.get("/").await.text().await.unwrap();
    assert!(
        page.contains(r#"data-text-size="largest""#),
        "the choice is kept"
    );
    app.finish().await;
}

#[tokio::test]
async fn openapi_describes_exactly_the_api() {
    let app = spawn(TestDb::sqlite().await).await;
    let (status, doc) = app.json("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let mut paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v1/appointments",
            "/api/v1/appointments/{reference}",
            "/api/v1/appointments/{reference}/cancel",
            "/api/v1/appointments/{reference}/lookup",
            "/api/v1/appointments/{reference}/reschedule",
            "/api/v1/bookings",
            "/api/v1/bookings/{reference}",
            "/api/v1/bookings/{reference}/cancel",
            "/api/v1/bookings/{reference}/lookup",
            "/api/v1/facilities",
            "/api/v1/facilities/{id}",
            "/api/v1/facilities/{id}/availability",
            "/api/v1/procedures",
            "/api/v1/procedures/{id}/availability",
            "/api/v1/reductions"
        ]
    );
    // Every read path answers (the booking paths are exercised in bookings.rs).
    for path in paths
        .into_iter()
        .filter(|p| p.starts_with("/api/v1/facilities"))
    {
        let concrete = path.replace("{id}", "1");
        let (status, _) = app
            .json(&format!("{concrete}?from=2026-12-01&to=2026-12-02"))
            .await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    app.finish().await;
}

#[tokio::test]
async fn public_views_carry_no_personal_data() {
    let app = spawn(TestDb::sqlite().await).await;
    let (_, api) = app
        .text("/api/v1/facilities/2/availability?from=2026-11-22&to=2027-01-21")
        .await;
    assert!(api.contains("booked"), "the range has bookings");
    let mut pages = vec![api];
    for path in [
        "/api/v1/facilities",
        "/facilities",
        "/facilities/2?month=2026-12",
        "/facilities/2/days/2026-12-02",
    ] {
        pages.push(app.text(path).await.1);
    }
    for body in &pages {
        // The seed's bookings carry a name, email, phone and purpose.
        for secret in [
            "デモ利用者",
            "example.invalid",
            "000-0000-0000",
            "デモ予約",
            "でもりようしゃ",
        ] {
            assert!(!body.contains(secret), "{secret} leaked");
        }
    }
    app.finish().await;
}

/// The server's listener turns Nagle's algorithm off on every connection it
/// accepts; with it on, a kept-alive connection waits ~40 ms for the
/// client's delayed ACK before each static file after the first.
#[tokio::test]
async fn accepted_connections_have_tcp_nodelay() {
    use axum::serve::Listener as _;
    let mut listener = server::listen(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (accepted, client) = tokio::join!(listener.accept(), tokio::net::TcpStream::connect(addr));
    let client = client.unwrap();
    // The client side keeps the operating system's default: the option is
    // the listener's doing, not the platform's.
    assert!(!client.nodelay().unwrap());
    let (io, _) = accepted;
    assert!(io.nodelay().unwrap());
}
