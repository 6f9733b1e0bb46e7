//! Piece selection: which part of a post a fetch asks its peers for first.
//!
//! librqbit 9.1 hands out pieces in file order (a file's first and last piece, then the
//! rest) and has no rarest-first. When N members fetch a fresh post from one seeder at the
//! same moment they all ask it for the same pieces, hold the same pieces, and have nothing
//! to trade: the swarm degenerates into a star (measured: T ≈ N·F/u, 7.9× the bound).
//!
//! Its one public lever on selection is streaming: an open `FileStream` puts the 32 MB
//! after its position ahead of everything else. A steering task per fetch holds at most
//! one stream and moves it:
//! - **on demand**, to the file the user opened, so it arrives ahead of everything else;
//! - otherwise along the fetch's **stripe**: downloader `i` of `n` starts at `i/n` of the
//!   post and walks forward, wrapping around. The seeder then sends each stripe to one
//!   member, and members trade stripes among themselves, which is the schedule the
//!   Kumar–Ross bound assumes. The stripe comes from the control plane (the members that
//!   want the post, ranked the same way on every device); without one a fetch starts at a
//!   random stripe, which still spreads a crowd over the post.
//!
//! The stream is read one byte per piece: a read returns once that piece is verified, then
//! the stream seeks to the next piece. Data is never copied out.

use librqbit::ManagedTorrent;
use std::io::SeekFrom;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::sync::{oneshot, watch};

/// One member's share of a post fetched by several members at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stripe {
    /// This member's rank, `0..count`.
    pub index: u32,
    /// How many members fetch the post.
    pub count: u32,
}

impl Stripe {
    /// This member's stripe among `wanting` (every member fetching the post, `me`
    /// included or not): its rank in sorted order, the same on every device.
    pub fn rank<T: Ord + Clone>(me: &T, wanting: &[T]) -> Stripe {
        let mut all: Vec<T> = wanting.to_vec();
        all.push(me.clone());
        all.sort();
        all.dedup();
        let index = all.iter().position(|x| x == me).unwrap_or(0);
        Stripe { index: u32::try_from(index).unwrap_or(0), count: u32::try_from(all.len()).unwrap_or(1).max(1) }
    }

    /// A random stripe of `count`, for a fetch that knows no better.
    pub fn random(count: u32) -> Stripe {
        let count = count.max(1);
        Stripe { index: rand_core::RngCore::next_u32(&mut rand_core::OsRng) % count, count }
    }

    /// Where this stripe starts in a torrent of `total` bytes, on a piece boundary.
    pub fn start(self, total: u64, piece_length: u64) -> u64 {
        let pieces = total.div_ceil(piece_length.max(1));
        let first = pieces * u64::from(self.index) / u64::from(self.count.max(1));
        first * piece_length
    }
}

/// A file of the torrent as the steering task sees it.
#[derive(Clone, Copy, Debug)]
struct Span {
    offset: u64,
    len: u64,
}

/// Control of a running steering task. Dropping it stops the task.
pub(crate) struct Steer {
    focus: watch::Sender<Option<usize>>,
    task: tokio::task::JoinHandle<()>,
}

impl Steer {
    /// Starts steering `handle` along `stripe`.
    /// `lead`: how far ahead of its first missing piece a member may have asked already.
    /// `ranked`: the stripe is this member's rank (the other stripes have owners working
    /// from their fronts), not a random pick.
    /// `selected`: the files being fetched (`None`: all); the walk skips the others.
    /// The receiver hears once the stream is first in place (or the task ended): a
    /// fetch added paused starts then.
    pub(crate) fn start(
        handle: Arc<ManagedTorrent>,
        stripe: Stripe,
        lead: u64,
        ranked: bool,
        selected: Option<Vec<usize>>,
    ) -> (Steer, oneshot::Receiver<()>) {
        let (focus, rx) = watch::channel(None);
        let (placed, ready) = oneshot::channel();
        let task = tokio::spawn(steer(handle, stripe, Plan { lead, ranked, selected, placed: Some(placed) }, rx));
        (Steer { focus, task }, ready)
    }

    /// Puts file `file` ahead of everything else until it is complete.
    pub(crate) fn focus(&self, file: usize) {
        self.focus.send_replace(Some(file));
    }
}

impl Drop for Steer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Where an absolute offset of the torrent falls: file and offset within it.
fn locate(files: &[Span], abs: u64) -> Option<(usize, u64)> {
    files.iter().position(|f| abs >= f.offset && abs < f.offset + f.len).map(|i| (i, abs - files[i].offset))
}

/// The first offset of the piece after the one holding `abs`.
fn next_piece(abs: u64, piece_length: u64) -> u64 {
    (abs / piece_length + 1) * piece_length
}

/// The first offset from `abs` on that lies in a file being fetched.
fn skip(files: &[Span], selected: &[bool], abs: u64) -> Option<u64> {
    files
        .iter()
        .zip(selected)
        .filter(|(f, sel)| **sel && f.len > 0 && f.offset + f.len > abs)
        .map(|(f, _)| f.offset.max(abs))
        .min()
}

/// The start of the piece in the middle of `from..to`.
fn middle(from: u64, to: u64, piece_length: u64) -> u64 {
    (from + (to - from) / 2) / piece_length * piece_length
}

/// librqbit's `FileStream` (public, but not nameable from outside the crate).
trait FileStream: tokio::io::AsyncRead + tokio::io::AsyncSeek + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncSeek + Unpin + Send> FileStream for T {}

/// Where to help with a stripe whose first missing piece is `missing`: the middle of
/// what is left, but never within `lead` of the front, which its owner has likely
/// requested already. `None` when there is too little left to split.
fn help_from(missing: u64, to: u64, lead: u64, piece_length: u64) -> Option<u64> {
    let start = middle(missing, to, piece_length).max(missing + lead);
    let start = start.div_ceil(piece_length) * piece_length;
    (start + lead <= to).then_some(start)
}

/// A stream on one file of the torrent at a time, moved around by absolute offsets.
struct Reader {
    handle: Arc<ManagedTorrent>,
    files: Vec<Span>,
    /// Per file: being fetched.
    selected: Vec<bool>,
    piece_length: u64,
    open: Option<(usize, Box<dyn FileStream>)>,
    /// When the stream was last opened.
    opened: tokio::time::Instant,
    /// Told once the stream is first positioned.
    placed: Option<oneshot::Sender<()>>,
}

/// How often a fetch asks librqbit to dial again the peers it dropped. It drops a peer
/// when neither side needs anything from the other, which is the case for every pair
/// of members at the start of a fetch, and dials again only when a stream opens.
const REDIAL: Duration = Duration::from_secs(1);

impl Reader {
    fn skip(&self, abs: u64) -> Option<u64> {
        skip(&self.files, &self.selected, abs)
    }

    /// Positions the stream at `abs` (which makes the pieces from there the first
    /// choice). `None` if `abs` is past the end or the torrent went away.
    async fn seek(&mut self, abs: u64) -> Option<&mut Box<dyn FileStream>> {
        let (file, within) = locate(&self.files, abs)?;
        if self.open.as_ref().is_none_or(|(f, _)| *f != file) || self.opened.elapsed() >= REDIAL {
            // Re-opening is what makes librqbit dial its dropped peers again.
            self.open = None;
            self.opened = tokio::time::Instant::now();
            let stream = Arc::clone(&self.handle).stream(file).await.ok()?;
            self.open = Some((file, Box::new(stream)));
        }
        let (_, stream) = self.open.as_mut()?;
        stream.seek(SeekFrom::Start(within)).await.ok()?;
        if let Some(placed) = self.placed.take() {
            let _ = placed.send(());
        }
        Some(stream)
    }

    /// Whether the piece holding `abs` is verified, without waiting for it.
    async fn has(&mut self, abs: u64) -> Option<bool> {
        if self.skip(abs) != Some(abs) {
            // Not in a file being fetched: nothing to wait for.
            return Some(true);
        }
        let stream = self.seek(abs).await?;
        let mut byte = [0u8; 1];
        match tokio::time::timeout(Duration::ZERO, stream.read(&mut byte)).await {
            Ok(Ok(_)) => Some(true),
            Ok(Err(_)) => None,
            Err(_) => Some(false),
        }
    }

    /// The first piece in `from..to` that is not held yet.
    async fn first_missing(&mut self, from: u64, to: u64) -> Option<u64> {
        let mut at = from;
        while at < to {
            if !self.has(at).await? {
                return Some(at);
            }
            at = next_piece(at, self.piece_length);
        }
        Some(to)
    }

    /// Holds the stream on `from..to`, piece by piece, until every piece there is held
    /// or the focus changes.
    async fn walk(&mut self, from: u64, to: u64, focus: &mut watch::Receiver<Option<usize>>) -> Walk {
        let mut at = from;
        let mut byte = [0u8; 1];
        while at < to {
            // Over files not being fetched (and empty ones).
            match self.skip(at) {
                Some(next) if next < to => at = next,
                _ => return Walk::Done,
            }
            let redial = tokio::time::sleep_until(self.opened.max(tokio::time::Instant::now() - REDIAL) + REDIAL);
            let Some(stream) = self.seek(at).await else { return Walk::Failed };
            tokio::select! {
                read = stream.read(&mut byte) => {
                    if read.is_err() {
                        return Walk::Failed;
                    }
                }
                () = redial => continue,
                changed = focus.changed() => {
                    return if changed.is_err() { Walk::Failed } else { Walk::Redirected };
                }
            }
            at = next_piece(at, self.piece_length);
        }
        Walk::Done
    }
}

enum Walk {
    /// Every piece in the range is held.
    Done,
    /// A focus request arrived.
    Redirected,
    /// The torrent went away.
    Failed,
}

/// What the steering task works through, in order.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// This member's own stripe, from its start: fetched from the seeder, traded away.
    Own { from: u64, to: u64 },
    /// Another member's stripe, once ours is done: from the middle of what is still
    /// missing of it to its end. Its owner works from the front, so the two meet in the
    /// middle instead of both asking the seeder for the same pieces.
    Help { from: u64, to: u64 },
}

/// How a steering task walks the post.
struct Plan {
    lead: u64,
    ranked: bool,
    selected: Option<Vec<usize>>,
    /// Told once the stream is first positioned (dropped when the task ends).
    placed: Option<oneshot::Sender<()>>,
}

async fn steer(handle: Arc<ManagedTorrent>, stripe: Stripe, mut how: Plan, mut focus: watch::Receiver<Option<usize>>) {
    if handle.wait_until_initialized().await.is_err() {
        return;
    }
    let Some(meta) = handle.metadata.load_full() else { return };
    let files: Vec<Span> = meta.file_infos.iter().map(|f| Span { offset: f.offset_in_torrent, len: f.len }).collect();
    let piece_length = u64::from(meta.lengths().default_piece_length()).max(1);
    let total = meta.lengths().total_length();
    drop(meta);
    let count = stripe.count.max(1);
    let bounds = |k: u32| {
        let s = Stripe { index: k % count, count };
        let end = if k % count + 1 == count {
            total
        } else {
            Stripe { index: k % count + 1, count }.start(total, piece_length)
        };
        (s.start(total, piece_length), end)
    };
    let mut plan: std::collections::VecDeque<Target> = (0..count)
        .map(|k| {
            let (from, to) = bounds(stripe.index + k);
            // With a random stripe nobody owns the others: walk on from it, wrapping.
            if k == 0 || !how.ranked {
                Target::Own { from, to }
            } else {
                Target::Help { from, to }
            }
        })
        .collect();
    let selected = (0..files.len()).map(|i| how.selected.as_ref().is_none_or(|s| s.contains(&i))).collect();
    let mut reader = Reader {
        handle: Arc::clone(&handle),
        files: files.clone(),
        selected,
        piece_length,
        open: None,
        opened: tokio::time::Instant::now(),
        placed: how.placed.take(),
    };
    let mut focused_done: Vec<usize> = Vec::new();
    loop {
        if handle.stats().finished {
            return;
        }
        let wanted = (*focus.borrow_and_update()).filter(|f| !focused_done.contains(f));
        if let Some(file) = wanted {
            let Some(span) = files.get(file).copied() else { return };
            match reader.walk(span.offset, span.offset + span.len, &mut focus).await {
                Walk::Done => focused_done.push(file),
                Walk::Redirected => {}
                Walk::Failed => return,
            }
            continue;
        }
        let Some(target) = plan.front().copied() else {
            // Every stripe walked; what is left comes in librqbit's order. Drop the
            // stream and wait for a focus request (or the end of the fetch).
            reader.open = None;
            reader.placed = None;
            if focus.changed().await.is_err() {
                return;
            }
            continue;
        };
        let (from, to) = match target {
            Target::Own { from, to } => (from, to),
            Target::Help { from, to } => {
                let Some(missing) = reader.first_missing(from, to).await else { return };
                match help_from(missing, to, how.lead, piece_length) {
                    Some(from) => (from, to),
                    None => {
                        // Too little left to split: the owner has most of it requested.
                        plan.pop_front();
                        continue;
                    }
                }
            }
        };
        match reader.walk(from, to, &mut focus).await {
            Walk::Done => {
                plan.pop_front();
            }
            Walk::Redirected => {}
            Walk::Failed => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_agree_on_every_device() {
        let wanting = ["c", "a", "d", "b"];
        let stripes: Vec<Stripe> = wanting.iter().map(|me| Stripe::rank(me, &wanting)).collect();
        let mut indexes: Vec<u32> = stripes.iter().map(|s| s.index).collect();
        indexes.sort_unstable();
        assert_eq!(indexes, vec![0, 1, 2, 3]);
        assert!(stripes.iter().all(|s| s.count == 4));
        // Not in the list yet: counted in.
        assert_eq!(Stripe::rank(&"e", &wanting), Stripe { index: 4, count: 5 });
    }

    #[test]
    fn stripes_start_on_piece_boundaries_and_cover_the_post() {
        let (total, piece) = (64_000_000u64, 262_144u64);
        let starts: Vec<u64> = (0..8).map(|i| Stripe { index: i, count: 8 }.start(total, piece)).collect();
        assert_eq!(starts[0], 0);
        assert!(starts.iter().all(|s| s % piece == 0 && *s < total));
        assert!(starts.windows(2).all(|w| w[1] > w[0]));
        // Even shares: no stripe more than one piece longer than another.
        let mut lens: Vec<u64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
        lens.push(total.div_ceil(piece) * piece - starts[7]);
        let (min, max) = (lens.iter().min().copied().unwrap_or(0), lens.iter().max().copied().unwrap_or(0));
        assert!(max - min <= piece, "{lens:?}");
    }

    #[test]
    fn walking_finds_files_and_pieces() {
        let files = [Span { offset: 0, len: 10 }, Span { offset: 10, len: 0 }, Span { offset: 10, len: 30 }];
        assert_eq!(middle(0, 64, 16), 32);
        assert_eq!(middle(32, 48, 16), 32);
        assert_eq!(help_from(0, 1000, 100, 10), Some(500));
        assert_eq!(help_from(0, 1000, 600, 10), None, "the owner has most of it requested");
        assert_eq!(help_from(0, 1000, 400, 10), Some(500));
        assert_eq!(help_from(0, 800, 300, 10), Some(400));
        assert_eq!(help_from(0, 500, 300, 10), None);
        assert_eq!(locate(&files, 0), Some((0, 0)));
        assert_eq!(locate(&files, 12), Some((2, 2)));
        assert_eq!(locate(&files, 40), None);
        // Files not being fetched (and empty ones) are walked over.
        assert_eq!(skip(&files, &[true, true, true], 5), Some(5));
        assert_eq!(skip(&files, &[false, true, true], 5), Some(10));
        assert_eq!(skip(&files, &[true, true, false], 12), None);
        assert_eq!(skip(&files, &[true, true, true], 40), None);
        assert_eq!(next_piece(0, 16), 16);
        assert_eq!(next_piece(15, 16), 16);
        assert_eq!(next_piece(16, 16), 32);
    }
}
