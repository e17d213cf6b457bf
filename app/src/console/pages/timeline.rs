//! A facility's timeline by day or week, with its links and the export.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{ConsoleBar, FlashView, console_loaded, ct};
use crate::console::api::*;
use crate::console::types::*;
use crate::core::live::{Live, LiveNote, keep_live};

/// `/console/facilities/{id}?date=…&view=week`.
#[component]
pub fn TimelinePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("date"),
                query.read().get("view"),
            )
        },
        |(id, date, view)| get_timeline(id, date, view),
    );
    console_loaded(data, |tl: Timeline| {
        let t = ct();
        let base = format!("/console/facilities/{}", tl.facility_id);
        let view_q = if tl.week { "&view=week" } else { "" };
        let export_from = tl.date.clone();
        // The table as last loaded; a change to the facility in the days
        // shown reloads it, and only the cells that differ are drawn again.
        let live = Live::new();
        let url = format!(
            "/live/console/facilities/{}?from={}&to={}&after={}",
            tl.facility_id, tl.date, tl.last, tl.version
        );
        let shown = RwSignal::new(tl.clone());
        let (id, date, view) = (
            tl.facility_id.to_string(),
            tl.date.clone(),
            tl.week.then(|| "week".to_owned()),
        );
        keep_live(live, url, move || {
            let (id, date, view) = (id.clone(), date.clone(), view.clone());
            leptos::task::spawn_local(async move {
                if let Ok(new) = get_timeline(id, Some(date), view).await {
                    let n = shown.with_untracked(|old| changed_cells(old, &new));
                    shown.set(new);
                    live.changed(n);
                }
            });
        });
        // Columns, units and each row's cell spans: a change to these draws
        // the table again; any other change redraws only its cells.
        let shape = Memo::new(move |_| {
            shown.with(|s| {
                (
                    s.columns.clone(),
                    s.rows
                        .iter()
                        .map(|r| {
                            (
                                r.unit.clone(),
                                r.cells.iter().map(|c| c.span).collect::<Vec<_>>(),
                            )
                        })
                        .collect::<Vec<_>>(),
                )
            })
        });
        let table = move || {
            let (columns, units) = shape.get();
            view! {
                <div class="table-scroll" role="region" aria-label=t.timeline_caption tabindex="0">
                    <table class="timeline">
                        <caption>{t.timeline_caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t.unit}</th>
                                {columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {units.into_iter().enumerate().map(|(r, (unit, spans))| view! {
                                <tr>
                                    <th scope="row">{unit}</th>
                                    {spans.into_iter().enumerate().map(|(i, span)| {
                                        let cell = Memo::new(move |_| {
                                            shown.with(|s| s.rows.get(r).and_then(|row| row.cells.get(i)).map(|c| c.entries.clone()).unwrap_or_default())
                                        });
                                        move || view! {
                                            <td colspan=(span > 1).then(|| span.to_string())>
                                                {cell.get().into_iter().map(|e| {
                                                    let class = format!("tag tag-{}", e.kind);
                                                    match e.href {
                                                        Some(href) => view! { <a class=class href=href>{e.label}</a> }.into_any(),
                                                        None => view! { <span class=class>{e.label}</span> }.into_any(),
                                                    }
                                                }).collect_view()}
                                            </td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
        };
        view! {
            <Title text=tl.title.clone()/>
            <ConsoleBar me=tl.me.clone()/>
            <h1>{tl.title.clone()}</h1>
            <FlashView flash=tl.flash.clone()/>
            <p class="actions no-print">
                <a class="button" href=format!("{base}?date={}{view_q}", tl.prev)>{t.previous}</a>
                <a class="button" href=format!("{base}?date={}{view_q}", tl.next)>{t.next}</a>
                <a class="button" href=format!("{base}?date={}", tl.date) aria-current=(!tl.week).then_some("page")>{t.day_view}</a>
                <a class="button" href=format!("{base}?date={}&view=week", tl.date) aria-current=tl.week.then_some("page")>{t.week_view}</a>
            </p>
            <form method="get" action=base.clone() class="inline-form no-print">
                <label for="tl-date">{t.date}</label>
                <input id="tl-date" name="date" type="date" value=tl.date.clone()/>
                {tl.week.then(|| view! { <input type="hidden" name="view" value="week"/> })}
                <button type="submit" class="button">{t.go}</button>
            </form>
            <LiveNote live/>
            {table}
            <p class="actions no-print">
                <a class="button" href=format!("{base}/block")>{t.block_link}</a>
                <a class="button" href=tl.public_href.clone()>{t.proxy_link}</a>
                <a class="button" href=format!("{base}/report")>{t.report_link}</a>
                <button type="button" class="button js-only" on:click=crate::booking::pages::print_page>{t.print}</button>
            </p>
            <section class="no-print">
                <h2>{t.rules_units_heading}</h2>
                <ul>
                    {tl.rows.iter().map(|r| view! {
                        <li><a href=format!("{base}/units/{}/rules", r.unit_id)>{format!("{} — {}", r.unit, t.rules_link)}</a></li>
                    }).collect_view()}
                </ul>
                <p class="actions">
                    <a class="button" href=format!("{base}/units/new")>{t.add_unit_link}</a>
                    <a class="button" href=format!("{base}/details")>{t.details_link}</a>
                    <a class="button" href=format!("{base}/equipment")>{t.equipment_link}</a>
                    <a class="button" href=format!("{base}/archive")>{t.archive_link}</a>
                </p>
            </section>
            <section class="no-print">
                <h2>{t.export_heading}</h2>
                <form method="post" action=format!("{base}/bookings.csv") class="inline-form">
                    <label for="ex-from">{t.from}</label>
                    <input id="ex-from" name="from" type="date" value=export_from.clone() required/>
                    <label for="ex-to">{t.to}</label>
                    <input id="ex-to" name="to" type="date" value=export_from required/>
                    <button type="submit" class="button">{t.export_button}</button>
                </form>
            </section>
        }
    })
}

/// How many cells differ between two loads of the same timeline (all of
/// the new ones when its shape changed).
fn changed_cells(old: &Timeline, new: &Timeline) -> usize {
    let count = |t: &Timeline| t.rows.iter().map(|r| r.cells.len()).sum();
    if old.columns != new.columns || old.rows.len() != new.rows.len() {
        return count(new);
    }
    old.rows
        .iter()
        .zip(&new.rows)
        .map(|(a, b)| {
            if a.cells.len() != b.cells.len() {
                return b.cells.len();
            }
            a.cells.iter().zip(&b.cells).filter(|(x, y)| x != y).count()
        })
        .sum()
}
