//! Progress: an indicatif bar on a terminal, plain log lines on stderr otherwise.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Reports files as they finish.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    done: usize,
    pages: u64,
    started: Instant,
}

impl Progress {
    /// A reporter for `total` files: a bar when stderr is a terminal and `quiet` is off.
    pub fn new(total: usize, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal() && total > 0).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:32.cyan/blue} {pos}/{len} files · {msg} · ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("█▉▊▋▌▍▎▏ ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
            pages: 0,
            started: Instant::now(),
        }
    }

    /// A line for the log (above the bar on a terminal).
    pub fn log(&self, line: &str) {
        match &self.bar {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// One file finished.
    pub fn file_done(&mut self, path: &str, pages: u32, error: Option<&str>, took: Duration) {
        self.done += 1;
        self.pages += u64::from(pages);
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = self.pages as f64 / secs;
        match &self.bar {
            Some(b) => {
                b.set_position(self.done as u64);
                b.set_message(format!("{} pages · {rate:.0} pages/s", self.pages));
                if let Some(e) = error {
                    b.println(format!("error: {path}: {e}"));
                }
            }
            None => {
                let status = match error {
                    Some(e) => format!("error: {e}"),
                    None => format!("ok, {pages} pages"),
                };
                eprintln!(
                    "[{}/{}] {path}: {status} ({:.2} s; {} pages, {rate:.0} pages/s overall)",
                    self.done,
                    self.total,
                    took.as_secs_f64(),
                    self.pages
                );
            }
        }
    }

    /// Remove the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
