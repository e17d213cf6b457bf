//! The demo town's counters (窓口): departments, procedures with what to
//! bring, and five staff with mixed qualifications, duty hours and a few
//! absences. Fictional, like the rest of the demo town.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait};

use crate::entity::{
    counter, department, municipality, procedure, staff, staff_absence, staff_duty_hours,
    staff_qualification,
};
use crate::{Store, StoreError};

struct ProcedureSpec {
    department: usize,
    name: (&'static str, &'static str),
    reading: &'static str,
    minutes: i32,
    documents: (&'static str, &'static str),
    notes: (&'static str, &'static str),
    online: bool,
    life_events: &'static str,
}

fn procedures() -> Vec<ProcedureSpec> {
    let p =
        |department, name, reading, minutes, documents, notes, online, life_events| ProcedureSpec {
            department,
            name,
            reading,
            minutes,
            documents,
            notes,
            online,
            life_events,
        };
    vec![
        p(
            0,
            ("転入届", "Moving-in notification"),
            "てんにゅうとどけ てんにゅう ひっこし 引越し 引っ越し 転入 住所変更",
            30,
            (
                "前の住所地の転出証明書\n本人確認書類（マイナンバーカード、運転免許証など）\n世帯全員のマイナンバーカード",
                "Moving-out certificate from your previous town\nProof of identity (My Number card, driving licence …)\nMy Number cards of everyone in the household",
            ),
            (
                "引越しから14日以内に届け出てください。",
                "Please notify within 14 days of moving.",
            ),
            false,
            "moving",
        ),
        p(
            0,
            ("転出届", "Moving-out notification"),
            "てんしゅつとどけ てんしゅつ ひっこし 引越し 引っ越し 転出",
            15,
            (
                "本人確認書類\n国民健康保険証（加入している方）",
                "Proof of identity\nNational Health Insurance card (if insured)",
            ),
            ("", ""),
            false,
            "moving",
        ),
        p(
            0,
            ("住民票の写し", "Copy of residence certificate"),
            "じゅうみんひょう じゅうみんひょうのうつし 住民票",
            10,
            (
                "本人確認書類\n手数料 300円（キャッシュレス可）",
                "Proof of identity\nFee ¥300 (cashless accepted)",
            ),
            (
                "コンビニでも取得できます（マイナンバーカードが必要）。",
                "Also at convenience stores with a My Number card.",
            ),
            false,
            "moving",
        ),
        p(
            0,
            ("印鑑登録", "Seal registration"),
            "いんかんとうろく いんかん はんこ ハンコ 印鑑",
            15,
            (
                "登録する印鑑\n本人確認書類（顔写真付き）",
                "The seal to register\nPhoto ID",
            ),
            ("", ""),
            false,
            "moving",
        ),
        p(
            0,
            ("マイナンバーカード受取", "Collecting your My Number card"),
            "まいなんばーかーど まいなんばー うけとり マイナンバー 受け取り",
            30,
            (
                "交付通知書（はがき）\n本人確認書類\n通知カード（お持ちの方）",
                "The notice postcard\nProof of identity\nNotification card (if you have one)",
            ),
            (
                "暗証番号を決めてお越しください。",
                "Please decide your PIN codes before you come.",
            ),
            false,
            "mynumber",
        ),
        p(
            0,
            (
                "国民健康保険 加入・脱退",
                "National Health Insurance: join or leave",
            ),
            "こくみんけんこうほけん こくほ 国保 けんこうほけん 保険",
            20,
            (
                "本人確認書類\n職場の健康保険の資格喪失証明書（加入の場合）",
                "Proof of identity\nCertificate of leaving your workplace insurance (to join)",
            ),
            ("", ""),
            false,
            "moving",
        ),
        p(
            1,
            ("児童手当", "Child allowance"),
            "じどうてあて てあて こども 子ども 子供 しゅっさん 出産",
            20,
            (
                "請求者の健康保険証\n振込先の通帳\n本人確認書類",
                "Health insurance card of the applicant\nBank book of the account to pay into\nProof of identity",
            ),
            (
                "出生・転入の翌日から15日以内に申請してください。",
                "Please apply within 15 days of the birth or move.",
            ),
            false,
            "childcare,moving",
        ),
        p(
            1,
            ("子育て相談", "Parenting consultation"),
            "こそだてそうだん こそだて 子育て そうだん 相談 しゅっさん 出産 にんしん 妊娠",
            30,
            (
                "母子健康手帳（お持ちの方）",
                "Maternal and child health handbook (if you have one)",
            ),
            (
                "オンライン相談の方には、予約時刻に相談員から登録の電話番号へビデオ通話（LINE または Zoom）の案内をお送りします。受付番号をお手元にご用意ください。",
                "For an online consultation, a counsellor sends a video-call invitation (LINE or Zoom) to your phone number at the booked time. Please have your reference ready.",
            ),
            true,
            "childcare",
        ),
        p(
            2,
            ("納税相談", "Tax payment consultation"),
            "のうぜいそうだん のうぜい ぜいきん 税金 そうだん 相談",
            30,
            (
                "納税通知書\n収入がわかる書類",
                "Tax notices\nDocuments showing your income",
            ),
            ("", ""),
            false,
            "tax",
        ),
    ]
}

/// Weekdays Monday to Friday.
const WEEK: [i32; 5] = [0, 1, 2, 3, 4];
/// 8:30–12:00 and 13:00–17:15, local minutes.
const FULL_DAY: [(i32, i32); 2] = [(510, 720), (780, 1035)];

struct StaffSpec {
    name: &'static str,
    department: usize,
    /// Indexes into `procedures()`.
    qualified: &'static [usize],
    days: &'static [i32],
    spans: &'static [(i32, i32)],
}

fn staff_specs() -> Vec<StaffSpec> {
    vec![
        StaffSpec {
            name: "佐藤 美和",
            department: 0,
            qualified: &[0, 1, 2, 3, 5],
            days: &WEEK,
            spans: &FULL_DAY,
        },
        StaffSpec {
            name: "鈴木 健太",
            department: 0,
            qualified: &[0, 1, 2, 3, 4],
            days: &WEEK,
            spans: &FULL_DAY,
        },
        StaffSpec {
            name: "高橋 由紀",
            department: 0,
            qualified: &[2, 4],
            days: &[0, 2, 4],
            spans: &[(540, 720)],
        },
        StaffSpec {
            name: "田中 直子",
            department: 1,
            qualified: &[6, 7],
            days: &WEEK,
            spans: &FULL_DAY,
        },
        StaffSpec {
            name: "伊藤 誠",
            department: 2,
            qualified: &[8],
            days: &[1, 3],
            spans: &[(540, 720), (780, 960)],
        },
    ]
}

/// The first `weekday` after `from`.
fn next(from: NaiveDate, weekday: Weekday) -> NaiveDate {
    let mut d = from + Duration::days(1);
    while d.weekday() != weekday {
        d += Duration::days(1);
    }
    d
}

impl Store {
    /// Seeds the demo town's counters unless it has procedures already.
    /// Absences fall in the weeks after `now`.
    pub async fn seed_demo_counters(
        &self,
        town: &municipality::Model,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut departments = self.departments(town.id).await?;
        let have = procedure::Entity::find()
            .filter(procedure::Column::DepartmentId.is_in(departments.iter().map(|d| d.id)))
            .count(&self.db)
            .await?;
        if have > 0 {
            return Ok(());
        }
        let tz: chrono_tz::Tz = town.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo);
        let txn = self.db.begin().await?;
        if departments.len() < 3 {
            let tax = department::Entity::insert(department::ActiveModel {
                id: sea_orm::ActiveValue::NotSet,
                municipality_id: Set(town.id),
                name_ja: Set("税務課".into()),
                name_en: Set("Taxation Division".into()),
            })
            .exec_with_returning(&txn)
            .await?;
            departments.push(tax);
        }
        for (d, (ja, en, loc_ja, loc_en)) in departments.iter().zip([
            (
                "住民窓口",
                "Residents' counter",
                "役場1階 1番",
                "Town hall 1F, counter 1",
            ),
            (
                "福祉窓口",
                "Welfare counter",
                "役場1階 3番",
                "Town hall 1F, counter 3",
            ),
            (
                "税務窓口",
                "Tax counter",
                "役場2階 5番",
                "Town hall 2F, counter 5",
            ),
        ]) {
            counter::Entity::insert(counter::ActiveModel {
                id: sea_orm::ActiveValue::NotSet,
                department_id: Set(d.id),
                name_ja: Set(ja.into()),
                name_en: Set(en.into()),
                location_ja: Set(loc_ja.into()),
                location_en: Set(loc_en.into()),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        let mut procedure_ids = Vec::new();
        for p in procedures() {
            let row = procedure::Entity::insert(procedure::ActiveModel {
                id: sea_orm::ActiveValue::NotSet,
                department_id: Set(departments[p.department].id),
                name_ja: Set(p.name.0.into()),
                name_en: Set(p.name.1.into()),
                reading: Set(p.reading.into()),
                duration_minutes: Set(p.minutes),
                documents_ja: Set(p.documents.0.into()),
                documents_en: Set(p.documents.1.into()),
                notes_ja: Set(p.notes.0.into()),
                notes_en: Set(p.notes.1.into()),
                online_possible: Set(p.online),
                life_events: Set(p.life_events.into()),
            })
            .exec_with_returning(&txn)
            .await?;
            procedure_ids.push(row.id);
        }
        let mut staff_ids = Vec::new();
        for s in staff_specs() {
            let row = staff::Entity::insert(staff::ActiveModel {
                id: sea_orm::ActiveValue::NotSet,
                municipality_id: Set(town.id),
                display_name: Set(s.name.into()),
                department_id: Set(Some(departments[s.department].id)),
                active: Set(true),
            })
            .exec_with_returning(&txn)
            .await?;
            for q in s.qualified {
                staff_qualification::Entity::insert(staff_qualification::ActiveModel {
                    staff_id: Set(row.id),
                    procedure_id: Set(procedure_ids[*q]),
                })
                .exec_without_returning(&txn)
                .await?;
            }
            for day in s.days {
                for (start, end) in s.spans {
                    staff_duty_hours::Entity::insert(staff_duty_hours::ActiveModel {
                        id: sea_orm::ActiveValue::NotSet,
                        staff_id: Set(row.id),
                        weekday: Set(*day),
                        start_minute: Set(*start),
                        end_minute: Set(*end),
                    })
                    .exec_without_returning(&txn)
                    .await?;
                }
            }
            staff_ids.push(row.id);
        }
        // Some absences: 佐藤 on leave next Tuesday, 田中 at a training next
        // Wednesday afternoon, 伊藤 out on field work next Thursday morning.
        let today = now.with_timezone(&tz).date_naive();
        let local = |date: NaiveDate, minute: u32| {
            domain::availability::to_utc(tz, domain::schedule::local_datetime(date, minute))
        };
        for (who, day, from, to, reason) in [
            (0, Weekday::Tue, 0, 1440, "年次休暇"),
            (3, Weekday::Wed, 780, 1035, "研修"),
            (4, Weekday::Thu, 540, 720, "外勤"),
        ] {
            let date = next(today, day);
            if let (Some(start), Some(end)) = (local(date, from), local(date, to)) {
                staff_absence::Entity::insert(staff_absence::ActiveModel {
                    id: sea_orm::ActiveValue::NotSet,
                    staff_id: Set(staff_ids[who]),
                    start_at: Set(start),
                    end_at: Set(end),
                    reason: Set(reason.into()),
                })
                .exec_without_returning(&txn)
                .await?;
            }
        }
        txn.commit().await?;
        Ok(())
    }
}
