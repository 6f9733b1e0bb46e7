//! Test helper: creates (or reopens) a channel in the data folder given as the first
//! argument and authors posts, comments and reactions until killed. Used by the crash
//! test, which kills it at arbitrary moments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use swarmroll_core::replica::Replica;
use swarmroll_core::store::Store;

fn main() {
    let dir = std::env::args().nth(1).expect("data folder");
    let replica = Replica::open(Arc::new(Store::open_dir(std::path::Path::new(&dir)).unwrap())).unwrap();
    let ch = match replica.channels().unwrap().first() {
        Some(c) => c.id,
        None => replica.create_channel("Crash test", None, "Churner").unwrap(),
    };
    // Continue numbering after earlier runs so every photo is new.
    let mut i = replica.export(&ch).unwrap().len() as u32;
    loop {
        i = i.wrapping_add(1);
        let post = replica.post(&ch, "", vec![swarmroll_tests::numbered_photo(i, 20_000)]).unwrap();
        replica.comment(&ch, &post, "again!", None).unwrap();
        replica.react(&ch, &post, "🔥", true).unwrap();
    }
}
