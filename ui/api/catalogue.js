import { invoke, listen, pickFile } from './tauri.js';

export const catalogueInfo = () => invoke('catalogue_info');
export const referenceData = () => invoke('reference_data');
// The form as typed (all text); the core parses it and names the field that is wrong.
export const searchOffers = (form) => invoke('search_offers', { form });
export const offerDetail = (id, origin) => invoke('offer_detail', { id, origin: origin ?? null });

/** Asks for a catalogue file; resolves to its token or null when the user cancels. */
export const chooseCatalogueFile = () => pickFile('catalogue');

/** Imports the picked catalogue file; `onProgress(fraction)` follows the reading. */
export async function importCatalogue(file, onProgress) {
  const unlisten = await listen('import-progress', (p) => {
    if (p.total > 0) onProgress(Math.min(1, p.read / p.total));
  });
  try {
    return await invoke('import_catalogue', { file });
  } finally {
    unlisten();
  }
}

/** Tells the shell the first results are on screen (used by `make bench` to time start-up);
 * `page`: the page's own milestones [what, wall-clock ms]; `shownAt`: when the results were
 * on screen (wall-clock ms). Resolves, once the index built from the database is ready, to
 * true when it differs from the index file the first results came from (then the window
 * searches again). */
export const uiReady = (page, shownAt) => invoke('ui_ready', { page, shownAt });
