//! Values typed on the command line outside the core's forms: a day and a place.

use pladsoverblik_core::geo::{self, Point};
use pladsoverblik_core::Result;

pub use pladsoverblik_core::search_form::date;

/// A municipality (code or name) or a point.
pub fn origin(input: &str) -> Result<Point> {
    if input.chars().any(|c| c.is_ascii_digit()) && (input.contains(',') || input.contains(' ')) {
        return Point::parse(input);
    }
    let m = geo::find_municipality(input)?;
    Ok(Point {
        lat: m.lat,
        lon: m.lon,
    })
}
