//! The date forms of SGML newswire families.

use strata_format::Date;

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/// What a date field says: a date, or something shaped like one that names
/// no real day (a warning), or nothing recognisable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A real calendar day.
    Date(Date),
    /// Shaped like a date, but not a day (`1987-02-30`).
    Invalid,
    /// No date form recognised.
    None,
}

fn ymd(y: &str, m: &str, d: &str) -> Parsed {
    match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).map_or(Parsed::Invalid, Parsed::Date),
        _ => Parsed::None,
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// A date element's content: `26-FEB-1987 15:01:01.79` (Reuters),
/// `2000-01-08 01:42` and `2005-01-01` (ISO), `03/14/1998 10:36:00`
/// (TREC, US order), `19980601` (compact).
pub fn parse_date_field(s: &str) -> Parsed {
    let first = s.split_whitespace().next().unwrap_or("");
    let parts: Vec<&str> = first.split(['-', '/']).collect();
    match parts.as_slice() {
        [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => ymd(y, m, d),
        [d, mon, y] if digits(y, 4) && mon.len() == 3 && (1..=2).contains(&d.len()) => {
            match MONTHS.iter().position(|m| m.eq_ignore_ascii_case(mon)) {
                Some(m) => ymd(y, &(m + 1).to_string(), d),
                None => Parsed::None,
            }
        }
        [m, d, y]
            if first.contains('/') && digits(y, 4) && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) =>
        {
            ymd(y, m, d)
        }
        [compact] if digits(compact, 8) => ymd(&compact[..4], &compact[4..6], &compact[6..]),
        _ => Parsed::None,
    }
}

/// The date inside a document id such as `AFP_ENG_20050101.0001` or
/// `APW19980601.0003`: the first run of exactly eight digits that is a
/// real day between 1900 and 2099.
pub fn date_from_id(id: &str) -> Option<Date> {
    id.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 8)
        .filter_map(|run| match ymd(&run[..4], &run[4..6], &run[6..]) {
            Parsed::Date(d) if (1900..=2099).contains(&d.year()) => Some(d),
            _ => None,
        })
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Parsed {
        Parsed::Date(Date::new(y, m, day).unwrap())
    }

    #[test]
    fn every_family_form() {
        assert_eq!(parse_date_field("26-FEB-1987 15:01:01.79"), d(1987, 2, 26));
        assert_eq!(parse_date_field(" 2000-01-08 01:42 "), d(2000, 1, 8));
        assert_eq!(parse_date_field("03/14/1998 10:36:00"), d(1998, 3, 14));
        assert_eq!(parse_date_field("1-MAR-1987"), d(1987, 3, 1));
        assert_eq!(parse_date_field("19980601"), d(1998, 6, 1));
        assert_eq!(parse_date_field("30-FEB-1987 10:00"), Parsed::Invalid);
        assert_eq!(parse_date_field("13/14/1998"), Parsed::Invalid);
        assert_eq!(parse_date_field("yesterday"), Parsed::None);
        assert_eq!(parse_date_field(""), Parsed::None);
    }

    #[test]
    fn dates_inside_ids() {
        assert_eq!(date_from_id("AFP_ENG_20050101.0001"), Date::new(2005, 1, 1));
        assert_eq!(date_from_id("APW19980601.0003"), Date::new(1998, 6, 1));
        assert_eq!(date_from_id("NYT19980315.0001"), Date::new(1998, 3, 15));
        assert_eq!(date_from_id("FT911-1"), None);
        assert_eq!(date_from_id("X_99999999"), None);
    }
}
