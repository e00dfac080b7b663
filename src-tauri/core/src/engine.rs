//! The one object the desktop app keeps in managed state (and the CLI uses for a run):
//! the database and the search index over its catalogue.
//!
//! On a file, the index is built on a second, read-only connection in a background thread,
//! so the window and the web view start while it is built; a search waits for it. The window
//! (`Engine::open_for_window`) also keeps the index in a file beside the database and
//! searches with that one until the index built from the database replaces it
//! (`search::cache`).

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::backup;
use crate::catalogue::{self, detail, import};
use crate::error::{Error, Result};
use crate::geo::Point;
use crate::placement::{self, Check};
use crate::search::{cache, SearchIndex, SearchQuery, SearchResult};
use crate::settings;
use crate::store::Db;
use crate::{agreements, contracts, rates, reports};

enum IndexState {
    /// The CLI's: built when a command first needs it (`Engine::open_for_cli`).
    NotBuilt,
    Building,
    /// Read from the file beside the database at start-up: only searches use it, until the
    /// index built from the database replaces it.
    Provisional(Arc<SearchIndex>),
    Ready(Arc<SearchIndex>),
    Failed(String),
}

struct IndexSlot {
    state: Mutex<IndexState>,
    changed: Condvar,
    /// The window's first results are on screen: the index is built from the database now.
    shown: AtomicBool,
    /// Searches used the file's index and the one built from the database differs from it.
    differed: AtomicBool,
}

/// How long the build waits for the window's first results before it starts anyway.
const HEAD_START_POLLS: u32 = 250;
const HEAD_START_POLL: std::time::Duration = std::time::Duration::from_millis(20);

impl IndexSlot {
    fn lock(&self) -> MutexGuard<'_, IndexState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, state: IndexState) {
        *self.lock() = state;
        self.changed.notify_all();
    }

    /// Sets the state unless an import has already put an index built from the database in
    /// place meanwhile.
    fn set_unless_ready(&self, state: IndexState) {
        let mut guard = self.lock();
        if matches!(*guard, IndexState::Building | IndexState::Provisional(_)) {
            *guard = state;
            self.changed.notify_all();
        }
    }

    /// The index built from the database is `built`; `same` when it equals the provisional
    /// one. It takes the provisional one's place either way: the file's index was read while
    /// the window started and its memory sits among the allocator's small blocks, while the
    /// built one is in a few large ones (keeping the file's: 10 MB more in the window,
    /// measured). Only when they differ is the window told. False when an import had put a
    /// newer index in place meanwhile (it stays, and writes the file itself).
    fn built(&self, built: Arc<SearchIndex>, same: bool) -> bool {
        let mut guard = self.lock();
        match &*guard {
            IndexState::Provisional(_) if !same => self.differed.store(true, Ordering::SeqCst),
            IndexState::Provisional(_) | IndexState::Building | IndexState::NotBuilt => {}
            IndexState::Ready(_) | IndexState::Failed(_) => return false,
        }
        *guard = IndexState::Ready(built);
        self.changed.notify_all();
        true
    }

    /// The index built from the database, if it is there now (no waiting).
    fn ready(&self) -> Option<Arc<SearchIndex>> {
        match &*self.lock() {
            IndexState::Ready(index) => Some(index.clone()),
            _ => None,
        }
    }

    /// The index a search can use now (the file's or the database's), without waiting.
    fn at_hand(&self) -> Option<Arc<SearchIndex>> {
        match &*self.lock() {
            IndexState::Ready(index) | IndexState::Provisional(index) => Some(index.clone()),
            _ => None,
        }
    }

    fn not_built(&self) -> bool {
        matches!(*self.lock(), IndexState::NotBuilt)
    }

    fn wait_for(&self, provisional: bool) -> Result<Arc<SearchIndex>> {
        let mut guard = self.lock();
        loop {
            match &*guard {
                IndexState::Ready(index) => return Ok(index.clone()),
                IndexState::Provisional(index) if provisional => return Ok(index.clone()),
                IndexState::Failed(message) => return Err(Error::Internal(message.clone())),
                // `Engine::index` builds it before it waits.
                IndexState::NotBuilt => {
                    return Err(Error::Internal("Søgeindekset er ikke bygget.".into()))
                }
                IndexState::Building | IndexState::Provisional(_) => {
                    guard = self.changed.wait(guard).unwrap_or_else(|e| e.into_inner());
                }
            }
        }
    }

    /// Waits (polling: a timed wait hangs under libfaketime) until the window's first results
    /// are shown, at most 5 s, so the build does not take a core from the page's start.
    fn wait_until_shown(&self) {
        for _ in 0..HEAD_START_POLLS {
            if self.shown.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(HEAD_START_POLL);
        }
    }
}

/// Builds the index on a read-only connection of its own; for the window, the file's index is
/// searched with first (when it is for this catalogue import) and the file is written again
/// when the built index differs from it.
fn build_in_background(slot: &IndexSlot, db: &Path, file: Option<&Path>) -> Result<()> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // The build reads each table once, in order: a small page cache serves that as well as
    // a large one and leaves less freed memory behind in this thread.
    conn.pragma_update(None, "cache_size", -256)?;
    let today = crate::clock::today();
    let head_start = match file {
        Some(f) => cache::load(f, &cache::stamp(&conn)?),
        None => None,
    };
    let print = match head_start {
        Some((index, print)) => {
            crate::timing::mark("søgeindeks læst fra filen");
            slot.set_unless_ready(IndexState::Provisional(Arc::new(index)));
            slot.wait_until_shown();
            Some(print)
        }
        None => None,
    };
    // One read transaction: the stamp and every table as of one commit.
    let tx = conn.unchecked_transaction()?;
    let stamp = cache::stamp(&tx)?;
    let index = Arc::new(SearchIndex::build(&tx, today)?);
    drop(tx);
    crate::timing::mark("søgeindeks bygget");
    let Some(file) = file else {
        slot.built(index, false);
        return Ok(());
    };
    let bytes = cache::encode(&index, &stamp);
    // Searches wait for this one: it goes first, the file after.
    let same = print == Some(cache::fingerprint(&bytes));
    if slot.built(index, same) && !same {
        let _ = cache::save(file, &bytes);
    }
    // The window's start is over: a write-ahead log left large by an earlier process is
    // folded back now, so the next start does not read it all again.
    drop(conn);
    let _ = crate::store::fold_large_wal(db);
    Ok(())
}

/// The start page's search (`Engine::search_if_ready`) and its result, for the page's own
/// first search: the same query on the same index on the same day is answered from here, once,
/// instead of searching twice at start-up (the second search's 3 MB of matches stayed in the
/// window's heap, measured: docs/benchmarks-changes.md, round 13).
struct Served {
    query: SearchQuery,
    today: NaiveDate,
    /// Weak: an index replaced meanwhile is not kept alive for it.
    index: std::sync::Weak<SearchIndex>,
    result: SearchResult,
}

pub struct Engine {
    db: Mutex<Db>,
    index: Arc<IndexSlot>,
    served: Mutex<Option<Served>>,
    /// The window's index file (`search::cache`); `None` for the CLI and in memory.
    index_file: Option<PathBuf>,
    /// The rate sheet the window last previewed: what `rates_import_previewed` saves.
    rate_sheet: Mutex<rates::import::Pending>,
}

impl Engine {
    /// Opens the database file; an empty database gets the bundled example catalogue. The
    /// search index is built in the background.
    pub fn open(path: &Path) -> Result<Engine> {
        Engine::open_with(path, None)
    }

    /// As `open`, for the window: the index kept in a file beside the database
    /// (`search::cache`) is searched with at once, and the index is built from the database
    /// once the first results are shown (`first_results_shown`); it replaces the file's, and
    /// `index_checked` tells whether the two differed.
    pub fn open_for_window(path: &Path) -> Result<Engine> {
        Engine::open_with(path, Some(cache::path_for(path)))
    }

    fn open_with(path: &Path, index_file: Option<PathBuf>) -> Result<Engine> {
        crate::timing::mark("database åbnes");
        let engine = Engine::prepare(Db::open(path)?, index_file.clone())?;
        crate::timing::mark("database åben");
        let slot = engine.index.clone();
        let path = path.to_path_buf();
        std::thread::spawn(move || {
            if let Err(e) = build_in_background(&slot, &path, index_file.as_deref()) {
                slot.set_unless_ready(IndexState::Failed(format!(
                    "Søgeindekset kunne ikke bygges: {e}"
                )));
            }
        });
        Ok(engine)
    }

    /// As `open`, for one command of the CLI: the index is built when the command first needs
    /// it (a search, a check), not beside every command, and an import does not build it
    /// again for a process that ends right after (on 100.000 offers 0,45 s of a core each).
    pub fn open_for_cli(path: &Path) -> Result<Engine> {
        let engine = Engine::prepare(Db::open(path)?, None)?;
        engine.index.set(IndexState::NotBuilt);
        Ok(engine)
    }

    pub fn open_in_memory() -> Result<Engine> {
        let engine = Engine::prepare(Db::open_in_memory()?, None)?;
        engine.build_index(engine.db().conn())?;
        Ok(engine)
    }

    /// The window's first results are on screen: the index is built from the database now.
    pub fn first_results_shown(&self) {
        self.index.shown.store(true, Ordering::SeqCst);
    }

    /// Waits for the index built from the database; true (once) when searches had used the
    /// file's index and it differed, so the window should search again.
    pub fn index_checked(&self) -> Result<bool> {
        self.index()?;
        Ok(self.index.differed.swap(false, Ordering::SeqCst))
    }

    fn prepare(mut db: Db, index_file: Option<PathBuf>) -> Result<Engine> {
        if !catalogue::store::is_loaded(db.conn())? {
            import::import(
                &mut db,
                crate::EXAMPLE_CATALOGUE,
                crate::EXAMPLE_CATALOGUE_NAME,
            )?;
        }
        Ok(Engine {
            db: Mutex::new(db),
            index: Arc::new(IndexSlot {
                state: Mutex::new(IndexState::Building),
                changed: Condvar::new(),
                shown: AtomicBool::new(false),
                differed: AtomicBool::new(false),
            }),
            index_file,
            rate_sheet: Mutex::default(),
            served: Mutex::default(),
        })
    }

    /// The index built from the database: built now when it is built on demand (the CLI),
    /// else waited for while it is built.
    fn index(&self) -> Result<Arc<SearchIndex>> {
        self.searchable(false)
    }

    /// The index to search with: the file's while the database's is built.
    fn searchable(&self, provisional: bool) -> Result<Arc<SearchIndex>> {
        if self.index.not_built() {
            let db = self.db();
            // Another thread may have built it while this one waited for the database.
            if self.index.not_built() {
                // One read transaction: every table as of one commit, also while another
                // process (the window) imports.
                let tx = db.conn().unchecked_transaction()?;
                self.build_index(&tx)?;
            }
        }
        self.index.wait_for(provisional)
    }

    /// Builds the search index anew (after an import of a catalogue, rates or agreements), with
    /// operators as in force today; an index built on demand and not built yet stays so.
    fn rebuild_index(&self, conn: &Connection) -> Result<()> {
        match self.index.not_built() {
            true => Ok(()),
            false => self.build_index(conn),
        }
    }

    fn build_index(&self, conn: &Connection) -> Result<()> {
        let today = crate::clock::today();
        let earlier = self.index.ready();
        let index = Arc::new(SearchIndex::build_after(conn, today, earlier.as_deref())?);
        self.index.set(IndexState::Ready(index.clone()));
        if let Some(file) = self.index_file.clone() {
            // The file follows in the background; without it the next start only builds.
            let stamp = cache::stamp(conn)?;
            std::thread::spawn(move || {
                let _ = cache::save(&file, &cache::encode(&index, &stamp));
            });
        }
        Ok(())
    }

    fn db(&self) -> MutexGuard<'_, Db> {
        // A panic elsewhere must not lock the user out of their data.
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Logs an unexpected error the window caught (`ui_log`: no CPR, cut to size).
    pub fn ui_error(&self, context: &str, text: &str) -> Result<()> {
        crate::ui_log::record(self.db().conn(), context, text)
    }

    pub fn info(&self, today: NaiveDate) -> Result<catalogue::CatalogueInfo> {
        catalogue::info(self.db().conn(), today)
    }

    pub fn reference_data(&self, today: NaiveDate) -> Result<catalogue::ReferenceData> {
        catalogue::reference_data(self.db().conn(), today)
    }

    /// Searches the catalogue; staleness follows the user's setting unless the query says.
    pub fn search(&self, query: &SearchQuery, today: NaiveDate) -> Result<SearchResult> {
        let index = self.searchable(true)?;
        if let Some(result) = self.take_served(query, today, &index) {
            return Ok(result);
        }
        self.search_with(&index, query, today)
    }

    /// The same search with the index at hand, without waiting for one being built: `None`
    /// while there is none (the window's very first start). The start page is served with
    /// these results in it, and the next search, when it is the same, is answered with them.
    pub fn search_if_ready(
        &self,
        query: &SearchQuery,
        today: NaiveDate,
    ) -> Result<Option<SearchResult>> {
        let Some(index) = self.index.at_hand() else {
            return Ok(None);
        };
        let result = self.search_with(&index, query, today)?;
        *self.served.lock().unwrap_or_else(|e| e.into_inner()) = Some(Served {
            query: query.clone(),
            today,
            index: Arc::downgrade(&index),
            result: result.clone(),
        });
        Ok(Some(result))
    }

    /// The served result, taken out by the first search after it: returned when that search
    /// is the same query on the same index on the same day.
    fn take_served(
        &self,
        query: &SearchQuery,
        today: NaiveDate,
        index: &Arc<SearchIndex>,
    ) -> Option<SearchResult> {
        let served = self
            .served
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()?;
        let same = served.query == *query
            && served.today == today
            && std::ptr::eq(served.index.as_ptr(), Arc::as_ptr(index));
        same.then_some(served.result)
    }

    fn search_with(
        &self,
        index: &SearchIndex,
        query: &SearchQuery,
        today: NaiveDate,
    ) -> Result<SearchResult> {
        let db = self.db();
        if query.stale_after_days.is_none() {
            let stale = settings::number(db.conn(), &settings::STALE_AFTER_DAYS)?;
            let query = SearchQuery {
                stale_after_days: Some(stale),
                ..query.clone()
            };
            return index.search(db.conn(), &query, today);
        }
        index.search(db.conn(), query, today)
    }

    pub fn offer(
        &self,
        id: &str,
        today: NaiveDate,
        origin: Option<Point>,
    ) -> Result<detail::OfferDetail> {
        detail::offer_detail(self.db().conn(), id, today, origin)
    }

    /// Imports a catalogue file; on success the search index is rebuilt. On any error the
    /// database and the index are as they were. The database is copied into
    /// `sikkerhedskopier/` first; the copy is removed again when the file is refused.
    pub fn import_file(
        &self,
        path: &Path,
        progress: impl FnMut(u64, u64) + Send,
    ) -> Result<import::ImportReport> {
        let mut db = self.db();
        let (report, copy) = import::import_file_backed_up(&mut db, path, progress)?;
        self.rebuild_index(db.conn())?;
        if let Some(copy) = &copy {
            backup::keep(db.conn(), copy)?;
        }
        catalogue::published::keep(db.conn(), path, &report)?;
        Ok(report)
    }

    /// Imports a catalogue snapshot published on the municipality's server (gzip `content`,
    /// extracted on `extracted`): unpacked beside the database, then imported as a file is
    /// (the same checks, the backup first); the unpacked file is removed afterwards.
    pub fn catalogue_receive(
        &self,
        content: &[u8],
        extracted: NaiveDate,
    ) -> Result<import::ImportReport> {
        let dir = self
            .with_db(|db| Ok(db.path().and_then(|p| p.parent()).map(Path::to_path_buf)))?
            .ok_or_else(|| {
                Error::Internal("Databasen har ingen mappe at pakke kataloget ud i.".into())
            })?;
        let file = dir.join(format!("katalog-{extracted}-fra-kommunens-server.json"));
        catalogue::published::unpack(content, &file)?;
        let imported = self.import_file(&file, |_, _| {});
        let _ = std::fs::remove_file(&file);
        imported
    }

    pub fn settings(&self) -> Result<settings::Settings> {
        settings::load(self.db().conn())
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<settings::Settings> {
        let db = self.db();
        settings::set(db.conn(), key, value)?;
        settings::load(db.conn())
    }

    /// Starts a public-first check: finds and records the matching public offers.
    pub fn check_create(&self, input: &placement::NewCheck, today: NaiveDate) -> Result<Check> {
        let index = self.index()?;
        placement::create(self.db().conn(), &index, input, today)
    }

    pub fn check(&self, id: &str, today: NaiveDate) -> Result<Check> {
        placement::load(self.db().conn(), id, today)
    }

    pub fn checks(&self, today: NaiveDate) -> Result<Vec<placement::CheckListItem>> {
        placement::list(self.db().conn(), today)
    }

    pub fn check_confirm(
        &self,
        id: &str,
        confirmation: &placement::Confirmation,
        today: NaiveDate,
    ) -> Result<Check> {
        placement::confirm(self.db().conn(), id, confirmation, today)
    }

    pub fn check_reject(
        &self,
        id: &str,
        rejection: &placement::Rejection,
        today: NaiveDate,
    ) -> Result<Check> {
        placement::reject(self.db().conn(), id, rejection, today)
    }

    pub fn check_shortlist_add(&self, id: &str, offer_id: &str, today: NaiveDate) -> Result<Check> {
        let index = self.index()?;
        placement::add_to_shortlist(self.db().conn(), &index, id, offer_id, today)
    }

    pub fn check_shortlist_remove(
        &self,
        id: &str,
        offer_id: &str,
        today: NaiveDate,
    ) -> Result<Check> {
        placement::remove_from_shortlist(self.db().conn(), id, offer_id, today)
    }

    pub fn check_close(
        &self,
        id: &str,
        closing: &placement::Closing,
        today: NaiveDate,
    ) -> Result<Check> {
        placement::close(self.db().conn(), id, closing, today)
    }

    /// The guard: may `offer_id` be chosen through check `id` for `need` (the check's own
    /// need when none)? Ok with a Danish explanation, or an error saying what is missing.
    pub fn check_allows(
        &self,
        id: &str,
        offer_id: &str,
        need: Option<&placement::Need>,
        today: NaiveDate,
    ) -> Result<String> {
        let index = self.index()?;
        let db = self.db();
        let check = placement::load(db.conn(), id, today)?;
        let hit = index.hit_for(
            db.conn(),
            offer_id,
            None,
            None,
            today,
            check.stale_after_days,
        )?;
        let need = need.unwrap_or(&check.need);
        let within = match agreements::for_municipality(db.conn(), need.home_municipality, today)? {
            Some((a, _)) => hit.agreements.contains(&a.id),
            None => false,
        };
        let class = placement::OfferClass {
            within_agreement: within,
        };
        check.allows(need, class, placement::CheckKind::Privat, today)?;
        Ok(if within {
            format!(
                "{} er omfattet af hjemkommunens rammeaftale og kan vælges.",
                hit.name
            )
        } else {
            format!(
                "{} kan vælges gennem afstemning {} (gyldig til og med {}).",
                hit.name, check.id, check.text.valid_until
            )
        })
    }

    /// A new contract's form, filled from a closed check and/or an offer.
    pub fn contract_prefill(
        &self,
        check_id: Option<&str>,
        offer_id: Option<&str>,
        today: NaiveDate,
    ) -> Result<contracts::ContractForm> {
        contracts::prefill(self.db().conn(), check_id, offer_id, today)
    }

    /// What a form comes to (problems, price, notice) without saving it.
    pub fn contract_evaluate(
        &self,
        form: &contracts::ContractForm,
        today: NaiveDate,
    ) -> Result<contracts::Evaluation> {
        contracts::evaluate(self.db().conn(), form, today)
    }

    pub fn contract_create(
        &self,
        form: &contracts::ContractForm,
        today: NaiveDate,
    ) -> Result<contracts::ContractView> {
        contracts::create_draft(self.db().conn(), form, today)
    }

    /// A new contract from the window: refused, and nothing stored, while the form holds only
    /// what was prefilled (`contracts::untouched`).
    pub fn contract_create_typed(
        &self,
        form: &contracts::ContractForm,
        today: NaiveDate,
    ) -> Result<contracts::ContractView> {
        contracts::create_typed_draft(self.db().conn(), form, today)
    }

    pub fn contract_save(
        &self,
        id: &str,
        form: &contracts::ContractForm,
        today: NaiveDate,
    ) -> Result<contracts::ContractView> {
        contracts::save_draft(self.db().conn(), id, form, today)
    }

    pub fn contract_issue(&self, id: &str, today: NaiveDate) -> Result<contracts::ContractView> {
        contracts::issue(self.db().conn(), id, today)
    }

    pub fn contract_correct(
        &self,
        id: &str,
        reason: &str,
        today: NaiveDate,
    ) -> Result<contracts::ContractView> {
        contracts::correct(self.db().conn(), id, reason, today)
    }

    pub fn contract_set_state(
        &self,
        id: &str,
        state: contracts::ContractState,
        today: NaiveDate,
    ) -> Result<contracts::ContractView> {
        contracts::set_state(self.db().conn(), id, state, today)
    }

    pub fn contract_terminate(
        &self,
        id: &str,
        party: contracts::NoticeParty,
        given_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<contracts::ContractView> {
        contracts::terminate(self.db().conn(), id, party, given_on, today)
    }

    /// Records in the audit log that the full CPR number of contract `id` was shown (the
    /// number itself is never logged).
    pub fn contract_cpr_shown(&self, id: &str, purpose: &str) -> Result<()> {
        crate::audit::record(
            self.db().conn(),
            "contract.cpr_shown",
            id,
            &serde_json::json!({ "purpose": purpose }),
        )
    }

    /// Discards a draft that was never issued (or a correction's draft); see
    /// `contracts::store::discard`.
    pub fn contract_discard(&self, id: &str, today: NaiveDate) -> Result<String> {
        contracts::store::discard(self.db().conn(), id, today)
    }

    pub fn contract_renew(&self, id: &str, today: NaiveDate) -> Result<contracts::ContractView> {
        contracts::renew(self.db().conn(), id, today)
    }

    pub fn contract(&self, id: &str, today: NaiveDate) -> Result<contracts::ContractView> {
        contracts::load(self.db().conn(), id, today)
    }

    /// Records (first export) or checks (later exports) the PDF hash of an issued version.
    pub fn contract_record_pdf(
        &self,
        id: &str,
        version: u32,
        sha256: &str,
    ) -> Result<contracts::PdfRecord> {
        contracts::record_pdf(self.db().conn(), id, version, sha256)
    }

    /// The public-first check's summary for a contract's appendix.
    pub fn check_summary(&self, id: &str, today: NaiveDate) -> Result<placement::Summary> {
        Ok(placement::summary(&self.check(id, today)?))
    }

    pub fn contracts(&self, today: NaiveDate) -> Result<Vec<contracts::ContractListItem>> {
        contracts::list(self.db().conn(), today)
    }

    /// What importing a rate sheet would change (nothing is saved). The sheet is read and
    /// checked before the database is locked; the rates as read are kept with the preview
    /// under its `token`, replacing any earlier preview, so that `rates_import_previewed`
    /// saves exactly what was shown.
    pub fn rates_preview(&self, path: &Path) -> Result<rates::import::Preview> {
        let sheet = rates::sheet::read(path)?;
        let token = self.rate_sheet().next_token(&sheet);
        let previewed = rates::import::Previewed::new(self.db().conn(), sheet, token)?;
        let preview = previewed.preview().clone();
        self.rate_sheet().keep(previewed);
        Ok(preview)
    }

    /// Saves the previewed rate sheet named `token` — the rates as they were read for the
    /// preview, not the file read again — in one transaction; refused when the database has
    /// changed since the preview. The search index is rebuilt.
    pub fn rates_import_previewed(&self, token: &str) -> Result<rates::import::Preview> {
        let previewed = self.rate_sheet().take(token)?;
        let db = self.db();
        let applied = previewed.import(db.conn())?;
        self.rebuild_index(db.conn())?;
        Ok(applied)
    }

    /// Reads, checks and imports a rate sheet's new and changed rates in one transaction
    /// (the CLI: no preview in between); the search index is rebuilt so rates shown and
    /// filtered on are the new ones.
    pub fn rates_import(&self, path: &Path) -> Result<rates::import::Preview> {
        let sheet = rates::sheet::read(path)?;
        let db = self.db();
        let applied = rates::import::import_sheet(db.conn(), &sheet, None)?;
        self.rebuild_index(db.conn())?;
        Ok(applied)
    }

    /// Imports a rate sheet published on the municipality's server (docs/server.md): the
    /// same checks and transaction as a local import; the search index is rebuilt when
    /// anything was saved. None: this sheet was imported here already.
    pub fn rates_receive(
        &self,
        file_name: &str,
        sha256: &str,
        rows: &str,
    ) -> Result<Option<rates::import::Preview>> {
        let db = self.db();
        let applied = rates::import::receive_sheet(db.conn(), file_name, sha256, rows)?;
        if applied.is_some() {
            self.rebuild_index(db.conn())?;
        }
        Ok(applied)
    }

    fn rate_sheet(&self) -> MutexGuard<'_, rates::import::Pending> {
        self.rate_sheet.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Computes one of the steering group's reports.
    pub fn report(&self, kind: reports::Kind, year: i32) -> Result<reports::Report> {
        reports::run(self.db().conn(), kind, year)
    }

    /// "Fastsæt kategorier for år N" (R7): stores the year's categories once; refused when
    /// they are set already.
    pub fn categories_set(&self, year: i32) -> Result<reports::CategoryReport> {
        reports::category_year::set(self.db().conn(), year)
    }

    /// The municipality decides another category for one offer, with its reason (audited).
    pub fn category_decide(
        &self,
        year: i32,
        form: &reports::category_year::DecisionForm,
    ) -> Result<reports::CategoryReport> {
        reports::category_year::decide(self.db().conn(), year, form)
    }

    /// The years whose categories are set, newest first.
    pub fn category_years(&self) -> Result<Vec<i32>> {
        reports::category_year::years(self.db().conn())
    }

    /// The next occupancy deadline, what is due by then, missed deadlines and the runs (R6).
    pub fn occupancy_status(
        &self,
        today: NaiveDate,
    ) -> Result<reports::occupancy_runs::OccupancyStatus> {
        reports::occupancy_runs::status(self.db().conn(), today)
    }

    /// Starts the occupancy run of a year and period ("q1", "q1-q3").
    pub fn occupancy_run_create(
        &self,
        year: i32,
        period: &str,
        agreement: Option<&str>,
        today: NaiveDate,
    ) -> Result<reports::occupancy_runs::RunView> {
        reports::occupancy_runs::create(self.db().conn(), year, period, agreement, today)
    }

    pub fn occupancy_run(
        &self,
        id: i64,
        today: NaiveDate,
    ) -> Result<reports::occupancy_runs::RunView> {
        reports::occupancy_runs::view(self.db().conn(), id, today)
    }

    /// States the actual occupancy, efterregulering and the text on one line of a draft run.
    pub fn occupancy_line_set(
        &self,
        id: i64,
        offer_id: &str,
        form: &reports::occupancy_runs::LineForm,
        today: NaiveDate,
    ) -> Result<reports::occupancy_runs::RunView> {
        reports::occupancy_runs::set_line(self.db().conn(), id, offer_id, form, today)
    }

    /// Submits a draft run; it is locked from then on.
    pub fn occupancy_run_submit(
        &self,
        id: i64,
        today: NaiveDate,
    ) -> Result<reports::occupancy_runs::RunView> {
        reports::occupancy_runs::submit(self.db().conn(), id, today)
    }

    /// The agreements in use, with where each came from.
    pub fn agreements(&self) -> Result<Vec<agreements::AgreementView>> {
        agreements::list(self.db().conn())
    }

    /// The agreements' lists of most specialised offers matched to the catalogue on `today`.
    pub fn most_specialised(
        &self,
        today: NaiveDate,
    ) -> Result<Vec<agreements::most_specialised::ListMatches>> {
        agreements::most_specialised::matches(self.db().conn(), today)
    }

    /// Which agreement binds a municipality on a day.
    pub fn agreement_for(&self, municipality: &str, on: NaiveDate) -> Result<agreements::Applies> {
        agreements::applies(self.db().conn(), municipality, on)
    }

    /// Imports an agreement file (new versions only; nothing changes on any problem); the
    /// search index is rebuilt, since coverage follows the agreements.
    pub fn agreements_import(&self, path: &Path) -> Result<agreements::ImportReport> {
        let db = self.db();
        let report = agreements::import_file(db.conn(), path)?;
        self.rebuild_index(db.conn())?;
        Ok(report)
    }

    /// Installs an agreement version published on the municipality's server (docs/server.md;
    /// `agreements::receive`); the search index is rebuilt when it is new here.
    pub fn agreement_receive(
        &self,
        doc: &serde_json::Value,
        published_by: &str,
    ) -> Result<agreements::store::Stored> {
        let db = self.db();
        let stored = agreements::receive(db.conn(), doc, published_by)?;
        if stored == agreements::store::Stored::New {
            self.rebuild_index(db.conn())?;
        }
        Ok(stored)
    }

    /// Takes a backup into `dest`, consistent while the app writes; an existing file is
    /// replaced only with `overwrite` (the save dialog has asked).
    pub fn backup_to(&self, dest: &Path, overwrite: bool) -> Result<backup::BackupReport> {
        backup::backup_to(&self.db(), dest, overwrite)
    }

    /// The automatic backups and the folder they are in.
    pub fn backup_status(&self) -> Result<backup::Status> {
        backup::status(self.db().path())
    }

    /// Checks a backup as a restore would and says what it holds; nothing changes.
    pub fn backup_inspect(&self, src: &Path, today: NaiveDate) -> Result<backup::Contents> {
        let live = self.db().path().map(Path::to_path_buf).ok_or_else(|| {
            Error::Invalid("Der kan kun gendannes til en database, der ligger i en fil.".into())
        })?;
        backup::inspect(&live, src, today)
    }

    /// Replaces the database with a backup while the app runs. The engine keeps its
    /// connection: the checked backup is copied into it in one write transaction (the
    /// database as it was is kept in `sikkerhedskopier/` first), and the search index is
    /// rebuilt, so the next call sees the restored data; no restart is needed.
    pub fn restore_from(&self, src: &Path, today: NaiveDate) -> Result<backup::RestoreReport> {
        let mut db = self.db();
        let report = backup::restore(&mut db, src, today)?;
        self.rebuild_index(db.conn())?;
        Ok(report)
    }

    /// Runs `f` with the database (CLI commands and tests that need more than the above).
    pub fn with_db<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        f(&mut self.db())
    }
}

/// One-person projects (R4: the check that asks other municipalities first) and contracts
/// from before the standard (issue 13, points 3 and 4).
impl Engine {
    /// Records that a municipality was asked whether it could join (with its answer, if any).
    pub fn check_inquire(
        &self,
        id: &str,
        inquiry: &placement::Inquiry,
        today: NaiveDate,
    ) -> Result<Check> {
        placement::inquire(self.db().conn(), id, inquiry, today)
    }

    /// Records the answer of a municipality asked before.
    pub fn check_answer(
        &self,
        id: &str,
        municipality: u16,
        answer: &placement::InquiryAnswer,
        today: NaiveDate,
    ) -> Result<Check> {
        placement::answer(self.db().conn(), id, municipality, answer, today)
    }

    /// Closes a one-person check: no municipality could join, or a shared offer.
    pub fn check_close_one_person(
        &self,
        id: &str,
        closing: &placement::OnePersonClosing,
        today: NaiveDate,
    ) -> Result<Check> {
        placement::close_one_person(self.db().conn(), id, closing, today)
    }

    /// Closes a check as typed (either kind).
    pub fn check_close_form(
        &self,
        id: &str,
        form: &placement::forms::ClosingForm,
        today: NaiveDate,
    ) -> Result<Check> {
        placement::close_form(self.db().conn(), id, form, today)
    }

    /// Registers an existing contract from before the standard.
    pub fn old_contract_register(
        &self,
        form: &contracts::old::OldContractForm,
        today: NaiveDate,
    ) -> Result<contracts::old::OldContractView> {
        contracts::old::register(self.db().conn(), form, today)
    }

    /// Corrects a registered contract: a new version with a reason.
    pub fn old_contract_correct(
        &self,
        id: &str,
        form: &contracts::old::OldContractForm,
        reason: &str,
        today: NaiveDate,
    ) -> Result<contracts::old::OldContractView> {
        contracts::old::correct(self.db().conn(), id, form, reason, today)
    }

    pub fn old_contract(
        &self,
        id: &str,
        today: NaiveDate,
    ) -> Result<contracts::old::OldContractView> {
        contracts::old::load(self.db().conn(), id, today)
    }

    /// Whether `id` is a registered contract from before the standard.
    pub fn is_old_contract(&self, id: &str) -> Result<bool> {
        contracts::old::store::exists(self.db().conn(), id.trim())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code
mod tests {
    use super::*;

    fn new_slot() -> Arc<IndexSlot> {
        Arc::new(IndexSlot {
            state: Mutex::new(IndexState::Building),
            changed: Condvar::new(),
            shown: AtomicBool::new(false),
            differed: AtomicBool::new(false),
        })
    }

    fn index() -> SearchIndex {
        let mut db = Db::open_in_memory().unwrap();
        import::import(
            &mut db,
            crate::EXAMPLE_CATALOGUE,
            crate::EXAMPLE_CATALOGUE_NAME,
        )
        .unwrap();
        SearchIndex::build(db.conn(), crate::clock::today()).unwrap()
    }

    /// Searches may use the file's index; everything else (a check, a shortlist, the guard)
    /// waits for the one built from the database.
    #[test]
    fn only_searches_use_the_files_index() {
        let slot = new_slot();
        let provisional = Arc::new(index());
        slot.set_unless_ready(IndexState::Provisional(provisional.clone()));
        assert!(Arc::ptr_eq(&slot.wait_for(true).unwrap(), &provisional));
        std::thread::scope(|s| {
            let waiting = s.spawn(|| slot.wait_for(false).unwrap());
            std::thread::sleep(std::time::Duration::from_millis(100));
            assert!(!waiting.is_finished(), "get() returned the file's index");
            // A different index built: it replaces the file's, and the window is told.
            slot.built(Arc::new(index()), false);
            let got = waiting.join().unwrap();
            assert!(!Arc::ptr_eq(&got, &provisional));
        });
        assert!(slot.differed.load(Ordering::SeqCst));
        assert!(!Arc::ptr_eq(&slot.wait_for(true).unwrap(), &provisional));
    }

    /// The start page's search uses the file's index or the built one, never waits for one
    /// being built, and has none after a failed build.
    #[test]
    fn the_index_at_hand_is_the_files_or_the_built_one() {
        let slot = new_slot();
        assert!(slot.at_hand().is_none(), "nothing while the build runs");
        let provisional = Arc::new(index());
        slot.set_unless_ready(IndexState::Provisional(provisional.clone()));
        assert!(Arc::ptr_eq(&slot.at_hand().unwrap(), &provisional));
        let built = Arc::new(index());
        slot.built(built.clone(), false);
        assert!(Arc::ptr_eq(&slot.at_hand().unwrap(), &built));
        let failed = new_slot();
        failed.set_unless_ready(IndexState::Failed("x".into()));
        assert!(failed.at_hand().is_none());
    }

    /// The CLI's engine builds the index for the first command that needs it, and an import
    /// before that does not build it for nothing.
    #[test]
    fn the_clis_index_is_built_when_first_needed() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open_for_cli(&dir.path().join("p.sqlite")).unwrap();
        assert!(engine.index.not_built());
        let today = crate::clock::today();
        let info = engine.info(today).unwrap();
        assert!(info.offer_count > 0, "the example catalogue");
        assert!(
            engine.index.not_built(),
            "a command without search builds nothing"
        );
        let file = dir.path().join("katalog.json");
        std::fs::write(&file, crate::EXAMPLE_CATALOGUE).unwrap();
        engine.import_file(&file, |_, _| {}).unwrap();
        assert!(
            engine.index.not_built(),
            "an import leaves it to the search"
        );
        // Without an index at hand the start page's search answers nothing and builds none.
        assert!(engine
            .search_if_ready(&SearchQuery::default(), today)
            .unwrap()
            .is_none());
        assert!(engine.index.not_built());
        let hits = engine.search(&SearchQuery::default(), today).unwrap();
        let served = engine
            .search_if_ready(&SearchQuery::default(), today)
            .unwrap()
            .expect("the index is built now");
        let ids = |r: &SearchResult| r.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&served), ids(&hits));
        assert_eq!(served.total, hits.total);
        // The next search, the same, is answered with the served result, once.
        let kept = |e: &Engine| e.served.lock().unwrap().is_some();
        assert!(kept(&engine));
        let again = engine.search(&SearchQuery::default(), today).unwrap();
        assert_eq!(ids(&again), ids(&served));
        assert!(!kept(&engine), "taken by the first search after it");
        // Another query is searched, and drops what was served.
        engine
            .search_if_ready(&SearchQuery::default(), today)
            .unwrap();
        let other = SearchQuery {
            limit: Some(1),
            ..SearchQuery::default()
        };
        assert_eq!(engine.search(&other, today).unwrap().hits.len(), 1);
        assert!(!kept(&engine));
        // A day later, or on another index, it is not used.
        let serve_then_take = |day: NaiveDate, index: &Arc<SearchIndex>| {
            engine
                .search_if_ready(&SearchQuery::default(), today)
                .unwrap();
            engine
                .take_served(&SearchQuery::default(), day, index)
                .is_some()
        };
        let built = engine.index.ready().unwrap();
        assert!(!serve_then_take(today.succ_opt().unwrap(), &built));
        assert!(!serve_then_take(today, &Arc::new(index())));
        assert!(serve_then_take(today, &built));
        assert_eq!(hits.total as i64, info.offer_count);
        assert!(engine.index.ready().is_some());
        // Built once: the next search uses the same index.
        let first = engine.index.ready().unwrap();
        engine.search(&SearchQuery::default(), today).unwrap();
        assert!(Arc::ptr_eq(&first, &engine.index.ready().unwrap()));
    }

    #[test]
    fn the_same_index_is_not_announced_and_an_import_wins() {
        let slot = new_slot();
        let provisional = Arc::new(index());
        slot.set_unless_ready(IndexState::Provisional(provisional.clone()));
        let built = Arc::new(index());
        assert!(slot.built(built.clone(), true));
        assert!(Arc::ptr_eq(&slot.wait_for(false).unwrap(), &built));
        assert!(!slot.differed.load(Ordering::SeqCst));

        // An import's index in place before the background build ends: it stays, and the
        // build does not write the file (the import does).
        let slot = new_slot();
        slot.set_unless_ready(IndexState::Provisional(provisional.clone()));
        let imported = Arc::new(index());
        slot.set(IndexState::Ready(imported.clone()));
        assert!(!slot.built(Arc::new(index()), false));
        slot.set_unless_ready(IndexState::Failed("x".into()));
        assert!(Arc::ptr_eq(&slot.wait_for(false).unwrap(), &imported));
    }
}
