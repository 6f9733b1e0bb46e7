//! Live models for the apps' screens: a listener receives the list first as one
//! `Reset`, then its changes as small diffs, until its [`TaskHandle`] is cancelled. A
//! native list applies them in order and never reloads.

use crate::error::SwarmrollError;
use crate::events::SwarmrollEvent;
use crate::records::{ChannelRow, GalleryItem, ThreadItem, TransferRow};
use crate::runtime::TaskHandle;
use std::sync::Arc;
use swarmroll_core::node::diff::ListDiff;
use swarmroll_core::node::{Node, Watch};

/// Receives the node's events.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    /// One event. Called on a core thread: hand it to the UI thread and return quickly.
    fn on_event(&self, event: SwarmrollEvent);
}

/// Delivers one batch of changes to a listener (implemented for each list's listener).
pub(crate) trait Sink<U>: Send + Sync {
    fn deliver(&self, updates: Vec<U>);
}

/// Declares a list's update enum and listener trait.
macro_rules! live_list {
    ($update:ident, $listener:ident, $item:ty, $update_doc:literal, $listener_doc:literal) => {
        #[doc = $update_doc]
        #[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
        pub enum $update {
            /// Replace the whole list.
            Reset {
                /// Every entry.
                values: Vec<$item>,
            },
            /// Insert at `index`.
            Insert {
                /// Where.
                index: u32,
                /// What.
                value: $item,
            },
            /// Replace the entry at `index` (same identity, new content).
            Set {
                /// Where.
                index: u32,
                /// The new content.
                value: $item,
            },
            /// Remove the entry at `index`.
            Remove {
                /// Where.
                index: u32,
            },
        }

        impl<T: Into<$item>> From<ListDiff<T>> for $update {
            fn from(d: ListDiff<T>) -> Self {
                let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
                match d {
                    ListDiff::Reset { values } => {
                        $update::Reset { values: values.into_iter().map(Into::into).collect() }
                    }
                    ListDiff::Insert { index, value } => $update::Insert { index: at(index), value: value.into() },
                    ListDiff::Set { index, value } => $update::Set { index: at(index), value: value.into() },
                    ListDiff::Remove { index } => $update::Remove { index: at(index) },
                }
            }
        }

        #[doc = $listener_doc]
        #[uniffi::export(with_foreign)]
        pub trait $listener: Send + Sync {
            /// A batch of changes (the first is one `Reset` with the whole list). Called
            /// on a core thread: hand it to the UI thread and return quickly.
            fn on_update(&self, updates: Vec<$update>);
        }

        impl Sink<$update> for Arc<dyn $listener> {
            fn deliver(&self, updates: Vec<$update>) {
                self.on_update(updates);
            }
        }
    };
}

live_list!(
    ChannelListUpdate,
    ChannelListListener,
    ChannelRow,
    "A change to the channel list, applied in order.",
    "Receives the channel list and its changes."
);
live_list!(
    GalleryUpdate,
    GalleryListener,
    GalleryItem,
    "A change to the gallery, applied in order.",
    "Receives the gallery and its changes."
);
live_list!(
    ThreadUpdate,
    ThreadListener,
    ThreadItem,
    "A change to the viewer's thread, applied in order.",
    "Receives the viewer's thread and its changes."
);
live_list!(
    TransferListUpdate,
    TransferListListener,
    TransferRow,
    "A change to the transfer list, applied in order.",
    "Receives the transfer list and its changes."
);

/// Starts forwarding a core watch to `sink`: the whole list first, then each batch.
pub(crate) fn forward<T, U>(
    make: impl FnOnce() -> Result<Watch<T>, swarmroll_core::node::NodeError>,
    sink: impl Sink<U> + 'static,
) -> Result<Arc<TaskHandle>, SwarmrollError>
where
    T: Send + 'static,
    U: From<ListDiff<T>> + Send + 'static,
{
    let mut watch = {
        // The watch spawns its task on the library's runtime.
        let _in_runtime = crate::runtime::runtime()?.enter();
        make()?
    };
    TaskHandle::spawn(|cancelled| async move {
        let initial = std::mem::take(&mut watch.initial);
        if cancelled.is_set() {
            return;
        }
        sink.deliver(vec![ListDiff::Reset { values: initial }.into()]);
        while let Some(changes) = watch.changes.recv().await {
            if cancelled.is_set() {
                return;
            }
            sink.deliver(changes.into_iter().map(Into::into).collect());
        }
    })
}

/// Starts forwarding the node's events to `listener`.
pub(crate) fn events(node: &Node, listener: Arc<dyn EventListener>) -> Result<Arc<TaskHandle>, SwarmrollError> {
    let mut rx = node.subscribe();
    TaskHandle::spawn(|cancelled| async move {
        loop {
            match rx.recv().await {
                Ok(e) => {
                    if cancelled.is_set() {
                        return;
                    }
                    if let Some(e) = SwarmrollEvent::from_core(e) {
                        listener.on_event(e);
                    }
                }
                // A slow listener misses some events; the live lists reload on their own.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    })
}
