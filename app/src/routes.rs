//! The pages the browser loads only when they are shown.
//!
//! Only the home page (and the not-found page) is in the main WASM file.
//! Every other page is a lazy route, and the pages of one feature are loaded
//! together: in the release build (`cargo leptos … --split`) each feature's
//! pages go to a WASM part of their own (code several features share goes to
//! shared parts), fetched when the first of its pages is shown. A resident
//! on a slow phone downloads the calendars' code, not the managers'
//! console's, and a feature comes in a few files rather than one per page.
//! The server renders every page in full either way, and without JavaScript
//! nothing changes.

use leptos::prelude::*;
use leptos_router::LazyRoute;

/// One feature's pages: `$loader` is the split function (its name also names
/// the WASM part), `$group` the enum that says which page it draws, and each
/// `$route` the route type of one page component `$page`. The pages load
/// their own data through resources, which the server has already sent with
/// the HTML, so `data()` has nothing to start.
macro_rules! lazy_feature {
    ($loader:ident, $group:ident { $($route:ident => $page:path,)+ }) => {
        // The variants are named after the route types they stand for.
        #[allow(clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        enum $group {
            $($route,)+
        }

        #[leptos::lazy]
        fn $loader(page: $group) -> AnyView {
            match page {
                $($group::$route => $page().into_any(),)+
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $loader($group::$route).await
                }
            }
        )+
    };
}

lazy_feature!(browse_pages, BrowsePage {
    FacilityListRoute => crate::browse::pages::facilities::FacilityList,
    FacilityMonthRoute => crate::browse::pages::month::FacilityMonth,
    FacilityDayRoute => crate::browse::pages::day::FacilityDay,
    TownChoiceRoute => crate::browse::pages::towns::TownChoice,
});

lazy_feature!(booking_pages, BookingPage {
    BookFormRoute => crate::booking::pages::BookForm,
    BookReviewRoute => crate::booking::pages::BookReview,
    BookDoneRoute => crate::booking::pages::BookDone,
    FindBookingRoute => crate::booking::pages::FindBookingPage,
    // The booking's page, then its calendar section.
    MyBookingRoute => crate::feeds::pages::BookingWithCalendar,
    CancelBookingRoute => crate::booking::pages::CancelBookingPage,
    WaitlistRoute => crate::booking::pages::WaitlistPage,
});

lazy_feature!(account_pages, AccountPage {
    MyBookingsRoute => crate::account::pages::MyBookingsPage,
    RegisterRoute => crate::account::pages::RegisterPage,
    RegisterConfirmRoute => crate::account::pages::RegisterConfirmPage,
    ResidentLoginRoute => crate::account::pages::ResidentLoginPage,
    // Residents' and staff's calendar feeds (one page, in the lighter part).
    FeedsRoute => crate::feeds::pages::FeedsView,
});

lazy_feature!(visit_pages, VisitPage {
    VisitListRoute => crate::visits::pages::VisitListPage,
    ProcedureRoute => crate::visits::pages::ProcedurePage,
    VisitFormRoute => crate::visits::pages::VisitFormPage,
    FindVisitRoute => crate::visits::pages::FindVisitPage,
    // The visit's page, then its calendar section.
    VisitDetailRoute => crate::feeds::pages::VisitWithCalendar,
});

lazy_feature!(counter_pages, CounterPage {
    WaitingDisplayRoute => crate::counters::pages::WaitingDisplayPage,
    CounterDayRoute => crate::counters::pages::CounterDayPage,
    AbsenceRoute => crate::counters::pages::AbsencePageView,
});

lazy_feature!(console_pages, ConsolePage {
    LoginRoute => crate::console::pages::LoginPage,
    EnrolRoute => crate::console::pages::EnrolPage,
    CodeRoute => crate::console::pages::CodePage,
    ConsoleHomeRoute => crate::console::pages::ConsoleHomePage,
    StaffAccountRoute => crate::console::pages::AccountPage,
    TimelineRoute => crate::console::pages::TimelinePage,
    BlockRoute => crate::console::pages::BlockPageView,
    UsageReportRoute => crate::console::pages::UsageReportPage,
    RulesRoute => crate::console::pages::RulesPageView,
    NewUnitRoute => crate::setup::pages::NewUnitView,
    DetailsRoute => crate::setup::pages::DetailsView,
    NewFacilityRoute => crate::setup::pages::NewFacilityView,
    DivisionsRoute => crate::setup::counter_pages::DivisionsView,
    DivisionRoute => crate::setup::counter_pages::DivisionView,
    ProcedureFormRoute => crate::setup::counter_pages::ProcedureView,
    MemberRoute => crate::setup::counter_pages::MemberView,
    ArchiveRoute => crate::setup::counter_pages::ArchiveView,
    EquipmentRoute => crate::setup::equipment_pages::EquipmentView,
    ReductionsRoute => crate::setup::reduction_pages::ReductionsView,
    TownsRoute => crate::setup::town_pages::TownsView,
    StaffBookingRoute => crate::console::pages::StaffBookingPage,
    StaffAdminRoute => crate::console::pages::StaffAdminPage,
    AuditLogRoute => crate::console::pages::AuditLogPage,
    OutboxRoute => crate::console::pages::OutboxPageView,
    ImportRoute => crate::imports::pages::ImportView,
});

lazy_feature!(opendata_pages, OpenDataPages {
    FacilityListImportRoute => crate::opendata::pages::ListImportView,
    OpenDataRoute => crate::opendata::pages::OpenDataView,
});
