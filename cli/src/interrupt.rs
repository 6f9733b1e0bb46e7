//! Ctrl-C during work that should end cleanly: the first one asks it to stop — a share
//! stops between files and posts what was imported, a web gallery revokes its links —
//! and the second quits at once. Quitting at once is safe: a share is journaled as
//! cancelled, and photos imported but not posted are posted by the next share of the
//! same files; a gallery's links end with their window.

use swarmroll_core::share::Cancel;
use tokio::sync::watch;

/// Exit status after an interrupt (128 + SIGINT), as shells expect.
pub const EXIT: u8 = 130;

/// Listens for Ctrl-C (and SIGTERM) while it lives.
pub struct Interrupt {
    cancel: Cancel,
    asked: watch::Receiver<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Interrupt {
    /// Starts listening; `stopping` is said at the first Ctrl-C.
    pub fn install(stopping: &'static str) -> Self {
        let cancel = Cancel::default();
        let (tx, asked) = watch::channel(false);
        let c = cancel.clone();
        let task = tokio::spawn(async move {
            crate::node::stopped().await;
            c.cancel();
            let _ = tx.send(true);
            eprintln!("\n{stopping} (Ctrl-C again to quit at once)");
            crate::node::stopped().await;
            eprintln!("Quit.");
            std::process::exit(i32::from(EXIT));
        });
        Interrupt { cancel, asked, task }
    }

    /// The share's cancel handle.
    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// Resolves once the user pressed Ctrl-C.
    pub async fn asked(&self) {
        let mut rx = self.asked.clone();
        let _ = rx.wait_for(|v| *v).await;
    }
}

impl Drop for Interrupt {
    fn drop(&mut self) {
        self.task.abort();
    }
}
