//! Blocks of human numbers reserved on the server for this working copy (docs/server.md,
//! "Numbers"). A sync tops every series up when fewer than `REFILL_BELOW` numbers are left for
//! this year (and, from 1 December, next year), so a laptop can close checks and issue
//! contracts offline for weeks; numbers never collide, and a gap (a block reserved but not
//! kept because the connection broke) is harmless.

use chrono::{Datelike, NaiveDate};
use pladsoverblik_core::sync::{self, Series};
use pladsoverblik_core::{audit, Engine, Result};
use postgres::Client;
use rusqlite::Connection;

use crate::errors::query_error;

/// Numbers per reserved block.
pub const BLOCK_SIZE: i32 = 50;
/// A new block is reserved when fewer numbers than this are left.
pub const REFILL_BELOW: i64 = 20;

/// The years blocks are kept for on `today`: this one, and next from 1 December.
fn years(today: NaiveDate) -> Vec<i32> {
    if today.month() == 12 {
        vec![today.year(), today.year() + 1]
    } else {
        vec![today.year()]
    }
}

/// Reserves what is missing; returns the blocks reserved as "K-2026-0051 – K-2026-0100".
/// The working copy is locked only to read what is left and to store each block, never while
/// the server answers: a search or a save on this computer never waits for the network.
pub fn top_up(client: &mut Client, engine: &Engine, today: NaiveDate) -> Result<Vec<String>> {
    let (installation, wanted) = engine.with_db(|db| wanted(db.conn(), today))?;
    let mut reserved = Vec::new();
    if wanted.is_empty() {
        return Ok(reserved);
    }
    // A role that may not number anything (leder) reserves nothing.
    let may: bool = client
        .query_one(
            "SELECT has_function_privilege('plads.reserve_numbers(text, integer, integer, text)', 'EXECUTE')",
            &[],
        )
        .map_err(|e| query_error("da rettighederne på serveren skulle læses", &e))?
        .get(0);
    if !may {
        return Ok(reserved);
    }
    for (series, year) in wanted {
        let what = format!("da numre til {}-{year} skulle reserveres", series.code());
        let row = client
            .query_one(
                "SELECT first_no, last_no FROM plads.reserve_numbers($1, $2, $3, $4)",
                &[&series.code(), &year, &BLOCK_SIZE, &installation],
            )
            .map_err(|e| query_error(&what, &e))?;
        let (first, last): (i32, i32) = (row.get(0), row.get(1));
        engine.with_db(|db| {
            sync::store::add_block(
                db.conn(),
                series.code(),
                year,
                i64::from(first),
                i64::from(last),
                &audit::now_local(),
            )
        })?;
        reserved.push(format!(
            "{} – {}",
            series.format(year, i64::from(first)),
            series.format(year, i64::from(last))
        ));
    }
    Ok(reserved)
}

/// This copy's installation id and the series and years running low.
fn wanted(conn: &Connection, today: NaiveDate) -> Result<(String, Vec<(Series, i32)>)> {
    let installation = sync::installation_id(conn)?;
    let mut wanted = Vec::new();
    for year in years(today) {
        for series in Series::ALL {
            if sync::numbers_left(conn, series, year)? < REFILL_BELOW {
                wanted.push((series, year));
            }
        }
    }
    Ok((installation, wanted))
}
