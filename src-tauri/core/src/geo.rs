//! Geography: the 98 municipalities with their official codes and coordinates, and the regions
//! as date-effective membership (Region Hovedstaden and Region Sjælland become Region Østdanmark
//! on 1 January 2027). The data is `assets/geography/municipalities.json`, embedded at build time.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use crate::error::{Error, Result};

const GEOGRAPHY_JSON: &str = include_str!("../../../assets/geography/municipalities.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Region {
    pub id: String,
    /// The official region code (1081–1085); none yet for Region Østdanmark.
    pub code: Option<u16>,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Membership {
    pub region: String,
    pub from: NaiveDate,
    /// Exclusive end date.
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Municipality {
    pub code: u16,
    pub name: String,
    /// The main town (seat of the town hall) and its postcode.
    pub town: String,
    pub postcode: String,
    pub lat: f64,
    pub lon: f64,
    pub regions: Vec<Membership>,
}

#[derive(Debug, Deserialize)]
pub struct Geography {
    pub source: String,
    pub regions: Vec<Region>,
    pub municipalities: Vec<Municipality>,
}

/// The embedded geography, parsed once. The file is part of the build and checked by tests,
/// so a parse failure can only come from a broken build; it then yields an empty geography
/// (and every lookup fails with a Danish message) rather than a panic.
pub fn geography() -> &'static Geography {
    static GEO: OnceLock<Geography> = OnceLock::new();
    GEO.get_or_init(|| {
        serde_json::from_str(GEOGRAPHY_JSON).unwrap_or_else(|_| Geography {
            source: String::new(),
            regions: Vec::new(),
            municipalities: Vec::new(),
        })
    })
}

pub fn municipality(code: u16) -> Option<&'static Municipality> {
    // Codes run from 101 to 860: a direct table beats a scan on the search's hot path.
    static BY_CODE: OnceLock<Vec<Option<usize>>> = OnceLock::new();
    let table = BY_CODE.get_or_init(|| {
        let mut t = vec![None; 1000];
        for (i, m) in geography().municipalities.iter().enumerate() {
            if let Some(slot) = t.get_mut(usize::from(m.code)) {
                *slot = Some(i);
            }
        }
        t
    });
    table
        .get(usize::from(code))
        .copied()
        .flatten()
        .and_then(|i| geography().municipalities.get(i))
}

pub fn region(id: &str) -> Option<&'static Region> {
    geography().regions.iter().find(|r| r.id == id)
}

impl Municipality {
    /// The region the municipality belongs to on `date`.
    pub fn region_on(&self, date: NaiveDate) -> Option<&'static Region> {
        self.regions
            .iter()
            .find(|m| m.from <= date && m.to.is_none_or(|to| date < to))
            .and_then(|m| region(&m.region))
    }
}

/// Codes of the municipalities that belong to region `id` on `date`.
pub fn municipalities_in_region(id: &str, date: NaiveDate) -> Vec<u16> {
    geography()
        .municipalities
        .iter()
        .filter(|m| m.region_on(date).is_some_and(|r| r.id == id))
        .map(|m| m.code)
        .collect()
}

/// Finds a municipality by code ("265") or by name, case-insensitively, with or without
/// "Kommune" ("roskilde", "Roskilde Kommune").
pub fn find_municipality(input: &str) -> Result<&'static Municipality> {
    let t = input.trim();
    if let Ok(code) = t.parse::<u16>() {
        return municipality(code)
            .ok_or_else(|| Error::Invalid(format!("Kommunekoden {code} findes ikke.")));
    }
    let lower = t.to_lowercase();
    let name = lower.strip_suffix(" kommune").unwrap_or(&lower).trim();
    geography()
        .municipalities
        .iter()
        .find(|m| m.name.to_lowercase() == name)
        .ok_or_else(|| Error::Invalid(format!("Kommunen «{t}» findes ikke.")))
}

/// Finds a region by id ("sjaelland") or name ("Region Sjælland", "sjælland").
pub fn find_region(input: &str) -> Result<&'static Region> {
    let lower = input.trim().to_lowercase();
    let name = lower.strip_prefix("region ").unwrap_or(&lower).trim();
    geography()
        .regions
        .iter()
        .find(|r| r.id == name || r.name.to_lowercase().strip_prefix("region ") == Some(name))
        .ok_or_else(|| Error::Invalid(format!("Regionen «{}» findes ikke.", input.trim())))
}

/// A point on the map (WGS84 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    /// Parses "55,64 12,08" / "55.64, 12.08" / "55.64;12.08".
    pub fn parse(input: &str) -> Result<Point> {
        let bad = || {
            Error::Invalid(format!(
                "Koordinaten «{}» kan ikke læses. Skriv breddegrad og længdegrad, fx 55.64, 12.08.",
                input.trim()
            ))
        };
        let normalised = input.trim().replace(';', " ");
        // "55,64 12,08" (Danish decimal commas separated by space) or "55.64, 12.08".
        let parts: Vec<String> = if normalised.contains('.') {
            normalised
                .split([',', ' '])
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        } else {
            normalised
                .split_whitespace()
                .map(|p| p.replace(',', "."))
                .collect()
        };
        if parts.len() != 2 {
            return Err(bad());
        }
        let lat: f64 = parts[0].parse().map_err(|_| bad())?;
        let lon: f64 = parts[1].parse().map_err(|_| bad())?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(bad());
        }
        Ok(Point { lat, lon })
    }
}

/// Great-circle distance in km (haversine, mean Earth radius).
pub fn distance_km(a: Point, b: Point) -> f64 {
    const R: f64 = 6371.0088;
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn all_98_municipalities_in_five_regions() {
        let g = geography();
        assert_eq!(g.municipalities.len(), 98);
        let on = day(2026, 12, 31);
        let count = |id| municipalities_in_region(id, on).len();
        assert_eq!(count("hovedstaden"), 29);
        assert_eq!(count("sjaelland"), 17);
        assert_eq!(count("syddanmark"), 22);
        assert_eq!(count("midtjylland"), 19);
        assert_eq!(count("nordjylland"), 11);
        assert_eq!(count("oestdanmark"), 0);
    }

    #[test]
    fn oestdanmark_from_2027() {
        let before = day(2026, 12, 31);
        let after = day(2027, 1, 1);
        assert_eq!(municipalities_in_region("oestdanmark", after).len(), 46);
        assert_eq!(municipalities_in_region("sjaelland", after).len(), 0);
        let roskilde = municipality(265).unwrap();
        assert_eq!(roskilde.region_on(before).unwrap().name, "Region Sjælland");
        assert_eq!(roskilde.region_on(after).unwrap().name, "Region Østdanmark");
        let odense = municipality(461).unwrap();
        assert_eq!(odense.region_on(after).unwrap().name, "Region Syddanmark");
    }

    #[test]
    fn finds_by_code_and_name() {
        assert_eq!(find_municipality("265").unwrap().name, "Roskilde");
        assert_eq!(find_municipality("roskilde kommune").unwrap().code, 265);
        assert_eq!(find_municipality("Høje-Taastrup").unwrap().code, 169);
        assert!(find_municipality("999")
            .unwrap_err()
            .to_string()
            .contains("999"));
        assert_eq!(find_region("Region Sjælland").unwrap().id, "sjaelland");
        assert_eq!(find_region("østdanmark").unwrap().id, "oestdanmark");
    }

    #[test]
    fn distances_are_plausible() {
        let roskilde = municipality(265).unwrap();
        let kbh = municipality(101).unwrap();
        let p = |m: &Municipality| Point {
            lat: m.lat,
            lon: m.lon,
        };
        let d = distance_km(p(roskilde), p(kbh));
        assert!((28.0..34.0).contains(&d), "Roskilde–København {d}");
        assert_eq!(distance_km(p(kbh), p(kbh)), 0.0);
    }

    #[test]
    fn parses_points() {
        assert_eq!(
            Point::parse("55.64, 12.08").unwrap(),
            Point {
                lat: 55.64,
                lon: 12.08
            }
        );
        assert_eq!(
            Point::parse("55,64 12,08").unwrap(),
            Point {
                lat: 55.64,
                lon: 12.08
            }
        );
        assert!(Point::parse("nord").is_err());
        assert!(Point::parse("95, 12").is_err());
    }
}
