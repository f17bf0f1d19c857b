//! Local dates and times as the original writes them.

/// The instant a command reads the organization at, and the zone it writes dates in (`TZ`
/// honoured): the local-time texts of `token list` and `access`.
pub struct Clock {
    pub now: jiff::Timestamp,
    pub zone: jiff::tz::TimeZone,
}

impl Clock {
    pub fn system() -> Self {
        Self {
            now: jiff::Timestamp::now(),
            zone: jiff::tz::TimeZone::system(),
        }
    }

    pub fn local_date(&self, at: jiff::Timestamp) -> String {
        at.to_zoned(self.zone.clone())
            .strftime("%Y-%m-%d")
            .to_string()
    }

    /// `token list`'s local-time text of an instant as sent (`2025-07-14 14:39:06`); kept as
    /// sent when it is not an instant.
    pub fn local_time(&self, raw: &str) -> String {
        raw.parse::<jiff::Timestamp>().map_or_else(
            |_| raw.to_owned(),
            |at| {
                at.to_zoned(self.zone.clone())
                    .strftime("%Y-%m-%d %H:%M:%S")
                    .to_string()
            },
        )
    }
}
