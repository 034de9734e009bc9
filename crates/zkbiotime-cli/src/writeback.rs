//! A file whose written pages the kernel starts flushing to disk while the export goes on,
//! so the final `fsync` waits for the last few megabytes instead of the whole file (on
//! Linux, `sync_file_range(SYNC_FILE_RANGE_WRITE)`, which starts writeback and waits for
//! nothing; elsewhere a plain file). Durability still comes from the caller's `sync_all`.

use std::fs::File;
use std::io::{self, Write};

/// Bytes written between two writeback kicks: large enough that the extra calls cost
/// nothing, small enough that little is left dirty at the end.
const KICK_EVERY: u64 = 4 << 20;

pub struct Writeback {
    file: File,
    written: u64,
    kicked: u64,
}

impl Writeback {
    pub fn new(file: File) -> Self {
        Self { file, written: 0, kicked: 0 }
    }

    pub fn into_inner(self) -> File {
        self.file
    }
}

impl Write for Writeback {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.kicked >= KICK_EVERY {
            start_writeback(&self.file, self.kicked, self.written - self.kicked);
            self.kicked = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else { return };
    // SAFETY: the descriptor is open for the whole call (borrowed from `file`), and the
    // call only reads its arguments. Its result is advice: a failure here shows up in the
    // caller's final `sync_all`, which is what makes the file durable.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _offset: u64, _len: u64) {}
