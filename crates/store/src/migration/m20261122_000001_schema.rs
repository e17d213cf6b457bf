//! The whole domain schema of domain.md, designed once: municipalities,
//! facilities, units, slot templates, opening hours, closures, equipment,
//! bookings, and the counter side (departments, counters, procedures, staff,
//! duty hours, absences, appointments) plus the audit log.
//!
//! Instants are `timestamp with time zone` holding UTC; local wall-clock
//! times (opening hours, slot templates) are minutes after local midnight and
//! local dates are `date`, both in the municipality's zone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipality {
    Table,
    Id,
    Slug,
    NameJa,
    NameEn,
    TimeZone,
    Phone,
}

#[derive(DeriveIden)]
enum Facility {
    Table,
    Id,
    MunicipalityId,
    NameJa,
    NameEn,
    AddressJa,
    AddressEn,
    Phone,
    DescriptionJa,
    DescriptionEn,
    AccessibilityJa,
    AccessibilityEn,
    ClosedWeekdays,
    ShiftWhenHoliday,
    YearEndClosure,
    ClosedOnHolidays,
    SortOrder,
}

#[derive(DeriveIden)]
enum OpeningHours {
    Table,
    Id,
    FacilityId,
    Weekday,
    OpensMinute,
    ClosesMinute,
}

#[derive(DeriveIden)]
enum Closure {
    Table,
    Id,
    FacilityId,
    UnitId,
    FromDate,
    ToDate,
    ReasonJa,
    ReasonEn,
}

#[derive(DeriveIden)]
enum Unit {
    Table,
    Id,
    FacilityId,
    ParentId,
    NameJa,
    NameEn,
    NotesJa,
    NotesEn,
    Capacity,
    BookingKind,
    GridStepMinutes,
    MinSlots,
    MaxSlots,
    RequiresApproval,
    PendingHoldHours,
    OpenMonthsBefore,
    OpenMonthsBeforeNonresident,
    OpenDay,
    OpenMinute,
    CloseDaysBefore,
    CloseMinute,
    CancelDaysBefore,
    CancelMinute,
    GridFeeResidentYen,
    GridFeeNonresidentYen,
    SortOrder,
}

#[derive(DeriveIden)]
enum SlotTemplate {
    Table,
    Id,
    UnitId,
    LabelJa,
    LabelEn,
    StartMinute,
    EndMinute,
    FeeResidentYen,
    FeeNonresidentYen,
    HolidayFeeResidentYen,
    HolidayFeeNonresidentYen,
    SortOrder,
}

#[derive(DeriveIden)]
enum Equipment {
    Table,
    Id,
    FacilityId,
    NameJa,
    NameEn,
    FeeYen,
    Quantity,
}

#[derive(DeriveIden)]
enum Booking {
    Table,
    Id,
    UnitId,
    Reference,
    StartAt,
    EndAt,
    Status,
    Name,
    NameKana,
    Phone,
    Email,
    Purpose,
    Attendees,
    Resident,
    FeeTotalYen,
    FeeLines,
    CreatedAt,
    ExpiresAt,
    CancelledAt,
    CreatedByStaffId,
}

#[derive(DeriveIden)]
enum BookingEquipment {
    Table,
    BookingId,
    EquipmentId,
    Quantity,
}

#[derive(DeriveIden)]
enum Department {
    Table,
    Id,
    MunicipalityId,
    NameJa,
    NameEn,
}

#[derive(DeriveIden)]
enum Counter {
    Table,
    Id,
    DepartmentId,
    NameJa,
    NameEn,
    LocationJa,
    LocationEn,
}

#[derive(DeriveIden)]
enum Procedure {
    Table,
    Id,
    DepartmentId,
    NameJa,
    NameEn,
    Reading,
    DurationMinutes,
    DocumentsJa,
    DocumentsEn,
    NotesJa,
    NotesEn,
    OnlinePossible,
    LifeEvents,
}

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    MunicipalityId,
    DisplayName,
    DepartmentId,
    Active,
}

#[derive(DeriveIden)]
enum StaffQualification {
    Table,
    StaffId,
    ProcedureId,
}

#[derive(DeriveIden)]
enum StaffDutyHours {
    Table,
    Id,
    StaffId,
    Weekday,
    StartMinute,
    EndMinute,
}

#[derive(DeriveIden)]
enum StaffAbsence {
    Table,
    Id,
    StaffId,
    StartAt,
    EndAt,
    Reason,
}

#[derive(DeriveIden)]
enum Appointment {
    Table,
    Id,
    MunicipalityId,
    Reference,
    Name,
    NameKana,
    Phone,
    Email,
    Mode,
    Status,
    CreatedAt,
    CancelledAt,
}

#[derive(DeriveIden)]
enum AppointmentItem {
    Table,
    Id,
    AppointmentId,
    ProcedureId,
    StaffId,
    CounterId,
    StartAt,
    EndAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    MunicipalityId,
    Actor,
    Action,
    Target,
    Before,
    After,
    At,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Municipality::Table)
                .col(big_pk_auto(Municipality::Id))
                .col(string(Municipality::Slug).unique_key())
                .col(string(Municipality::NameJa))
                .col(string(Municipality::NameEn))
                .col(string(Municipality::TimeZone).default("Asia/Tokyo"))
                .col(string(Municipality::Phone))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Facility::Table)
                .col(big_pk_auto(Facility::Id))
                .col(big_integer(Facility::MunicipalityId))
                .col(string(Facility::NameJa))
                .col(string(Facility::NameEn))
                .col(string(Facility::AddressJa))
                .col(string(Facility::AddressEn))
                .col(string(Facility::Phone))
                .col(text(Facility::DescriptionJa))
                .col(text(Facility::DescriptionEn))
                .col(text(Facility::AccessibilityJa))
                .col(text(Facility::AccessibilityEn))
                .col(string(Facility::ClosedWeekdays))
                .col(boolean(Facility::ShiftWhenHoliday))
                .col(boolean(Facility::YearEndClosure))
                .col(boolean(Facility::ClosedOnHolidays))
                .col(integer(Facility::SortOrder))
                .foreign_key(&mut fk(
                    (Facility::Table, Facility::MunicipalityId),
                    (Municipality::Table, Municipality::Id),
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OpeningHours::Table)
                .col(big_pk_auto(OpeningHours::Id))
                .col(big_integer(OpeningHours::FacilityId))
                .col(integer(OpeningHours::Weekday))
                .col(integer(OpeningHours::OpensMinute))
                .col(integer(OpeningHours::ClosesMinute))
                .foreign_key(&mut fk(
                    (OpeningHours::Table, OpeningHours::FacilityId),
                    (Facility::Table, Facility::Id),
                ))
                .index(
                    Index::create()
                        .unique()
                        .col(OpeningHours::FacilityId)
                        .col(OpeningHours::Weekday),
                )
                .check(Expr::col(OpeningHours::Weekday).between(0, 6))
                .check(
                    Expr::col(OpeningHours::OpensMinute).lt(Expr::col(OpeningHours::ClosesMinute)),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Unit::Table)
                .col(big_pk_auto(Unit::Id))
                .col(big_integer(Unit::FacilityId))
                .col(big_integer_null(Unit::ParentId))
                .col(string(Unit::NameJa))
                .col(string(Unit::NameEn))
                .col(text(Unit::NotesJa))
                .col(text(Unit::NotesEn))
                .col(integer(Unit::Capacity))
                .col(string(Unit::BookingKind))
                .col(integer(Unit::GridStepMinutes))
                .col(integer(Unit::MinSlots))
                .col(integer(Unit::MaxSlots))
                .col(boolean(Unit::RequiresApproval))
                .col(integer(Unit::PendingHoldHours))
                .col(integer(Unit::OpenMonthsBefore))
                .col(integer(Unit::OpenMonthsBeforeNonresident))
                .col(integer(Unit::OpenDay))
                .col(integer(Unit::OpenMinute))
                .col(integer(Unit::CloseDaysBefore))
                .col(integer(Unit::CloseMinute))
                .col(integer(Unit::CancelDaysBefore))
                .col(integer(Unit::CancelMinute))
                .col(big_integer(Unit::GridFeeResidentYen))
                .col(big_integer(Unit::GridFeeNonresidentYen))
                .col(integer(Unit::SortOrder))
                .foreign_key(&mut fk(
                    (Unit::Table, Unit::FacilityId),
                    (Facility::Table, Facility::Id),
                ))
                .foreign_key(&mut fk(
                    (Unit::Table, Unit::ParentId),
                    (Unit::Table, Unit::Id),
                ))
                .check(Expr::col(Unit::BookingKind).is_in(["fixed", "grid"]))
                .check(Expr::col(Unit::OpenMonthsBefore).between(0, 24))
                .check(Expr::col(Unit::OpenMonthsBeforeNonresident).between(0, 24))
                .check(Expr::col(Unit::OpenDay).between(1, 31))
                .check(Expr::col(Unit::OpenMinute).between(0, 1440))
                .check(Expr::col(Unit::CloseDaysBefore).between(0, 366))
                .check(Expr::col(Unit::CloseMinute).between(0, 1440))
                .check(Expr::col(Unit::CancelDaysBefore).between(0, 366))
                .check(Expr::col(Unit::CancelMinute).between(0, 1440))
                .check(Expr::col(Unit::GridStepMinutes).between(0, 1440))
                .check(Expr::col(Unit::Capacity).gt(0))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Closure::Table)
                .col(big_pk_auto(Closure::Id))
                .col(big_integer(Closure::FacilityId))
                .col(big_integer_null(Closure::UnitId))
                .col(date(Closure::FromDate))
                .col(date(Closure::ToDate))
                .col(string(Closure::ReasonJa))
                .col(string(Closure::ReasonEn))
                .foreign_key(&mut fk(
                    (Closure::Table, Closure::FacilityId),
                    (Facility::Table, Facility::Id),
                ))
                .foreign_key(&mut fk(
                    (Closure::Table, Closure::UnitId),
                    (Unit::Table, Unit::Id),
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SlotTemplate::Table)
                .col(big_pk_auto(SlotTemplate::Id))
                .col(big_integer(SlotTemplate::UnitId))
                .col(string(SlotTemplate::LabelJa))
                .col(string(SlotTemplate::LabelEn))
                .col(integer(SlotTemplate::StartMinute))
                .col(integer(SlotTemplate::EndMinute))
                .col(big_integer(SlotTemplate::FeeResidentYen))
                .col(big_integer(SlotTemplate::FeeNonresidentYen))
                .col(big_integer_null(SlotTemplate::HolidayFeeResidentYen))
                .col(big_integer_null(SlotTemplate::HolidayFeeNonresidentYen))
                .col(integer(SlotTemplate::SortOrder))
                .foreign_key(&mut fk(
                    (SlotTemplate::Table, SlotTemplate::UnitId),
                    (Unit::Table, Unit::Id),
                ))
                .check(Expr::col(SlotTemplate::StartMinute).lt(Expr::col(SlotTemplate::EndMinute)))
                .check(Expr::col(SlotTemplate::StartMinute).gte(0))
                .check(Expr::col(SlotTemplate::EndMinute).lte(1440))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Equipment::Table)
                .col(big_pk_auto(Equipment::Id))
                .col(big_integer(Equipment::FacilityId))
                .col(string(Equipment::NameJa))
                .col(string(Equipment::NameEn))
                .col(big_integer(Equipment::FeeYen))
                .col(integer(Equipment::Quantity))
                .foreign_key(&mut fk(
                    (Equipment::Table, Equipment::FacilityId),
                    (Facility::Table, Facility::Id),
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Booking::Table)
                .col(big_pk_auto(Booking::Id))
                .col(big_integer(Booking::UnitId))
                .col(string(Booking::Reference).unique_key())
                .col(timestamp_with_time_zone(Booking::StartAt))
                .col(timestamp_with_time_zone(Booking::EndAt))
                .col(string(Booking::Status))
                .col(string(Booking::Name))
                .col(string(Booking::NameKana))
                .col(string(Booking::Phone))
                .col(string(Booking::Email))
                .col(text(Booking::Purpose))
                .col(integer(Booking::Attendees))
                .col(boolean(Booking::Resident))
                .col(big_integer(Booking::FeeTotalYen))
                .col(text(Booking::FeeLines))
                .col(timestamp_with_time_zone(Booking::CreatedAt))
                .col(timestamp_with_time_zone_null(Booking::ExpiresAt))
                .col(timestamp_with_time_zone_null(Booking::CancelledAt))
                .col(big_integer_null(Booking::CreatedByStaffId))
                .foreign_key(&mut fk(
                    (Booking::Table, Booking::UnitId),
                    (Unit::Table, Unit::Id),
                ))
                .check(Expr::col(Booking::Status).is_in([
                    "pending",
                    "confirmed",
                    "cancelled",
                    "expired",
                ]))
                .check(Expr::col(Booking::StartAt).lt(Expr::col(Booking::EndAt)))
                .take(),
        )
        .await?;
        // Covers the busy query (unit, time range, holding status) so it reads
        // the index alone, never the rows with personal data.
        m.create_index(
            Index::create()
                .name("idx_booking_unit_start")
                .table(Booking::Table)
                .col(Booking::UnitId)
                .col(Booking::StartAt)
                .col(Booking::EndAt)
                .col(Booking::Status)
                .col(Booking::ExpiresAt)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BookingEquipment::Table)
                .col(big_integer(BookingEquipment::BookingId))
                .col(big_integer(BookingEquipment::EquipmentId))
                .col(integer(BookingEquipment::Quantity))
                .primary_key(
                    Index::create()
                        .col(BookingEquipment::BookingId)
                        .col(BookingEquipment::EquipmentId),
                )
                .foreign_key(&mut fk(
                    (BookingEquipment::Table, BookingEquipment::BookingId),
                    (Booking::Table, Booking::Id),
                ))
                .foreign_key(&mut fk(
                    (BookingEquipment::Table, BookingEquipment::EquipmentId),
                    (Equipment::Table, Equipment::Id),
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Department::Table)
                .col(big_pk_auto(Department::Id))
                .col(big_integer(Department::MunicipalityId))
                .col(string(Department::NameJa))
                .col(string(Department::NameEn))
                .foreign_key(&mut fk(
                    (Department::Table, Department::MunicipalityId),
                    (Municipality::Table, Municipality::Id),
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Counter::Table)
                .col(big_pk_auto(Counter::Id))
                .col(big_integer(Counter::DepartmentId))
                .col(string(Counter::NameJa))
                .col(string(Counter::NameEn))
                .col(string(Counter::LocationJa))
                .col(string(Counter::LocationEn))
                .foreign_key(&mut fk(
                    (Counter::Table, Counter::DepartmentId),
                    (Department::Table, Department::Id),
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Procedure::Table)
                .col(big_pk_auto(Procedure::Id))
                .col(big_integer(Procedure::DepartmentId))
                .col(string(Procedure::NameJa))
                .col(string(Procedure::NameEn))
                .col(string(Procedure::Reading))
                .col(integer(Procedure::DurationMinutes))
                .col(text(Procedure::DocumentsJa))
                .col(text(Procedure::DocumentsEn))
                .col(text(Procedure::NotesJa))
                .col(text(Procedure::NotesEn))
                .col(boolean(Procedure::OnlinePossible))
                .col(string(Procedure::LifeEvents))
                .foreign_key(&mut fk(
                    (Procedure::Table, Procedure::DepartmentId),
                    (Department::Table, Department::Id),
                ))
                .check(Expr::col(Procedure::DurationMinutes).gt(0))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Staff::Table)
                .col(big_pk_auto(Staff::Id))
                .col(big_integer(Staff::MunicipalityId))
                .col(string(Staff::DisplayName))
                .col(big_integer_null(Staff::DepartmentId))
                .col(boolean(Staff::Active))
                .foreign_key(&mut fk(
                    (Staff::Table, Staff::MunicipalityId),
                    (Municipality::Table, Municipality::Id),
                ))
                .foreign_key(&mut fk(
                    (Staff::Table, Staff::DepartmentId),
                    (Department::Table, Department::Id),
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StaffQualification::Table)
                .col(big_integer(StaffQualification::StaffId))
                .col(big_integer(StaffQualification::ProcedureId))
                .primary_key(
                    Index::create()
                        .col(StaffQualification::StaffId)
                        .col(StaffQualification::ProcedureId),
                )
                .foreign_key(&mut fk(
                    (StaffQualification::Table, StaffQualification::StaffId),
                    (Staff::Table, Staff::Id),
                ))
                .foreign_key(&mut fk(
                    (StaffQualification::Table, StaffQualification::ProcedureId),
                    (Procedure::Table, Procedure::Id),
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StaffDutyHours::Table)
                .col(big_pk_auto(StaffDutyHours::Id))
                .col(big_integer(StaffDutyHours::StaffId))
                .col(integer(StaffDutyHours::Weekday))
                .col(integer(StaffDutyHours::StartMinute))
                .col(integer(StaffDutyHours::EndMinute))
                .foreign_key(&mut fk(
                    (StaffDutyHours::Table, StaffDutyHours::StaffId),
                    (Staff::Table, Staff::Id),
                ))
                .check(
                    Expr::col(StaffDutyHours::StartMinute).lt(Expr::col(StaffDutyHours::EndMinute)),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StaffAbsence::Table)
                .col(big_pk_auto(StaffAbsence::Id))
                .col(big_integer(StaffAbsence::StaffId))
                .col(timestamp_with_time_zone(StaffAbsence::StartAt))
                .col(timestamp_with_time_zone(StaffAbsence::EndAt))
                .col(string(StaffAbsence::Reason))
                .foreign_key(&mut fk(
                    (StaffAbsence::Table, StaffAbsence::StaffId),
                    (Staff::Table, Staff::Id),
                ))
                .check(Expr::col(StaffAbsence::StartAt).lt(Expr::col(StaffAbsence::EndAt)))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Appointment::Table)
                .col(big_pk_auto(Appointment::Id))
                .col(big_integer(Appointment::MunicipalityId))
                .col(string(Appointment::Reference).unique_key())
                .col(string(Appointment::Name))
                .col(string(Appointment::NameKana))
                .col(string(Appointment::Phone))
                .col(string(Appointment::Email))
                .col(string(Appointment::Mode))
                .col(string(Appointment::Status))
                .col(timestamp_with_time_zone(Appointment::CreatedAt))
                .col(timestamp_with_time_zone_null(Appointment::CancelledAt))
                .foreign_key(&mut fk(
                    (Appointment::Table, Appointment::MunicipalityId),
                    (Municipality::Table, Municipality::Id),
                ))
                .check(Expr::col(Appointment::Mode).is_in(["in_person", "online"]))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AppointmentItem::Table)
                .col(big_pk_auto(AppointmentItem::Id))
                .col(big_integer(AppointmentItem::AppointmentId))
                .col(big_integer(AppointmentItem::ProcedureId))
                .col(big_integer(AppointmentItem::StaffId))
                .col(big_integer_null(AppointmentItem::CounterId))
                .col(timestamp_with_time_zone(AppointmentItem::StartAt))
                .col(timestamp_with_time_zone(AppointmentItem::EndAt))
                .foreign_key(&mut fk(
                    (AppointmentItem::Table, AppointmentItem::AppointmentId),
                    (Appointment::Table, Appointment::Id),
                ))
                .foreign_key(&mut fk(
                    (AppointmentItem::Table, AppointmentItem::ProcedureId),
                    (Procedure::Table, Procedure::Id),
                ))
                .foreign_key(&mut fk(
                    (AppointmentItem::Table, AppointmentItem::StaffId),
                    (Staff::Table, Staff::Id),
                ))
                .foreign_key(&mut fk(
                    (AppointmentItem::Table, AppointmentItem::CounterId),
                    (Counter::Table, Counter::Id),
                ))
                .check(Expr::col(AppointmentItem::StartAt).lt(Expr::col(AppointmentItem::EndAt)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_appointment_item_staff_start")
                .table(AppointmentItem::Table)
                .col(AppointmentItem::StaffId)
                .col(AppointmentItem::StartAt)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(big_integer(AuditLog::MunicipalityId))
                .col(string(AuditLog::Actor))
                .col(string(AuditLog::Action))
                .col(string(AuditLog::Target))
                .col(text_null(AuditLog::Before))
                .col(text_null(AuditLog::After))
                .col(timestamp_with_time_zone(AuditLog::At))
                .foreign_key(&mut fk(
                    (AuditLog::Table, AuditLog::MunicipalityId),
                    (Municipality::Table, Municipality::Id),
                ))
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Children before parents.
        for table in [
            AuditLog::Table.into_iden(),
            AppointmentItem::Table.into_iden(),
            Appointment::Table.into_iden(),
            StaffAbsence::Table.into_iden(),
            StaffDutyHours::Table.into_iden(),
            StaffQualification::Table.into_iden(),
            Staff::Table.into_iden(),
            Procedure::Table.into_iden(),
            Counter::Table.into_iden(),
            Department::Table.into_iden(),
            BookingEquipment::Table.into_iden(),
            Booking::Table.into_iden(),
            Equipment::Table.into_iden(),
            SlotTemplate::Table.into_iden(),
            Closure::Table.into_iden(),
            Unit::Table.into_iden(),
            OpeningHours::Table.into_iden(),
            Facility::Table.into_iden(),
            Municipality::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
