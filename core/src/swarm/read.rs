//! Positioned reads of an original file with the shared copy's patches laid over them.

use super::SwarmError;
use crate::media::strip::Patch;
use std::fs::File;

#[cfg(unix)]
fn read_at(file: &File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut offset: u64, mut buf: &mut [u8]) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, buf, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Ok(())
}

/// Fills `buf` with the shared copy's bytes at `offset`: the original's bytes, with every
/// patch that overlaps the range applied.
///
/// # Errors
/// [`SwarmError::Changed`] if the original is now shorter; [`SwarmError::Io`] otherwise.
pub fn read_patched(file: &File, offset: u64, buf: &mut [u8], patches: &[Patch]) -> Result<(), SwarmError> {
    read_at(file, offset, buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => SwarmError::Changed,
        k => SwarmError::Io(k),
    })?;
    let end = offset + buf.len() as u64;
    for p in patches {
        let (ps, pe) = (p.offset, p.offset + u64::from(p.len));
        if pe <= offset || ps >= end {
            continue;
        }
        let from = ps.max(offset) - offset;
        let to = pe.min(end) - offset;
        buf[from as usize..to as usize].fill(p.fill);
    }
    Ok(())
}
