//! Outside text in logs, capped: a header or an error message from outside can be any
//! size, and a log line must not grow with it (a 300 KB `webhook-id` once added 300 KB
//! to the log).

use std::fmt;

/// The most characters of outside text a log line carries.
pub const MAX_LOGGED_CHARS: usize = 200;

/// Displays at most [`MAX_LOGGED_CHARS`] characters of the text, then how much was cut.
#[derive(Debug, Clone, Copy)]
pub struct Capped<'a>(&'a str);

/// `text`, capped for a log line (outside text is never logged any other way).
pub fn capped(text: &str) -> Capped<'_> {
    Capped(text)
}

impl fmt::Display for Capped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(MAX_LOGGED_CHARS) {
            None => f.write_str(self.0),
            Some((cut, _)) => write!(
                f,
                "{}... ({} more bytes)",
                &self.0[..cut],
                self.0.len() - cut
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_is_cut_with_a_note() {
        assert_eq!(capped("msg_2Kd").to_string(), "msg_2Kd");
        let long = "é".repeat(150_000);
        let shown = capped(&long).to_string();
        assert!(shown.len() < 500, "{} bytes", shown.len());
        assert!(shown.starts_with(&"é".repeat(MAX_LOGGED_CHARS)));
        assert!(shown.ends_with("(299600 more bytes)"), "{shown}");
    }
}
