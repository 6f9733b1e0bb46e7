//! A bounds-checked walker over ISO base media file format boxes (ISO/IEC 14496-12), the
//! structure of HEIF/HEIC/AVIF photos and of MP4, 3GP and QuickTime videos, for the location
//! strippers and the dimension readers.
//!
//! Every size and offset comes from an untrusted file: all arithmetic is checked, a box
//! must fit inside its parent, recursion is limited to [`MAX_DEPTH`] levels and a whole
//! walk to [`MAX_BOXES`] boxes, so a hostile file costs little and never panics. Handles
//! size 0 (to the end of the parent or file), size 1 (a 64-bit `largesize`), `uuid`
//! extended types, and full boxes' version and flags.

use super::strip::Uncleanable;
use std::ops::Range;

/// Deepest nesting followed (real files use about 10: moov/trak/mdia/minf/stbl/stsd/…).
pub const MAX_DEPTH: u8 = 16;
/// Most boxes one walk looks at.
pub const MAX_BOXES: u32 = 100_000;

/// One box: where its header, payload and end are in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoxRef {
    /// The four-character type.
    pub kind: [u8; 4],
    /// Offset of the box (its size field).
    pub start: usize,
    /// Offset of the payload: after the size, type, `largesize` and `uuid` fields.
    pub body: usize,
    /// Offset just past the box (never past its parent or the file).
    pub end: usize,
    /// The extended type of a `uuid` box.
    pub uuid: Option<[u8; 16]>,
    /// Nesting level: 0 for top-level boxes.
    pub depth: u8,
    /// A top-level box that runs past the end of the file (a cut-off file): `end` is the
    /// end of the file.
    pub cut: bool,
}

impl BoxRef {
    /// The payload's byte range.
    pub fn body_range(&self) -> Range<usize> {
        self.body..self.end
    }

    /// The payload.
    pub fn payload<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        bytes.get(self.body_range()).unwrap_or_default()
    }

    /// Version and flags of a full box.
    pub fn full_header(&self, bytes: &[u8]) -> Option<(u8, u32)> {
        let b: [u8; 4] = self.payload(bytes).get(..4)?.try_into().ok()?;
        Some((b[0], u32::from_be_bytes([0, b[1], b[2], b[3]])))
    }
}

/// Walks boxes, counting them against [`MAX_BOXES`].
pub struct Walker<'a> {
    bytes: &'a [u8],
    budget: u32,
}

impl<'a> Walker<'a> {
    /// A walker over a whole file.
    pub fn new(bytes: &'a [u8]) -> Self {
        Walker { bytes, budget: MAX_BOXES }
    }

    /// The file.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The top-level boxes. A last box that runs past the end of the file is returned with
    /// `cut` set; bytes too few for a box header at the end are ignored.
    ///
    /// # Errors
    /// [`Uncleanable::Malformed`] for a box whose size is smaller than its header, or past
    /// [`MAX_BOXES`].
    pub fn top(&mut self) -> Result<Vec<BoxRef>, Uncleanable> {
        self.list(0, self.bytes.len(), 0, true)
    }

    /// The child boxes of `parent`, starting `skip` bytes into its payload (4 for a full
    /// box's version and flags, more for fields before the children).
    ///
    /// # Errors
    /// [`Uncleanable::Malformed`] for a child that does not fit in `parent`, nesting deeper
    /// than [`MAX_DEPTH`], or past [`MAX_BOXES`].
    pub fn children(&mut self, parent: &BoxRef, skip: usize) -> Result<Vec<BoxRef>, Uncleanable> {
        let depth = parent.depth.checked_add(1).filter(|&d| d <= MAX_DEPTH).ok_or(Uncleanable::Malformed)?;
        let start = parent.body.checked_add(skip).ok_or(Uncleanable::Malformed)?;
        if start > parent.end {
            return Err(Uncleanable::Malformed);
        }
        self.list(start, parent.end, depth, false)
    }

    /// The first child of `parent` of type `kind`, if any (`skip` as for [`Walker::children`]).
    ///
    /// # Errors
    /// As [`Walker::children`].
    pub fn child(&mut self, parent: &BoxRef, skip: usize, kind: &[u8; 4]) -> Result<Option<BoxRef>, Uncleanable> {
        Ok(self.children(parent, skip)?.into_iter().find(|b| &b.kind == kind))
    }

    fn list(&mut self, mut at: usize, end: usize, depth: u8, top: bool) -> Result<Vec<BoxRef>, Uncleanable> {
        let mut out = Vec::new();
        // Fewer than 8 bytes cannot hold a box: QuickTime ends some lists with a 32-bit 0.
        while end.checked_sub(at).is_some_and(|left| left >= 8) {
            self.budget = self.budget.checked_sub(1).ok_or(Uncleanable::Malformed)?;
            let b = self.header(at, end, depth, top)?;
            at = b.end;
            let cut = b.cut;
            out.push(b);
            if cut {
                break;
            }
        }
        Ok(out)
    }

    /// The box whose header is at `at`, inside a parent (or the file) ending at `end`.
    fn header(&self, at: usize, end: usize, depth: u8, top: bool) -> Result<BoxRef, Uncleanable> {
        let m = Uncleanable::Malformed;
        let mut r = Reader::new(self.bytes, at);
        let size32 = r.u32().ok_or(m)?;
        let kind: [u8; 4] = r.take(4).and_then(|t| t.try_into().ok()).ok_or(m)?;
        let size = match size32 {
            0 => end.checked_sub(at).ok_or(m)?,
            1 => r.u64().and_then(|s| usize::try_from(s).ok()).ok_or(m)?,
            s => usize::try_from(s).map_err(|_| m)?,
        };
        let uuid = if &kind == b"uuid" { Some(r.take(16).and_then(|u| u.try_into().ok()).ok_or(m)?) } else { None };
        let body = r.pos();
        if size < body.checked_sub(at).ok_or(m)? {
            return Err(m);
        }
        let declared_end = at.checked_add(size).ok_or(m)?;
        if declared_end <= end {
            return Ok(BoxRef { kind, start: at, body, end: declared_end, uuid, depth, cut: false });
        }
        if top && body <= end {
            return Ok(BoxRef { kind, start: at, body, end, uuid, depth, cut: true });
        }
        Err(m)
    }
}

/// A big-endian reader over a byte slice that never reads past its end.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at `pos` of `bytes`.
    pub fn new(bytes: &'a [u8], pos: usize) -> Self {
        Reader { bytes, pos }
    }

    /// A reader over the payload of `b`, after `skip` bytes.
    pub fn payload(bytes: &'a [u8], b: &BoxRef, skip: usize) -> Self {
        let end = b.end.min(bytes.len());
        Reader { bytes: bytes.get(..end).unwrap_or_default(), pos: b.body.saturating_add(skip) }
    }

    /// The position.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    /// Skips `n` bytes.
    pub fn skip(&mut self, n: usize) -> Option<()> {
        self.take(n).map(|_| ())
    }

    /// A byte.
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    /// A 16-bit big-endian number.
    pub fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    /// A 32-bit big-endian number.
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    /// A 64-bit big-endian number.
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A big-endian number of `size` bytes (0, 1, 2, 4 or 8; 0 reads nothing and gives 0).
    pub fn uint(&mut self, size: u8) -> Option<u64> {
        match size {
            0 => Some(0),
            1 => self.u8().map(u64::from),
            2 => self.u16().map(u64::from),
            4 => self.u32().map(u64::from),
            8 => self.u64(),
            _ => None,
        }
    }

    /// A NUL-terminated string (without its NUL); the rest of the input when it has none.
    pub fn cstr(&mut self) -> Option<&'a [u8]> {
        let rest = self.bytes.get(self.pos..)?;
        let len = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
        let s = self.take(len)?;
        self.pos = self.pos.saturating_add(1).min(self.bytes.len());
        Some(s)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A box of type `kind` holding `payload`.
    pub(crate) fn bx(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut b = u32::try_from(payload.len() + 8).unwrap().to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(payload);
        b
    }

    /// A full box (version, flags) of type `kind` holding `payload`.
    pub(crate) fn full(kind: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
        let mut p = flags.to_be_bytes().to_vec();
        p[0] = version;
        p.extend_from_slice(payload);
        bx(kind, &p)
    }

    #[test]
    fn walks_sizes_0_1_and_uuid() {
        let mut f = bx(b"ftyp", b"isom\0\0\0\0");
        let mut large = 1u32.to_be_bytes().to_vec();
        large.extend_from_slice(b"free");
        large.extend_from_slice(&20u64.to_be_bytes());
        large.extend_from_slice(b"abcd");
        f.extend_from_slice(&large);
        let mut u = bx(b"uuid", &[7; 20]);
        u[8..24].copy_from_slice(&[9; 16]);
        f.extend_from_slice(&u);
        f.extend_from_slice(&0u32.to_be_bytes());
        f.extend_from_slice(b"mdat12345");
        let mut w = Walker::new(&f);
        let top = w.top().unwrap();
        let kinds: Vec<_> = top.iter().map(|b| &b.kind).collect();
        assert_eq!(kinds, [b"ftyp", b"free", b"uuid", b"mdat"]);
        assert_eq!((top[1].body, top[1].end), (32, 36));
        assert_eq!(top[2].uuid, Some([9; 16]));
        assert_eq!(top[2].payload(&f), &[7; 4]);
        assert_eq!(top[3].payload(&f), b"12345");
        assert!(top.iter().all(|b| !b.cut));
    }

    #[test]
    fn cut_files_and_bad_sizes() {
        let mut f = bx(b"moov", &bx(b"udta", &bx(b"\xa9xyz", b"hello")));
        f.truncate(f.len() - 2);
        let mut w = Walker::new(&f);
        let top = w.top().unwrap();
        assert!(top[0].cut);
        // Its child no longer fits in it.
        assert_eq!(w.children(&top[0], 0), Err(Uncleanable::Malformed));
        let f = [0, 0, 0, 4, b'f', b'r', b'e', b'e', 0, 0, 0, 0];
        assert_eq!(Walker::new(&f).top(), Err(Uncleanable::Malformed));
    }

    #[test]
    fn depth_and_count_are_limited() {
        let mut b = bx(b"free", b"");
        for _ in 0..20 {
            b = bx(b"moov", &b);
        }
        let mut w = Walker::new(&b);
        let mut level = w.top().unwrap();
        let mut err = None;
        for _ in 0..20 {
            match w.children(&level[0], 0) {
                Ok(c) => level = c,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        assert_eq!(err, Some(Uncleanable::Malformed));
        let many: Vec<u8> = (0..MAX_BOXES + 1).flat_map(|_| bx(b"free", b"")).collect();
        assert_eq!(Walker::new(&many).top(), Err(Uncleanable::Malformed));
    }

    #[test]
    fn reader_stays_in_bounds() {
        let mut r = Reader::new(b"ab\0cd", 0);
        assert_eq!(r.cstr(), Some(&b"ab"[..]));
        assert_eq!(r.cstr(), Some(&b"cd"[..]));
        assert_eq!(r.cstr(), Some(&b""[..]));
        assert_eq!(r.u8(), None);
        assert_eq!(Reader::new(b"abc", 0).u32(), None);
        assert_eq!(Reader::new(b"\0\0\x01", 0).uint(3), None);
    }
}
