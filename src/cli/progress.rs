//! The progress line of long runs, drawn on standard error when it is a terminal:
//! `  checking coaching 12/42`, cleared when the API is done.

use crate::run::Listener;
use std::io::Write;
use std::time::{Duration, Instant};

/// Draws progress events on a terminal; silent when standard error is not one.
pub struct ProgressLine<'a> {
    err: &'a mut dyn Write,
    enabled: bool,
    started: Instant,
    drawn: bool,
}

/// Runs shorter than this show no progress line at all.
const QUIET_FOR: Duration = Duration::from_millis(300);

impl<'a> ProgressLine<'a> {
    /// A progress line on `err` when it is a terminal (never in the GitHub Actions log, which
    /// shows every redraw as a line).
    pub fn new(err: &'a mut dyn Write, enabled: bool) -> ProgressLine<'a> {
        ProgressLine {
            err,
            enabled: enabled && !crate::report::github::in_github_actions(),
            started: Instant::now(),
            drawn: false,
        }
    }
}

impl Listener for ProgressLine<'_> {
    fn api_started(&mut self, _api: &str, _requests: usize) {
        self.started = Instant::now();
    }

    fn exchange_checked(&mut self, api: &str, done: usize, total: usize) {
        if !self.enabled || self.started.elapsed() < QUIET_FOR && !(done == total && total > 20) {
            return;
        }
        let api = crate::text::escape_control(api, false);
        let _ = write!(self.err, "\r  checking {api} {done}/{total}");
        let _ = self.err.flush();
        self.drawn = true;
    }

    fn pages_walked(&mut self, api: &str, pages: usize) {
        if !self.enabled || self.started.elapsed() < QUIET_FOR {
            return;
        }
        let api = crate::text::escape_control(api, false);
        let _ = write!(
            self.err,
            "\r\x1b[2K  checking {api}: {pages} page(s) walked"
        );
        let _ = self.err.flush();
        self.drawn = true;
    }

    fn api_finished(&mut self, _api: &str) {
        if self.drawn {
            let _ = write!(self.err, "\r\x1b[2K");
            let _ = self.err.flush();
            self.drawn = false;
        }
    }
}
