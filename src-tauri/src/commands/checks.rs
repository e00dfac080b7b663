//! Public-first check commands (afstemning): each parses the typed form in the core and calls
//! one core function.

use pladsoverblik_core::placement::forms::{
    AnswerForm, ClosingForm, ConfirmationForm, InquiryForm, NewCheckForm, RejectionForm,
};
use pladsoverblik_core::placement::{Check, CheckListItem};
use pladsoverblik_core::Engine;
use pladsoverblik_server::state::Syncer;
use tauri::State;

use crate::error::IpcResult;
use crate::today;

#[tauri::command(async)]
pub fn checks_list(engine: State<'_, Engine>) -> IpcResult<Vec<CheckListItem>> {
    Ok(engine.checks(today())?)
}

#[tauri::command(async)]
pub fn check_get(engine: State<'_, Engine>, id: String) -> IpcResult<Check> {
    Ok(engine.check(&id, today())?)
}

#[tauri::command(async)]
pub fn check_create(engine: State<'_, Engine>, form: NewCheckForm) -> IpcResult<Check> {
    Ok(engine.check_create(&form.parse()?, today())?)
}

#[tauri::command(async)]
pub fn check_confirm(
    engine: State<'_, Engine>,
    id: String,
    form: ConfirmationForm,
) -> IpcResult<Check> {
    Ok(engine.check_confirm(&id, &form.parse()?, today())?)
}

#[tauri::command(async)]
pub fn check_reject(
    engine: State<'_, Engine>,
    id: String,
    form: RejectionForm,
) -> IpcResult<Check> {
    Ok(engine.check_reject(&id, &form.parse()?, today())?)
}

#[tauri::command(async)]
pub fn check_shortlist_add(
    engine: State<'_, Engine>,
    id: String,
    offer_id: String,
) -> IpcResult<Check> {
    Ok(engine.check_shortlist_add(&id, &offer_id, today())?)
}

#[tauri::command(async)]
pub fn check_shortlist_remove(
    engine: State<'_, Engine>,
    id: String,
    offer_id: String,
) -> IpcResult<Check> {
    Ok(engine.check_shortlist_remove(&id, &offer_id, today())?)
}

/// Closes a check as typed: a one-person check with its own conclusions (no municipality could
/// join, or a shared offer with the municipality that answered yes).
#[tauri::command(async)]
pub fn check_close(
    engine: State<'_, Engine>,
    syncer: State<'_, Syncer>,
    id: String,
    form: ClosingForm,
) -> IpcResult<Check> {
    let check = engine.check_close_form(&id, &form, today())?;
    syncer.wake();
    Ok(check)
}

/// A one-person check: a municipality asked whether it could join (with its answer, if any).
#[tauri::command(async)]
pub fn check_inquire(engine: State<'_, Engine>, id: String, form: InquiryForm) -> IpcResult<Check> {
    Ok(engine.check_inquire(&id, &form.parse()?, today())?)
}

/// A one-person check: the answer of a municipality asked before.
#[tauri::command(async)]
pub fn check_answer(engine: State<'_, Engine>, id: String, form: AnswerForm) -> IpcResult<Check> {
    let (municipality, answer) = form.parse()?;
    Ok(engine.check_answer(&id, municipality, &answer, today())?)
}
