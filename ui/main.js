// Start-up: catalogue header, filters, search; import; keyboard shortcuts.
import { catalogueInfo, referenceData, chooseCatalogueFile, importCatalogue, uiReady } from './api/catalogue.js';
import { initSearch, run as runSearch, currentOrigin, markSelected } from './views/search.js';
import { openOffer, closeOffer, setOfferExtras } from './views/offer.js';
import { h } from './components/dom.js';
import { focusElement } from './components/focus.js';
import { initServerState } from './views/server.js';
import { RESTORED_KEY } from './api/settings.js';
import { showError, showInfo, clearMessage, installSafetyNet } from './components/message.js';
import { count } from './components/plural.js';
import { setToday } from './components/today.js';
import { timestampText } from './components/format.js';

const $ = (id) => document.getElementById(id);

/** The reference data (municipalities, legal bases, target groups), read once at start. */
let ref = null;

/** A view's module, loaded and set up the first time the view (or something in it) is
 * needed: a caseworker who only searches never pays for the contract editor's or the reports'
 * scripts (2,4 MB of the window's memory, docs/benchmarks.md round 7). */
function onFirstUse(load, init) {
  let loading = null;
  let loaded = null;
  const get = () => {
    loading ??= load()
      .then((m) => {
        init(m);
        loaded = m;
        return m;
      })
      .catch((e) => {
        loading = null; // a failed load or set-up is tried again next time
        throw e;
      });
    return loading;
  };
  get.now = () => loaded;
  return get;
}

const checksView = onFirstUse(() => import('./views/checks.js'), (m) => m.initChecks(ref, {
  findMore,
  createContract: (c, offerId) => createContract(c.id, offerId ?? c.closed?.chosen_offer_id),
}));
const contractsView = onFirstUse(() => import('./views/contracts.js'), (m) => m.initContracts(ref));
const reportsView = onFirstUse(() => import('./views/reports.js'), (m) => m.initReports());
const agreementsView = onFirstUse(() => import('./views/agreements.js'), (m) => m.initAgreements(ref));
const settingsView = onFirstUse(() => import('./views/settings.js'), () => {});

/** The open check, if any (none before the checks' view was ever used). */
const activeCheck = () => checksView.now()?.activeCheck() ?? null;

async function openSettings() {
  try {
    await (await settingsView()).openSettings();
  } catch (e) {
    showError(e);
  }
}

// The start's modules (the static imports above) are loaded and evaluated when this line runs.
const modulesLoaded = performance.now();

/** The page's milestones for PLADSOVERBLIK_TIMING (wall-clock ms): the document fetched and
 * parsed, every module evaluated, the first call to the app. (The app's own protocol leaves
 * no resource timings for the scripts.) */
function pageMilestones(firstCall) {
  const at = (t) => performance.timeOrigin + t;
  const nav = performance.getEntriesByType('navigation')[0];
  const marks = [['navigation', at(0)]];
  if (nav) marks.push(['html hentet', at(nav.responseEnd)], ['dom klar', at(nav.domInteractive)]);
  marks.push(['moduler evalueret', at(modulesLoaded)], ['første kald', at(firstCall)]);
  const paint = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
  if (paint) marks.push(['første maling', at(paint.startTime)]);
  return marks;
}

/** When the first results were on screen (wall-clock ms): the page's first paint when it
 * came with them (served, the same as the search's: views/search.js, and the whole document
 * parsed by then), else now, two frames after they were rendered. */
function resultsShownAt() {
  const paint = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
  const parsed = performance.getEntriesByType('navigation')[0]?.domInteractive;
  const servedPainted = $('results').dataset.served === 'same' && paint && parsed !== undefined
    && paint.startTime >= parsed;
  return performance.timeOrigin + (servedPainted ? paint.startTime : performance.now());
}

async function refreshHeader() {
  const info = await catalogueInfo();
  setToday(info.today, info.today_text);
  const date = $('catalogue-date');
  date.textContent = info.extracted_text;
  date.title = `${info.source}\nIndlæst ${timestampText(info.imported_at)} fra ${info.file_name} · ${info.offer_count} tilbud`;
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
    const fromSheets = r.sheet_rates_text ? ` ${r.sheet_rates_text}` : '';
    const changes = r.changes_text ? ` ${r.changes_text}` : '';
    showInfo(`Kataloget er indlæst: ${count(r.offers, 'tilbud', 'tilbud')} og ${count(r.rates, 'takst', 'takster')}.${changes}${fromSheets}`);
  } catch (e) {
    showError(e);
  } finally {
    status.hidden = true;
    $('import-button').disabled = false;
  }
}

const VIEWS = ['search', 'checks', 'contracts', 'reports', 'agreements'];

const VIEW_HEADINGS = {
  search: 'search-title', checks: 'checks-title', contracts: 'contracts-title', reports: 'report-nav-title', agreements: 'agreements-title',
};

/** The view asked for last: a screen whose module arrives after the user has moved on is
 * not shown. */
let wantedView = 'search';

/** Shows view `name`; a view's module is loaded first (once), so its buttons work as soon
 * as they can be seen. False when it was not shown (its module failed, or the user moved on). */
async function showView(name) {
  wantedView = name;
  let view = null;
  try {
    if (name === 'checks') view = await checksView();
    if (name === 'contracts') view = await contractsView();
    if (name === 'reports') view = await reportsView();
    if (name === 'agreements') view = await agreementsView();
  } catch (e) {
    showError(e);
    return false;
  }
  if (wantedView !== name) return false;
  // A message belongs to the screen that produced it.
  if ($(`${name}-view`).hidden) clearMessage();
  for (const v of VIEWS) {
    $(`${v}-view`).hidden = v !== name;
    const tab = $(`tab-${v}`);
    if (v === name) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  updateBanner();
  // Focus moves to the new view's heading, so a screen reader says where the user is.
  focusElement($(VIEW_HEADINGS[name]));
  if (name === 'checks') view.refreshList();
  if (name === 'contracts') view.refreshContracts();
  if (name === 'agreements') view.showAgreements();
  if (name === 'reports') view.showReports();
  return true;
}

/** "Opret kontrakt": from a closed check (its chosen offer) or from an offer page. */
async function createContract(checkId, offerId) {
  if (await showView('contracts')) await contractsView.now().newContract(checkId, offerId);
}

/** While a check is open, the search screen says offers can be added to its shortlist. */
function updateBanner() {
  const c = activeCheck();
  const banner = $('shortlist-banner');
  banner.hidden = !c || $('search-view').hidden;
  if (!c) return;
  banner.replaceChildren(
    `Afstemning ${c.id} er åben: åbn et tilbud og tryk «Føj til kortliste» for at sammenligne det. `,
    h('button', { type: 'button', class: 'secondary', id: 'back-to-check', onclick: async () => { if (!(await showView('checks'))) return; await checksView.now().openCheck(c.id); focusElement($('check-title')); } }, 'Tilbage til afstemningen'),
  );
}

/** The search filters as a need for a new check. */
function needFromSearch() {
  return {
    basis: $('basis').value || null,
    group: $('target-group').value || null,
    age: $('age').value.trim() || null,
    home: $('near').value || null,
  };
}

/** From a check to the search screen with its need as filters, to find offers to compare. */
function findMore(c) {
  // (form.reset is shadowed by the button with id "reset")
  HTMLFormElement.prototype.reset.call($('search-form'));
  $('basis').value = c.need.legal_basis;
  $('target-group').value = c.need.target_group;
  $('age').value = String(c.need.age);
  $('near').value = String(c.need.home_municipality);
  $('sort').value = 'distance';
  showView('search');
  setTimeout(runSearch, 0);
}

async function start() {
  installSafetyNet();
  const firstCall = performance.now();
  try {
    await refreshHeader();
    ref = await referenceData();
    setOfferExtras((o) => {
      const c = activeCheck();
      if (!c) {
        return h('button', { type: 'button', class: 'secondary', id: 'offer-create-contract', onclick: () => createContract(null, o.id) }, 'Opret kontrakt');
      }
      const onList = c.shortlist.some((s) => s.figures.offer_id === o.id);
      return h('button', {
        type: 'button', id: 'add-to-shortlist', disabled: onList,
        onclick: async (e) => {
          const button = e.currentTarget;
          if (await checksView.now()?.addOfferToActive(o.id)) {
            button.disabled = true;
            button.textContent = 'På kortlisten';
          }
        },
      }, onList ? 'På kortlisten' : `Føj til kortliste (${c.id})`);
    });
    await initSearch(ref, (id) => {
      markSelected(id);
      openOffer(id, currentOrigin());
    });
    // After the results are painted. The first results may come from the index file of the
    // last start (search::cache); the answer comes once the index built from the database is
    // ready, and when it differs the same search runs again.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      uiReady(pageMilestones(firstCall), resultsShownAt()).then((differs) => { if (differs) runSearch(); }, () => {});
    }));
  } catch (e) {
    showError(e);
  }
  // The window was reloaded after a restore: the settings module opens with what was restored.
  if (sessionStorage.getItem(RESTORED_KEY)) settingsView().catch(showError);
  $('import-button').addEventListener('click', importFlow);
  $('settings-button').addEventListener('click', openSettings);
  // The server's state line opens Indstillinger at «Kommunens server».
  initServerState(async () => {
    await openSettings();
    const title = $('server-title');
    if (title) focusElement(title);
  });
  $('tab-search').addEventListener('click', () => showView('search'));
  $('tab-checks').addEventListener('click', () => showView('checks'));
  $('tab-contracts').addEventListener('click', () => showView('contracts'));
  $('tab-reports').addEventListener('click', () => showView('reports'));
  $('tab-agreements').addEventListener('click', () => showView('agreements'));
  $('start-check').addEventListener('click', async () => {
    if (await showView('checks')) checksView.now().showNewForm(needFromSearch());
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('offer').hidden) closeOffer();
  });
}

start();
