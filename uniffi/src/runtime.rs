//! The one tokio runtime this library owns, and handles to the tasks it runs for the
//! apps' listeners.
//!
//! Async exports run their work on this runtime and await its join handle, so they work
//! from any foreign executor (Kotlin coroutines, Swift concurrency, Python's asyncio)
//! without those knowing about tokio. A panic inside becomes
//! [`SwarmrollError::Internal`]. Work outlives a cancelled foreign call: the caller stops
//! waiting, the core finishes what it started (half an import is worse than a whole one).

use crate::error::{panicked, SwarmrollError};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

static RUNTIME: OnceLock<Option<Runtime>> = OnceLock::new();

/// The library's runtime, built on first use: a few worker threads (phones have many
/// cores, but sync is I/O; imports use their own CPU pool).
pub(crate) fn runtime() -> Result<&'static Runtime, SwarmrollError> {
    RUNTIME
        .get_or_init(|| {
            let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .thread_name("swarmroll")
                .enable_all()
                .build()
                .ok()
        })
        .as_ref()
        .ok_or_else(|| SwarmrollError::Internal { reason: "the core could not start its threads".into() })
}

/// Runs `fut` on the library's runtime and waits for it from whatever executor calls.
pub(crate) async fn run<T, F>(fut: F) -> Result<T, SwarmrollError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, SwarmrollError>> + Send + 'static,
{
    match runtime()?.spawn(fut).await {
        Ok(out) => out,
        Err(e) if e.is_panic() => Err(panicked(e.into_panic().as_ref())),
        Err(_) => Err(SwarmrollError::Internal { reason: "the core stopped this call".into() }),
    }
}

/// A listener's task. `cancel` (or dropping the handle) stops the callbacks.
#[derive(uniffi::Object)]
pub struct TaskHandle {
    task: Mutex<Option<JoinHandle<()>>>,
    cancelled: Arc<AtomicBool>,
}

/// Whether a listener's handle was cancelled: checked before every callback, so none
/// starts after `cancel` returns (aborting alone takes effect only at the task's next
/// await).
#[derive(Clone)]
pub(crate) struct Cancelled(Arc<AtomicBool>);

impl Cancelled {
    pub(crate) fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

impl TaskHandle {
    /// Runs the future `make` returns on the library's runtime until it ends or is
    /// cancelled; the future checks the [`Cancelled`] it is given before each callback.
    pub(crate) fn spawn<F>(make: impl FnOnce(Cancelled) -> F) -> Result<Arc<Self>, SwarmrollError>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let cancelled = Arc::new(AtomicBool::new(false));
        let task = runtime()?.spawn(make(Cancelled(Arc::clone(&cancelled))));
        Ok(Arc::new(TaskHandle { task: Mutex::new(Some(task)), cancelled }))
    }

    fn take(&self) -> Option<JoinHandle<()>> {
        self.task.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

#[uniffi::export]
impl TaskHandle {
    /// Stops the listener: no callback starts after this returns (one already running
    /// on another thread finishes).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        if let Some(t) = self.take() {
            t.abort();
        }
    }

    /// Whether the listener has stopped (cancelled, or its source ended).
    pub fn is_finished(&self) -> bool {
        self.task.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}
