//! The booking pages.

mod book;
mod my_booking;
mod waitlist;

pub use book::{BookDone, BookForm, BookReview, FeeTable, print_page};
pub use my_booking::{CancelBookingPage, FindBookingPage, MyBookingPage};
pub use waitlist::WaitlistPage;
