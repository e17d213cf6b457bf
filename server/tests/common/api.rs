//! The JSON API as a client uses it: posts, and the reads the tests build
//! on (units by name, free slots and a slot's status, procedures by name
//! and the visit times left, what was written).

use reqwest::StatusCode;
use serde_json::Value;

use super::Running;

impl Running {
    /// Posts `body` as JSON; the answer as JSON (or as a JSON string when
    /// it is not JSON).
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The facility and id of the unit called `name`.
    pub async fn unit(&self, name: &str) -> (i64, i64) {
        let (_, list) = self.json("/api/v1/facilities").await;
        for f in list.as_array().unwrap() {
            for u in f["units"].as_array().unwrap() {
                if u["name"] == name {
                    return (f["id"].as_i64().unwrap(), u["id"].as_i64().unwrap());
                }
            }
        }
        panic!("no unit {name}");
    }

    /// The slots of a unit of `facility` between two dates, in time order,
    /// as the API gives them.
    pub async fn unit_slots(&self, facility: i64, unit: i64, from: &str, to: &str) -> Vec<Value> {
        let (status, body) = self
            .json(&format!(
                "/api/v1/facilities/{facility}/availability?from={from}&to={to}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let unit = body["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == unit)
            .unwrap();
        unit["slots"].as_array().unwrap().clone()
    }

    /// The slots of the unit called `name` between two dates.
    pub async fn slots(&self, name: &str, from: &str, to: &str) -> Vec<Value> {
        let (facility, unit) = self.unit(name).await;
        self.unit_slots(facility, unit, from, to).await
    }

    /// The free slots of a unit between two dates: (start, end).
    pub async fn free_slots(&self, name: &str, from: &str, to: &str) -> Vec<(String, String)> {
        self.slots(name, from, to)
            .await
            .iter()
            .filter(|s| s["status"] == "free")
            .map(|s| {
                (
                    s["start"].as_str().unwrap().to_owned(),
                    s["end"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    /// The `nth` free slot of a unit of `facility` in December 2026.
    pub async fn free_slot(&self, facility: i64, unit: i64, nth: usize) -> (String, String) {
        let slots = self
            .unit_slots(facility, unit, "2026-12-01", "2026-12-31")
            .await;
        let s = slots
            .iter()
            .filter(|s| s["status"] == "free")
            .nth(nth)
            .unwrap();
        (
            s["start"].as_str().unwrap().to_owned(),
            s["end"].as_str().unwrap().to_owned(),
        )
    }

    /// The status of the slot of the unit called `name` starting at `start`.
    pub async fn slot_status(&self, name: &str, start: &str) -> String {
        let date = &start[..10];
        let slots = self.slots(name, date, date).await;
        let slot = slots.iter().find(|s| s["start"] == start).unwrap();
        slot["status"].as_str().unwrap().to_owned()
    }

    /// The id of the procedure called `name`.
    pub async fn procedure(&self, name: &str) -> i64 {
        let (status, list) = self.json("/api/v1/procedures").await;
        assert_eq!(status, StatusCode::OK);
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["id"].as_i64())
            .unwrap_or_else(|| panic!("no procedure {name}: {list}"))
    }

    /// `start` → `remaining` for a procedure on a day.
    pub async fn times(&self, procedure: i64, date: &str) -> Vec<(String, u64)> {
        let (status, body) = self
            .json(&format!(
                "/api/v1/procedures/{procedure}/availability?date={date}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["times"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["start"].as_str().unwrap().to_owned(),
                    t["remaining"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    /// How many more visits a procedure takes at `start` (0 when the time
    /// is not offered).
    pub async fn remaining(&self, procedure: i64, start: &str) -> u64 {
        let date = &start[..10];
        self.times(procedure, date)
            .await
            .into_iter()
            .find(|(s, _)| s == start)
            .map(|(_, r)| r)
            .unwrap_or(0)
    }

    /// How many appointments and appointment items the database holds.
    pub async fn appointment_count(&self) -> (u64, u64) {
        use sea_orm::{EntityTrait, PaginatorTrait};
        let db = self.store.connection();
        (
            store::entity::appointment::Entity::find()
                .count(db)
                .await
                .unwrap(),
            store::entity::appointment_item::Entity::find()
                .count(db)
                .await
                .unwrap(),
        )
    }

    /// How many bookings the database holds (any status).
    pub async fn booking_count(&self) -> u64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        store::entity::booking::Entity::find()
            .count(self.store.connection())
            .await
            .unwrap()
    }
}
