//! Contract commands: each takes the engine from managed state and calls one core function.

use pladsoverblik_core::contracts::{
    self, ContractForm, ContractListItem, ContractState, ContractView, Evaluation,
};
use pladsoverblik_core::Engine;
use pladsoverblik_server::state::Syncer;
use tauri::State;

use pladsoverblik_core::contracts::old::{OldContractForm, OldContractView};

use crate::error::IpcResult;
use crate::files::{Picked, Purpose};
use crate::today;

#[tauri::command(async)]
pub fn contracts_list(engine: State<'_, Engine>) -> IpcResult<Vec<ContractListItem>> {
    Ok(engine.contracts(today())?)
}

#[tauri::command(async)]
pub fn contract_get(engine: State<'_, Engine>, id: String) -> IpcResult<ContractView> {
    // The first PDF export should not pay for loading fonts and typst: start it now.
    pladsoverblik_pdf::prepare_in_background();
    Ok(engine.contract(&id, today())?)
}

#[tauri::command(async)]
pub fn contract_prefill(
    engine: State<'_, Engine>,
    check_id: Option<String>,
    offer_id: Option<String>,
) -> IpcResult<ContractForm> {
    pladsoverblik_pdf::prepare_in_background();
    Ok(engine.contract_prefill(check_id.as_deref(), offer_id.as_deref(), today())?)
}

#[tauri::command(async)]
pub fn contract_evaluate(engine: State<'_, Engine>, form: ContractForm) -> IpcResult<Evaluation> {
    Ok(engine.contract_evaluate(&form, today())?)
}

/// The window stores a new draft only once something is typed in it (never an empty one).
#[tauri::command(async)]
pub fn contract_create(engine: State<'_, Engine>, form: ContractForm) -> IpcResult<ContractView> {
    Ok(engine.contract_create_typed(&form, today())?)
}

#[tauri::command(async)]
pub fn contract_save(
    engine: State<'_, Engine>,
    id: String,
    form: ContractForm,
) -> IpcResult<ContractView> {
    Ok(engine.contract_save(&id, &form, today())?)
}

#[tauri::command(async)]
pub fn contract_issue(
    engine: State<'_, Engine>,
    syncer: State<'_, Syncer>,
    id: String,
) -> IpcResult<ContractView> {
    let issued = engine.contract_issue(&id, today())?;
    syncer.wake();
    Ok(issued)
}

#[tauri::command(async)]
pub fn contract_correct(
    engine: State<'_, Engine>,
    id: String,
    reason: String,
) -> IpcResult<ContractView> {
    Ok(engine.contract_correct(&id, &reason, today())?)
}

#[tauri::command(async)]
pub fn contract_mark(
    engine: State<'_, Engine>,
    id: String,
    state: String,
) -> IpcResult<ContractView> {
    Ok(engine.contract_set_state(&id, ContractState::parse(&state)?, today())?)
}

#[tauri::command(async)]
pub fn contract_terminate(
    engine: State<'_, Engine>,
    id: String,
    party: String,
    given_on: String,
) -> IpcResult<ContractView> {
    let (party, date) = contracts::parse_notice(&party, &given_on)?;
    Ok(engine.contract_terminate(&id, party, date, today())?)
}

#[tauri::command(async)]
pub fn contract_renew(engine: State<'_, Engine>, id: String) -> IpcResult<ContractView> {
    Ok(engine.contract_renew(&id, today())?)
}

/// Discards a draft that was never issued (or a correction's draft); the Danish text says
/// what happened.
#[tauri::command(async)]
pub fn contract_discard(engine: State<'_, Engine>, id: String) -> IpcResult<String> {
    Ok(engine.contract_discard(&id, today())?)
}

/// The suggested file name for the save dialog: `Kontrakt K-2026-0042 Kildebo v2.pdf`. The PDF
/// is laid out while the dialog is open, so the export after it only writes the file.
#[tauri::command(async)]
pub fn contract_pdf_name(engine: State<'_, Engine>, id: String) -> IpcResult<String> {
    Ok(pladsoverblik_pdf::prepare_export(&engine, &id, today())?)
}

/// Writes the contract PDF to the file the user picked in the save dialog (`file`: its token).
#[tauri::command(async)]
pub fn contract_export_pdf(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    id: String,
    file: String,
) -> IpcResult<pladsoverblik_pdf::Exported> {
    let path = picked.path(&file, Purpose::ContractPdf)?;
    Ok(pladsoverblik_pdf::export_contract(
        &engine,
        &id,
        Some(path),
        today(),
    )?)
}

/// Registers an existing contract from before the standard ("ældre kontrakt"); the view has
/// the CPR masked.
#[tauri::command(async)]
pub fn old_contract_register(
    engine: State<'_, Engine>,
    form: OldContractForm,
) -> IpcResult<OldContractView> {
    Ok(engine.old_contract_register(&form, today())?.masked())
}

/// A contract from before the standard, CPR masked. (A correction sends the CPR typed again
/// or leaves the masked one, which the core then keeps; see `old_contract_correct`.)
#[tauri::command(async)]
pub fn old_contract_get(engine: State<'_, Engine>, id: String) -> IpcResult<OldContractView> {
    Ok(engine.old_contract(&id, today())?.masked())
}

/// A correction of a contract from before the standard: a new version with a reason. A CPR
/// field still showing the masked number keeps the stored number.
#[tauri::command(async)]
pub fn old_contract_correct(
    engine: State<'_, Engine>,
    id: String,
    form: OldContractForm,
    reason: String,
) -> IpcResult<OldContractView> {
    Ok(engine
        .old_contract_correct(&id, &form, &reason, today())?
        .masked())
}
