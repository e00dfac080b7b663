//! Accessibility checks inside the real window: axe-core (vendored in `tests/vendor/axe-core`,
//! injected through WebDriver only here — the app never loads it) and the keyboard: keys sent
//! to whatever has focus, and where focus is afterwards (docs/accessibility.md).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test harness: failing loudly is the point

use crate::App;
use fantoccini::key::Key;
use serde_json::Value;
use std::time::Duration;

/// axe-core 4.14.1 from the npm registry (MPL-2.0, `tests/vendor/axe-core/LICENSE`).
const AXE: &str = include_str!("../vendor/axe-core/axe.min.js");

/// The rule set: every rule tagged with one of these runs; see `is_failure` for which of
/// their findings fail a test.
const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];
const WCAG: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// The live regions there may be: the message area; the search's one-line result count, the
/// settings dialog's backup and server lines and the top bar's server state, which are status
/// messages (WCAG 4.1.3).
const LIVE: [&str; 5] = [
    "#message",
    "#result-count",
    "#backup-note",
    "#sync-state",
    "#server-note",
];

/// A violation fails when a WCAG 2.1 A/AA rule found it, or a best-practice rule with impact
/// moderate or above.
fn is_failure(v: &Value) -> bool {
    let tags: Vec<&str> = v["tags"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if tags.iter().any(|t| WCAG.contains(t)) {
        return true;
    }
    matches!(
        v["impact"].as_str(),
        Some("moderate" | "serious" | "critical")
    )
}

/// One violation as a reader wants it: rule, impact, help, and each element's selector with
/// what axe says is wrong with it.
fn describe(state: &str, v: &Value) -> String {
    let mut out = format!(
        "[{state}] {} ({}): {}\n    {}",
        v["id"].as_str().unwrap_or("?"),
        v["impact"].as_str().unwrap_or("?"),
        v["help"].as_str().unwrap_or(""),
        v["helpUrl"].as_str().unwrap_or(""),
    );
    for n in v["nodes"].as_array().into_iter().flatten() {
        let target = n["target"].to_string();
        let summary = n["summary"].as_str().unwrap_or("").replace('\n', " ");
        out.push_str(&format!(
            "\n    - {target}: {summary}\n      {}",
            n["html"].as_str().unwrap_or("")
        ));
    }
    out
}

/// Findings of every state checked, kept until the end so one run shows them all.
#[derive(Default)]
pub struct Audit {
    pub states: Vec<String>,
    pub failures: Vec<String>,
}

impl Audit {
    /// Fails with every violation found, readably.
    pub fn assert_clean(&self) {
        assert!(
            self.failures.is_empty(),
            "axe-core found {} violation(s) in {} state(s) checked:\n\n{}",
            self.failures.len(),
            self.states.len(),
            self.failures.join("\n\n")
        );
    }
}

impl App {
    /// Runs axe-core on the window as it is now (after two animation frames) and records
    /// what fails under `state`.
    pub async fn axe(&self, audit: &mut Audit, state: &str) {
        self.settle().await;
        let loaded = self
            .client
            .execute("return typeof window.axe === 'object';", vec![])
            .await
            .unwrap();
        if loaded != Value::Bool(true) {
            self.client
                .execute(&format!("{AXE}\nreturn true;"), vec![])
                .await
                .expect("axe-core loads through WebDriver");
        }
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
              .then((r) => done(JSON.stringify(r.violations.map((v) => ({
                id: v.id, impact: v.impact, tags: v.tags, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary, html: n.html.slice(0, 240) })),
              })))))
              .catch((e) => done('ERROR ' + e));";
        let tags: Vec<Value> = TAGS.iter().map(|t| Value::from(*t)).collect();
        let result = self
            .client
            .execute_async(script, vec![Value::Array(tags)])
            .await
            .unwrap();
        let text = result.as_str().unwrap_or_default();
        assert!(!text.starts_with("ERROR"), "axe-core in «{state}»: {text}");
        let violations: Vec<Value> = serde_json::from_str(text).unwrap();
        audit.states.push(state.to_string());
        for v in violations.iter().filter(|v| is_failure(v)) {
            audit.failures.push(describe(state, v));
        }
        for region in self.live_regions().await {
            if !LIVE.contains(&region.as_str()) {
                audit.failures.push(format!(
                    "[{state}] live-region: {region} is a live region; only the message area is (docs/accessibility.md)"
                ));
            }
        }
    }

    /// Every live region in the page (`aria-live`, or a role that implies it), by `#id` (or
    /// its tag and classes when it has none).
    pub async fn live_regions(&self) -> Vec<String> {
        let v = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll(
                   '[aria-live]:not([aria-live=off]), [role=alert], [role=status], [role=log], [role=marquee], [role=timer], output'))
                   .map((e) => e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}.${e.className}`);",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    }

    /// Sends `key` to the element that has focus, as a keyboard would.
    pub async fn press(&self, key: Key) {
        self.type_keys(&key.to_string()).await;
    }

    /// Types `text` into the element that has focus.
    pub async fn type_keys(&self, text: &str) {
        let el = self.client.active_element().await.unwrap();
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into the focused element: {e}"));
        tokio::time::sleep(Duration::from_millis(30)).await;
    }

    /// Where focus is: id, role (explicit or the tag name), accessible name (aria-label,
    /// else aria-labelledby's text, else the text), e.g. `button#export-pdf «Eksportér PDF …»`.
    pub async fn focus(&self) -> Focus {
        let v = self
            .client
            .execute(
                "const e = document.activeElement;
                 if (!e) return null;
                 const byIds = (ids) => ids.split(/\\s+/).map((i) => document.getElementById(i)?.textContent ?? '').join(' ');
                 const name = e.getAttribute('aria-label')
                   ?? (e.getAttribute('aria-labelledby') ? byIds(e.getAttribute('aria-labelledby')) : null)
                   ?? (e.labels && e.labels.length ? e.labels[0].textContent : null)
                   ?? e.textContent;
                 return { id: e.id || '', role: e.getAttribute('role') || e.tagName.toLowerCase(),
                          name: (name || '').replace(/\\s+/g, ' ').trim(), key: e.closest('[data-id]')?.dataset.id || e.closest('[data-offer]')?.dataset.offer || '' };",
                vec![],
            )
            .await
            .unwrap();
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        Focus {
            id: text("id"),
            role: text("role"),
            name: text("name"),
            key: text("key"),
        }
    }

    /// Waits until focus is on the element with `id` (after a step that moves it, e.g. a
    /// re-render); fails with where it is instead.
    pub async fn focus_on(&self, id: &str) -> Focus {
        let deadline = std::time::Instant::now() + crate::E2E_WAIT;
        loop {
            let f = self.focus().await;
            if f.id == id {
                return f;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "focus never came to #{id}; it is on {f}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The focused element shows a focus ring (WCAG 2.4.7) of at least 2 px whose contrast
    /// against the background behind it is at least 3:1 (1.4.11); fails otherwise. Returns
    /// the contrast ratio.
    pub async fn assert_focus_ring(&self) -> f64 {
        let v = self
            .client
            .execute(
                "const e = document.activeElement;
                 const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
                 const lum = ([r, g, b]) => {
                   const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
                   return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
                 };
                 const s = getComputedStyle(e);
                 let bg = null;
                 for (let p = e.parentElement; p && !bg; p = p.parentElement) {
                   const c = rgb(getComputedStyle(p).backgroundColor);
                   if (c.length >= 3 && (c.length === 3 || c[3] > 0)) bg = c;
                 }
                 bg = bg || [255, 255, 255];
                 const ring = rgb(s.outlineColor);
                 const [a, b] = [lum(ring), lum(bg)].sort((x, y) => y - x);
                 return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), ratio: (a + 0.05) / (b + 0.05),
                          what: `${e.tagName.toLowerCase()}#${e.id} ${e.type || ''}`, ring: s.outlineColor, bg: String(bg) };",
                vec![],
            )
            .await
            .unwrap();
        let ratio = v["ratio"].as_f64().unwrap_or(0.0);
        assert!(
            v["style"] != "none" && v["width"].as_f64().unwrap_or(0.0) >= 2.0 && ratio >= 3.0,
            "no visible focus ring of ≥ 2 px and ≥ 3:1 on the focused element: {v}"
        );
        ratio
    }

    /// Chooses `value` in the focused select with the arrow keys (as many Down or Up presses
    /// as the options between; the index is read, the choice is made by keys only).
    pub async fn choose_with_arrows(&self, value: &str) {
        let delta = self
            .client
            .execute(
                "const s = document.activeElement;
                 if (!s || s.tagName !== 'SELECT') return null;
                 const to = Array.from(s.options).findIndex((o) => o.value === arguments[0]);
                 return to < 0 ? null : to - s.selectedIndex;",
                vec![value.into()],
            )
            .await
            .unwrap();
        let delta = delta
            .as_i64()
            .unwrap_or_else(|| panic!("the focused element is no select with «{value}»"));
        let key = if delta >= 0 { Key::Down } else { Key::Up };
        let keys = key.to_string().repeat(delta.unsigned_abs() as usize);
        if !keys.is_empty() {
            self.type_keys(&keys).await;
        }
        let now = self
            .client
            .execute("return document.activeElement.value;", vec![])
            .await
            .unwrap();
        assert_eq!(
            now.as_str(),
            Some(value),
            "the arrow keys chose another option"
        );
    }

    /// Replaces what the focused field holds with `text` (Ctrl+A, then typing).
    pub async fn retype(&self, text: &str) {
        self.type_keys(&format!("{}a{}", Key::Control, Key::Control))
            .await;
        self.type_keys(text).await;
    }

    /// Presses Tab (or Shift+Tab when `back`) until the focused element matches `css`, at
    /// most `max` times; the number of presses it took. Fails with the way focus went.
    pub async fn tab_until(&self, css: &str, max: usize, back: bool) -> usize {
        let mut seen = Vec::new();
        for i in 1..=max {
            if back {
                self.type_keys(&format!("{}{}", Key::Shift, Key::Tab)).await;
            } else {
                self.press(Key::Tab).await;
            }
            let matches = self
                .client
                .execute(
                    "return !!document.activeElement && document.activeElement.matches(arguments[0]);",
                    vec![css.into()],
                )
                .await
                .unwrap();
            if matches == Value::Bool(true) {
                return i;
            }
            seen.push(self.focus().await.to_string());
        }
        panic!(
            "{css} not reached in {max} presses of {}; focus went: {}",
            if back { "Shift+Tab" } else { "Tab" },
            seen.join(" → ")
        );
    }
}

/// The focused element as the tests see it.
#[derive(Debug, Default)]
pub struct Focus {
    pub id: String,
    pub role: String,
    pub name: String,
    /// The `data-id` or `data-offer` of its row, when it is in one.
    pub key: String,
}

impl std::fmt::Display for Focus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{} «{}»", self.role, self.id, self.name)?;
        if !self.key.is_empty() {
            write!(f, " [{}]", self.key)?;
        }
        Ok(())
    }
}
