use chrono::Duration;
use domain::availability::{DayStatus, SlotStatus};
use domain::calendar::{FIRST_YEAR, LAST_YEAR, YearMonth};
use domain::text::Lang;
use domain::view::{DayCellSlot, DaySchedule};
use leptos::prelude::*;

use crate::core::town::at;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::browse::api::get_day_schedule;
use crate::core::components::loaded;
use crate::core::i18n::{self, texts};
use crate::core::lang::use_lang;
use crate::core::live::{Live, LiveNote, keep_live};

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

/// How many cells differ between two loads of the same day (all of the new
/// ones when the table's shape changed).
fn changed_cells(old: &DaySchedule, new: &DaySchedule) -> usize {
    if old.columns != new.columns || old.rows.len() != new.rows.len() {
        return new.rows.iter().map(|r| r.cells.len()).sum();
    }
    old.rows
        .iter()
        .zip(&new.rows)
        .map(|(a, b)| {
            if a.unit != b.unit {
                return b.cells.len();
            }
            a.cells.iter().zip(&b.cells).filter(|(x, y)| x != y).count()
        })
        .sum()
}

#[component]
fn DayView(d: DaySchedule) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let f = d.facility.clone();
    let date = d.date;
    let date_text = i18n::format_date(lang, date);
    let base = at(&format!("/facilities/{}", f.id));
    let in_range =
        |date: chrono::NaiveDate| (FIRST_YEAR..=LAST_YEAR).contains(&chrono::Datelike::year(&date));
    let prev = Some(date - Duration::days(1))
        .filter(|x| in_range(*x))
        .map(|x| format!("{base}/days/{x}"));
    let next = Some(date + Duration::days(1))
        .filter(|x| in_range(*x))
        .map(|x| format!("{base}/days/{x}"));
    let month = format!("{base}?month={}", YearMonth::of(date));
    let title = (t.day_title)(&date_text);

    // The day as last loaded; a live change reloads it, and only the cells
    // that differ are drawn again (the whole table if its shape changed).
    let url = format!("/live/facilities/{}?from={date}&after={}", f.id, d.version);
    let schedule = RwSignal::new(d);
    let live = Live::new();
    let id = f.id.to_string();
    keep_live(live, url, move || {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            if let Ok(new) = get_day_schedule(id, date.to_string()).await {
                let n = schedule.with_untracked(|old| changed_cells(old, &new));
                schedule.set(new);
                live.changed(n);
            }
        });
    });
    let shape = Memo::new(move |_| {
        schedule.with(|s| {
            (
                s.columns.clone(),
                s.rows.iter().map(|r| r.unit.clone()).collect::<Vec<_>>(),
            )
        })
    });
    let caption = (t.day_table_caption)(&date_text);
    let table = move || {
        let (columns, units) = shape.get();
        if columns.is_empty() {
            return view! { <p class="notice">{t.no_slots_today}</p> }.into_any();
        }
        // Each column's name for the booking links' accessible names (午後 13:00–17:00).
        let column_names: Vec<String> = columns
            .iter()
            .map(|c| {
                let time = format!("{}–{}", c.start, c.end);
                c.label
                    .as_ref()
                    .map(|l| format!("{l} {time}"))
                    .unwrap_or(time)
            })
            .collect();
        let rows = units
            .into_iter()
            .enumerate()
            .map(|(r, unit)| {
                let cells = (0..columns.len())
                    .map(|i| {
                        let cell = Memo::new(move |_| {
                            schedule.with(|s| {
                                s.rows.get(r).and_then(|row| row.cells.get(i).cloned().flatten())
                            })
                        });
                        let (unit_name, column) = (unit.name.clone(), column_names[i].clone());
                        move || slot_cell(lang, cell.get(), &unit_name, &column)
                    })
                    .collect_view();
                view! {
                    <tr data-unit=unit.id.to_string()>
                        <th scope="row">{unit.name.clone()}<br/><span class="note">{(t.capacity)(unit.capacity)}</span></th>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll" role="region" aria-label=caption.clone() tabindex="0">
                <table class="day-table">
                    <caption>{caption.clone()}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.unit_column}</th>
                            {columns.iter().map(|c| view! {
                                <th scope="col">
                                    {c.label.clone().map(|l| view! { {l}<br/> })}
                                    <span class="time">{format!("{}–{}", c.start, c.end)}</span>
                                </th>
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <Title text=format!("{} {}", f.name, title)/>
        <p class="breadcrumb"><a href=month><span aria-hidden="true">"← "</span>{t.back_to_month}</a></p>
        <h1>{f.name.clone()}<br/><span class="subtitle">{title}</span></h1>
        {move || schedule.with(|s| s.holiday.clone()).map(|h| view! { <p class="holiday-note">{h}</p> })}
        {move || schedule.with(|s| s.closure.clone()).map(|c| view! { <p class="notice">{(t.closed_all_day)(&c)}</p> })}
        <nav class="pager" aria-label=t.day_nav_label>
            {prev.map(|href| view! { <a class="button" href=href rel="prev"><span aria-hidden="true">"← "</span>{t.prev_day}</a> })}
            {next.map(|href| view! { <a class="button" href=href rel="next">{t.next_day}<span aria-hidden="true">" →"</span></a> })}
        </nav>
        <LiveNote live/>
        {table}
    }
}

/// One cell of the day table.
fn slot_cell(lang: Lang, cell: Option<DayCellSlot>, unit_name: &str, column: &str) -> AnyView {
    let t = texts(lang);
    match cell {
        None => view! {
            <td class="slot st-none"><span aria-hidden="true">"—"</span><span class="vh">{t.not_offered}</span></td>
        }
        .into_any(),
        Some(c) if c.window_closed => {
            let (word, symbol) = i18n::day_status(lang, DayStatus::BookingClosed);
            view! {
                <td class="slot st-none" data-status=c.status.as_str()>
                    <span aria-hidden="true">{symbol}" "</span>{word}
                </td>
            }
            .into_any()
        }
        Some(c) => {
            let (word, symbol) = i18n::slot_status(lang, c.status);
            let book = c.book_href.clone().map(|href| {
                // A taken cell's link joins its waiting list.
                let (word, label) = if c.status == SlotStatus::Booked {
                    (t.wait_cell, (t.wait_cell_label)(unit_name, column))
                } else {
                    (t.book_cell, (t.book_cell_label)(unit_name, column))
                };
                view! { <br/><a class="book-link" href=href aria-label=label>{word}</a> }
            });
            view! {
                <td class=slot_class(c.status) data-status=c.status.as_str()>
                    <span aria-hidden="true">{symbol}" "</span>{word}
                    {c.reason.map(|r| view! { <br/><span class="note">{r}</span> })}
                    {book}
                </td>
            }
            .into_any()
        }
    }
}
