//! The floor for `make bench`: an empty Tauri window built the same way as the app (same
//! crate, features, profile and WebKit settings), timed to its page load and measured for
//! memory.

use std::time::{SystemTime, UNIX_EPOCH};
use tauri::webview::PageLoadEvent;
use tauri::{WebviewUrl, WebviewWindowBuilder};

fn main() {
    pladsoverblik_app::prepare_webkit();
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    let result = tauri::Builder::default()
        .on_page_load(|_webview, payload| {
            if payload.event() == PageLoadEvent::Finished {
                if let Some(path) = std::env::var_os("PLADSOVERBLIK_READY_FILE") {
                    let nanos = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map(|d| d.as_nanos())
                        .unwrap_or(0);
                    let _ = std::fs::write(path, nanos.to_string());
                }
            }
        })
        .setup(|app| {
            WebviewWindowBuilder::new(app, "floor", WebviewUrl::App("empty.html".into()))
                .title("Pladsoverblik (tom)")
                .inner_size(1280.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
