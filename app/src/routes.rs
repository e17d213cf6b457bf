//! The pages the browser loads only when they are shown.
//!
//! A resident's first page (home, the facility list, a facility's month and
//! day) is in the main WASM file. Every other page is a lazy route: in the
//! release build (`cargo leptos … --split`) its code goes to a WASM file of
//! its own, fetched when the page is first shown, so a resident on a slow
//! phone does not download the managers' console to see a calendar. The
//! server renders every page in full either way, and without JavaScript
//! nothing changes.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// One lazy route per page component: `$route` is the route's type (its name
/// also names the split file), `$page` the component it shows. The pages load
/// their own data through resources, which the server has already sent with
/// the HTML, so `data()` has nothing to start.
macro_rules! lazy_pages {
    ($($route:ident => $page:path;)+) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )+};
}

lazy_pages! {
    BookFormRoute => crate::booking::pages::BookForm;
    BookReviewRoute => crate::booking::pages::BookReview;
    BookDoneRoute => crate::booking::pages::BookDone;
    FindBookingRoute => crate::booking::pages::FindBookingPage;
    MyBookingRoute => crate::booking::pages::MyBookingPage;
    CancelBookingRoute => crate::booking::pages::CancelBookingPage;
    MyBookingsRoute => crate::account::pages::MyBookingsPage;
    RegisterRoute => crate::account::pages::RegisterPage;
    RegisterConfirmRoute => crate::account::pages::RegisterConfirmPage;
    ResidentLoginRoute => crate::account::pages::ResidentLoginPage;
    VisitListRoute => crate::visits::pages::VisitListPage;
    ProcedureRoute => crate::visits::pages::ProcedurePage;
    VisitFormRoute => crate::visits::pages::VisitFormPage;
    FindVisitRoute => crate::visits::pages::FindVisitPage;
    VisitDetailRoute => crate::visits::pages::VisitDetailPage;
    WaitingDisplayRoute => crate::counters::pages::WaitingDisplayPage;
    CounterDayRoute => crate::counters::pages::CounterDayPage;
    AbsenceRoute => crate::counters::pages::AbsencePageView;
    LoginRoute => crate::console::pages::LoginPage;
    EnrolRoute => crate::console::pages::EnrolPage;
    CodeRoute => crate::console::pages::CodePage;
    ConsoleHomeRoute => crate::console::pages::ConsoleHomePage;
    StaffAccountRoute => crate::console::pages::AccountPage;
    TimelineRoute => crate::console::pages::TimelinePage;
    BlockRoute => crate::console::pages::BlockPageView;
    UsageReportRoute => crate::console::pages::UsageReportPage;
    RulesRoute => crate::console::pages::RulesPageView;
    StaffBookingRoute => crate::console::pages::StaffBookingPage;
    StaffAdminRoute => crate::console::pages::StaffAdminPage;
    AuditLogRoute => crate::console::pages::AuditLogPage;
    OutboxRoute => crate::console::pages::OutboxPageView;
}
