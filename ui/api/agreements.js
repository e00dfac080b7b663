// Rammeaftaler: the agreements in use, which one binds a municipality on a day, and importing
// an agreement file.
import { invoke, pickFile } from './tauri.js';

export const listAgreements = () => invoke('agreements_list');

/** The agreements' lists of most specialised offers matched to the catalogue. */
export const mostSpecialised = () => invoke('agreements_most_specialised');

/** `municipality`: code or name; `on`: dd.mm.åååå, or '' for today. */
export const agreementFor = (municipality, on) => invoke('agreement_for', { municipality: String(municipality), on: on ?? '' });

/** Asks for an agreement file (JSON); resolves to its token or null when the user cancels. */
export const chooseAgreementFile = () => pickFile('agreements');

export const importAgreements = (file) => invoke('agreements_import', { file });
