//! Text files users bring (a catalogue, an agreement file): a UTF-8 byte-order mark is
//! skipped (Excel and Notepad write one), UTF-16 is refused with a message that says how to
//! save the file, and — for JSON streamed from a reader — no single string may grow beyond a
//! bound while it streams past, so a 300 MB description is refused after 1 MB, not held in
//! memory whole.

use std::io::{self, BufRead, Read};

/// The longest JSON string accepted while streaming (bytes). The longest text field the app
/// keeps is an offer's description, `limits::text::DESCRIPTION` characters (at most 4 bytes
/// each), well below this.
pub const MAX_JSON_STRING_BYTES: usize = 1 << 20;

/// The text of the error for a file saved as UTF-16.
pub const UTF16_TEXT: &str =
    "filen er gemt som UTF-16; gem den som UTF-8 (i Notesblok: Gem som … → Kodning: UTF-8)";

/// What the first bytes say about the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Plain,
    Utf8Bom,
    Utf16,
}

/// Looks at a file's first bytes.
pub fn sniff(first: &[u8]) -> Start {
    if first.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Start::Utf8Bom
    } else if first.starts_with(&[0xFF, 0xFE]) || first.starts_with(&[0xFE, 0xFF]) {
        Start::Utf16
    } else {
        Start::Plain
    }
}

/// `bytes` without a leading UTF-8 BOM; an error text for UTF-16.
pub fn strip_bom(bytes: &[u8]) -> Result<&[u8], &'static str> {
    match sniff(bytes) {
        Start::Plain => Ok(bytes),
        Start::Utf8Bom => Ok(&bytes[3..]),
        Start::Utf16 => Err(UTF16_TEXT),
    }
}

/// A JSON stream with the BOM skipped, UTF-16 refused and every string bounded.
pub struct JsonInput<R> {
    inner: R,
    started: bool,
    in_string: bool,
    escaped: bool,
    run: usize,
    max: usize,
}

impl<R: BufRead> JsonInput<R> {
    pub fn new(inner: R) -> Self {
        JsonInput::with_limit(inner, MAX_JSON_STRING_BYTES)
    }

    pub fn with_limit(inner: R, max: usize) -> Self {
        JsonInput {
            inner,
            started: false,
            in_string: false,
            escaped: false,
            run: 0,
            max,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        self.started = true;
        let first = self.inner.fill_buf()?;
        match sniff(first) {
            Start::Plain => Ok(()),
            Start::Utf8Bom => {
                self.inner.consume(3);
                Ok(())
            }
            Start::Utf16 => Err(io::Error::new(io::ErrorKind::InvalidData, UTF16_TEXT)),
        }
    }

    /// Follows strings through `bytes`; an error when one runs past the bound. Jumps from
    /// quote to quote (and backslash) with `memchr` instead of looking at every byte: 160 MB
    /// of catalogue pass in a few milliseconds rather than a quarter of a second.
    fn scan(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut i = 0;
        while i < bytes.len() {
            if !self.in_string {
                match memchr::memchr(b'"', &bytes[i..]) {
                    Some(at) => {
                        self.in_string = true;
                        self.run = 0;
                        i += at + 1;
                    }
                    None => return Ok(()),
                }
                continue;
            }
            if self.escaped {
                // The escaped byte counts as part of the string.
                self.escaped = false;
                self.run += 1;
                i += 1;
                self.check_run()?;
                continue;
            }
            match memchr::memchr2(b'"', b'\\', &bytes[i..]) {
                Some(at) => {
                    self.run += at;
                    if bytes[i + at] == b'"' {
                        self.check_run()?;
                        self.in_string = false;
                    } else {
                        // The backslash counts too.
                        self.run += 1;
                        self.escaped = true;
                        self.check_run()?;
                    }
                    i += at + 1;
                }
                None => {
                    self.run += bytes.len() - i;
                    return self.check_run();
                }
            }
        }
        Ok(())
    }

    fn check_run(&self) -> io::Result<()> {
        if self.run > self.max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "en tekst i filen er længere end {} MB; så lange tekster findes ikke i et gyldigt katalog",
                    self.max / (1 << 20)
                ),
            ));
        }
        Ok(())
    }
}

impl<R: BufRead> Read for JsonInput<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            self.start()?;
        }
        let n = self.inner.read(buf)?;
        self.scan(&buf[..n])?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], max: usize) -> io::Result<String> {
        let mut out = String::new();
        JsonInput::with_limit(bytes, max).read_to_string(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_bom_is_skipped_and_utf16_refused() {
        assert_eq!(
            read_all(b"\xEF\xBB\xBF{\"a\":1}", 100).unwrap(),
            "{\"a\":1}"
        );
        assert_eq!(read_all(b"{\"a\":1}", 100).unwrap(), "{\"a\":1}");
        let e = read_all(b"\xFF\xFE{\x00", 100).unwrap_err();
        assert_eq!(e.to_string(), UTF16_TEXT);
        assert_eq!(strip_bom(b"\xEF\xBB\xBFx").unwrap(), b"x");
        assert!(strip_bom(b"\xFE\xFF").is_err());
    }

    /// The byte-at-a-time scan the `memchr` one replaced, as the reference.
    fn reference_scan(state: &mut (bool, bool, usize), bytes: &[u8], max: usize) -> bool {
        let (in_string, escaped, run) = state;
        for &b in bytes {
            if !*in_string {
                if b == b'"' {
                    *in_string = true;
                    *run = 0;
                }
                continue;
            }
            if *escaped {
                *escaped = false;
            } else if b == b'\\' {
                *escaped = true;
            } else if b == b'"' {
                *in_string = false;
                continue;
            }
            *run += 1;
            if *run > max {
                return false;
            }
        }
        true
    }

    #[test]
    fn the_fast_scan_refuses_exactly_where_the_bytewise_one_did() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..3000 {
            let len = next(60) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| b"\"\\ab"[next(4) as usize]).collect();
            let max = next(8) as usize;
            let mut fast = JsonInput::with_limit(&b""[..], max);
            let mut slow = (false, false, 0usize);
            let mut at = 0;
            while at < bytes.len() {
                let end = (at + 1 + next(9) as usize).min(bytes.len());
                let chunk = &bytes[at..end];
                let ok_fast = fast.scan(chunk).is_ok();
                let ok_slow = reference_scan(&mut slow, chunk, max);
                assert_eq!(
                    ok_fast,
                    ok_slow,
                    "{:?} max {max}",
                    String::from_utf8_lossy(&bytes)
                );
                if !ok_fast {
                    break;
                }
                assert_eq!((fast.in_string, fast.escaped), (slow.0, slow.1));
                at = end;
            }
        }
    }

    #[test]
    fn strings_are_bounded_escapes_included() {
        assert!(read_all(br#"{"a":"12345"}"#, 5).is_ok());
        assert!(read_all(br#"{"a":"123456"}"#, 5).is_err());
        // An escaped quote does not end the string.
        assert!(read_all(br#"{"a":"12\"3456"}"#, 5).is_err());
        assert!(read_all(br#"{"a":"12\\","b":"123"}"#, 5).is_ok());
        // Text outside strings (numbers, whitespace) is not bounded here.
        assert!(read_all(b"[1,2,3,4,5,6,7,8,9,10]", 5).is_ok());
    }
}
