//! Logs on standard error: warnings by default, more with `-v` (`-vv`, `-vvv`) or
//! `RUST_LOG`. The core never logs user content (captions, comments, file names, keys);
//! the libraries under it are held at `error` unless asked, since some of them name
//! files at lower levels.

use tracing_subscriber::EnvFilter;

/// Our own crates.
const OURS: &[&str] = &["swarmroll", "swarmroll_core"];

/// Installs the subscriber: `RUST_LOG` if set, else the level `verbose` asks for.
pub fn init(verbose: u8) {
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => EnvFilter::new(spec),
        _ => EnvFilter::new(default_spec(verbose)),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(verbose > 0)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// `error` for libraries and `warn` for ours by default; each `-v` a step more.
fn default_spec(verbose: u8) -> String {
    let (ours, theirs) = match verbose {
        0 => ("warn", "error"),
        1 => ("info", "warn"),
        2 => ("debug", "warn"),
        _ => ("trace", "info"),
    };
    let mut spec = theirs.to_owned();
    for c in OURS {
        spec.push_str(&format!(",{c}={ours}"));
    }
    spec
}

#[cfg(test)]
mod tests {
    #[test]
    fn levels() {
        assert_eq!(super::default_spec(0), "error,swarmroll=warn,swarmroll_core=warn");
        assert_eq!(super::default_spec(2), "warn,swarmroll=debug,swarmroll_core=debug");
    }
}
