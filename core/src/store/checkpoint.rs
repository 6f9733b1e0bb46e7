//! Copying the write-ahead log into the database file on a thread of its own.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on
//! the writer's thread: during a catch-up it was a third of the writer's time (every
//! event's bytes are written to the WAL, then read back and written again into the
//! database). Here a WAL hook on the writer notes how many pages the WAL holds after each
//! commit (which also turns SQLite's automatic checkpoint off); past SQLite's usual mark
//! the writer nudges this thread, which runs a passive checkpoint on its own connection —
//! concurrently with further writes, as WAL allows. Small commits (a comment, opening
//! the store) do not wake it. Should the thread fall behind, the writer checkpoints by
//! itself at a higher mark, so the WAL stays bounded.
//!
//! Crash safety is SQLite's: a checkpoint can be cut off at any point and the WAL still
//! holds every committed transaction.

use rusqlite::Connection;
use std::cell::Cell;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// WAL pages past which the thread is woken: SQLite's own automatic checkpoint mark.
const NUDGE_PAGES: i32 = 1_000;

/// WAL pages at which the writer checkpoints by itself (64 MB of 4 KB pages).
const BACKSTOP_PAGES: i32 = 16_384;

/// Least time between two background checkpoints: commits in between share one.
const SPACING: Duration = Duration::from_millis(50);

thread_local! {
    /// Pages in the WAL after the last commit on this thread (set by the writer's hook).
    static WAL_PAGES: Cell<i32> = const { Cell::new(0) };
}

fn note_pages(_: &rusqlite::hooks::Wal, pages: std::os::raw::c_int) -> rusqlite::Result<()> {
    WAL_PAGES.set(pages);
    Ok(())
}

#[derive(Default)]
struct Signal {
    /// (a commit happened since the last checkpoint, the store is closing)
    state: Mutex<(bool, bool)>,
    cond: Condvar,
}

/// The checkpointing thread of a store; stopped and joined when dropped.
pub(super) struct Checkpointer {
    signal: Arc<Signal>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path`. `None` if its connection cannot be
    /// opened (the writer's automatic checkpoint then does the work, as before).
    pub(super) fn start(path: &Path) -> Option<Self> {
        let conn = Connection::open(path).ok()?;
        conn.busy_timeout(Duration::from_secs(5)).ok()?;
        let signal = Arc::new(Signal::default());
        let theirs = Arc::clone(&signal);
        let thread = std::thread::Builder::new()
            .name("swarmroll-checkpoint".into())
            .spawn(move || run(&conn, &theirs))
            .ok()?;
        Some(Checkpointer { signal, thread: Some(thread) })
    }

    /// Hooks `writer`, the store's writing connection, so commits report the WAL's size.
    pub(super) fn watch(writer: &Connection) {
        writer.wal_hook(Some(note_pages));
    }

    /// After a commit on `writer` (on this thread): wakes the thread if the WAL has grown
    /// past the usual mark, and checkpoints right here if it is far past it.
    pub(super) fn committed(&self, writer: &Connection) {
        let pages = WAL_PAGES.replace(0);
        if pages >= BACKSTOP_PAGES {
            if let Err(e) = writer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                tracing::debug!(error = %e, "a checkpoint failed");
            }
        } else if pages >= NUDGE_PAGES {
            self.nudge();
        }
    }

    fn nudge(&self) {
        let mut state = self.signal.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !state.0 {
            state.0 = true;
            self.signal.cond.notify_one();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.signal.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).1 = true;
        self.signal.cond.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(conn: &Connection, signal: &Signal) {
    loop {
        {
            let mut state = signal.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            while !state.0 && !state.1 {
                state = signal.cond.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            if state.1 {
                return;
            }
            state.0 = false;
        }
        // Passive: never waits for readers or the writer; what it cannot copy now is
        // copied next time.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!(error = %e, "a background checkpoint failed");
        }
        std::thread::sleep(SPACING);
    }
}
