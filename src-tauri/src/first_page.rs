//! The start page served with its first results already in it: the rows, the count and
//! "Vis flere" of the search the page makes first (the empty form), from the search index at
//! hand (the file of the last start, or the built one). The results are then on screen at the
//! page's first paint, before its scripts have loaded (about 100 ms sooner with 100.000
//! offers: docs/benchmarks-changes.md, round 13). The page searches as before and renders
//! the same rows in their place; `ui/views/search.js` compares the two on its first render
//! and logs when they differ (the window's tests fail then). The header comes with the
//! catalogue's date (and the example's mark) as the page writes them once it has asked, so it
//! does not show "…" until then. On the very first start there is no index yet, and the page
//! comes as it is.

use std::borrow::Cow;

use pladsoverblik_core::catalogue::CatalogueInfo;
use pladsoverblik_core::fmt;
use pladsoverblik_core::search::{SearchHit, SearchResult};
use pladsoverblik_core::search_form::SearchForm;
use pladsoverblik_core::Engine;
use rust_decimal::Decimal;
use tauri::http::{Request, Response};
use tauri::{AppHandle, Manager, Runtime};

/// Rows per page, as the page asks (`PAGE` in `ui/views/search.js`).
const PAGE: usize = 50;

/// Where the page's parts begin (Tauri serves the page as its HTML parser writes it back, so
/// only the start of each opening tag is relied on: `hidden` comes as `hidden=""`).
const COUNT: &str = r#"<p id="result-count""#;
const TABLE: &str = r#"<table id="results""#;
const MORE: &str = r#"<button id="more""#;
const DATE: &str = r#"<span id="catalogue-date""#;
const EXAMPLE: &str = r#"<span id="example-marker""#;

/// A response of the app's own protocol, as Tauri hands it to the hook.
type Served = Response<Cow<'static, [u8]>>;

/// The hook for the window's web resource requests: the start page gets its first results.
pub fn on_request<R: Runtime>(
    app: AppHandle<R>,
) -> impl Fn(Request<Vec<u8>>, &mut Served) + Send + Sync + 'static {
    move |request, response| {
        if !matches!(request.uri().path(), "/" | "/index.html") {
            return;
        }
        let Some(engine) = app.try_state::<Engine>() else {
            return;
        };
        if let Some(page) = first_results(&engine).and_then(|r| served(response.body(), &r)) {
            let page = match engine.info(crate::today()) {
                Ok(info) => with_header(page, &info),
                Err(_) => page,
            };
            *response.body_mut() = Cow::Owned(page.into_bytes());
        }
    }
}

/// The page's first search (the empty form), when an index is at hand.
fn first_results(engine: &Engine) -> Option<SearchResult> {
    let form = SearchForm {
        sort: "relevance".into(),
        limit: Some(PAGE),
        ..SearchForm::default()
    };
    let query = form.parse().ok()?;
    engine.search_if_ready(&query, crate::today()).ok()?
}

/// `html` with `result` in it; `None` when there is nothing to show or the page does not
/// have the places for it (then it is served as it is).
fn served(html: &[u8], result: &SearchResult) -> Option<String> {
    if result.hits.is_empty() {
        return None;
    }
    let html = std::str::from_utf8(html).ok()?;
    let count = Element::find(html, 0, COUNT, "</p>")?;
    let table = html.find(TABLE)?;
    let body = Element::find(html, table, "<tbody", "</tbody>")?;
    let more = Element::find(html, body.end, MORE, "</button>")?;
    let empty = |e: &Element| html[e.inner..e.close].trim().is_empty();
    if !(count.end <= table && empty(&count) && empty(&body)) {
        return None;
    }
    let mut out = String::with_capacity(html.len() + 600 * result.hits.len());
    out.push_str(&html[..count.inner]);
    out.push_str(&escape(&count_text(result), false));
    out.push_str(&html[count.close..body.inner]);
    for hit in &result.hits {
        row(&mut out, hit);
    }
    out.push_str(&html[body.close..more.start]);
    let rest = result.total.saturating_sub(result.hits.len());
    if rest == 0 {
        out.push_str(&html[more.start..more.end]);
    } else {
        out.push_str(&shown(&html[more.start..more.inner]));
        out.push_str("Vis ");
        out.push_str(&thousands(rest.min(PAGE)));
        out.push_str(" flere");
        out.push_str(&html[more.close..more.end]);
    }
    out.push_str(&html[more.end..]);
    Some(out)
}

/// `page` with the header as `refreshHeader` (`ui/main.js`) writes it: the catalogue's date,
/// and the example's mark shown for the bundled example (the date's tooltip comes with the
/// scripts). As it is when the page does not have the places.
fn with_header(page: String, info: &CatalogueInfo) -> String {
    let Some(date) = Element::find(&page, 0, DATE, "</span>") else {
        return page;
    };
    let Some(example) = Element::find(&page, date.end, EXAMPLE, "</span>") else {
        return page;
    };
    let mut out = String::with_capacity(page.len() + 64);
    out.push_str(&page[..date.inner]);
    out.push_str(&escape(&info.extracted_text, false));
    out.push_str(&page[date.close..example.start]);
    let open = &page[example.start..example.inner];
    match info.is_example {
        true => out.push_str(&shown(open)),
        false => out.push_str(open),
    }
    out.push_str(&page[example.inner..]);
    out
}

/// An opening tag without its `hidden` attribute (as Tauri serves it, or as written).
fn shown(open: &str) -> String {
    open.replace(r#" hidden="""#, "").replace(" hidden", "")
}

/// An element of the page by where its opening tag starts: the byte offsets of its start,
/// its content (after the opening tag), its closing tag and its end.
struct Element {
    start: usize,
    inner: usize,
    close: usize,
    end: usize,
}

impl Element {
    /// The first element at or after `from` whose opening tag starts with `open`, closed by
    /// the first `close` after it (the page's parts hold no element of their own kind).
    fn find(html: &str, from: usize, open: &str, close: &str) -> Option<Element> {
        let start = from + html.get(from..)?.find(open)?;
        let inner = start + html[start..].find('>')? + 1;
        let close_at = inner + html[inner..].find(close)?;
        Some(Element {
            start,
            inner,
            close: close_at,
            end: close_at + close.len(),
        })
    }
}

/// "100.000 tilbud – viser de første 50", as the page writes it.
fn count_text(result: &SearchResult) -> String {
    let count = fmt::count(result.total, "tilbud", "tilbud");
    if result.total > result.hits.len() {
        format!("{count} – viser de første {}", thousands(result.hits.len()))
    } else {
        count
    }
}

fn thousands(n: usize) -> String {
    fmt::number(Decimal::from(n), 0)
}

/// One result row, element for element and attribute for attribute as the page's `render`
/// builds it (the page compares them).
fn row(out: &mut String, hit: &SearchHit) {
    let text = |out: &mut String, s: &str| out.push_str(&escape(s, false));
    let attr = |s: &str| escape(s, true).into_owned();
    out.push_str(&format!(
        r#"<tr data-id="{}"><td><div class="offer-name"><button type="button" class="row-open">"#,
        attr(&hit.id)
    ));
    text(out, &hit.name);
    out.push_str("</button></div>");
    for m in &hit.most_specialised {
        let class = if m.expired {
            "specialised-mark expired"
        } else {
            "specialised-mark"
        };
        out.push_str(&format!(
            r#"<span class="{class}" title="{}" data-agreement="{}">"#,
            attr(&format!("{}. {}", m.text, m.status_text)),
            attr(&m.agreement_id)
        ));
        text(out, &m.label);
        out.push_str("</span>");
    }
    out.push_str(r#"<div class="sub">"#);
    text(out, &format!("{} · {}", hit.city, hit.text.age));
    out.push_str(&format!(
        r#"</div></td><td><span class="badge {}">"#,
        hit.operator_type.code()
    ));
    text(out, &hit.text.operator_type);
    out.push_str(r#"</span><div class="sub">"#);
    text(out, &hit.operator_name);
    out.push_str("</div></td><td>");
    text(out, &hit.text.legal_bases);
    let free = if hit.free_places.unwrap_or(0) > 0 {
        "free"
    } else {
        "free none"
    };
    out.push_str(&format!(r#"</td><td><span class="{free}">"#));
    text(out, &hit.text.free_places);
    let stale = if hit.free_stale { "sub stale" } else { "sub" };
    out.push_str(&format!(r#"</span><div class="{stale}">"#));
    text(out, &hit.text.free_as_of);
    out.push_str(r#"</div></td><td class="num" title="pr. døgn ekskl. moms">"#);
    text(out, &hit.text.daily_rate_short);
    out.push_str(r#"</td><td class="num">"#);
    text(out, &hit.text.distance);
    out.push_str("</td></tr>");
}

/// Text as HTML: `&`, `<` and `>` always, `"` in an attribute.
fn escape(s: &str, attribute: bool) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // test code
mod tests {
    use super::*;

    const PAGE_HTML: &str = include_str!("../../ui/index.html");

    fn result(total: usize, names: &[&str]) -> SearchResult {
        let engine = Engine::open_in_memory().unwrap();
        let today = crate::today();
        let mut r = engine
            .search(&SearchForm::default().parse().unwrap(), today)
            .unwrap();
        let template = r.hits[0].clone();
        r.hits = names
            .iter()
            .enumerate()
            .map(|(i, n)| SearchHit {
                id: format!("T-{i}"),
                name: n.to_string(),
                ..template.clone()
            })
            .collect();
        r.total = total;
        r
    }

    /// The page as Tauri serves it: its HTML parser writes `hidden` back as `hidden=""`.
    fn as_served() -> String {
        PAGE_HTML.replace(" hidden>", r#" hidden="">"#)
    }

    #[test]
    fn the_page_has_the_places_and_gets_rows_count_and_more() {
        for html in [PAGE_HTML.to_string(), as_served()] {
            let page = served(html.as_bytes(), &result(100_000, &["Bo & Co", "A"])).unwrap();
            let count = "100.000 tilbud – viser de første 2";
            assert!(page.contains(&format!(
                r#"<p id="result-count" class="result-count" role="status">{count}</p>"#
            )));
            assert!(page.contains(r#"<tr data-id="T-0"><td><div class="offer-name"><button type="button" class="row-open">Bo &amp; Co</button></div>"#));
            assert_eq!(page.matches("<tr data-id=").count(), 2);
            assert!(page.contains(
                r#"<button id="more" type="button" class="secondary more">Vis 50 flere</button>"#
            ));
            // Only the results' table: the checks' and contracts' lists stay empty.
            assert_eq!(
                page.matches("<tbody></tbody>").count(),
                html.matches("<tbody></tbody>").count() - 1
            );
            // Up to the rows, everything else as it was.
            let rows = page.find("<tr data-id=").unwrap();
            let before_rows = page[..rows].replacen(count, "", 1);
            assert!(html.starts_with(&before_rows));
        }
    }

    #[test]
    fn all_shown_keeps_more_hidden_and_nothing_found_serves_the_page_as_it_is() {
        for html in [PAGE_HTML.to_string(), as_served()] {
            let page = served(html.as_bytes(), &result(1, &["Én"])).unwrap();
            assert!(page.contains(r#"role="status">1 tilbud</p>"#));
            let more = &page[page.find(MORE).unwrap()..];
            assert!(more
                .starts_with(r#"<button id="more" type="button" class="secondary more" hidden"#));
            assert!(served(html.as_bytes(), &result(0, &[])).is_none());
        }
        assert!(served(b"<html>other</html>", &result(1, &["Én"])).is_none());
        // Rows already in the table: not served twice.
        let full = PAGE_HTML.replacen("<tbody></tbody>", "<tbody><tr></tr></tbody>", 1);
        assert!(served(full.as_bytes(), &result(1, &["Én"])).is_none());
    }

    #[test]
    fn the_header_has_the_catalogues_date_and_the_examples_mark() {
        let info = |is_example: bool| {
            let mut info = Engine::open_in_memory()
                .unwrap()
                .info(crate::today())
                .unwrap();
            info.extracted_text = "Katalog pr. 01.11.2026 <&>".into();
            info.is_example = is_example;
            info
        };
        let date =
            r#"<span id="catalogue-date" class="catalogue-date" title="Katalogets udtræksdato">"#;
        let mark = r#"<span id="example-marker" class="example-marker""#;
        for html in [PAGE_HTML.to_string(), as_served()] {
            assert!(html.contains(&format!("{date}…</span>")));
            let page = with_header(html.clone(), &info(true));
            assert!(page.contains(&format!(
                "{date}Katalog pr. 01.11.2026 &lt;&amp;&gt;</span>"
            )));
            assert!(page.contains(&format!("{mark}>Eksempeldata</span>")));
            let page = with_header(html.clone(), &info(false));
            assert!(page.contains(&format!(
                "{date}Katalog pr. 01.11.2026 &lt;&amp;&gt;</span>"
            )));
            assert!(!page.contains(&format!("{mark}>Eksempeldata</span>")));
            assert!(page.contains(mark));
            // Everything after the mark as it was.
            let tail = &html[html.find(mark).unwrap()..];
            let tail = &tail[tail.find('>').unwrap()..];
            assert!(page.ends_with(tail));
        }
        let other = "<html>other</html>".to_string();
        assert_eq!(with_header(other.clone(), &info(true)), other);
    }

    #[test]
    fn text_is_never_markup() {
        assert_eq!(
            escape("<b>\"x\" & y</b>", false),
            "&lt;b&gt;\"x\" &amp; y&lt;/b&gt;"
        );
        assert_eq!(escape("\"x\"", true), "&quot;x&quot;");
        assert!(matches!(escape("Kildevang", true), Cow::Borrowed(_)));
    }
}
