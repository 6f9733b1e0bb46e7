//! The signed channel log on arbitrary bytes: `Event::decode` (what sync hands the log
//! for every event a peer sends), the envelope's checks (`signature_valid`, `id`, `open`),
//! and the acceptance rules through `Replica::ingest`, which is what a replica runs on
//! events from the network; and, for bytes that decode as a `Body`, the rules past the
//! signature and the decryption (limits, certificates, roles, feed links, rotations)
//! through `Replica::author`, which seals the body as this replica's owner device and
//! ingests it — a peer's signature cannot be forged, so this is how arbitrary bodies
//! reach the rules a member's own device would face.
//!
//! The replica (a real SQLite store in a temporary folder, one channel it owns) is made
//! once and made again every `RESET` inputs, so what earlier inputs did to it (a
//! rotation that removed everyone, thousands of comments) does not pile up.
//!
//! With `SWARMROLL_FUZZ_SEEDS=<dir>` set, the first run writes seed inputs there: the
//! channel's real events as encoded on the wire, and one encoded body of each kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::Arc;
use swarmroll_core::log::{Body, Event, MediaInfo, MediaItem, ModAction};
use swarmroll_core::replica::{Error, Replica};
use swarmroll_core::store::Store;
use swarmroll_core::types::{ContentHash, EventId};
use swarmroll_core::ChannelId;

const RESET: u32 = 1_000;

struct World {
    replica: Replica,
    channel: ChannelId,
    runs: u32,
    // Last: the folder goes after the store is closed.
    _dir: tempfile::TempDir,
}

fn scratch() -> std::path::PathBuf {
    // Memory-backed when there is one: the store's writes are the slow part.
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

fn world() -> World {
    let dir = tempfile::Builder::new().prefix("swarmroll-fuzz-event").tempdir_in(scratch()).expect("temp dir");
    let store = Arc::new(Store::open_dir(dir.path()).expect("store"));
    let replica = Replica::open(store).expect("replica");
    let channel = replica.create_channel("Fuzz party", None, "Owner").expect("channel");
    World { replica, channel, runs: 0, _dir: dir }
}

fn write_seeds(w: &World, dir: &std::path::Path) {
    let _ = std::fs::create_dir_all(dir);
    let raw = w.replica.export(&w.channel).expect("export");
    let first = raw.first().and_then(|r| Event::decode(r).ok()).map(|e| e.id()).unwrap_or(EventId([1; 32]));
    let mut seeds: Vec<Vec<u8>> = raw;
    let item = MediaItem {
        info: MediaInfo {
            content_hash: ContentHash([2; 32]),
            name: "IMG_0001.jpg".into(),
            mime: "image/jpeg".into(),
            size: 1234,
            width: 640,
            height: 480,
            capture_time: None,
            duration_ms: None,
        },
        thumbnail: vec![0xFF, 0xD8, 0xFF, 0xD9],
    };
    let bodies = [
        Body::Comment { post: first, reply_to: None, text: "lovely".into() },
        Body::GuestComment { post: first, reply_to: Some(first), text: "hi".into(), guest: "Guest".into() },
        Body::Reaction { target: first, emoji: "❤️".into(), on: true },
        Body::Retract { target: first },
        Body::Moderate { target: first, action: ModAction::Hide },
        Body::Post {
            caption: "first dance".into(),
            items: vec![item],
            info_hash: [0; 20],
            info: Vec::new(),
            on_behalf_of: None,
            media_key: None,
        },
        Body::Profile { name: "New name".into(), cert: None },
    ];
    seeds.extend(bodies.iter().filter_map(|b| postcard::to_allocvec(b).ok()));
    for (i, s) in seeds.iter().enumerate() {
        let _ = std::fs::write(dir.join(format!("seed-{i:02}")), s);
    }
}

/// `SWARMROLL_FUZZ_DEBUG=1`: say what became of each input (to read a crash's input).
fn debug() -> bool {
    std::env::var_os("SWARMROLL_FUZZ_DEBUG").is_some()
}

thread_local! {
    static WORLD: RefCell<Option<World>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    // The envelope alone.
    if let Ok(ev) = Event::decode(data) {
        let _ = ev.signature_valid();
        let _ = ev.id();
        // What decodes re-encodes to an event that decodes the same.
        assert_eq!(Event::decode(&ev.encode()).as_ref(), Ok(&ev), "decode/encode round trip");
    }
    WORLD.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|w| w.runs >= RESET) {
            *slot = None;
            let w = world();
            if let Some(dir) = std::env::var_os("SWARMROLL_FUZZ_SEEDS") {
                write_seeds(&w, std::path::Path::new(&dir));
            }
            *slot = Some(w);
        }
        let Some(w) = slot.as_mut() else { return };
        w.runs += 1;
        if let Some(keys) = w.replica.keys(&w.channel).ok().flatten() {
            if let Ok(ev) = Event::decode(data) {
                let _ = ev.open(&keys.read_key);
            }
        }
        // As from a peer: refused events are reported, never an error.
        match w.replica.ingest(&w.channel, &[data.to_vec()]) {
            Ok(report) if debug() => eprintln!("ingest: {report:?}"),
            Ok(_) => {}
            Err(e) => panic!("ingest of peer bytes failed instead of refusing them: {e:?}"),
        }
        // As a body this device authors.
        if let Ok((body, _)) = postcard::take_from_bytes::<Body>(data) {
            let _ = body.check_limits();
            // Refusals are typed; a store failure here would be a bug the body caused.
            match w.replica.author(&w.channel, body) {
                Err(Error::Store(e)) => panic!("authoring a body failed in the store: {e:?}"),
                r if debug() => eprintln!("author: {r:?}"),
                _ => {}
            }
        }
    });
});
