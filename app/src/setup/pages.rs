//! `/console/facilities/{id}/units/new`: the unit form (a plain action form,
//! with or without JavaScript), its problems next to their fields.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::console::pages::{ConsoleBar, FlashView};
use crate::core::lang::use_lang;
use crate::setup::api::*;
use crate::setup::texts::texts;
use crate::setup::types::{DetailsPage, FormMessage, NewFacilityPage, NewUnitPage};

/// The message of the field `key`, and the ids that describe its input.
pub(crate) fn message(errors: &[FormMessage], key: &str) -> (Option<String>, String) {
    (
        errors
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.message.clone()),
        format!("nu-{key}-error"),
    )
}

/// Every problem of the form at its top (each is also next to its field).
#[component]
pub(crate) fn FixNotice(errors: Vec<FormMessage>) -> impl IntoView {
    let t = texts(use_lang());
    (!errors.is_empty()).then(|| {
        view! {
            <div class="notice notice-error" role="alert">
                <p>{t.fix}</p>
                <ul>{errors.iter().map(|m| view! { <li>{m.message.clone()}</li> }).collect_view()}</ul>
            </div>
        }
    })
}

/// One labelled field with its hint and message.
#[component]
pub(crate) fn Field(
    key: &'static str,
    #[prop(into)] label: String,
    value: String,
    errors: Vec<FormMessage>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] long: bool,
    #[prop(optional)] numeric: bool,
    #[prop(optional)] required: bool,
    /// The input's name when it is not `key` (`details[name_ja]`).
    #[prop(optional)]
    name: Option<String>,
) -> impl IntoView {
    let id = format!("nu-{key}");
    let name = name.unwrap_or_else(|| key.to_owned());
    let (error, error_id) = message(&errors, key);
    let hint_id = format!("{id}-hint");
    let described = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described = (!described.is_empty()).then_some(described);
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="field" class:has-error=error.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {error.clone().map(|e| view! { <p id=error_id.clone() class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
            {if long {
                view! {
                    <textarea id=id name=name rows="3" aria-invalid=invalid aria-describedby=described>{value}</textarea>
                }.into_any()
            } else {
                view! {
                    <input id=id name=name type="text" inputmode=numeric.then_some("numeric") value=value
                        required=required aria-invalid=invalid aria-describedby=described/>
                }.into_any()
            }}
        </div>
    }
}

/// `/console/facilities/{id}/units/new`.
#[component]
pub fn NewUnitView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("v"),
            )
        },
        |(id, _)| get_new_unit_page(id),
    );
    crate::core::components::loaded(data, false, |p: NewUnitPage| {
        let t = texts(use_lang());
        let add = ServerAction::<AddUnit>::new();
        let title = (t.title)(&p.facility);
        let e = p.errors.clone();
        let v = p.values.clone();
        let (kind_error, kind_error_id) = message(&e, "kind");
        let fixed = v.kind != "grid";
        let n = |key: &str| format!("unit[{key}]");
        view! {
            <Title text=title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{title}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.lead}</p>
            <FixNotice errors=e.clone()/>
            <ActionForm action=add>
                <input type="hidden" name="facility" value=p.facility_id.to_string()/>
                <Field key="name_ja" name=n("name_ja") label=t.name_ja value=v.name_ja.clone() errors=e.clone() required=true/>
                <Field key="name_en" name=n("name_en") label=t.name_en value=v.name_en.clone() errors=e.clone() hint=t.name_en_hint/>
                <Field key="capacity" name=n("capacity") label=t.capacity value=v.capacity.clone() errors=e.clone() hint=t.capacity_hint numeric=true required=true/>
                <fieldset class="field" class:has-error=kind_error.is_some()
                    aria-describedby=kind_error.is_some().then(|| kind_error_id.clone())>
                    <legend>{t.kind}</legend>
                    {kind_error.clone().map(|m| view! { <p id=kind_error_id.clone() class="field-error"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                    <div class="choice">
                        <input type="radio" id="nu-kind-fixed" name="unit[kind]" value="fixed" checked=fixed/>
                        <label for="nu-kind-fixed">{t.kind_fixed}</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id="nu-kind-grid" name="unit[kind]" value="grid" checked=!fixed/>
                        <label for="nu-kind-grid">{t.kind_grid}</label>
                    </div>
                </fieldset>
                {(!p.parents.is_empty()).then(|| {
                    let (error, error_id) = message(&e, "parent");
                    let described = match &error {
                        Some(_) => format!("nu-parent-hint {error_id}"),
                        None => "nu-parent-hint".to_owned(),
                    };
                    view! {
                        <div class="field" class:has-error=error.is_some()>
                            <label for="nu-parent">{t.parent}</label>
                            <p class="hint" id="nu-parent-hint">{t.parent_hint}</p>
                            {error.clone().map(|m| view! { <p id=error_id.clone() class="field-error"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                            <select id="nu-parent" name="unit[parent]" aria-describedby=described aria-invalid=error.is_some().then_some("true")>
                                <option value="" selected=v.parent.is_empty()>{t.parent_none}</option>
                                {p.parents.iter().map(|c| view! {
                                    <option value=c.id.to_string() selected=v.parent == c.id.to_string()>{c.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    }
                })}
                <Field key="notes_ja" name=n("notes_ja") label=t.notes_ja value=v.notes_ja.clone() errors=e.clone() long=true/>
                <Field key="notes_en" name=n("notes_en") label=t.notes_en value=v.notes_en.clone() errors=e.clone() long=true/>
                <p><button type="submit" class="button button-primary">{t.create}</button></p>
            </ActionForm>
        }
    })
}

/// `/console/facilities/{id}/details`.
#[component]
pub fn DetailsView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("v"),
            )
        },
        |(id, _)| get_details_page(id),
    );
    crate::core::components::loaded(data, false, |p: DetailsPage| {
        let t = texts(use_lang());
        let save = ServerAction::<SaveDetails>::new();
        let e = p.errors.clone();
        let v = p.values.clone();
        let n = |key: &str| format!("details[{key}]");
        view! {
            <Title text=p.title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{p.title.clone()}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.details_lead}</p>
            <FixNotice errors=e.clone()/>
            <ActionForm action=save>
                <input type="hidden" name="facility" value=p.facility_id.to_string()/>
                <Field key="name_ja" name=n("name_ja") label=t.name_ja value=v.name_ja.clone() errors=e.clone() required=true/>
                <Field key="name_kana" name=n("name_kana") label=t.d_name_kana value=v.name_kana.clone() errors=e.clone() hint=t.d_name_kana_hint/>
                <Field key="name_en" name=n("name_en") label=t.name_en value=v.name_en.clone() errors=e.clone() hint=t.name_en_hint/>
                <Field key="address_ja" name=n("address_ja") label=t.d_address_ja value=v.address_ja.clone() errors=e.clone()/>
                <Field key="address_en" name=n("address_en") label=t.d_address_en value=v.address_en.clone() errors=e.clone()/>
                <Field key="phone" name=n("phone") label=t.d_phone value=v.phone.clone() errors=e.clone()/>
                <Field key="latitude" name=n("latitude") label=t.d_latitude value=v.latitude.clone() errors=e.clone() hint=t.d_location_hint/>
                <Field key="longitude" name=n("longitude") label=t.d_longitude value=v.longitude.clone() errors=e.clone()/>
                <Field key="url" name=n("url") label=t.d_url value=v.url.clone() errors=e.clone()/>
                <Field key="description_ja" name=n("description_ja") label=t.d_description_ja value=v.description_ja.clone() errors=e.clone() long=true/>
                <Field key="description_en" name=n("description_en") label=t.d_description_en value=v.description_en.clone() errors=e.clone() long=true/>
                <Field key="accessibility_ja" name=n("accessibility_ja") label=t.d_accessibility_ja value=v.accessibility_ja.clone() errors=e.clone() long=true/>
                <Field key="accessibility_en" name=n("accessibility_en") label=t.d_accessibility_en value=v.accessibility_en.clone() errors=e.clone() long=true/>
                <p><button type="submit" class="button button-primary">{t.d_save}</button></p>
            </ActionForm>
            <PhotoSection p=p/>
        }
    })
}

/// The photo form: a plain multipart form (a file upload) to
/// `POST /console/facilities/{id}/photo`, with or without JavaScript.
#[component]
fn PhotoSection(p: DetailsPage) -> impl IntoView {
    let t = texts(use_lang());
    let e = p.photo_errors.clone();
    let v = p.photo_values.clone();
    let (file_error, file_error_id) = message(&e, "file");
    let described = match &file_error {
        Some(_) => format!("nu-file-hint {file_error_id}"),
        None => "nu-file-hint".to_owned(),
    };
    let has_photo = p.photo.is_some();
    view! {
        <section id="photo" aria-labelledby="photo-title">
            <h2 id="photo-title">{t.photo_title}</h2>
            <p>{t.photo_lead}</p>
            {p.photo.map(|ph| view! {
                <figure class="facility-photo">
                    <img src=ph.url alt=ph.alt/>
                    <figcaption>{t.photo_current}</figcaption>
                </figure>
            })}
            <FixNotice errors=e.clone()/>
            <form method="post" action=format!("/console/facilities/{}/photo", p.facility_id) enctype="multipart/form-data">
                <div class="field" class:has-error=file_error.is_some()>
                    <label for="nu-file">{t.photo_file}</label>
                    <p class="hint" id="nu-file-hint">{t.photo_file_hint}</p>
                    {file_error.clone().map(|m| view! { <p id=file_error_id.clone() class="field-error"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                    <input id="nu-file" name="file" type="file" accept="image/jpeg,image/png"
                        aria-describedby=described aria-invalid=file_error.is_some().then_some("true")/>
                </div>
                <Field key="alt_ja" name="alt_ja".to_owned() label=t.photo_alt_ja value=v.alt_ja.clone() errors=e.clone() hint=t.photo_alt_hint long=true/>
                <Field key="alt_en" name="alt_en".to_owned() label=t.photo_alt_en value=v.alt_en.clone() errors=e.clone() long=true/>
                {has_photo.then(|| view! {
                    <div class="choice">
                        <input type="checkbox" id="nu-remove" name="remove" value="true"/>
                        <label for="nu-remove">{t.photo_remove}</label>
                    </div>
                })}
                <p><button type="submit" class="button button-primary">{t.photo_save}</button></p>
            </form>
        </section>
    }
}

/// `/console/new-facility`.
#[component]
pub fn NewFacilityView() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("v"), |_| get_new_facility_page());
    crate::core::components::loaded(data, false, |p: NewFacilityPage| {
        let t = texts(use_lang());
        let create = ServerAction::<CreateFacility>::new();
        let e = p.errors.clone();
        let v = p.values.clone();
        let n = |key: &str| format!("facility[{key}]");
        view! {
            <Title text=t.new_facility_title/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.new_facility_title}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.new_facility_lead}</p>
            <FixNotice errors=e.clone()/>
            <ActionForm action=create>
                <Field key="id" name=n("id") label=t.f_id value=v.id.clone() errors=e.clone() hint=t.f_id_hint required=true/>
                <Field key="name_ja" name=n("name_ja") label=t.name_ja value=v.name_ja.clone() errors=e.clone() required=true/>
                <Field key="name_kana" name=n("name_kana") label=t.d_name_kana value=v.name_kana.clone() errors=e.clone() hint=t.d_name_kana_hint/>
                <Field key="name_en" name=n("name_en") label=t.name_en value=v.name_en.clone() errors=e.clone() hint=t.name_en_hint/>
                <Field key="address_ja" name=n("address_ja") label=t.d_address_ja value=v.address_ja.clone() errors=e.clone()/>
                <Field key="phone" name=n("phone") label=t.d_phone value=v.phone.clone() errors=e.clone()/>
                <p><button type="submit" class="button button-primary">{t.f_create}</button></p>
            </ActionForm>
        }
    })
}
