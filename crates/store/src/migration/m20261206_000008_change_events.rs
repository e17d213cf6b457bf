//! The change log behind live availability.
//!
//! Every committed change that can alter what a page shows (a booking made,
//! approved, cancelled or blocked; a closure; a visit booked, moved, called
//! or cancelled; a unit's rules; staff, duty hours, absences, procedures)
//! leaves one `change_event` row, written by a trigger in the same
//! transaction. So every write path is covered (the console, the API, the
//! CLI, future code), a rolled-back change leaves nothing, and the rows carry
//! no personal data: ids, times, a status.
//!
//! Delivery (see `changes`): on PostgreSQL a trigger on `change_event` calls
//! `pg_notify`, which the database delivers only after commit, to every
//! server process listening; on SQLite (one process) the process reads new
//! rows in id order (one writer at a time, so ids commit in order).

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000008_change_events"
    }
}

#[derive(DeriveIden)]
enum ChangeEvent {
    Table,
    Id,
    MunicipalityId,
    Kind,
    FacilityId,
    UnitId,
    DepartmentId,
    ProcedureId,
    StaffId,
    SubjectId,
    Status,
    StartS,
    EndS,
    FromDay,
    ToDay,
    AtS,
}

/// The PostgreSQL channel the change log is announced on.
pub const CHANNEL: &str = "change_event";

/// What differs between the two databases' trigger SQL.
#[derive(Clone, Copy)]
struct Dialect(DatabaseBackend);

impl Dialect {
    fn pg(self) -> bool {
        self.0 == DatabaseBackend::Postgres
    }
    /// Unix seconds of a timestamp column.
    fn epoch(self, e: &str) -> String {
        if self.pg() {
            format!("CAST(floor(extract(epoch FROM {e})) AS BIGINT)")
        } else {
            format!("CAST(strftime('%s', {e}) AS INTEGER)")
        }
    }
    /// A date column as `YYYY-MM-DD`.
    fn day(self, e: &str) -> String {
        if self.pg() {
            format!("to_char({e}, 'YYYY-MM-DD')")
        } else {
            e.to_owned()
        }
    }
    fn now(self) -> String {
        if self.pg() {
            "CAST(floor(extract(epoch FROM now())) AS BIGINT)".to_owned()
        } else {
            "CAST(strftime('%s', 'now') AS INTEGER)".to_owned()
        }
    }
    fn differs(self, col: &str) -> String {
        if self.pg() {
            format!("OLD.{col} IS DISTINCT FROM NEW.{col}")
        } else {
            format!("OLD.{col} IS NOT NEW.{col}")
        }
    }
}

/// One row of the log, as the SELECT that an INSERT takes it from.
struct Row {
    municipality: String,
    kind: &'static str,
    facility: String,
    unit: String,
    department: String,
    procedure: String,
    staff: String,
    subject: String,
    status: String,
    start: String,
    end: String,
    from_day: String,
    to_day: String,
    /// `FROM … WHERE …`, or empty.
    from: String,
}

impl Row {
    fn new(kind: &'static str) -> Row {
        let null = || "NULL".to_owned();
        Row {
            municipality: null(),
            kind,
            facility: null(),
            unit: null(),
            department: null(),
            procedure: null(),
            staff: null(),
            subject: null(),
            status: "''".to_owned(),
            start: null(),
            end: null(),
            from_day: null(),
            to_day: null(),
            from: String::new(),
        }
    }

    fn insert(&self, d: Dialect) -> String {
        format!(
            "INSERT INTO change_event (municipality_id, kind, facility_id, unit_id, \
             department_id, procedure_id, staff_id, subject_id, status, start_s, end_s, \
             from_day, to_day, at_s) SELECT {}, '{}', {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {} {}",
            self.municipality,
            self.kind,
            self.facility,
            self.unit,
            self.department,
            self.procedure,
            self.staff,
            self.subject,
            self.status,
            self.start,
            self.end,
            self.from_day,
            self.to_day,
            d.now(),
            self.from
        )
    }
}

/// The log rows of one table's row (`r` is `NEW` or `OLD`).
type Rows = fn(Dialect, &str, &str) -> Row;

fn booking(d: Dialect, r: &str, status: &str) -> Row {
    Row {
        municipality: "f.municipality_id".into(),
        facility: "u.facility_id".into(),
        unit: format!("{r}.unit_id"),
        subject: format!("{r}.id"),
        status: status.replace("$", r),
        start: d.epoch(&format!("{r}.start_at")),
        end: d.epoch(&format!("{r}.end_at")),
        from: format!(
            "FROM unit u JOIN facility f ON f.id = u.facility_id WHERE u.id = {r}.unit_id"
        ),
        ..Row::new("booking")
    }
}

fn closure(d: Dialect, r: &str, status: &str) -> Row {
    Row {
        municipality: "f.municipality_id".into(),
        facility: format!("{r}.facility_id"),
        unit: format!("{r}.unit_id"),
        status: status.into(),
        from_day: d.day(&format!("{r}.from_date")),
        to_day: d.day(&format!("{r}.to_date")),
        from: format!("FROM facility f WHERE f.id = {r}.facility_id"),
        ..Row::new("closure")
    }
}

fn visit_item(_: Dialect, r: &str, status: &str) -> Row {
    Row {
        municipality: "a.municipality_id".into(),
        department: "p.department_id".into(),
        procedure: format!("{r}.procedure_id"),
        staff: format!("{r}.staff_id"),
        subject: format!("{r}.appointment_id"),
        status: status.replace("$", "a.status"),
        start: format!("{r}.start_s"),
        end: format!("{r}.end_s"),
        from: format!(
            "FROM appointment a JOIN procedure p ON p.id = {r}.procedure_id \
             WHERE a.id = {r}.appointment_id"
        ),
        ..Row::new("visit")
    }
}

fn visit(_: Dialect, r: &str, _: &str) -> Row {
    Row {
        municipality: format!("{r}.municipality_id"),
        department: "p.department_id".into(),
        procedure: "i.procedure_id".into(),
        staff: "i.staff_id".into(),
        subject: format!("{r}.id"),
        status: format!("{r}.status"),
        start: "i.start_s".into(),
        end: "i.end_s".into(),
        from: format!(
            "FROM appointment_item i JOIN procedure p ON p.id = i.procedure_id \
             WHERE i.appointment_id = {r}.id"
        ),
        ..Row::new("visit")
    }
}

fn unit_rules(_: Dialect, r: &str, _: &str) -> Row {
    Row {
        municipality: "f.municipality_id".into(),
        facility: format!("{r}.facility_id"),
        unit: format!("{r}.id"),
        from: format!("FROM facility f WHERE f.id = {r}.facility_id"),
        ..Row::new("rules")
    }
}

fn slot_rules(_: Dialect, r: &str, _: &str) -> Row {
    Row {
        municipality: "f.municipality_id".into(),
        facility: "u.facility_id".into(),
        unit: format!("{r}.unit_id"),
        from: format!(
            "FROM unit u JOIN facility f ON f.id = u.facility_id WHERE u.id = {r}.unit_id"
        ),
        ..Row::new("rules")
    }
}

fn hours_rules(_: Dialect, r: &str, _: &str) -> Row {
    Row {
        municipality: "f.municipality_id".into(),
        facility: format!("{r}.facility_id"),
        from: format!("FROM facility f WHERE f.id = {r}.facility_id"),
        ..Row::new("rules")
    }
}

fn facility_rules(_: Dialect, r: &str, _: &str) -> Row {
    Row {
        municipality: format!("{r}.municipality_id"),
        facility: format!("{r}.id"),
        ..Row::new("rules")
    }
}

fn staff(_: Dialect, r: &str, _: &str) -> Row {
    Row {
        municipality: format!("{r}.municipality_id"),
        department: format!("{r}.department_id"),
        staff: format!("{r}.id"),
        ..Row::new("staff")
    }
}

/// A row of a table keyed by `staff_id` (qualifications, duty hours).
fn staff_part(_: Dialect, r: &str, _: &str) -> Row {
    Row {
        municipality: "s.municipality_id".into(),
        department: "s.department_id".into(),
        staff: format!("{r}.staff_id"),
        from: format!("FROM staff s WHERE s.id = {r}.staff_id"),
        ..Row::new("staff")
    }
}

fn absence(d: Dialect, r: &str, s: &str) -> Row {
    Row {
        start: d.epoch(&format!("{r}.start_at")),
        end: d.epoch(&format!("{r}.end_at")),
        ..staff_part(d, r, s)
    }
}

fn procedure(_: Dialect, r: &str, _: &str) -> Row {
    Row {
        municipality: "dp.municipality_id".into(),
        department: format!("{r}.department_id"),
        procedure: format!("{r}.id"),
        from: format!("FROM department dp WHERE dp.id = {r}.department_id"),
        ..Row::new("staff")
    }
}

/// How a table's changes are logged.
struct Watch {
    table: &'static str,
    rows: Rows,
    /// Logged on update only when one of these differs (empty: any update).
    columns: &'static [&'static str],
    /// On update, the old row is logged too when one of these differs (it
    /// moved: its old time or place is free again).
    moved: &'static [&'static str],
    /// The status of a row inserted / updated (`$` = the row), deleted.
    status: (&'static str, &'static str),
}

const fn watch(table: &'static str, rows: Rows) -> Watch {
    Watch {
        table,
        rows,
        columns: &[],
        moved: &[],
        status: ("''", "''"),
    }
}

fn watched() -> Vec<Watch> {
    vec![
        Watch {
            columns: &["status", "start_at", "end_at", "unit_id", "expires_at"],
            moved: &["start_at", "end_at", "unit_id"],
            status: ("$.status", "'deleted'"),
            ..watch("booking", booking)
        },
        Watch {
            moved: &["from_date", "to_date", "unit_id", "facility_id"],
            status: ("'closed'", "'open'"),
            ..watch("closure", closure)
        },
        Watch {
            columns: &["start_s", "end_s", "staff_id", "counter_id", "procedure_id"],
            moved: &["start_s", "end_s", "staff_id", "procedure_id"],
            status: ("$", "'deleted'"),
            ..watch("appointment_item", visit_item)
        },
        Watch {
            columns: &["status"],
            ..watch("appointment", visit)
        },
        watch("unit", unit_rules),
        watch("slot_template", slot_rules),
        watch("opening_hours", hours_rules),
        Watch {
            columns: &[
                "closed_weekdays",
                "shift_when_holiday",
                "year_end_closure",
                "closed_on_holidays",
                "max_active_bookings",
            ],
            ..watch("facility", facility_rules)
        },
        watch("staff", staff),
        watch("staff_qualification", staff_part),
        watch("staff_duty_hours", staff_part),
        watch("staff_absence", absence),
        watch("procedure", procedure),
    ]
}

/// The statements that create one table's triggers.
fn triggers(d: Dialect, w: &Watch) -> Vec<String> {
    let t = w.table;
    let rows = w.rows;
    let any = |cols: &[&str]| {
        cols.iter()
            .map(|c| d.differs(c))
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    // (event, body statements, WHEN condition); an update logs the new row,
    // and the old one too if it moved.
    let mut events: Vec<(&str, Vec<String>, String)> = vec![
        (
            "INSERT",
            vec![rows(d, "NEW", w.status.0).insert(d)],
            String::new(),
        ),
        (
            "DELETE",
            vec![rows(d, "OLD", w.status.1).insert(d)],
            String::new(),
        ),
    ];
    let mut body = vec![rows(d, "NEW", w.status.0).insert(d)];
    if !w.moved.is_empty() {
        let mut old = rows(d, "OLD", "'moved'");
        let cond = any(w.moved);
        old.from = if old.from.is_empty() {
            format!("WHERE {cond}")
        } else {
            format!("{} AND ({cond})", old.from)
        };
        body.push(old.insert(d));
    }
    events.push(("UPDATE", body, any(w.columns)));
    let mut out = Vec::new();
    for (event, body, when) in events {
        let name = format!("change_{t}_{}", event.to_lowercase());
        if d.pg() {
            out.push(format!(
                "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {}; \
                 RETURN NULL; END $$",
                body.join("; ")
            ));
            let when = if when.is_empty() {
                String::new()
            } else {
                format!("WHEN ({when}) ")
            };
            out.push(format!(
                "CREATE TRIGGER {name} AFTER {event} ON {t} FOR EACH ROW {when}\
                 EXECUTE FUNCTION {name}()"
            ));
        } else {
            let when = if when.is_empty() {
                String::new()
            } else {
                format!("WHEN {when} ")
            };
            out.push(format!(
                "CREATE TRIGGER {name} AFTER {event} ON {t} FOR EACH ROW {when}BEGIN {}; END",
                body.join("; ")
            ));
        }
    }
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ChangeEvent::Table)
                .col(big_pk_auto(ChangeEvent::Id))
                .col(big_integer_null(ChangeEvent::MunicipalityId))
                .col(string(ChangeEvent::Kind))
                .col(big_integer_null(ChangeEvent::FacilityId))
                .col(big_integer_null(ChangeEvent::UnitId))
                .col(big_integer_null(ChangeEvent::DepartmentId))
                .col(big_integer_null(ChangeEvent::ProcedureId))
                .col(big_integer_null(ChangeEvent::StaffId))
                .col(big_integer_null(ChangeEvent::SubjectId))
                .col(string(ChangeEvent::Status))
                .col(big_integer_null(ChangeEvent::StartS))
                .col(big_integer_null(ChangeEvent::EndS))
                .col(string_null(ChangeEvent::FromDay))
                .col(string_null(ChangeEvent::ToDay))
                .col(big_integer(ChangeEvent::AtS))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_change_event_at")
                .table(ChangeEvent::Table)
                .col(ChangeEvent::AtS)
                .take(),
        )
        .await?;
        let d = Dialect(m.get_database_backend());
        let db = m.get_connection();
        for w in watched() {
            for sql in triggers(d, &w) {
                db.execute_unprepared(&sql).await?;
            }
        }
        if d.pg() {
            db.execute_unprepared(&format!(
                "CREATE FUNCTION change_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN PERFORM pg_notify('{CHANNEL}', row_to_json(NEW)::text); RETURN NULL; END $$"
            ))
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER change_event_notify AFTER INSERT ON change_event \
                 FOR EACH ROW EXECUTE FUNCTION change_event_notify()",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let d = Dialect(m.get_database_backend());
        let db = m.get_connection();
        for w in watched() {
            for event in ["insert", "delete", "update"] {
                let name = format!("change_{}_{event}", w.table);
                if d.pg() {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name} ON {}", w.table))
                        .await?;
                    db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {name}()"))
                        .await?;
                } else {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}"))
                        .await?;
                }
            }
        }
        m.drop_table(Table::drop().table(ChangeEvent::Table).take())
            .await?;
        if d.pg() {
            db.execute_unprepared("DROP FUNCTION IF EXISTS change_event_notify()")
                .await?;
        }
        Ok(())
    }
}
