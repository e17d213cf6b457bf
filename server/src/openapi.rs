//! The OpenAPI 3.1 document for `/api/v1`. Written out by hand (the API is
//! small); `tests/http.rs` checks that it lists exactly the API paths the
//! test expects and that every read path described here answers.

use axum::Json;
use serde_json::{Value, json};

pub async fn document() -> Json<Value> {
    Json(spec())
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

pub fn spec() -> Value {
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}});
    let lang = json!({"name": "lang", "in": "query", "required": false,
        "description": "Language of names and messages; defaults to the Accept-Language header, then Japanese.",
        "schema": {"type": "string", "enum": ["ja", "en"]}});
    let date = |name: &str, what: &str| {
        json!({"name": name, "in": "query", "required": true,
        "description": what, "schema": {"type": "string", "format": "date", "example": "2026-12-07"}})
    };
    let idempotency = json!({"name": "Idempotency-Key", "in": "header", "required": false,
        "description": "16 to 100 visible ASCII characters chosen by the client (a UUID, say). Repeating a request with the same key and contact answers with what the first one made, instead of booking twice.",
        "schema": {"type": "string", "minLength": 16, "maxLength": 100}});
    let limited = error_response(
        "`rate_limited`: too many requests of this kind from this address (or, for lookups, too many wrong contacts for this reference); nothing was written. `Retry-After` gives the seconds to wait.",
    );
    let reference = json!({"name": "reference", "in": "path", "required": true,
        "description": "The 8-character reference (受付番号)", "schema": {"type": "string", "example": "7KQ2M9XA"}});
    let proof = |name: &str| {
        json!({"name": name, "in": "query", "required": false,
        "description": "The e-mail address or phone number given when booking (one of the two)", "schema": {"type": "string"}})
    };
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Town facility booking API",
            "version": "1.0.0",
            "description": "Public facilities, their availability, and residents' bookings. Dates are local dates in the municipality's time zone; instants are RFC 3339 with the municipality's offset. Errors carry a stable `code` and a `message` saying what to fix, in the caller's language. On an installation of several towns every path is under the town's prefix (`/t/{slug}/api/v1/…`, or the town's own host name): without one, the answer is 404 `town_not_found`."
        },
        "paths": {
            "/api/v1/facilities": {"get": {
                "summary": "List facilities with their bookable units",
                "parameters": [lang],
                "responses": {"200": {"description": "Facilities", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Facility"}}}}}}
            }},
            "/api/v1/facilities/{id}": {"get": {
                "summary": "One facility",
                "parameters": [id, lang],
                "responses": {
                    "200": {"description": "The facility", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Facility"}}}},
                    "400": error_response("The id is not a positive whole number"),
                    "404": error_response("No such facility")
                }
            }},
            "/api/v1/facilities/{id}/availability": {"get": {
                "summary": "Availability of every unit of a facility, slot by slot",
                "parameters": [id, date("from", "First local date (inclusive)"), date("to", "Last local date (inclusive); at most 92 days after from"), lang],
                "responses": {
                    "200": {"description": "Availability", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Availability"}}}},
                    "400": error_response("A parameter is missing or malformed, or the range is longer than 92 days"),
                    "404": error_response("No such facility")
                }
            }},
            "/api/v1/bookings": {"post": {
                "summary": "Book a unit for one or more consecutive slots",
                "description": "Start and end are slot boundaries as the availability API returns them; several consecutive slots are one start and one end. A unit that needs approval gives a `pending` booking that holds the time until `expires_at`. The database refuses any overlap with another active booking of the same space (a whole floor and its halves share space).",
                "parameters": [lang, idempotency],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BookingRequest"}}}},
                "responses": {
                    "429": limited,
                    "201": {"description": "Booked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
                    "400": error_response("The body is not a JSON object"),
                    "409": error_response("`slot_taken`: someone holds (part of) the time; `equipment_unavailable`: all of a chosen equipment is lent out"),
                    "422": error_response("`invalid_input` (see `fields`), or a rule: `slot_mismatch`, `too_few_slots`, `too_many_slots`, `closed_day`, `slot_in_past`, `window_not_open`, `window_closed`, `over_capacity`, `limit_reached` (the facility's limit per contact), `town_limit_reached` (10 active bookings and visits per contact in the whole town)")
                }
            }},
            "/api/v1/bookings/{reference}": {"get": {
                "summary": "A booking, shown to whoever gives its e-mail address or phone number",
                "description": "Deprecated: the proof travels in the query string, where logs and histories keep it. Use `POST /api/v1/bookings/{reference}/lookup`.",
                "deprecated": true,
                "parameters": [reference, proof("email"), proof("phone"), lang],
                "responses": {
                    "429": limited,
                    "200": {"description": "The booking", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
                    "404": error_response("`booking_not_found`: no booking with that reference and contact"),
                    "422": error_response("The contact is missing or malformed")
                }
            }},
            "/api/v1/bookings/{reference}/lookup": {"post": {
                "summary": "A booking, shown to whoever gives its e-mail address or phone number in the body",
                "description": "Five wrong contacts lock the reference for the rest of the hour (429).",
                "parameters": [reference, lang],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "email": {"type": "string"}, "phone": {"type": "string"}
                }, "description": "The e-mail address or phone number given when booking"}}}},
                "responses": {
                    "429": limited,
                    "200": {"description": "The booking", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
                    "404": error_response("`booking_not_found`: no booking with that reference and contact"),
                    "422": error_response("The contact is missing or malformed")
                }
            }},
            "/api/v1/bookings/{reference}/cancel": {"post": {
                "summary": "Cancel a booking before its cancellation deadline",
                "parameters": [reference, lang],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "email": {"type": "string"}, "phone": {"type": "string"}
                }, "description": "The e-mail address or phone number given when booking"}}}},
                "responses": {
                    "200": {"description": "Cancelled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
                    "404": error_response("`booking_not_found`"),
                    "409": error_response("`already_cancelled`, or `cancel_deadline_passed` (the message gives the facility's phone number)")
                }
            }}
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string", "examples": ["invalid_parameter", "range_too_long", "end_before_start", "not_found", "invalid_input", "slot_taken", "window_not_open"]},
                "message": {"type": "string", "description": "What to fix, in the caller's language"},
                "fields": {"type": "array", "description": "For `invalid_input`: each field and what to fix", "items": {"type": "object", "required": ["field", "code", "message"], "properties": {
                    "field": {"type": "string", "example": "phone"},
                    "code": {"type": "string", "enum": ["required", "too_long", "name_characters", "mixed_scripts", "kana_only", "phone_format", "email_format", "control_characters", "not_a_number", "datetime_format", "not_a_choice", "out_of_range", "unknown_choice", "not_text"]},
                    "message": {"type": "string"}
                }}}
            }},
            "BookingRequest": {"type": "object", "required": ["unit_id", "start", "end", "name", "name_kana", "phone", "email", "purpose", "attendees", "resident"], "properties": {
                "unit_id": {"type": "integer"},
                "start": {"type": "string", "format": "date-time", "example": "2026-12-08T13:00:00+09:00"},
                "end": {"type": "string", "format": "date-time", "example": "2026-12-08T17:00:00+09:00"},
                "name": {"type": "string", "maxLength": 50, "description": "Japanese script or Latin letters, not mixed; no emoji or symbols"},
                "name_kana": {"type": "string", "maxLength": 100, "description": "Reading in hiragana or katakana"},
                "phone": {"type": "string", "example": "090-1234-5678"},
                "email": {"type": "string", "format": "email", "maxLength": 254},
                "purpose": {"type": "string", "maxLength": 200},
                "attendees": {"type": "integer", "minimum": 1},
                "resident": {"type": "boolean", "description": "true: 町内 (lives, works or studies in town); false: 町外"},
                "equipment": {"type": "array", "items": {"type": "integer"}, "description": "Ids of the facility's equipment, one of each"},
                "reduction_id": {"type": ["integer", "null"], "description": "A fee reduction (減免) category of the town (see the booking form); the booking is then pending until the facility decides"},
                "reduction_note": {"type": "string", "maxLength": 500, "description": "Required with reduction_id: the group or event, and the documents the applicant will show"}
            }},
            "Booking": {"type": "object", "required": ["reference", "status", "facility_id", "unit_id", "start", "end", "fee", "cancel_deadline"], "properties": {
                "reference": {"type": "string", "example": "7KQ2M9XA", "description": "受付番号: 8 characters without 0/O/1/I/L"},
                "status": {"type": "string", "enum": ["pending", "confirmed", "cancelled", "expired"]},
                "facility_id": {"type": "integer"},
                "unit_id": {"type": "integer"},
                "unit_name": {"type": "string"},
                "start": {"type": "string", "format": "date-time"},
                "end": {"type": "string", "format": "date-time"},
                "name": {"type": "string"}, "name_kana": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"}, "purpose": {"type": "string"},
                "attendees": {"type": "integer"},
                "resident": {"type": "boolean"},
                "equipment": {"type": "array", "items": {"type": "integer"}},
                "fee": {"type": "object", "required": ["total_yen", "lines"], "properties": {
                    "total_yen": {"type": "integer", "description": "Whole yen, as computed when booked"},
                    "lines": {"type": "array", "items": {"type": "object", "properties": {
                        "label": {"type": "string"},
                        "rate": {"type": "string", "enum": ["resident", "nonresident", "holiday_resident", "holiday_nonresident", "equipment", "reduction"]},
                        "quantity": {"type": "integer"}, "unit_yen": {"type": "integer"}, "amount_yen": {"type": "integer", "description": "Negative for a reduction"}
                    }}}
                }},
                "reduction": {"type": ["object", "null"], "description": "The fee reduction asked for, or null", "required": ["id", "name", "percent", "state"], "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "percent": {"type": "integer", "minimum": 0, "maximum": 100},
                    "state": {"type": "string", "enum": ["requested", "approved", "refused"], "description": "requested: pending until the facility decides; refused: confirmed at the full fee"}
                }},
                "cancel_deadline": {"type": "string", "format": "date-time", "description": "Until when it can be cancelled online"},
                "expires_at": {"type": ["string", "null"], "format": "date-time", "description": "For a pending booking: when the hold lapses unless approved"}
            }},
            "Unit": {"type": "object", "required": ["id", "name", "parent_id", "capacity", "booking_kind", "notes"], "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "parent_id": {"type": ["integer", "null"], "description": "The unit whose space contains this one (e.g. the whole gym for a half)"},
                "capacity": {"type": "integer"},
                "booking_kind": {"type": "string", "enum": ["fixed", "grid"]},
                "notes": {"type": "string"}
            }},
            "Facility": {"type": "object", "required": ["id", "name", "address", "phone", "description", "accessibility", "hours", "units", "photo"], "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "address": {"type": "string"},
                "phone": {"type": "string"},
                "description": {"type": "string"},
                "accessibility": {"type": "string"},
                "hours": {"type": "string"},
                "units": {"type": "array", "items": {"$ref": "#/components/schemas/Unit"}},
                "photo": {"type": ["object", "null"], "description": "The facility's photo, or null", "required": ["url", "alt"], "properties": {
                    "url": {"type": "string", "description": "Path of the image (JPEG or PNG) under the town's prefix; it names the photo's version"},
                    "alt": {"type": "string", "description": "What the photo shows, in the requested language"}
                }}
            }},
            "Slot": {"type": "object", "required": ["start", "end", "status", "reason"], "properties": {
                "start": {"type": "string", "format": "date-time", "example": "2026-12-07T13:00:00+09:00"},
                "end": {"type": "string", "format": "date-time"},
                "status": {"type": "string", "enum": ["free", "booked", "closed", "not_yet_open", "past"]},
                "reason": {"type": ["string", "null"], "description": "Short human text for closed slots, e.g. 休館日, 年末年始, 受付終了"},
                "reason_code": {"type": ["string", "null"], "enum": ["weekly", "shifted_from_holiday", "year_end", "holiday", "dated", "window_closed", null]},
                "label": {"type": ["string", "null"], "description": "Name of a fixed period, e.g. 午前"}
            }},
            "Availability": {"type": "object", "required": ["facility_id", "time_zone", "units"], "properties": {
                "facility_id": {"type": "integer"},
                "time_zone": {"type": "string", "example": "Asia/Tokyo"},
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"},
                "units": {"type": "array", "items": {"type": "object", "required": ["id", "name", "parent_id", "slots"], "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "parent_id": {"type": ["integer", "null"]},
                    "slots": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}
                }}}
            }}
        }}
    });
    add_appointments(
        &mut doc,
        &[&lang, &reference, &idempotency, &limited],
        &proof,
    );
    doc
}

/// The visit-appointment (来庁予約) paths and schemas.
/// `common`: the `lang`, `reference` and `Idempotency-Key` parameters and
/// the 429 answer.
fn add_appointments(doc: &mut Value, common: &[&Value; 4], proof: &dyn Fn(&str) -> Value) {
    let [lang, reference, idempotency, limited] = *common;
    let id = json!({"name": "id", "in": "path", "required": true, "description": "The procedure's id", "schema": {"type": "integer", "minimum": 1}});
    let date = json!({"name": "date", "in": "query", "required": true, "description": "Local date", "schema": {"type": "string", "format": "date", "example": "2026-12-07"}});
    let contact_body = json!({"type": "object", "properties": {"email": {"type": "string"}, "phone": {"type": "string"}},
        "description": "The e-mail address or phone number given when booking"});
    let appointment =
        json!({"application/json": {"schema": {"$ref": "#/components/schemas/Appointment"}}});
    let paths = json!({
        "/api/v1/reductions": {"get": {
            "summary": "Fee reduction (減免) categories a booking may ask for (reduction_id), with what the applicant must give",
            "parameters": [lang],
            "responses": {"200": {"description": "Categories offered", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Reduction"}}}}}}
        }},
        "/api/v1/procedures": {"get": {
            "summary": "Procedures (手続き) that can be booked for a visit, with what to bring",
            "parameters": [lang],
            "responses": {"200": {"description": "Procedures", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Procedure"}}}}}}
        }},
        "/api/v1/procedures/{id}/availability": {"get": {
            "summary": "Start times of a day at which a qualified staff member is on duty and free for the whole procedure",
            "parameters": [id, date, lang],
            "responses": {
                "200": {"description": "Free start times", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProcedureAvailability"}}}},
                "400": error_response("The date is missing or malformed"),
                "404": error_response("No such procedure")
            }
        }},
        "/api/v1/appointments": {"post": {
            "summary": "Book a visit for one or more procedures, back to back from `start`",
            "description": "Each procedure is assigned to a qualified staff member on duty, not absent and not serving anyone else then; the database refuses two overlapping appointments of one member. All or nothing.",
            "parameters": [lang, idempotency],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AppointmentRequest"}}}},
            "responses": {
                "429": limited,
                "201": {"description": "Booked", "content": appointment},
                "400": error_response("A malformed body, procedure list, start time or mode; `not_offered`: a start time the office does not offer at all"),
                "404": error_response("A procedure that does not exist"),
                "409": error_response("`no_capacity`: nobody qualified is free then any more"),
                "422": error_response("`invalid_input` (see `fields`)")
            }
        }},
        "/api/v1/appointments/{reference}": {"get": {
            "summary": "An appointment, shown to whoever gives its e-mail address or phone number",
            "description": "Deprecated: use `POST /api/v1/appointments/{reference}/lookup`, which keeps the proof out of the URL.",
            "deprecated": true,
            "parameters": [reference, proof("email"), proof("phone"), lang],
            "responses": {
                "200": {"description": "The appointment", "content": appointment},
                "404": error_response("`appointment_not_found`"),
                "429": limited
            }
        }},
        "/api/v1/appointments/{reference}/lookup": {"post": {
            "summary": "An appointment, shown to whoever gives its e-mail address or phone number in the body",
            "description": "Five wrong contacts lock the reference for the rest of the hour (429).",
            "parameters": [reference, lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": contact_body}}},
            "responses": {
                "200": {"description": "The appointment", "content": appointment},
                "404": error_response("`appointment_not_found`"),
                "429": limited
            }
        }},
        "/api/v1/appointments/{reference}/cancel": {"post": {
            "summary": "Cancel an appointment",
            "parameters": [reference, lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": contact_body}}},
            "responses": {
                "200": {"description": "Cancelled", "content": appointment},
                "404": error_response("`appointment_not_found`"),
                "409": error_response("`already_cancelled`")
            }
        }},
        "/api/v1/appointments/{reference}/reschedule": {"post": {
            "summary": "Move an appointment to another free start time (same procedures)",
            "parameters": [reference, lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["start"], "properties": {
                "email": {"type": "string"}, "phone": {"type": "string"},
                "start": {"type": "string", "format": "date-time"}
            }}}}},
            "responses": {
                "200": {"description": "Moved", "content": appointment},
                "400": error_response("A malformed or not offered start time"),
                "404": error_response("`appointment_not_found`"),
                "409": error_response("`no_capacity`, or `already_cancelled`")
            }
        }}
    });
    let schemas = json!({
        "Reduction": {"type": "object", "required": ["id", "name", "percent", "proof"], "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string", "example": "学校・PTA"},
            "percent": {"type": "integer", "minimum": 1, "maximum": 100, "description": "Share of the fee taken off"},
            "proof": {"type": "string", "description": "What the applicant must give (write it in reduction_note)"}
        }},
        "Procedure": {"type": "object", "required": ["id", "name", "department", "duration_minutes", "documents", "notes", "online_possible", "life_events"], "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string", "example": "転入届"},
            "department": {"type": "string", "example": "町民生活課"},
            "duration_minutes": {"type": "integer"},
            "documents": {"type": "array", "items": {"type": "string"}, "description": "What to bring (持ち物)"},
            "notes": {"type": "string"},
            "online_possible": {"type": "boolean"},
            "life_events": {"type": "array", "items": {"type": "string", "enum": ["moving", "childcare", "mynumber", "tax"]}}
        }},
        "ProcedureAvailability": {"type": "object", "required": ["procedure_id", "date", "times"], "properties": {
            "procedure_id": {"type": "integer"},
            "date": {"type": "string", "format": "date"},
            "times": {"type": "array", "items": {"type": "object", "required": ["start", "end", "remaining"], "properties": {
                "start": {"type": "string", "format": "date-time", "example": "2026-12-07T09:00:00+09:00"},
                "end": {"type": "string", "format": "date-time"},
                "remaining": {"type": "integer", "description": "How many more appointments can start then"}
            }}},
            "closed": {"type": "string", "enum": ["weekend", "holiday", "year_end"], "description": "Why the office is closed that day, if it is"}
        }},
        "AppointmentRequest": {"type": "object", "required": ["procedure_ids", "start", "name", "name_kana", "phone", "email"], "properties": {
            "procedure_ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 5},
            "start": {"type": "string", "format": "date-time", "example": "2026-12-07T09:00:00+09:00"},
            "name": {"type": "string"}, "name_kana": {"type": "string"},
            "phone": {"type": "string"}, "email": {"type": "string", "format": "email"},
            "mode": {"type": "string", "enum": ["in_person", "online"], "default": "in_person"}
        }},
        "Appointment": {"type": "object", "required": ["reference", "status", "mode", "items", "documents"], "properties": {
            "reference": {"type": "string", "example": "7KQ2M9XA"},
            "status": {"type": "string", "enum": ["booked", "checked_in", "serving", "done", "no_show", "cancelled"]},
            "mode": {"type": "string", "enum": ["in_person", "online"]},
            "items": {"type": "array", "items": {"type": "object", "required": ["procedure_id", "procedure", "start", "end"], "properties": {
                "procedure_id": {"type": "integer"}, "procedure": {"type": "string"},
                "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"}
            }}},
            "documents": {"type": "array", "items": {"type": "string"}, "description": "What to bring for the whole visit"}
        }}
    });
    if let (Some(p), Value::Object(add)) = (doc["paths"].as_object_mut(), paths) {
        p.extend(add);
    }
    if let (Some(s), Value::Object(add)) = (doc["components"]["schemas"].as_object_mut(), schemas) {
        s.extend(add);
    }
}
