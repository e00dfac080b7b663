//! A minimal typst `World`: the embedded template as the main file, the contract as
//! `/data.json`, the embedded Noto Sans fonts, a fixed date. Nothing else: no file system,
//! no packages, no network, no clock.

use std::hash::Hash;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

const FONTS: [&[u8]; 4] = [
    include_bytes!("../assets/fonts/NotoSans-Regular.ttf"),
    include_bytes!("../assets/fonts/NotoSans-Bold.ttf"),
    include_bytes!("../assets/fonts/NotoSans-Italic.ttf"),
    include_bytes!("../assets/fonts/NotoSans-BoldItalic.ttf"),
];

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// What every render shares: typst's standard library and the fonts with their book, made
/// once per process (`prepare`, or the first render) instead of once per PDF.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: OnceLock<Shared> = OnceLock::new();

fn shared() -> &'static Shared {
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|bytes| Font::iter(Bytes::new(*bytes)))
            .collect();
        let shared = Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        };
        // The hashes typst's caches key on are computed here, once.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        shared.library.hash(&mut hasher);
        shared.book.hash(&mut hasher);
        shared
    })
}

/// Makes the shared library and fonts now (the first render would otherwise).
pub fn prepare_shared() {
    shared();
}

pub struct ContractWorld {
    shared: &'static Shared,
    main: Source,
    data_id: FileId,
    data: Bytes,
    today: Datetime,
}

impl ContractWorld {
    /// `template`: typst source; `data`: the JSON the template reads as `/data.json`.
    pub fn new(template: &str, data: Vec<u8>, today: Datetime) -> Option<ContractWorld> {
        let main_id = file_id("/contract.typ")?;
        Some(ContractWorld {
            shared: shared(),
            main: Source::new(main_id, template.to_string()),
            data_id: file_id("/data.json")?,
            data: Bytes::new(data),
            today,
        })
    }
}

impl World for ContractWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
