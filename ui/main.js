// Start-up: catalogue header, filters, search; import; keyboard shortcuts.
import { catalogueInfo, referenceData, chooseCatalogueFile, importCatalogue, uiReady } from './api/catalogue.js';
import { initSearch, run as runSearch, currentOrigin, markSelected } from './views/search.js';
import { openOffer, closeOffer } from './views/offer.js';
import { showError, showInfo } from './components/message.js';

const $ = (id) => document.getElementById(id);

async function refreshHeader() {
  const info = await catalogueInfo();
  const date = $('catalogue-date');
  date.textContent = info.extracted_text;
  date.title = `${info.source}\nIndlæst ${info.imported_at.replace('T', ' ')} fra ${info.file_name} · ${info.offer_count} tilbud`;
  $('example-marker').hidden = !info.is_example;
}

async function importFlow() {
  const path = await chooseCatalogueFile();
  if (!path) return;
  const status = $('import-status');
  const bar = $('import-progress');
  bar.value = 0;
  status.hidden = false;
  $('import-button').disabled = true;
  try {
    const r = await importCatalogue(path, (f) => { bar.value = f; });
    await refreshHeader();
    closeOffer();
    await runSearch();
    showInfo(`Kataloget er indlæst: ${r.offers.toLocaleString('da-DK')} tilbud og ${r.rates.toLocaleString('da-DK')} takster.`);
  } catch (e) {
    showError(e);
  } finally {
    status.hidden = true;
    $('import-button').disabled = false;
  }
}

async function start() {
  try {
    await refreshHeader();
    const ref = await referenceData();
    await initSearch(ref, (id) => {
      markSelected(id);
      openOffer(id, currentOrigin());
    });
    // After the results are painted.
    requestAnimationFrame(() => requestAnimationFrame(() => uiReady()));
  } catch (e) {
    showError(e);
  }
  $('import-button').addEventListener('click', importFlow);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('offer').hidden) closeOffer();
  });
}

start();
