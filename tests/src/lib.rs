//! Shared harness for the end-to-end tests: the real desktop app driven through WebDriver
//! (tauri-driver → WebKitWebDriver → the app), on a fresh data directory.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test harness: failing loudly is the point

pub mod a11y;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The app binary: `PLADSOVERBLIK_APP`, else `target/debug/pladsoverblik` of this workspace.
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("PLADSOVERBLIK_APP") {
        return PathBuf::from(p);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    target.join("debug/pladsoverblik")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// tauri-driver, stopped with SIGTERM so it takes WebKitWebDriver (and the app) with it.
pub struct Driver {
    child: Child,
    pub port: u16,
}

/// How long opening a WebDriver session (starting the app) may take before it is tried again.
const SESSION_START: Duration = Duration::from_secs(90);

impl Driver {
    /// Every process below tauri-driver (WebKitWebDriver, the app and the app's WebKit
    /// processes), parents before their children.
    fn descendants(&self) -> Vec<u32> {
        let mut pending = vec![self.child.id()];
        let mut found = Vec::new();
        while let Some(pid) = pending.pop() {
            let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
                continue;
            };
            for task in tasks.flatten() {
                let children =
                    std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
                for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                    found.push(child);
                    pending.push(child);
                }
            }
        }
        found
    }

    /// Kills (SIGKILL) every process below tauri-driver: WebKitWebDriver and the app.
    fn kill_descendants(&self) {
        for pid in self.descendants() {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
    }
}

/// The day the app under test works on (`PLADSOVERBLIK_TODAY`): ten days after the example
/// catalogue's extraction date, so every figure the tests check is the same on any real date.
pub const E2E_TODAY: &str = "2026-11-25";

/// `E2E_TODAY` as a date, for the expectations the tests compute with the core.
pub fn e2e_today() -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(E2E_TODAY, "%Y-%m-%d").unwrap()
}

/// How long an end-to-end step may take. Generous: a wait only costs time when a step fails,
/// and a loaded 2-core CI machine (with every clock call going through libfaketime in
/// `make test-any-date`) once took longer than 15 s for a step that takes 1 s here.
pub const E2E_WAIT: Duration = Duration::from_secs(40);

/// A running app in a WebDriver session, with its own empty data directory.
pub struct App {
    pub client: Client,
    pub data_dir: tempfile::TempDir,
    _driver: Driver,
}

impl App {
    /// Starts the app; a session that fails to open (a rare race in WebKitWebDriver's start)
    /// is tried again with a fresh driver.
    pub async fn start() -> App {
        App::start_in(tempfile::tempdir().unwrap()).await
    }

    /// Starts the app on the data directory `data_dir`.
    pub async fn start_in(data_dir: tempfile::TempDir) -> App {
        let mut last = String::new();
        for _ in 0..3 {
            match App::try_start(data_dir.path()).await {
                Ok((client, driver)) => {
                    return App {
                        client,
                        data_dir,
                        _driver: driver,
                    }
                }
                Err(e) => last = e,
            }
        }
        panic!("WebDriver session: {last}");
    }

    /// The environment of each running process of the app whose command line contains
    /// `program` (e.g. "WebKitWebProcess"), as `KEY=value` entries.
    pub fn environments_of(&self, program: &str) -> Vec<Vec<String>> {
        self._driver
            .descendants()
            .into_iter()
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains(program))
            })
            .filter_map(|pid| std::fs::read(format!("/proc/{pid}/environ")).ok())
            .map(|env| {
                env.split(|b| *b == 0)
                    .filter(|e| !e.is_empty())
                    .map(|e| String::from_utf8_lossy(e).into_owned())
                    .collect()
            })
            .collect()
    }

    /// Closes the window, runs `meanwhile` (another program changing the data, say) and
    /// starts the app again on the same data directory, as a user does the next morning.
    pub async fn restart_after(self, meanwhile: impl FnOnce()) -> App {
        let App {
            client,
            data_dir,
            _driver,
        } = self;
        let _ = client.close().await;
        drop(_driver);
        meanwhile();
        App::start_in(data_dir).await
    }

    async fn try_start(data_dir: &std::path::Path) -> Result<(Client, Driver), String> {
        let binary = app_binary();
        assert!(
            binary.exists(),
            "{} does not exist: build it first (make build)",
            binary.display()
        );
        let port = free_port();
        let native = free_port();
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("PLADSOVERBLIK_DATA_DIR", data_dir)
            .env(pladsoverblik_core::clock::TODAY_VAR, E2E_TODAY)
            .env("GSETTINGS_BACKEND", "memory")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver is installed (make deps)");
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary }),
        );
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let url = format!("http://127.0.0.1:{port}");
        let connecting = builder.connect(&url);
        // An app that hangs while it starts (seen under libfaketime 0.9.10, whose
        // pthread_cond_destroy can deadlock inside gtk_init) never opens the session: give up
        // on it, end the driver's processes, and let `start` try a fresh one.
        let client = match tokio::time::timeout(SESSION_START, connecting).await {
            Ok(result) => result.map_err(|e| format!("{e:?}"))?,
            Err(_) => {
                driver.kill_descendants();
                return Err(format!(
                    "the session did not open within {} s",
                    SESSION_START.as_secs()
                ));
            }
        };
        Ok((client, driver))
    }

    /// Waits two animation frames, so screenshots show what the DOM says.
    pub async fn settle(&self) {
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
    }

    /// Saves a screenshot to the path in the environment variable `var`, if it is set (for
    /// looking at the window; the flows never depend on it).
    pub async fn screenshot_if(&self, var: &str) {
        if let Some(path) = std::env::var_os(var) {
            self.settle().await;
            std::fs::write(path, self.client.screenshot().await.unwrap()).unwrap();
        }
    }

    /// Saves a screenshot as `name` (e.g. `reports-spend.png`) in the folder named by the
    /// environment variable `var`, if it is set (docs/screenshots; the flows never depend on
    /// it).
    pub async fn screenshot_into(&self, var: &str, name: &str) {
        if let Some(dir) = std::env::var_os(var) {
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            self.settle().await;
            std::fs::write(dir.join(name), self.client.screenshot().await.unwrap()).unwrap();
        }
    }

    // Waiting, clicking and reading, shared by the end-to-end flows.
    /// The element matching `css`, waiting for it to appear. Any failed lookup is tried again
    /// until the E2E wait has passed (fantoccini's own wait gives up at once on an error other
    /// than "no such element", which was seen once under libfaketime), and the last error is
    /// named.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = std::time::Instant::now() + E2E_WAIT;
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(e) => return e,
                Err(err) if std::time::Instant::now() > deadline => {
                    panic!("{css} never appeared (last: {err})")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(150)).await,
            }
        }
    }

    pub async fn click(&self, css: &str) {
        // A list may re-render between finding a row and clicking it: find it again then.
        let deadline = std::time::Instant::now() + E2E_WAIT;
        loop {
            let e = self.find(css).await;
            // Scroll containers are not always scrolled by the driver itself.
            let scrolled = self
                .client
                .execute(
                    "arguments[0].scrollIntoView({block: 'center'});",
                    vec![serde_json::to_value(&e).unwrap()],
                )
                .await;
            let clicked = match scrolled {
                Ok(_) => e.click().await,
                Err(err) => Err(err),
            };
            match clicked {
                Ok(_) => return,
                Err(err) if std::time::Instant::now() > deadline => {
                    panic!("clicking {css}: {err:?}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(150)).await,
            }
        }
    }

    /// Clicks `css` until `expect` says `needle` (a list rendered again by a search that was
    /// still settling can swallow a click on its old row); returns the text.
    pub async fn click_until(&self, css: &str, expect: &str, needle: &str) -> String {
        let deadline = std::time::Instant::now() + E2E_WAIT;
        loop {
            self.click(css).await;
            let tried = std::time::Instant::now() + Duration::from_secs(3);
            while std::time::Instant::now() < tried {
                if let Ok(e) = self.client.find(Locator::Css(expect)).await {
                    let text = e.text().await.unwrap_or_default();
                    if text.contains(needle) {
                        return text;
                    }
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            if std::time::Instant::now() >= deadline {
                return self.wait_text(expect, needle).await;
            }
        }
    }

    /// Waits until the element's text contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = std::time::Instant::now() + E2E_WAIT;
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return text;
            }
            if std::time::Instant::now() >= deadline {
                // What the app said meanwhile, if anything (a refusal explains most waits).
                let message = match self.client.find(Locator::Css("#message")).await {
                    Ok(e) => e.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                panic!("{css} never said «{needle}»; it says «{text}»; #message says «{message}»");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Types `value` into the input or textarea matching `css`, replacing what it held. A form
    /// may re-render between finding the field and typing (the element goes stale): it is found
    /// again then, like `click` does.
    pub async fn type_into(&self, css: &str, value: &str) {
        self.retry_on(css, "typing into", |input| async move {
            self.client
                .execute(
                    "arguments[0].scrollIntoView({block: 'center'});",
                    vec![serde_json::to_value(&input).unwrap()],
                )
                .await?;
            input.clear().await?;
            input.send_keys(value).await
        })
        .await
    }

    /// Chooses the option with `value` in the select matching `css` (found again if it is
    /// replaced in between).
    pub async fn select(&self, css: &str, value: &str) {
        self.retry_on(css, &format!("choosing {value} in"), |e| async move {
            e.select_by_value(value).await
        })
        .await
    }

    /// Runs `act` on the element matching `css`, finding it again while the attempt fails
    /// (a stale or not yet interactable element), until the E2E wait has passed.
    async fn retry_on<F, Fut>(&self, css: &str, what: &str, act: F)
    where
        F: Fn(Element) -> Fut,
        Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
    {
        let deadline = std::time::Instant::now() + E2E_WAIT;
        loop {
            match act(self.find(css).await).await {
                Ok(()) => return,
                Err(err) if std::time::Instant::now() > deadline => panic!("{what} {css}: {err}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(150)).await,
            }
        }
    }

    /// The texts of the attribute `data-{key}` of every element matching `css`, in order.
    pub async fn data_of_all(&self, css: &str, key: &str) -> Vec<String> {
        let value = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.dataset[arguments[1]]);",
                vec![css.into(), key.into()],
            )
            .await
            .unwrap();
        serde_json::from_value(value).unwrap()
    }

    /// Opens report `kind` in the Rapporter list, types `year` (when given) and shows it.
    pub async fn run_report(&self, kind: &str, year: Option<&str>) {
        self.click(&format!("#report-tab-{kind}")).await;
        if let Some(y) = year {
            self.type_into(&format!("#report-{kind}-year"), y).await;
        }
        self.click(&format!("#report-{kind}-run")).await;
    }

    /// The text of report `kind`'s table cell in column `header` of the (first) row for `offer`.
    pub async fn report_cell(&self, kind: &str, offer: &str, header: &str) -> String {
        let value = self
            .client
            .execute(
                "const table = `#report-${arguments[2]} .report-table`;
                 const heads = Array.from(document.querySelectorAll(`${table} thead th`)).map(th => th.textContent);
                 const i = heads.indexOf(arguments[1]);
                 const row = document.querySelector(`${table} tr[data-offer='${arguments[0]}']`);
                 return i < 0 || !row ? null : row.cells[i].textContent;",
                vec![offer.into(), header.into(), kind.into()],
            )
            .await
            .unwrap();
        value
            .as_str()
            .unwrap_or_else(|| panic!("no cell «{header}» for {offer}"))
            .to_string()
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Runs xdotool with `args`; true when it succeeded.
fn xdotool(args: &[&str]) -> bool {
    Command::new("xdotool")
        .args(args)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The ids of the visible windows whose title matches `title`.
fn visible_windows(title: &str) -> Vec<String> {
    Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", title])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Types `text` into the focused GTK field. ASCII goes through `xdotool type`; any other letter
/// (æ, ø, å) as GTK's own Unicode entry, Ctrl+Shift+U, its hex code, space: `xdotool type`
/// would remap a spare key for it first, and GTK now and then reads the key before the new
/// map and drops the letter ("belgning" for "belægning").
fn type_text(text: &str) -> bool {
    let mut ascii = String::new();
    let flush = |ascii: &mut String| {
        let ok = ascii.is_empty() || xdotool(&["type", "--delay", "5", ascii.as_str()]);
        ascii.clear();
        ok
    };
    for c in text.chars() {
        if c.is_ascii() {
            ascii.push(c);
            continue;
        }
        if !flush(&mut ascii)
            || !xdotool(&["key", "--clearmodifiers", "ctrl+shift+u"])
            || !xdotool(&["type", "--delay", "5", &format!("{:x}", u32::from(c))])
            || !xdotool(&["key", "space"])
        {
            return false;
        }
    }
    flush(&mut ascii)
}

/// Answers a native GTK file dialog titled `title` as a user would, with the keyboard: focus
/// it (there is no window manager under Xvfb), `select_all` (the save dialog's name field)
/// or `ctrl+l` (the open dialog's location field), type `path`, Return.
pub async fn answer_file_dialog(title: &str, path: &str, save: bool) {
    let title = title.to_string();
    let path = path.to_string();
    let answered = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(15);
        let window = loop {
            if let Some(w) = visible_windows(&title).into_iter().next() {
                break w;
            }
            assert!(
                Instant::now() < deadline,
                "the dialog «{title}» never appeared"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        std::thread::sleep(Duration::from_millis(500));
        let visible = |w: &str| visible_windows(&title).iter().any(|v| v == w);
        // A dialog that stays open (the path was not taken) gets it typed again, up to three
        // times.
        for attempt in 1..=3 {
            assert!(xdotool(&["windowfocus", "--sync", &window]));
            let select = if save { "ctrl+a" } else { "ctrl+l" };
            assert!(xdotool(&["key", "--clearmodifiers", select]));
            if attempt > 1 {
                assert!(xdotool(&["key", "--clearmodifiers", "ctrl+a"]));
            }
            std::thread::sleep(Duration::from_millis(300));
            assert!(type_text(&path));
            std::thread::sleep(Duration::from_millis(300));
            assert!(xdotool(&["key", "Return"]));
            let gone = Instant::now() + Duration::from_secs(3);
            while visible(&window) && Instant::now() < gone {
                std::thread::sleep(Duration::from_millis(100));
            }
            if !visible(&window) {
                return;
            }
        }
        panic!("the dialog «{title}» did not take the path {path}");
    });
    tokio::time::timeout(Duration::from_secs(45), answered)
        .await
        .expect("the dialog was answered")
        .expect("the dialog was answered");
}
