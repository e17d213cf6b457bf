use chrono::{Datelike, Weekday};
use domain::availability::DayStatus;
use domain::view::MonthCalendar;
use leptos::prelude::*;

use crate::core::town::at;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::browse::api::get_month_calendar;
use crate::browse::pages::facilities::FacilityFacts;
use crate::core::components::loaded;
use crate::core::i18n::{self, texts};
use crate::core::lang::use_lang;
use crate::core::live::{Live, LiveNote, keep_live};

/// A facility with its month calendar (空き / 残りわずか / 満 / 休館 per day).
#[component]
pub fn FacilityMonth() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("month"),
            )
        },
        |(id, month)| get_month_calendar(id, month),
    );
    loaded(data, false, |m| view! { <MonthView m/> })
}

const WEEK: [Weekday; 7] = [
    Weekday::Sun,
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
];

fn status_class(status: DayStatus) -> &'static str {
    match status {
        DayStatus::Available => "st-free",
        DayStatus::Few => "st-few",
        DayStatus::Full => "st-full",
        DayStatus::Closed => "st-closed",
        _ => "st-none",
    }
}

/// How many days' cells differ between two loads of the same month.
fn changed_days(old: &MonthCalendar, new: &MonthCalendar) -> usize {
    if old.days.len() != new.days.len() {
        return new.days.len();
    }
    old.days
        .iter()
        .zip(&new.days)
        .filter(|(a, b)| a != b)
        .count()
}

#[component]
fn MonthView(m: MonthCalendar) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let f = m.facility.clone();
    let title = (t.month_title)(m.month.year, m.month.month);
    let base = at(&format!("/facilities/{}", f.id));
    let month_link =
        |ym: domain::calendar::YearMonth| ym.is_supported().then(|| format!("{base}?month={ym}"));
    let prev = month_link(m.month.prev());
    let next = month_link(m.month.next());
    let lead = m
        .days
        .first()
        .map(|d| d.date.weekday().num_days_from_sunday() as usize)
        .unwrap_or(0);
    // Positions in the grid: None before the 1st and after the last day.
    let mut cells: Vec<Option<usize>> = std::iter::repeat_n(None, lead)
        .chain((0..m.days.len()).map(Some))
        .collect();
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    let weeks: Vec<Vec<Option<usize>>> = cells.chunks(7).map(|w| w.to_vec()).collect();
    let caption = format!("{} {}", f.name, title);

    // The month as last loaded; a live change reloads it and redraws the
    // days that differ.
    let (first, last) = (
        m.days.first().map(|d| d.date),
        m.days.last().map(|d| d.date),
    );
    let month = m.month;
    let live = Live::new();
    let calendar = RwSignal::new(m.clone());
    if let (Some(first), Some(last)) = (first, last) {
        let url = format!(
            "/live/facilities/{}?from={first}&to={last}&after={}",
            f.id, m.version
        );
        let id = f.id.to_string();
        keep_live(live, url, move || {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                if let Ok(new) = get_month_calendar(id, Some(month.to_string())).await {
                    let n = calendar.with_untracked(|old| changed_days(old, &new));
                    calendar.set(new);
                    live.changed(n);
                }
            });
        });
    }
    let day_cell = move |i: usize| {
        let base = base.clone();
        let day =
            Memo::new(move |_| calendar.with(|c| c.days.get(i).cloned().map(|d| (d, c.today))));
        move || {
            let Some((day, today)) = day.get() else {
                return view! { <td class="empty"></td> }.into_any();
            };
            let (word, symbol) = i18n::day_status(lang, day.status);
            let href = format!("{base}/days/{}", day.date);
            let is_today = day.date == today;
            let weekend = match day.date.weekday() {
                Weekday::Sun => " sun",
                Weekday::Sat => " sat",
                _ => "",
            };
            let holiday_class = if day.holiday.is_some() {
                " holiday"
            } else {
                ""
            };
            let class = format!(
                "day {}{weekend}{holiday_class}{}",
                status_class(day.status),
                if is_today { " today" } else { "" }
            );
            view! {
                <td class=class data-date=day.date.to_string() data-status=format!("{:?}", day.status).to_lowercase()>
                    <a href=href aria-current=is_today.then_some("date")>
                        <span class="vh">{i18n::format_date(lang, day.date)}</span>
                        <span class="day-num" aria-hidden="true">{day.date.day()}</span>
                        {is_today.then(|| view! { <span class="today-mark">{t.today}</span> })}
                        // A phone shows the symbol alone (the words are
                        // read out, and the key and the notes below say
                        // them); a wider screen shows the word too, and
                        // not the symbol when the word holds it (休 / 休館).
                        <span class="day-status">
                            <span class=if word.contains(symbol) { "day-symbol repeats" } else { "day-symbol" } aria-hidden="true">{symbol}</span>
                            <span class="day-word">{word}</span>
                        </span>
                        {day.holiday.map(|h| view! { <span class="day-holiday">{h}</span> })}
                        {day.closure.map(|c| view! { <span class="day-reason">{c}</span> })}
                    </a>
                </td>
            }.into_any()
        }
    };
    view! {
        <Title text=format!("{} {}", f.name, title)/>
        <h1>{f.name.clone()}</h1>
        {f.photo.map(|p| view! { <img class="facility-photo" src=p.url alt=p.alt loading="lazy" decoding="async"/> })}
        <p>{f.description}</p>
        <section aria-labelledby="calendar-heading">
            <h2 id="calendar-heading">{t.calendar_heading}": "{title.clone()}</h2>
            <nav class="pager" aria-label=t.month_nav_label>
                {prev.map(|href| view! { <a class="button" href=href rel="prev"><span aria-hidden="true">"← "</span>{t.prev_month}</a> })}
                <a class="button" href=at(&format!("/facilities/{}", f.id))>{t.this_month}</a>
                {next.map(|href| view! { <a class="button" href=href rel="next">{t.next_month}<span aria-hidden="true">" →"</span></a> })}
            </nav>
            <p>{t.calendar_hint}</p>
            <LiveNote live/>
            <table class="calendar">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        {WEEK.iter().map(|d| view! {
                            <th scope="col" abbr=i18n::weekday_long(lang, *d)>{i18n::weekday_short(lang, *d)}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {weeks.into_iter().map(|week| view! {
                        <tr>
                            {week.into_iter().map(|cell| match cell {
                                None => view! { <td class="empty"></td> }.into_any(),
                                Some(i) => day_cell(i).into_any(),
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <Legend/>
            <MonthNotes calendar/>
        </section>
        <FacilityFacts address=f.address phone=f.phone hours=f.hours accessibility=f.accessibility/>
    }
}

#[component]
fn Legend() -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let shown = [
        DayStatus::Available,
        DayStatus::Few,
        DayStatus::Full,
        DayStatus::Closed,
        DayStatus::NotYetOpen,
        DayStatus::BookingClosed,
        DayStatus::Past,
        DayStatus::NoSlots,
    ];
    view! {
        <h3>{t.legend_heading}</h3>
        <ul class="legend">
            {shown.into_iter().map(|s| {
                let (word, symbol) = i18n::day_status(lang, s);
                view! { <li class=format!("day {}", status_class(s))><span aria-hidden="true">{symbol}" "</span>{word}</li> }
            }).collect_view()}
        </ul>
    }
}

/// The month's holidays and closed days in words (the cells of a phone's
/// calendar have room for a symbol only), one line per name: 「休館日：
/// 7日、14日」.
#[component]
fn MonthNotes(calendar: RwSignal<MonthCalendar>) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let lines = move || {
        calendar.with(|c| {
            let mut lines: Vec<(String, Vec<chrono::NaiveDate>)> = Vec::new();
            for d in &c.days {
                for name in d.holiday.iter().chain(&d.closure) {
                    match lines.iter_mut().find(|(n, _)| n == name) {
                        Some((_, days)) => days.push(d.date),
                        None => lines.push((name.clone(), vec![d.date])),
                    }
                }
            }
            lines
        })
    };
    move || {
        let lines = lines();
        (!lines.is_empty()).then(|| {
            view! {
                <h3>{t.month_notes_heading}</h3>
                <ul class="month-notes">
                    {lines.into_iter().map(|(name, days)| view! {
                        <li><strong>{name}</strong>{t.list_colon}{i18n::day_list(lang, &days)}</li>
                    }).collect_view()}
                </ul>
            }
        })
    }
}
