//! Figures as the messages say them.

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::store::Totals;

/// `7 days`, `12 hours`, `30 minutes`, `90 seconds`.
pub fn age(age: Duration) -> String {
    let secs = age.as_secs();
    let (n, unit) = match secs {
        s if s >= 86_400 && s % 86_400 == 0 => (s / 86_400, "day"),
        s if s >= 3600 && s % 3600 == 0 => (s / 3600, "hour"),
        s if s >= 60 && s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// `1.0 GiB`, `512.0 MiB`, `300 B`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    if value < 1024.0 {
        return format!("{bytes} B");
    }
    let mut unit = "B";
    for next in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    format!("{value:.1} {unit}")
}

/// The closing summary of `serve`.
pub fn totals(totals: &Totals) -> String {
    let get = |counter: &std::sync::atomic::AtomicU64| counter.load(Ordering::Relaxed);
    format!(
        "stored {} spans, {} events and {} metric points in {} commits; {} requests answered busy (retryable), {} \
         failed to store (retryable), {} traces removed by retention",
        get(&totals.spans),
        get(&totals.logs),
        get(&totals.points),
        get(&totals.commits),
        get(&totals.refused_busy),
        get(&totals.failed),
        get(&totals.evicted_traces)
    )
}

/// `90s`, `30m`, `12h`, `7d`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 =
        number.parse().map_err(|_| format!("{text:?} is not a duration: expected e.g. 90s, 30m, 12h, 7d"))?;
    let seconds = match unit {
        "ms" => number / 1000.0,
        "s" | "" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        "d" => number * 86_400.0,
        _ => return Err(format!("{text:?}: unknown unit {unit:?}; use ms, s, m, h or d")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{text:?} is not a duration this side of forever"))
}

/// `1GiB`, `500MB`, `64KiB`, `1000000`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("{text:?} is not a size: expected e.g. 500MB or 2GiB"))?;
    let factor: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("{text:?}: unknown unit {unit:?}; use B, KB, MB, GB, KiB, MiB or GiB")),
    };
    Ok((number * factor) as u64)
}
