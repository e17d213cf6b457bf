//! The OpenAPI 3.1 document for `/api/v1`. Written out by hand (the API is
//! small); `tests/http.rs` checks that it lists exactly the API paths the
//! test expects and that every path described here answers.

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
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Town facility booking API",
            "version": "1.0.0",
            "description": "Public facilities and their availability. Dates are local dates in the municipality's time zone; instants are RFC 3339 with the municipality's offset."
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
            }}
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string", "examples": ["invalid_parameter", "range_too_long", "end_before_start", "not_found"]},
                "message": {"type": "string", "description": "What to fix, in the caller's language"}
            }},
            "Unit": {"type": "object", "required": ["id", "name", "parent_id", "capacity", "booking_kind", "notes"], "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "parent_id": {"type": ["integer", "null"], "description": "The unit whose space contains this one (e.g. the whole gym for a half)"},
                "capacity": {"type": "integer"},
                "booking_kind": {"type": "string", "enum": ["fixed", "grid"]},
                "notes": {"type": "string"}
            }},
            "Facility": {"type": "object", "required": ["id", "name", "address", "phone", "description", "accessibility", "hours", "units"], "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "address": {"type": "string"},
                "phone": {"type": "string"},
                "description": {"type": "string"},
                "accessibility": {"type": "string"},
                "hours": {"type": "string"},
                "units": {"type": "array", "items": {"$ref": "#/components/schemas/Unit"}}
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
    })
}
