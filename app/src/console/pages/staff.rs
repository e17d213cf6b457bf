//! Staff administration (admins): accounts, roles and scope.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{ConsoleBar, FlashView, console_loaded, ct};
use crate::console::api::*;
use crate::console::types::*;
use crate::core::lang::use_lang;
use domain::status::Role;

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
