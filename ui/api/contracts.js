// Standard contracts. Forms are sent as typed; the core evaluates them and names each problem.
import { invoke, pickFile } from './tauri.js';

export const listContracts = () => invoke('contracts_list');
export const getContract = (id) => invoke('contract_get', { id });
export const prefillContract = (checkId, offerId) => invoke('contract_prefill', { checkId: checkId ?? null, offerId: offerId ?? null });
export const evaluateContract = (form) => invoke('contract_evaluate', { form });
export const createContract = (form) => invoke('contract_create', { form });
export const saveContract = (id, form) => invoke('contract_save', { id, form });
export const issueContract = (id) => invoke('contract_issue', { id });
export const correctContract = (id, reason) => invoke('contract_correct', { id, reason });
export const markContract = (id, state) => invoke('contract_mark', { id, state });
export const terminateContract = (id, party, givenOn) => invoke('contract_terminate', { id, party, givenOn });
export const renewContract = (id) => invoke('contract_renew', { id });
/** Resolves to the Danish text saying what was discarded. */
export const discardContract = (id) => invoke('contract_discard', { id });

/** Asks where to save the contract's PDF (a sensible Danish name suggested) and writes it;
 * resolves to null when the user cancels. */
export async function exportContractPdf(id) {
  const name = await invoke('contract_pdf_name', { id });
  const file = await pickFile('contract_pdf', name);
  if (!file) return null;
  return invoke('contract_export_pdf', { id, file });
}

// Contracts from before the standard ("ældre kontrakter"): registered, corrected as new
// versions with a reason, never handled as standard contracts. The CPR comes back masked.
export const registerOldContract = (form) => invoke('old_contract_register', { form });
export const getOldContract = (id) => invoke('old_contract_get', { id });
export const correctOldContract = (id, form, reason) => invoke('old_contract_correct', { id, form, reason });
