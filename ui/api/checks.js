// The public-first check (afstemning). Forms are sent as typed; the core parses
// them and answers with Danish messages naming the field.
import { invoke } from './tauri.js';

export const listChecks = () => invoke('checks_list');
export const getCheck = (id) => invoke('check_get', { id });
export const createCheck = (form) => invoke('check_create', { form });
export const confirmFree = (id, form) => invoke('check_confirm', { id, form });
export const rejectOffer = (id, form) => invoke('check_reject', { id, form });
export const addToShortlist = (id, offerId) => invoke('check_shortlist_add', { id, offerId });
export const removeFromShortlist = (id, offerId) => invoke('check_shortlist_remove', { id, offerId });
export const closeCheck = (id, form) => invoke('check_close', { id, form });
/** One-person check: a municipality asked whether it could join (with its answer, if any). */
export const inquire = (id, form) => invoke('check_inquire', { id, form });
/** One-person check: the answer of a municipality asked before. */
export const answerInquiry = (id, form) => invoke('check_answer', { id, form });
