//! Sign-in and the managers' console. Server-rendered forms posting to the
//! server functions in `console_api.rs`; status is always said in words.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::console::api::*;
use crate::console::texts::{ConsoleTexts, texts};
use crate::console::types::*;
use crate::core::error::AppError;
use crate::core::lang::use_lang;
use crate::core::types::{Flash, Role};

fn ct() -> &'static ConsoleTexts {
    texts(use_lang())
}

/// Console pages show their data or the translated error (with a sign-in
/// link when the sign-in is missing, see `ErrorView`).
fn console_loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    crate::core::components::loaded(data, false, render)
}

#[component]
pub fn FlashView(flash: Option<Flash>) -> impl IntoView {
    flash.map(|f| {
        if f.ok {
            view! { <p class="notice notice-ok" role="status">{f.text}</p> }.into_any()
        } else {
            view! { <p class="notice notice-error" role="alert">{f.text}</p> }.into_any()
        }
    })
}

/// The console's own menu and who is signed in.
#[component]
pub fn ConsoleBar(me: Me) -> impl IntoView {
    let t = ct();
    let logout = ServerAction::<Logout>::new();
    view! {
        <nav class="console-bar no-print" aria-label=t.console_nav>
            <ul>
                <li><a href="/console">{t.nav_home}</a></li>
                {me.counters.then(|| view! {
                    <li><a href="/console/visits">{crate::visits::texts::texts(crate::core::lang::use_lang()).nav_counter}</a></li>
                })}
                {me.is_admin.then(|| view! {
                    <li><a href="/console/staff">{t.nav_staff}</a></li>
                    <li><a href="/console/audit">{t.nav_audit}</a></li>
                    <li><a href="/console/outbox">{t.nav_outbox}</a></li>
                })}
                <li><a href="/console/account">{t.nav_account}</a></li>
            </ul>
            <p>{(t.signed_in_as)(&me.name, &me.role)}</p>
            <ActionForm action=logout>
                <button type="submit" class="button">{t.sign_out}</button>
            </ActionForm>
        </nav>
    }
}

/// `/console/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("retry"), |_| get_login_page());
    let signed_out = move || query.read_untracked().get("signed_out").is_some();
    let changed = move || query.read_untracked().get("changed").is_some();
    crate::core::components::loaded(
        data,
        false,
        move |page: crate::console::types::LoginPage| {
            let t = ct();
            let login = ServerAction::<Login>::new();
            let invalid = page.error.is_some().then_some("true");
            view! {
                <Title text=t.login_title/>
                <h1>{t.login_title}</h1>
                {signed_out().then(|| view! { <p class="notice notice-ok" role="status">{t.signed_out}</p> })}
                {changed().then(|| view! { <p class="notice notice-ok" role="status">{t.password_changed}</p> })}
                {page.error.clone().map(|e| view! { <p class="notice notice-error" role="alert" id="login-error">{e}</p> })}
                <p class="lead">{t.login_lead}</p>
                <ActionForm action=login>
                    <TownField page=page.clone() id="l-town"/>
                    <div class="field">
                        <label for="l-email">{t.email}</label>
                        <input id="l-email" name="email" type="email" autocomplete="username" required
                            value=page.email aria-invalid=invalid/>
                    </div>
                    <div class="field">
                        <label for="l-password">{t.password}</label>
                        <input id="l-password" name="password" type="password" autocomplete="current-password" required aria-invalid=invalid/>
                    </div>
                    <p><button type="submit" class="button button-primary">{t.login_button}</button></p>
                </ActionForm>
            }
        },
    )
}

/// Which town, when the installation serves several (nothing otherwise).
#[component]
fn TownField(page: crate::console::types::LoginPage, id: &'static str) -> impl IntoView {
    let t = ct();
    (!page.towns.is_empty()).then(|| {
        view! {
            <div class="field">
                <label for=id>{t.town}</label>
                <select id=id name="town">
                    {page.towns.iter().map(|m| view! {
                        <option value=m.id.to_string() selected=page.town == Some(m.id)>{m.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    })
}

/// `/console/enrol`: a new member sets their password with the mailed code.
#[component]
pub fn EnrolPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("retry"), |_| get_enrol_page());
    crate::core::components::loaded(data, false, |page: crate::console::types::LoginPage| {
        let t = ct();
        let enrol = ServerAction::<Enrol>::new();
        let invalid = page.error.is_some().then_some("true");
        view! {
            <Title text=t.enrol_title/>
            <h1>{t.enrol_title}</h1>
            {page.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            <p class="lead">{t.enrol_lead}</p>
            <crate::core::components::ActionError action=enrol/>
            <ActionForm action=enrol>
                <TownField page=page.clone() id="e-town"/>
                <div class="field">
                    <label for="e-email">{t.email}</label>
                    <input id="e-email" name="email" type="email" autocomplete="username" required
                        value=page.email aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="e-code">{t.enrol_code}</label>
                    <p class="hint" id="e-code-hint">{t.enrol_code_hint}</p>
                    <input id="e-code" name="code" type="text" autocomplete="one-time-code" autocapitalize="characters"
                        spellcheck="false" maxlength="20" required aria-describedby="e-code-hint" aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="e-password">{t.enrol_password}</label>
                    <p class="hint" id="e-password-hint">{t.password_hint}</p>
                    <input id="e-password" name="password" type="password" autocomplete="new-password" required
                        minlength="10" maxlength="128" aria-describedby="e-password-hint" aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="e-password-confirm">{t.enrol_password_confirm}</label>
                    <input id="e-password-confirm" name="password_confirm" type="password" autocomplete="new-password"
                        required aria-invalid=invalid/>
                </div>
                <p><button type="submit" class="button button-primary">{t.enrol_button}</button></p>
            </ActionForm>
        }
    })
}

/// `/console/login/code`: the TOTP step.
#[component]
pub fn CodePage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("retry"), |_| get_code_page());
    crate::core::components::loaded(data, false, |page: crate::console::types::LoginPage| {
        let t = ct();
        let code = ServerAction::<LoginCode>::new();
        let invalid = page.error.is_some().then_some("true");
        view! {
            <Title text=t.code_title/>
            <h1>{t.code_title}</h1>
            {page.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            <p class="lead">{t.code_lead}</p>
            <ActionForm action=code>
                <div class="field">
                    <label for="l-code">{t.code_label}</label>
                    <input id="l-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        pattern="[0-9 ]{6,7}" required aria-invalid=invalid/>
                </div>
                <p><button type="submit" class="button button-primary">{t.code_button}</button></p>
            </ActionForm>
        }
    })
}

#[component]
fn Lines(lines: Vec<BookingLine>, #[prop(optional)] pending: bool) -> impl IntoView {
    let t = ct();
    view! {
        <div class="table-scroll" role="region" aria-label=t.bookings_table tabindex="0">
            <table class="list">
                <thead>
                    <tr>
                        <th scope="col">{t.reference}</th>
                        <th scope="col">{t.facility}</th>
                        <th scope="col">{t.unit}</th>
                        <th scope="col">{t.when}</th>
                        <th scope="col">{t.status}</th>
                        {pending.then(|| view! { <th scope="col">{t.expires}</th> })}
                        <th scope="col">{t.attendees}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr>
                            <td><a href=format!("/console/bookings/{}", l.id)>{l.reference.clone()}</a></td>
                            <td>{l.facility.clone()}</td>
                            <td>{l.unit.clone()}</td>
                            <td>{l.when.clone()}</td>
                            <td><span class=format!("tag tag-{}", l.status)>{l.status_label.clone()}</span></td>
                            {pending.then(|| view! { <td>{l.expires.clone().unwrap_or_default()}</td> })}
                            <td>{l.attendees}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/console`.
#[component]
pub fn ConsoleHomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_console_home());
    console_loaded(data, |home: ConsoleHome| {
        let t = ct();
        let none = home.pending.is_empty();
        view! {
            <Title text=t.console_title/>
            <ConsoleBar me=home.me.clone()/>
            <h1>{t.console_title}</h1>
            <FlashView flash=home.flash.clone()/>
            <h2>{t.facilities_heading}</h2>
            <ul class="plain-list">
                {home.facilities.iter().map(|f| view! {
                    <li><a href=format!("/console/facilities/{}", f.id)>{f.name.clone()}</a></li>
                }).collect_view()}
            </ul>
            <h2>{t.pending_heading}</h2>
            {if none {
                view! { <p>{t.no_pending}</p> }.into_any()
            } else {
                view! { <Lines lines=home.pending.clone() pending=true/> }.into_any()
            }}
        }
    })
}

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
            <div class="table-scroll" role="region" aria-label=t.timeline_caption tabindex="0">
                <table class="timeline">
                    <caption>{t.timeline_caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.unit}</th>
                            {tl.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {tl.rows.iter().map(|r| view! {
                            <tr>
                                <th scope="row">{r.unit.clone()}</th>
                                {r.cells.iter().map(|cell| view! {
                                    <td>
                                        {cell.iter().map(|e| {
                                            let class = format!("tag tag-{}", e.kind);
                                            match e.href.clone() {
                                                Some(href) => view! { <a class=class href=href>{e.label.clone()}</a> }.into_any(),
                                                None => view! { <span class=class>{e.label.clone()}</span> }.into_any(),
                                            }
                                        }).collect_view()}
                                    </td>
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="actions no-print">
                <a class="button" href=format!("{base}/block")>{t.block_link}</a>
                <a class="button" href=format!("/facilities/{}", tl.facility_id)>{t.proxy_link}</a>
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

/// One labelled input of the rules form, with its message if any.
#[component]
fn RuleInput(
    key: &'static str,
    label: &'static str,
    value: String,
    errors: Vec<RulesMessage>,
    #[prop(default = "numeric")] inputmode: &'static str,
) -> impl IntoView {
    let id = format!("rule-{key}");
    let error = errors
        .iter()
        .find(|e| e.key == key)
        .map(|e| e.message.clone());
    let error_id = format!("{id}-error");
    let described = error.is_some().then(|| error_id.clone());
    view! {
        <div class="field" class:has-error=error.is_some()>
            <label for=id.clone()>{label}</label>
            {error.clone().map(|e| view! { <p id=error_id.clone() class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
            <input id=id name=format!("rules[{key}]") type="text" inputmode=inputmode value=value
                aria-invalid=error.is_some().then_some("true") aria-describedby=described/>
        </div>
    }
}

/// `/console/facilities/{id}/units/{unit}/rules`: edit, preview, save.
#[component]
pub fn RulesPageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                params.read().get("unit").unwrap_or_default(),
                query.read().get("v"),
            )
        },
        |(id, unit, v)| get_rules_page(id, unit, v),
    );
    console_loaded(data, |p: RulesPage| {
        let t = ct();
        let preview = ServerAction::<PreviewRules>::new();
        let save = ServerAction::<SaveRules>::new();
        let v = p.values.clone();
        let errs = p.errors.clone();
        let row_error = move |key: String| {
            errs.iter()
                .find(|e| e.key == key)
                .map(|e| e.message.clone())
        };
        let row_error2 = row_error.clone();
        let e = p.errors.clone();
        let facility = p.facility_id.to_string();
        let unit = p.unit_id.to_string();
        let (f2, u2) = (facility.clone(), unit.clone());
        view! {
            <Title text=p.title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{p.title.clone()}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.rules_lead}</p>
            <nav aria-label=t.rules_units_heading class="no-print">
                <ul class="inline-list">
                    {p.units.iter().map(|u| {
                        let current = u.id == p.unit_id;
                        view! { <li><a href=format!("/console/facilities/{}/units/{}/rules", p.facility_id, u.id)
                            aria-current=current.then_some("page")>{u.name.clone()}</a></li> }
                    }).collect_view()}
                </ul>
            </nav>
            {(!p.errors.is_empty()).then(|| view! {
                <div class="notice notice-error" role="alert">
                    <p>{t.rules_fix}</p>
                    <ul>{p.errors.iter().map(|e| view! { <li>{e.message.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            {p.preview.clone().map(|pv| view! {
                <section class="notice" aria-labelledby="preview-heading">
                    <h2 id="preview-heading">{(t.preview_heading)(&pv.month)}</h2>
                    <p>{(t.preview_totals)(pv.before_total, pv.after_total)}</p>
                    <p>{(t.preview_opens)(&pv.opens_before, &pv.opens_after)}</p>
                    {if pv.days.is_empty() {
                        view! { <p>{t.preview_no_change}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll" role="region" aria-label=t.preview_day_caption tabindex="0">
                                <table class="list">
                                    <caption>{t.preview_day_caption}</caption>
                                    <thead><tr>
                                        <th scope="col">{t.date_label}</th>
                                        <th scope="col">{t.preview_before}</th>
                                        <th scope="col">{t.preview_after}</th>
                                    </tr></thead>
                                    <tbody>{pv.days.iter().map(|d| view! {
                                        <tr><th scope="row">{d.date.clone()}</th><td>{d.before}</td><td>{d.after}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    {(!pv.misfits.is_empty()).then(|| view! {
                        <h3>{t.preview_misfits}</h3>
                        <ul>{pv.misfits.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}</ul>
                    })}
                    <ActionForm action=save>
                        <input type="hidden" name="facility" value=f2.clone()/>
                        <input type="hidden" name="unit" value=u2.clone()/>
                        <p><button type="submit" class="button button-primary">{t.save_rules_button}</button></p>
                    </ActionForm>
                </section>
            })}
            <ActionForm action=preview>
                <input type="hidden" name="facility" value=facility/>
                <input type="hidden" name="unit" value=unit/>
                <fieldset>
                    <legend>{t.rules_basics}</legend>
                    <RuleInput key="capacity" label=t.f_capacity value=v.capacity.clone() errors=e.clone()/>
                    <RuleInput key="min_slots" label=t.f_min_slots value=v.min_slots.clone() errors=e.clone()/>
                    <RuleInput key="max_slots" label=t.f_max_slots value=v.max_slots.clone() errors=e.clone()/>
                    <div class="choice">
                        <input type="checkbox" id="rule-requires_approval" name="rules[requires_approval]" value="true"
                            checked=v.requires_approval/>
                        <label for="rule-requires_approval">{t.f_requires_approval}</label>
                    </div>
                    <RuleInput key="pending_hold_hours" label=t.f_pending_hold_hours value=v.pending_hold_hours.clone() errors=e.clone()/>
                </fieldset>
                <fieldset>
                    <legend>{t.rules_window}</legend>
                    <RuleInput key="open_months_before" label=t.f_open_months_before value=v.open_months_before.clone() errors=e.clone()/>
                    <RuleInput key="open_months_before_nonresident" label=t.f_open_months_before_nonresident value=v.open_months_before_nonresident.clone() errors=e.clone()/>
                    <RuleInput key="open_day" label=t.f_open_day value=v.open_day.clone() errors=e.clone()/>
                    <RuleInput key="open_time" label=t.f_open_time value=v.open_time.clone() errors=e.clone() inputmode="text"/>
                    <RuleInput key="close_days_before" label=t.f_close_days_before value=v.close_days_before.clone() errors=e.clone()/>
                    <RuleInput key="close_time" label=t.f_close_time value=v.close_time.clone() errors=e.clone() inputmode="text"/>
                    <RuleInput key="cancel_days_before" label=t.f_cancel_days_before value=v.cancel_days_before.clone() errors=e.clone()/>
                    <RuleInput key="cancel_time" label=t.f_cancel_time value=v.cancel_time.clone() errors=e.clone() inputmode="text"/>
                </fieldset>
                {if p.grid {
                    view! {
                        <fieldset>
                            <legend>{t.rules_grid}</legend>
                            <RuleInput key="grid_step" label=t.f_grid_step value=v.grid_step.clone() errors=e.clone()/>
                            <RuleInput key="grid_fee_resident" label=t.f_grid_fee_resident value=v.grid_fee_resident.clone() errors=e.clone()/>
                            <RuleInput key="grid_fee_nonresident" label=t.f_grid_fee_nonresident value=v.grid_fee_nonresident.clone() errors=e.clone()/>
                        </fieldset>
                    }.into_any()
                } else {
                    view! {
                        <fieldset>
                            <legend>{t.rules_periods}</legend>
                            <p class="hint">{t.rules_periods_hint}</p>
                            {v.templates.iter().enumerate().map(|(i, tp)| {
                                let key = format!("template-{i}");
                                let err = row_error(key.clone());
                                let cell = move |name: &'static str, label: &'static str, value: String| {
                                    let id = format!("rule-{key}-{name}");
                                    view! {
                                        <div class="field">
                                            <label for=id.clone()>{label}</label>
                                            <input id=id name=format!("rules[templates][{i}][{name}]") type="text" value=value
                                                size="8"/>
                                        </div>
                                    }
                                };
                                view! {
                                    <fieldset class="row-fields" class:has-error=err.is_some()>
                                        <legend>{(t.period_row)(i)}</legend>
                                        {err.clone().map(|m| view! { <p class="field-error" role="alert"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                                        {cell("label_ja", t.f_label_ja, tp.label_ja.clone())}
                                        {cell("label_en", t.f_label_en, tp.label_en.clone())}
                                        {cell("start", t.f_start, tp.start.clone())}
                                        {cell("end", t.f_end, tp.end.clone())}
                                        {cell("fee_resident", t.f_fee_resident, tp.fee_resident.clone())}
                                        {cell("fee_nonresident", t.f_fee_nonresident, tp.fee_nonresident.clone())}
                                        {cell("holiday_resident", t.f_holiday_resident, tp.holiday_resident.clone())}
                                        {cell("holiday_nonresident", t.f_holiday_nonresident, tp.holiday_nonresident.clone())}
                                    </fieldset>
                                }
                            }).collect_view()}
                        </fieldset>
                    }.into_any()
                }}
                <fieldset>
                    <legend>{t.rules_hours}</legend>
                    <p class="hint">{t.rules_hours_hint}</p>
                    {v.hours.iter().enumerate().map(|(d, h)| {
                        let key = format!("hours-{d}");
                        let err = row_error2(key.clone());
                        let day = p.weekdays.get(d).cloned().unwrap_or_default();
                        view! {
                            <fieldset class="row-fields" class:has-error=err.is_some()>
                                <legend>{day}</legend>
                                {err.clone().map(|m| view! { <p class="field-error"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                                <div class="field">
                                    <label for=format!("rule-{key}-opens")>{t.f_opens}</label>
                                    <input id=format!("rule-{key}-opens") name=format!("rules[hours][{d}][opens]") type="text" value=h.opens.clone() size="6"/>
                                </div>
                                <div class="field">
                                    <label for=format!("rule-{key}-closes")>{t.f_closes}</label>
                                    <input id=format!("rule-{key}-closes") name=format!("rules[hours][{d}][closes]") type="text" value=h.closes.clone() size="6"/>
                                </div>
                            </fieldset>
                        }
                    }).collect_view()}
                </fieldset>
                <p><button type="submit" class="button button-primary">{t.preview_button}</button></p>
            </ActionForm>
        }
    })
}

/// `/console/bookings/{id}`.
#[component]
pub fn StaffBookingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("v"),
            )
        },
        |(id, _)| get_staff_booking(id),
    );
    console_loaded(data, |b: StaffBooking| {
        let t = ct();
        let decide = ServerAction::<DecideBooking>::new();
        let mark = ServerAction::<MarkBooking>::new();
        let reveal = ServerAction::<RevealContact>::new();
        let id = b.line.id.to_string();
        let reveal_id = id.clone();
        let l = b.line.clone();
        let title = (t.booking_title)(&l.reference);
        let mark_id = id.clone();
        let approve_id = id.clone();
        let mark_button = move |what: &'static str, label: &'static str| {
            let id = mark_id.clone();
            view! {
                <ActionForm action=mark attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="what" value=what/>
                    <button type="submit" class="button">{label}</button>
                </ActionForm>
            }
        };
        view! {
            <Title text=title.clone()/>
            <ConsoleBar me=b.me.clone()/>
            <h1>{title}</h1>
            <FlashView flash=b.flash.clone()/>
            <dl class="summary">
                <dt>{t.status}</dt><dd><span class=format!("tag tag-{}", l.status)>{l.status_label.clone()}</span></dd>
                <dt>{t.facility}</dt><dd><a href=format!("/console/facilities/{}", b.facility_id)>{l.facility.clone()}</a></dd>
                <dt>{t.unit}</dt><dd>{l.unit.clone()}</dd>
                <dt>{t.when}</dt><dd>{l.when.clone()}</dd>
                {l.expires.clone().map(|e| view! { <dt>{t.expires}</dt><dd>{e}</dd> })}
                <dt>{t.purpose}</dt><dd>{l.purpose.clone()}</dd>
                {(!b.block).then(|| view! {
                    <dt>{t.attendees}</dt><dd>{l.attendees}</dd>
                    <dt>{t.resident}</dt><dd>{b.resident_label.clone()}</dd>
                    <dt>{t.fee}</dt><dd>{b.fee.clone()}</dd>
                    <dt>{t.paid}</dt><dd>{b.paid.clone().unwrap_or_else(|| t.not_paid.to_owned())}</dd>
                    <dt>{t.usage}</dt><dd>{b.usage.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                    <dt>{t.no_shows}</dt><dd>{b.no_shows}</dd>
                })}
                {b.proxy_by.clone().map(|p| view! { <dt>{t.proxy_by}</dt><dd>{p}</dd> })}
                {b.override_reason.clone().map(|p| view! { <dt>{t.override_reason}</dt><dd>{p}</dd> })}
                {b.status_reason.clone().map(|p| view! { <dt>{t.status_reason}</dt><dd>{p}</dd> })}
            </dl>
            {(!b.block).then(|| match b.contact.clone() {
                Some(c) => view! {
                    <section>
                        <h2>{t.contact_heading}</h2>
                        <p class="hint">{t.contact_logged}</p>
                        <dl class="summary">
                            <dt>{t.name}</dt><dd>{c.name}</dd>
                            <dt>{t.name_kana}</dt><dd>{c.name_kana}</dd>
                            <dt>{t.phone}</dt><dd>{c.phone}</dd>
                            <dt>{t.email}</dt><dd>{c.email}</dd>
                        </dl>
                    </section>
                }.into_any(),
                None => view! {
                    <ActionForm action=reveal attr:class="no-print">
                        <input type="hidden" name="id" value=reveal_id.clone()/>
                        <button type="submit" class="button">{t.show_contact}</button>
                    </ActionForm>
                }.into_any(),
            })}
            {(b.can_approve || b.can_cancel).then(|| view! {
                <section class="no-print">
                    <h2>{t.decide_heading}</h2>
                    {b.can_approve.then(|| view! {
                        <ActionForm action=decide>
                            <input type="hidden" name="id" value=approve_id/>
                            <input type="hidden" name="action" value="approve"/>
                            <p><button type="submit" class="button button-primary">{t.approve}</button></p>
                        </ActionForm>
                    })}
                    <ActionForm action=decide>
                        <input type="hidden" name="id" value=id.clone()/>
                        <div class="field">
                            <label for="d-reason">{t.reason}</label>
                            <p class="hint" id="d-reason-hint">{t.reason_hint}</p>
                            <textarea id="d-reason" name="reason" rows="3" maxlength="500" aria-describedby="d-reason-hint"></textarea>
                        </div>
                        <p class="actions">
                            {b.can_approve.then(|| view! { <button type="submit" name="action" value="reject" class="button button-danger">{t.reject}</button> })}
                            <button type="submit" name="action" value="cancel" class="button button-danger">{t.cancel}</button>
                        </p>
                    </ActionForm>
                </section>
            })}
            {b.can_mark.then(|| view! {
                <section class="no-print">
                    <h2>{t.record_heading}</h2>
                    <div class="actions">
                        {mark_button("used", t.mark_used)}
                        {mark_button("no_show", t.mark_no_show)}
                        {mark_button("usage_clear", t.clear_usage)}
                        {mark_button("paid", t.mark_paid)}
                        {mark_button("paid_clear", t.clear_paid)}
                    </div>
                </section>
            })}
        }
    })
}

/// `/console/facilities/{id}/block`.
#[component]
pub fn BlockPageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("decide"),
            )
        },
        |(id, _)| get_block_page(id),
    );
    console_loaded(data, |p: BlockPage| {
        let facility_for_save = p.facility_id.to_string();
        let t = ct();
        let check = ServerAction::<CheckBlock>::new();
        let save = ServerAction::<SaveBlock>::new();
        let v = p.values.clone();
        let facility = p.facility_id.to_string();
        let n = p.collisions.len();
        view! {
            <Title text=t.block_title/>
            {p.me.clone().map(|me| view! { <ConsoleBar me/> })}
            <h1>{t.block_title}</h1>
            <p class="lead">{p.facility.clone()}</p>
            <FlashView flash=p.flash.clone()/>
            <p>{t.block_lead}</p>
            <ActionForm action=check>
                <input type="hidden" name="facility" value=facility.clone()/>
                <fieldset class="field">
                    <legend>{t.kind_legend}</legend>
                    <div class="choice">
                        <input type="radio" id="b-kind-block" name="kind" value="block" checked=!v.is_closure()/>
                        <label for="b-kind-block">{t.kind_block}</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id="b-kind-closure" name="kind" value="closure" checked=v.is_closure()/>
                        <label for="b-kind-closure">{t.kind_closure}</label>
                    </div>
                </fieldset>
                <div class="field">
                    <label for="b-unit">{t.unit}</label>
                    <select id="b-unit" name="unit">
                        <option value="" selected=v.unit.is_empty()>{t.whole_facility}</option>
                        {p.units.iter().map(|u| {
                            let selected = v.unit == u.id.to_string();
                            view! { <option value=u.id.to_string() selected=selected>{u.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="b-date">{t.date}</label>
                    <input id="b-date" name="date" type="date" required value=v.date.clone()/>
                </div>
                <p id="b-times-hint" class="hint">{t.block_times_hint}</p>
                <div class="field">
                    <label for="b-until">{t.until_label}</label>
                    <input id="b-until" name="until" type="date" value=v.until.clone() aria-describedby="b-times-hint"/>
                </div>
                <div class="field">
                    <label for="b-from">{t.start_time}</label>
                    <input id="b-from" name="from" type="time" value=v.from.clone() aria-describedby="b-times-hint"/>
                </div>
                <div class="field">
                    <label for="b-to">{t.end_time}</label>
                    <input id="b-to" name="to" type="time" value=v.to.clone() aria-describedby="b-times-hint"/>
                </div>
                <div class="field">
                    <label for="b-reason">{t.reason}</label>
                    <input id="b-reason" name="reason" type="text" required maxlength="500" value=v.reason.clone()/>
                </div>
                <p><button type="submit" class="button">{t.check_button}</button></p>
            </ActionForm>
            {(n > 0).then(|| view! {
                <section>
                    <h2>{(t.collisions_heading)(n)}</h2>
                    <p>{t.collisions_lead}</p>
                    <ActionForm action=save>
                        <input type="hidden" name="facility" value=facility_for_save/>
                        {p.collisions.iter().enumerate().map(|(i, c)| {
                            let name = format!("decisions[{i}]");
                            let (cancel_id, keep_id) = (format!("dc-{}", c.id), format!("dk-{}", c.id));
                            view! {
                                <fieldset class="decision">
                                    <legend>{format!("{} {} {} {}", c.reference, c.unit, c.when, c.status_label)}</legend>
                                    <p>
                                        <input type="radio" id=cancel_id.clone() name=name.clone() value=format!("{}:cancel", c.id) required/>
                                        <label for=cancel_id>{t.decision_cancel}</label>
                                    </p>
                                    <p>
                                        <input type="radio" id=keep_id.clone() name=name value=format!("{}:keep", c.id)/>
                                        <label for=keep_id>{t.decision_keep}</label>
                                    </p>
                                </fieldset>
                            }
                        }).collect_view()}
                        <p><button type="submit" class="button button-primary">{t.save_block}</button></p>
                    </ActionForm>
                </section>
            })}
        }
    })
}

/// `/console/staff` (admins).
#[component]
pub fn StaffAdminPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || (query.read().get("v"), query.read().get("edit")),
        |(_, edit)| get_staff_page(edit),
    );
    console_loaded(data, |p: StaffPage| {
        let t = ct();
        let create = ServerAction::<CreateStaffAccount>::new();
        let toggle = ServerAction::<SetStaffActive>::new();
        let reset = ServerAction::<ResetStaffTotp>::new();
        view! {
            <Title text=t.staff_title/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.staff_title}</h1>
            <FlashView flash=p.flash.clone()/>
            <h2>{t.staff_list}</h2>
            <div class="table-scroll" role="region" aria-label=t.staff_list tabindex="0">
                <table class="list">
                    <thead><tr>
                        <th scope="col">{t.display_name}</th>
                        <th scope="col">{t.email}</th>
                        <th scope="col">{t.role}</th>
                        <th scope="col">{t.scope}</th>
                        <th scope="col">{t.second_factor}</th>
                        <th scope="col">{t.status}</th>
                    </tr></thead>
                    <tbody>
                        {p.accounts.clone().into_iter().map(|a| view! {
                            <tr>
                                <td>{a.name.clone()}</td>
                                <td>{a.email.clone()}</td>
                                <td>
                                    {a.role.clone()}
                                    " "
                                    <a href=format!("/console/staff?edit={}#edit", a.id)>
                                        {t.edit_staff}<span class="visually-hidden">"（"{a.name.clone()}"）"</span>
                                    </a>
                                </td>
                                <td>{a.scope.clone()}</td>
                                <td>
                                    {if a.totp { t.yes } else { t.no }}
                                    {(a.totp && a.role_code != "admin").then(|| view! {
                                        <ActionForm action=reset attr:class="inline-form">
                                            <input type="hidden" name="id" value=a.id.to_string()/>
                                            <button type="submit" class="button">
                                                {t.reset_totp}<span class="visually-hidden">"（"{a.name.clone()}"）"</span>
                                            </button>
                                        </ActionForm>
                                    })}
                                </td>
                                <td>
                                    {if a.active { t.active } else { t.inactive }}
                                    <ActionForm action=toggle attr:class="inline-form">
                                        <input type="hidden" name="id" value=a.id.to_string()/>
                                        <input type="hidden" name="active" value=(!a.active).to_string()/>
                                        <button type="submit" class="button">{if a.active { t.deactivate } else { t.reactivate }}</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {p.editing.clone().map(|e| view! { <StaffEditForm edit=e page=p.clone()/> })}
            <h2>{t.new_account}</h2>
            <p class="hint">{t.new_account_lead}</p>
            <ActionForm action=create>
                <div class="field">
                    <label for="s-email">{t.email}</label>
                    <input id="s-email" name="email" type="email" required autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="s-name">{t.display_name}</label>
                    <input id="s-name" name="name" type="text" required maxlength="100"/>
                </div>
                <div class="field">
                    <label for="s-role">{t.role}</label>
                    <select id="s-role" name="role">
                        <option value="facility_manager">{crate::console::texts::role_label(use_lang(), Role::FacilityManager)}</option>
                        <option value="counter_staff">{crate::console::texts::role_label(use_lang(), Role::CounterStaff)}</option>
                    </select>
                </div>
                <fieldset>
                    <legend>{t.scope_facilities}</legend>
                    {p.facilities.iter().enumerate().map(|(i, f)| {
                        let id = format!("s-f-{}", f.id);
                        view! { <p><input type="checkbox" id=id.clone() name=format!("facilities[{i}]") value=f.id.to_string()/><label for=id>{f.name.clone()}</label></p> }
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>{t.scope_departments}</legend>
                    {p.departments.iter().enumerate().map(|(i, d)| {
                        let id = format!("s-d-{}", d.id);
                        view! { <p><input type="checkbox" id=id.clone() name=format!("departments[{i}]") value=d.id.to_string()/><label for=id>{d.name.clone()}</label></p> }
                    }).collect_view()}
                </fieldset>
                <p><button type="submit" class="button button-primary">{t.create_button}</button></p>
            </ActionForm>
        }
    })
}

/// `/console/audit` (admins), filtered by the query string.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k);
    let data = Resource::new(
        move || (q("actor"), q("action"), q("target"), q("from"), q("to")),
        |(actor, action, target, from, to)| get_audit_page(actor, action, target, from, to),
    );
    console_loaded(data, move |p: AuditPage| {
        let t = ct();
        let value = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
        let none = p.entries.is_empty();
        view! {
            <Title text=t.audit_title/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.audit_title}</h1>
            <form method="get" action="/console/audit" class="inline-form">
                <label for="a-actor">{t.audit_actor}</label>
                <input id="a-actor" name="actor" type="text" value=value("actor")/>
                <label for="a-action">{t.audit_action}</label>
                <input id="a-action" name="action" type="text" value=value("action")/>
                <label for="a-target">{t.audit_target}</label>
                <input id="a-target" name="target" type="text" value=value("target")/>
                <label for="a-from">{t.from}</label>
                <input id="a-from" name="from" type="date" value=value("from")/>
                <label for="a-to">{t.to}</label>
                <input id="a-to" name="to" type="date" value=value("to")/>
                <button type="submit" class="button">{t.filter_button}</button>
            </form>
            {if none {
                view! { <p>{t.no_entries}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" role="region" aria-label=t.audit_title tabindex="0">
                        <table class="list">
                            <thead><tr>
                                <th scope="col">{t.audit_at}</th>
                                <th scope="col">{t.audit_actor}</th>
                                <th scope="col">{t.audit_action}</th>
                                <th scope="col">{t.audit_target}</th>
                                <th scope="col">{t.audit_before}</th>
                                <th scope="col">{t.audit_after}</th>
                            </tr></thead>
                            <tbody>
                                {p.entries.iter().map(|e| view! {
                                    <tr>
                                        <td>{e.at.clone()}</td>
                                        <td>{e.actor.clone()}</td>
                                        <td>{e.action.clone()}</td>
                                        <td>{e.target.clone()}</td>
                                        <td><code>{e.before.clone()}</code></td>
                                        <td><code>{e.after.clone()}</code></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        }
    })
}

/// `/console/outbox` (admins).
#[component]
pub fn OutboxPageView() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_outbox_page());
    console_loaded(data, |p: OutboxPage| {
        let t = ct();
        view! {
            <Title text=t.outbox_title/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.outbox_title}</h1>
            <p>{t.outbox_lead}</p>
            <div class="table-scroll" role="region" aria-label=t.outbox_title tabindex="0">
                <table class="list">
                    <thead><tr>
                        <th scope="col">{t.mail_created}</th>
                        <th scope="col">{t.mail_to}</th>
                        <th scope="col">{t.mail_subject}</th>
                        <th scope="col">{t.mail_sent}</th>
                    </tr></thead>
                    <tbody>
                        {p.mails.iter().map(|m| view! {
                            <tr>
                                <td>{m.created.clone()}</td>
                                <td>{m.to.clone()}</td>
                                <td>{m.subject.clone()}</td>
                                <td>{m.sent.clone().unwrap_or_else(|| format!("{} ({})", t.mail_waiting, m.error.clone().unwrap_or_default()))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}

/// `/console/account`: change one's own password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("v"), |_| get_account_page());
    console_loaded(data, |page: AccountData| {
        let t = ct();
        let change = ServerAction::<ChangePassword>::new();
        view! {
            <Title text=t.account_title/>
            <ConsoleBar me=page.me.clone()/>
            <h1>{t.account_title}</h1>
            <FlashView flash=page.flash.clone()/>
            <h2>{t.password_heading}</h2>
            <p>{t.change_password_note}</p>
            <ActionForm action=change>
                <div class="field">
                    <label for="p-current">{t.current_password}</label>
                    <input id="p-current" name="current" type="password" required autocomplete="current-password"/>
                </div>
                <div class="field">
                    <label for="p-new">{t.new_password}</label>
                    <p class="hint" id="p-new-hint">{t.password_hint}</p>
                    <input id="p-new" name="new" type="password" required minlength="10" maxlength="128"
                        autocomplete="new-password" aria-describedby="p-new-hint"/>
                </div>
                <p><button type="submit" class="button button-primary">{t.change_password}</button></p>
            </ActionForm>
            <h2>{t.totp_heading}</h2>
            <TotpSection state=page.totp.clone()/>
        }
    })
}

/// Changing one member's role and scope (from the staff list's link).
#[component]
fn StaffEditForm(edit: StaffEdit, page: StaffPage) -> impl IntoView {
    let t = ct();
    let update = ServerAction::<UpdateStaffRole>::new();
    let lang = use_lang();
    let roles = [Role::FacilityManager, Role::CounterStaff, Role::Admin];
    view! {
        <section id="edit" aria-labelledby="edit-title">
            <h2 id="edit-title">{t.edit_staff_title}": "{edit.name.clone()}" ("{edit.email.clone()}")"</h2>
            {if edit.is_self {
                view! { <p>{t.edit_self_note}</p> }.into_any()
            } else {
                view! {
                    <p>{t.edit_staff_note}</p>
                    <ActionForm action=update>
                        <input type="hidden" name="id" value=edit.id.to_string()/>
                        <div class="field">
                            <label for="e-role">{t.role}</label>
                            <select id="e-role" name="role">
                                {roles.into_iter().map(|r| view! {
                                    <option value=r.code() selected=edit.role == r.code()>
                                        {crate::console::texts::role_label(lang, r)}
                                    </option>
                                }).collect_view()}
                            </select>
                        </div>
                        <fieldset>
                            <legend>{t.scope_facilities}</legend>
                            {page.facilities.iter().enumerate().map(|(i, f)| {
                                let id = format!("e-f-{}", f.id);
                                view! { <p><input type="checkbox" id=id.clone() name=format!("facilities[{i}]") value=f.id.to_string()
                                    checked=edit.facilities.contains(&f.id)/><label for=id>{f.name.clone()}</label></p> }
                            }).collect_view()}
                        </fieldset>
                        <fieldset>
                            <legend>{t.scope_departments}</legend>
                            {page.departments.iter().enumerate().map(|(i, d)| {
                                let id = format!("e-d-{}", d.id);
                                view! { <p><input type="checkbox" id=id.clone() name=format!("departments[{i}]") value=d.id.to_string()
                                    checked=edit.departments.contains(&d.id)/><label for=id>{d.name.clone()}</label></p> }
                            }).collect_view()}
                        </fieldset>
                        <p>
                            <button type="submit" class="button button-primary">{t.edit_staff_save}</button>
                            " "
                            <a href="/console/staff">{t.edit_staff_cancel}</a>
                        </p>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

/// The second factor on the account page: on, off (with the way to set it
/// up) or being set up (QR code, secret and the code that finishes it).
#[component]
fn TotpSection(state: TotpState) -> impl IntoView {
    let t = ct();
    match state {
        TotpState::On => view! { <p data-testid="totp-state">{t.totp_on}</p> }.into_any(),
        TotpState::Off => {
            let start = ServerAction::<StartTotp>::new();
            view! {
                <p data-testid="totp-state">{t.totp_off}</p>
                <ActionForm action=start>
                    <p><button type="submit" class="button">{t.totp_start}</button></p>
                </ActionForm>
            }
            .into_any()
        }
        TotpState::Setup { secret, qr_svg } => {
            let confirm = ServerAction::<ConfirmTotp>::new();
            view! {
                <p>{t.totp_scan}</p>
                <div class="qr" role="img" aria-label=t.totp_qr_label inner_html=qr_svg></div>
                <p>{t.totp_secret}": "<code data-testid="totp-secret">{secret}</code></p>
                <ActionForm action=confirm>
                    <div class="field">
                        <label for="t-code">{t.code_label}</label>
                        <p class="hint" id="t-code-hint">{t.totp_confirm_hint}</p>
                        <input id="t-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                            pattern="[0-9 ]{6,7}" required aria-describedby="t-code-hint"/>
                    </div>
                    <p><button type="submit" class="button button-primary">{t.totp_confirm}</button></p>
                </ActionForm>
            }
            .into_any()
        }
    }
}
