use domain::status::ReductionState;
use sea_orm::entity::prelude::*;

/// The fee reduction a booking asked for, and the staff's decision.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_reduction")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub booking_id: i64,
    pub reduction_id: i64,
    /// The share taken off when asked for (the category may change later).
    pub percent: i32,
    /// What the applicant wrote: the group, the documents brought.
    pub note: String,
    pub state: ReductionState,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
