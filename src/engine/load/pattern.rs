//! The bytes a load run sends: a fixed pseudo-random stream, so that every echoed byte can be
//! checked without keeping what was sent.
//!
//! Byte `k` of a connection's stream is `pattern[(seed + k) % PERIOD]`. The period is prime and
//! each connection starts at its own seed, so an echo that comes back shifted, repeated or from
//! another connection compares unequal.

/// The length of the repeating pattern: a prime near 64 KiB.
pub const PERIOD: usize = 65_521;
/// The longest slice [`Pattern::at`] gives at once.
pub const SPAN: usize = 256 * 1024;

/// The pattern, stored with a tail so that any slice of up to [`SPAN`] bytes is contiguous.
#[derive(Debug, Clone)]
pub struct Pattern {
    bytes: Vec<u8>,
}

impl Default for Pattern {
    fn default() -> Self {
        Pattern::new()
    }
}

impl Pattern {
    /// Builds the pattern (xorshift64*, fixed seed: the same bytes in every run).
    pub fn new() -> Pattern {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut period = Vec::with_capacity(PERIOD);
        while period.len() < PERIOD {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let word = state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
            let take = (PERIOD - period.len()).min(word.len());
            period.extend_from_slice(&word[..take]);
        }
        let mut bytes = Vec::with_capacity(PERIOD + SPAN);
        while bytes.len() < PERIOD + SPAN {
            let take = (PERIOD + SPAN - bytes.len()).min(PERIOD);
            bytes.extend_from_slice(&period[..take]);
        }
        Pattern { bytes }
    }

    /// The `len` bytes (at most [`SPAN`]) at stream offset `offset` of a stream seeded `seed`.
    pub fn at(&self, seed: u64, offset: u64, len: usize) -> &[u8] {
        let start = (seed.wrapping_add(offset) % PERIOD as u64) as usize;
        let len = len.min(SPAN);
        &self.bytes[start..start + len]
    }

    /// True when `data` equals the stream seeded `seed` from `offset` on.
    pub fn matches(&self, seed: u64, offset: u64, data: &[u8]) -> bool {
        let mut checked = 0;
        while checked < data.len() {
            let len = (data.len() - checked).min(SPAN);
            if data[checked..checked + len] != *self.at(seed, offset + checked as u64, len) {
                return false;
            }
            checked += len;
        }
        true
    }

    /// Where `data` first differs from the stream, if anywhere.
    pub fn first_difference(&self, seed: u64, offset: u64, data: &[u8]) -> Option<usize> {
        data.iter()
            .enumerate()
            .find_map(|(i, &byte)| (byte != self.at(seed, offset + i as u64, 1)[0]).then_some(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_follow_the_stream_across_the_period() {
        let p = Pattern::new();
        let whole = p.at(7, 0, SPAN).to_vec();
        assert!(p.matches(7, 0, &whole));
        assert!(p.matches(7, 100, &whole[100..]));
        assert_eq!(p.at(7, PERIOD as u64, 10), &whole[..10]);
        // Longer than one span: checked piece by piece.
        let mut long = whole.clone();
        long.extend_from_slice(p.at(7, SPAN as u64, 1000));
        assert!(p.matches(7, 0, &long));
    }

    #[test]
    fn a_shift_a_flip_or_another_seed_is_caught() {
        let p = Pattern::new();
        let data = p.at(3, 0, 5000).to_vec();
        assert!(!p.matches(3, 1, &data));
        assert!(!p.matches(4, 0, &data));
        let mut flipped = data.clone();
        flipped[4321] ^= 1;
        assert!(!p.matches(3, 0, &flipped));
        assert_eq!(p.first_difference(3, 0, &flipped), Some(4321));
        assert_eq!(p.first_difference(3, 0, &data), None);
    }
}
