//! The one object the desktop app keeps in managed state (and the CLI uses for a run):
//! the database and the search index over its catalogue.

use chrono::NaiveDate;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::catalogue::{self, detail, import};
use crate::error::Result;
use crate::geo::Point;
use crate::search::{SearchIndex, SearchQuery, SearchResult};
use crate::store::Db;

pub struct Engine {
    db: Mutex<Db>,
    index: RwLock<Arc<SearchIndex>>,
}

impl Engine {
    /// Opens the database file; an empty database gets the bundled example catalogue.
    pub fn open(path: &Path) -> Result<Engine> {
        Engine::from_db(Db::open(path)?)
    }

    pub fn open_in_memory() -> Result<Engine> {
        Engine::from_db(Db::open_in_memory()?)
    }

    fn from_db(mut db: Db) -> Result<Engine> {
        let has_catalogue: bool =
            db.conn()
                .query_row("SELECT EXISTS (SELECT 1 FROM catalogue_meta)", [], |r| {
                    r.get(0)
                })?;
        if !has_catalogue {
            import::import(
                &mut db,
                crate::EXAMPLE_CATALOGUE,
                crate::EXAMPLE_CATALOGUE_NAME,
            )?;
        }
        let index = SearchIndex::build(db.conn())?;
        Ok(Engine {
            db: Mutex::new(db),
            index: RwLock::new(Arc::new(index)),
        })
    }

    fn db(&self) -> MutexGuard<'_, Db> {
        // A panic elsewhere must not lock the user out of their data.
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn index(&self) -> Arc<SearchIndex> {
        self.index.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn info(&self, today: NaiveDate) -> Result<catalogue::CatalogueInfo> {
        catalogue::info(self.db().conn(), today)
    }

    pub fn reference_data(&self, today: NaiveDate) -> Result<catalogue::ReferenceData> {
        catalogue::reference_data(self.db().conn(), today)
    }

    pub fn search(&self, query: &SearchQuery, today: NaiveDate) -> Result<SearchResult> {
        let index = self.index();
        let db = self.db();
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
    /// database and the index are as they were.
    pub fn import_file(
        &self,
        path: &Path,
        progress: impl FnMut(u64, u64),
    ) -> Result<import::ImportReport> {
        let mut db = self.db();
        let report = import::import_file(&mut db, path, progress)?;
        let index = SearchIndex::build(db.conn())?;
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(index);
        Ok(report)
    }

    /// Runs `f` with the database (CLI commands and tests that need more than the above).
    pub fn with_db<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        f(&mut self.db())
    }
}
