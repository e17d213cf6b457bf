//! One module per screen.

mod account;
mod book;
mod console;
mod counters;
mod day;
mod facilities;
mod home;
mod month;
mod my_booking;
mod visits;

pub use account::{MyBookingsPage, RegisterConfirmPage, RegisterPage, ResidentLoginPage};
pub use book::{BookDone, BookForm, BookReview};
pub use console::{
    AccountPage, AuditLogPage, BlockPageView, CodePage, ConsoleHomePage, EnrolPage, LoginPage,
    OutboxPageView, RulesPageView, StaffAdminPage, StaffBookingPage, TimelinePage, UsageReportPage,
};
pub use counters::{AbsencePageView, CounterDayPage, WaitingDisplayPage};
pub use day::FacilityDay;
pub use facilities::FacilityList;
pub use home::{Home, NotFound};
pub use month::FacilityMonth;
pub use my_booking::{CancelBookingPage, FindBookingPage, MyBookingPage};
pub use visits::{FindVisitPage, ProcedurePage, VisitDetailPage, VisitFormPage, VisitListPage};
