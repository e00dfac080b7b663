//! The start page names every module the start loads (`<link rel="modulepreload">` in
//! `ui/index.html`), so WebKit fetches them all at once instead of one import level after the
//! other (main.js → views → api → vendor: eight levels). A module added to, or dropped from,
//! the start's static imports without the list following fails here.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

fn ui() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui")
}

/// The specifiers of a module's static imports (`import … from '…'` and `import '…'`, on one
/// line or several); `import('…')`, a view loaded on first use, is not one.
fn static_imports(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut statement: Option<String> = None;
    for line in source.lines() {
        let starts = line.starts_with("import ") || line.starts_with("import{");
        if statement.is_none() && !starts {
            continue;
        }
        let s = statement.get_or_insert_with(String::new);
        s.push_str(line);
        s.push('\n');
        let ended = line.trim_end().ends_with(';')
            || line.contains(" from '")
            || line.contains(" from \"")
            || line.starts_with("import '")
            || line.starts_with("import \"");
        if ended {
            let text = statement.take().unwrap_or_default();
            let quote = |c: char| c == '\'' || c == '"';
            let end = text.rfind(quote).expect("an import names its module");
            let start = text[..end]
                .rfind(quote)
                .expect("an import names its module");
            found.push(text[start + 1..end].to_string());
        }
    }
    found
}

/// `dir/spec` with `.` and `..` resolved, relative to `ui/`.
fn resolve(dir: &Path, spec: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in dir.join(spec).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Every module `entry` loads before it runs: its static imports, theirs, and so on.
fn start_modules(entry: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![PathBuf::from(entry)];
    while let Some(module) = todo.pop() {
        let source = std::fs::read_to_string(ui().join(&module))
            .unwrap_or_else(|e| panic!("{}: {e}", module.display()));
        let dir = module.parent().unwrap_or(Path::new("")).to_path_buf();
        for spec in static_imports(&source) {
            assert!(
                spec.starts_with('.'),
                "{}: a bare import «{spec}»",
                module.display()
            );
            let target = resolve(&dir, &spec);
            if seen.insert(target.to_string_lossy().into_owned()) {
                todo.push(target);
            }
        }
    }
    seen
}

fn preloaded(html: &str) -> BTreeSet<String> {
    html.lines()
        .filter(|l| l.contains(r#"rel="modulepreload""#))
        .map(|l| {
            let at = l.find(r#"href=""#).expect("a preload names its file") + 6;
            let len = l[at..].find('"').expect("a closed href");
            l[at..at + len].to_string()
        })
        .collect()
}

#[test]
fn the_start_page_preloads_exactly_the_modules_the_start_imports() {
    let html = std::fs::read_to_string(ui().join("index.html")).unwrap();
    assert!(html.contains(r#"<script type="module" src="main.js"></script>"#));
    let mut wanted = start_modules("main.js");
    wanted.remove("main.js");
    // The lazily loaded views are not among them: a caseworker who only searches never loads
    // the contract editor.
    assert!(wanted.contains("views/search.js"));
    assert!(wanted.contains("vendor/tauri-api/external/tslib/tslib.es6.js"));
    assert!(!wanted.contains("views/contracts.js"));
    let listed = preloaded(&html);
    let missing: Vec<_> = wanted.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&wanted).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "ui/index.html's modulepreload list: missing {missing:?}, not imported at start {extra:?}"
    );
}

#[test]
fn imports_are_read_on_one_line_and_over_several() {
    let source = "// import { x } from './no.js';\nimport { a } from './a.js';\nimport {\n  b,\n  c,\n} from \"../b.js\";\nimport './side.js';\nconst v = () => import('./lazy.js');\n";
    assert_eq!(
        static_imports(source),
        vec!["./a.js", "../b.js", "./side.js"]
    );
    assert_eq!(
        resolve(Path::new("views"), "../vendor/x/../y.js"),
        PathBuf::from("vendor/y.js")
    );
}
