//! The states of bookings, visit appointments and accounts. They are stored
//! as the text they have always been (`pending`, `booked`, `staff` …); the
//! conversion lives here and only here: with the `sea-orm` feature (the
//! store enables it) each enum is a sea-orm active enum, so entity fields and
//! queries use the enum and never a string.

use chrono::{DateTime, Utc};
#[cfg(feature = "sea-orm")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};

macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
        #[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[cfg_attr(feature = "sea-orm", sea_orm(string_value = $code))]
                $variant,
            )+
        }

        impl $name {
            /// The text stored in the database and used in URLs and the API.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err(UnknownCode),
                }
            }
        }
    };
}

/// A code that names no state of its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown code")]
pub struct UnknownCode;

stored_enum! {
    /// Where a booking stands.
    BookingStatus {
        /// 仮予約: held until approved or until it lapses.
        Pending = "pending",
        Confirmed = "confirmed",
        Cancelled = "cancelled",
        /// A pending booking that lapsed (stored, or computed by [`BookingStatus::at`]).
        Expired = "expired",
    }
}

impl BookingStatus {
    /// The status as it stands at `now`: a pending booking past its expiry
    /// has lapsed even before anything writes so. The one place "expired"
    /// is computed.
    pub fn at(self, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> BookingStatus {
        match (self, expires_at) {
            (BookingStatus::Pending, Some(at)) if at <= now => BookingStatus::Expired,
            (status, _) => status,
        }
    }

    /// Pending or confirmed: it holds its time.
    pub fn is_active(self) -> bool {
        matches!(self, BookingStatus::Pending | BookingStatus::Confirmed)
    }
}

stored_enum! {
    /// What a booking row is.
    BookingKind {
        /// A resident's booking (also one staff made on a resident's behalf).
        Resident = "resident",
        /// Time the town keeps (maintenance, 行政優先).
        Block = "block",
    }
}

stored_enum! {
    /// How staff marked a booking after its time.
    Usage {
        /// 利用済.
        Used = "used",
        /// 不来場.
        NoShow = "no_show",
    }
}

stored_enum! {
    /// Where a visit appointment stands, from booking to the counter.
    AppointmentStatus {
        Booked = "booked",
        CheckedIn = "checked_in",
        Serving = "serving",
        Done = "done",
        NoShow = "no_show",
        Cancelled = "cancelled",
    }
}

stored_enum! {
    /// Who an account belongs to.
    AccountKind {
        Staff = "staff",
        Resident = "resident",
    }
}

stored_enum! {
    /// A staff role.
    Role {
        Admin = "admin",
        FacilityManager = "facility_manager",
        CounterStaff = "counter_staff",
    }
}

stored_enum! {
    /// What a calendar feed shows.
    FeedScope {
        /// One unit's bookings.
        Unit = "unit",
        /// Every unit of one facility.
        Facility = "facility",
        /// One division's visits (its counters).
        Department = "department",
        /// One staff member's visits.
        Staff = "staff",
        /// A resident's own bookings and visits (the scope id is their account).
        Resident = "resident",
        /// One booking, followed from its page without an account.
        Booking = "booking",
        /// One visit appointment, followed from its page without an account.
        Visit = "visit",
    }
}

stored_enum! {
    /// How much a calendar feed tells.
    FeedDetail {
        /// Times and status only: no name, contact, purpose or reference.
        Busy = "busy",
        /// Purpose, group and reference too (contact data only on staff
        /// feeds whose owner may see it).
        Full = "full",
    }
}

stored_enum! {
    /// Where a booking's fee reduction (減免) stands.
    ReductionState {
        /// Asked for; the booking is pending until staff decide.
        Requested = "requested",
        /// Granted: the reduced fee stands.
        Approved = "approved",
        /// Not granted: the booking was confirmed at the full fee.
        Refused = "refused",
    }
}

stored_enum! {
    /// Where a place on a waiting list (キャンセル待ち) stands.
    WaitState {
        /// In line for the time.
        Waiting = "waiting",
        /// The time was offered: a pending booking is held for them.
        Offered = "offered",
        /// They took the offer: the booking is theirs.
        Booked = "booked",
        /// They let the offer lapse or turned it down.
        Passed = "passed",
        /// They left the line.
        Withdrawn = "withdrawn",
    }
}

stored_enum! {
    /// What a staff member did, as the audit log records it.
    AuditAction {
        AccountCreate = "account.create",
        AccountEnrol = "account.enrol",
        AccountPassword = "account.password",
        AccountRole = "account.role",
        AccountTotpEnable = "account.totp_enable",
        AccountTotpReset = "account.totp_reset",
        AccountUpdate = "account.update",
        AppointmentStatus = "appointment.status",
        BlockCreate = "block.create",
        BookingApprove = "booking.approve",
        BookingCancel = "booking.cancel",
        BookingExport = "booking.export",
        BookingPaid = "booking.paid",
        BookingProxy = "booking.proxy",
        BookingReject = "booking.reject",
        BookingUsage = "booking.usage",
        ClosureCreate = "closure.create",
        ContactView = "contact.view",
        CounterCreate = "counter.create",
        CounterUpdate = "counter.update",
        DivisionCreate = "division.create",
        DivisionUpdate = "division.update",
        EquipmentCreate = "equipment.create",
        EquipmentUpdate = "equipment.update",
        FacilityArchive = "facility.archive",
        FacilityCreate = "facility.create",
        FacilityImport = "facility.import",
        FacilityPhoto = "facility.photo",
        FacilityRestore = "facility.restore",
        FacilityUpdate = "facility.update",
        FeedCreate = "feed.create",
        FeedRenew = "feed.renew",
        FeedRevoke = "feed.revoke",
        ProcedureCreate = "procedure.create",
        ReductionCreate = "reduction.create",
        ReductionUpdate = "reduction.update",
        ProcedureUpdate = "procedure.update",
        StaffAbsenceCreate = "staff_absence.create",
        StaffCreate = "staff.create",
        StaffUpdate = "staff.update",
        TownCreate = "town.create",
        TownHost = "town.host",
        TownOpenData = "town.open_data",
        UnitArchive = "unit.archive",
        UnitCreate = "unit.create",
        UnitParent = "unit.parent",
        UnitRestore = "unit.restore",
        UnitRules = "unit.rules",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn codes_read_back_and_pending_lapses_at_its_expiry() {
        for s in [
            BookingStatus::Pending,
            BookingStatus::Confirmed,
            BookingStatus::Cancelled,
            BookingStatus::Expired,
        ] {
            assert_eq!(s.code().parse::<BookingStatus>(), Ok(s));
        }
        assert_eq!("Pending".parse::<BookingStatus>(), Err(UnknownCode));
        assert_eq!("counter_staff".parse::<Role>(), Ok(Role::CounterStaff));
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        let pending = BookingStatus::Pending;
        assert_eq!(
            pending.at(Some(at), at - chrono::Duration::seconds(1)),
            pending
        );
        assert_eq!(pending.at(Some(at), at), BookingStatus::Expired);
        assert_eq!(
            BookingStatus::Confirmed.at(Some(at), at),
            BookingStatus::Confirmed
        );
        assert!(!BookingStatus::Expired.is_active());
    }
}
