//! Seeding what this device holds: every visible post whose originals are all here —
//! written on this device (seeded in place from the imported files) or fetched in full —
//! so members fetch from whoever is awake, and a home server keeps a channel available
//! while the phones sleep. At start the node seeds what it held before, newest first, one
//! post at a time (a seed is checked against its files in full first); then it takes up
//! each post as its originals complete.

use super::{db, Inner, Node, NodeError};
use crate::catalog;
use crate::swarm::torrent::{Built, SourceFile};
use crate::swarm::{crypt, Swarm};
use crate::types::{ChannelId, EventId};
use std::collections::HashSet;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Attempts at seeding a post that fails (a busy store, the engine, files that do not
/// match the post yet or any more), [`LOOK_EVERY`] apart.
const MAX_TRIES: u32 = 5;

/// How often the node looks for newly completed posts to seed.
const LOOK_EVERY: Duration = Duration::from_secs(3);

/// Runs until aborted.
pub(super) async fn run(node: Weak<Inner>, swarm: Arc<Swarm>) {
    // Seeded, or given up on (an original edited or deleted since): not tried again.
    let mut done: HashSet<EventId> = HashSet::new();
    // Failures so far (a busy store, the engine, files not matching): tried again a few times.
    let mut tries: std::collections::HashMap<EventId, u32> = std::collections::HashMap::new();
    loop {
        let Some(inner) = node.upgrade() else { return };
        let node = Node { inner };
        let me = node.replica().device_id();
        let held = node.replica().store().read(|c| db::held_posts(c, &me)).unwrap_or_default();
        for (ch, post) in held {
            if done.contains(&post) {
                continue;
            }
            if node.inner.has_left(&ch) {
                continue;
            }
            match seed(&node, &swarm, &ch, &post).await {
                Ok(Some(info_hash)) if node.inner.has_left(&ch) => {
                    // Left while this was seeded: let go of it.
                    swarm.drop_post(info_hash).await;
                }
                Ok(Some(_)) => {
                    done.insert(post);
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::debug!(error = %e, "a post could not be seeded");
                    // Changed files are tried again too: a post shared by another process
                    // (the terminal's `share` beside a running node) can be seen before
                    // that process has finished with it (the NAT lab saw it in 3 of 40
                    // rounds, and the post was then never seeded). An original really
                    // edited since is given up after the last try.
                    let n = tries.entry(post).or_insert(0);
                    *n += 1;
                    if *n >= MAX_TRIES {
                        done.insert(post);
                    }
                }
            }
        }
        drop(node);
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

/// Seeds one post from its files here; its info hash, or `None` if they are not all here.
async fn seed(node: &Node, swarm: &Swarm, ch: &ChannelId, post: &EventId) -> Result<Option<[u8; 20]>, NodeError> {
    let Some(originals) = node.originals(ch, post)? else { return Ok(None) };
    let Some(thread) = node.thread(post)? else { return Ok(None) };
    let store = node.replica().store();
    let Some(transfer) = store.read(|c| catalog::db::post_transfer(c, post))? else { return Ok(None) };
    let mine = thread.post.author.device == node.replica().device_id();
    let mut files = Vec::with_capacity(originals.len());
    for (i, o) in originals.into_iter().enumerate() {
        // The author's files are originals: the shared copy is them with the patches.
        let patches = if mine {
            store.read(|c| crate::import::db::patches_of(c, &o.item.media.content_hash))?.unwrap_or_default()
        } else {
            Vec::new()
        };
        files.push(SourceFile {
            name: o.item.media.name,
            path: o.path,
            len: o.item.media.size,
            patches,
            key: transfer.media_key.as_ref().map(|k| crypt::file_key(&k.0, i)),
        });
    }
    let built = Built { info_hash: thread.post.info_hash, info: transfer.info };
    swarm.seed(&built, files).await?;
    Ok(Some(built.info_hash))
}
