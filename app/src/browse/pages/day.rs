use chrono::Duration;
use domain::availability::{DayStatus, SlotStatus};
use domain::calendar::{FIRST_YEAR, LAST_YEAR, YearMonth};
use domain::view::DaySchedule;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::browse::api::get_day_schedule;
use crate::core::components::loaded;
use crate::core::i18n::{self, texts};
use crate::core::lang::use_lang;

/// One day: a table of units × periods, each free / booked / closed / not yet open / past.
#[component]
pub fn FacilityDay() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("id").unwrap_or_default(),
                p.get("date").unwrap_or_default(),
            )
        },
        |(id, date)| get_day_schedule(id, date),
    );
    loaded(data, false, |d| view! { <DayView d/> })
}

fn slot_class(status: SlotStatus) -> &'static str {
    match status {
        SlotStatus::Free => "slot st-free",
        SlotStatus::Booked => "slot st-full",
        SlotStatus::Closed => "slot st-closed",
        SlotStatus::NotYetOpen | SlotStatus::Past => "slot st-none",
    }
}

#[component]
fn DayView(d: DaySchedule) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let f = d.facility;
    let date_text = i18n::format_date(lang, d.date);
    let base = format!("/facilities/{}", f.id);
    let in_range =
        |date: chrono::NaiveDate| (FIRST_YEAR..=LAST_YEAR).contains(&chrono::Datelike::year(&date));
    let prev = Some(d.date - Duration::days(1))
        .filter(|x| in_range(*x))
        .map(|x| format!("{base}/days/{x}"));
    let next = Some(d.date + Duration::days(1))
        .filter(|x| in_range(*x))
        .map(|x| format!("{base}/days/{x}"));
    let month = format!("{base}?month={}", YearMonth::of(d.date));
    let title = (t.day_title)(&date_text);
    let closure_note = d.closure.clone().map(|c| (t.closed_all_day)(&c));
    let empty = d.columns.is_empty();
    let bt = texts(lang);
    // Each column's name for the booking links' accessible names (午後 13:00–17:00).
    let column_names: Vec<String> = d
        .columns
        .iter()
        .map(|c| {
            let time = format!("{}–{}", c.start, c.end);
            c.label
                .as_ref()
                .map(|l| format!("{l} {time}"))
                .unwrap_or(time)
        })
        .collect();
    view! {
        <Title text=format!("{} {}", f.name, title)/>
        <p class="breadcrumb"><a href=month><span aria-hidden="true">"← "</span>{t.back_to_month}</a></p>
        <h1>{f.name.clone()}<br/><span class="subtitle">{title}</span></h1>
        {d.holiday.map(|h| view! { <p class="holiday-note">{h}</p> })}
        {closure_note.map(|c| view! { <p class="notice">{c}</p> })}
        <nav class="pager" aria-label=t.day_nav_label>
            {prev.map(|href| view! { <a class="button" href=href rel="prev"><span aria-hidden="true">"← "</span>{t.prev_day}</a> })}
            {next.map(|href| view! { <a class="button" href=href rel="next">{t.next_day}<span aria-hidden="true">" →"</span></a> })}
        </nav>
        {if empty {
            view! { <p class="notice">{t.no_slots_today}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" role="region" aria-label=(t.day_table_caption)(&date_text) tabindex="0">
                    <table class="day-table">
                        <caption>{(t.day_table_caption)(&date_text)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t.unit_column}</th>
                                {d.columns.iter().map(|c| view! {
                                    <th scope="col">
                                        {c.label.clone().map(|l| view! { {l}<br/> })}
                                        <span class="time">{format!("{}–{}", c.start, c.end)}</span>
                                    </th>
                                }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {d.rows.into_iter().map(|row| { let unit_name = row.unit.name.clone(); view! {
                                <tr data-unit=row.unit.id.to_string()>
                                    <th scope="row">{row.unit.name}<br/><span class="note">{(t.capacity)(row.unit.capacity)}</span></th>
                                    {row.cells.into_iter().enumerate().map(|(i, cell)| match cell {
                                        None => view! {
                                            <td class="slot st-none"><span aria-hidden="true">"—"</span><span class="vh">{t.not_offered}</span></td>
                                        }.into_any(),
                                        Some(c) if c.window_closed => {
                                            let (word, symbol) = i18n::day_status(lang, DayStatus::BookingClosed);
                                            view! {
                                                <td class="slot st-none" data-status=c.status.as_str()>
                                                    <span aria-hidden="true">{symbol}" "</span>{word}
                                                </td>
                                            }.into_any()
                                        }
                                        Some(c) => {
                                            let (word, symbol) = i18n::slot_status(lang, c.status);
                                            let book = c.book_href.clone().map(|href| {
                                                let label = (bt.book_cell_label)(&unit_name, &column_names[i]);
                                                view! { <br/><a class="book-link" href=href aria-label=label>{bt.book_cell}</a> }
                                            });
                                            view! {
                                                <td class=slot_class(c.status) data-status=c.status.as_str()>
                                                    <span aria-hidden="true">{symbol}" "</span>{word}
                                                    {c.reason.map(|r| view! { <br/><span class="note">{r}</span> })}
                                                    {book}
                                                </td>
                                            }.into_any()
                                        }
                                    }).collect_view()}
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
