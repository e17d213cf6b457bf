//! A facility's usage report.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{ConsoleBar, console_loaded, ct};
use crate::console::api::*;
use crate::console::types::*;

/// `/console/facilities/{id}/report`: occupancy and fees as bar charts,
/// each bar with its figure in words.
#[component]
pub fn UsageReportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("month"),
            )
        },
        |(id, month)| get_usage_report(id, month),
    );
    console_loaded(data, |r: UsageReport| {
        let t = ct();
        let base = format!("/console/facilities/{}/report", r.facility_id);
        let max_fee = r
            .fees
            .iter()
            .map(|f| f.charged_yen)
            .max()
            .unwrap_or(0)
            .max(1);
        let width =
            move |part: i64, whole: i64| format!("width: {}%", (part * 100 / whole).clamp(0, 100));
        view! {
            <Title text=r.title.clone()/>
            <ConsoleBar me=r.me.clone()/>
            <h1>{r.title.clone()}</h1>
            <p class="lead">{t.report_lead}</p>
            <p class="actions no-print">
                <a class="button" href=format!("{base}?month={}", r.prev)>{t.earlier}</a>
                <a class="button" href=format!("{base}?month={}", r.next)>{t.later}</a>
                <a class="button" href=format!("/console/facilities/{}", r.facility_id)>{t.back_to_timeline}</a>
            </p>
            <h2>{t.occupancy_heading}</h2>
            <div class="table-scroll" role="region" aria-label=t.occupancy_caption tabindex="0">
                <table class="report">
                    <caption>{t.occupancy_caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.unit}</th>
                            {r.months.iter().map(|m| view! { <th scope="col">{m.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {r.rows.iter().map(|row| view! {
                            <tr>
                                <th scope="row">{row.unit.clone()}</th>
                                {row.cells.iter().map(|c| view! {
                                    <td>
                                        <span class="bar" aria-hidden="true"><span style=width(c.per_mille, 1000)></span></span>
                                        <strong>{c.rate.clone()}</strong>
                                        <br/><small>{c.hours.clone()}</small>
                                    </td>
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h2>{t.fees_heading}</h2>
            <div class="table-scroll" role="region" aria-label=t.fees_caption tabindex="0">
                <table class="report">
                    <caption>{t.fees_caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.month}</th>
                            <th scope="col">{t.fee_charged}</th>
                            <th scope="col">{t.fee_reduced}</th>
                            <th scope="col">{t.fee_received}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {r.fees.iter().map(|f| view! {
                            <tr>
                                <th scope="row">{f.month.clone()}</th>
                                <td>
                                    <span class="bar" aria-hidden="true"><span style=width(f.charged_yen, max_fee)></span></span>
                                    {f.charged.clone()}
                                </td>
                                <td>{f.reduced.clone()}</td>
                                <td>
                                    <span class="bar bar-paid" aria-hidden="true"><span style=width(f.received_yen, max_fee)></span></span>
                                    {f.received.clone()}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}
