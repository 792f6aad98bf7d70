//! The random source of the generated property tests: a small deterministic generator
//! (xorshift64*), seeded per test, so failures reproduce and the crate needs no dependency.
//! Generated crates compile it only for their tests.
#![allow(dead_code)] // It covers every shape kind; each crate uses what its shapes need.

use crate::http::{Headers, HttpResponse};
use crate::primitives::{Document, Number};

/// A deterministic random source, one stream per seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// The stream for `seed` (a test's name): FNV-1a of it, so every test gets its own
    /// reproducible stream.
    pub fn new(seed: &str) -> Self {
        let hash =
            seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        Rng(hash | 1)
    }

    /// The next 64 random bits.
    #[allow(clippy::should_implement_trait)] // Not an iterator: it never ends.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A coin toss.
    pub fn bool(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// A collection size: it shrinks with depth so recursive shapes end.
    pub fn len(&mut self, depth: usize) -> usize {
        if depth >= 4 {
            0
        } else {
            self.below(4) as usize
        }
    }

    /// A finite float that prints and parses exactly.
    pub fn float(&mut self) -> f64 {
        f64::from(self.next() as i32) / 8.0
    }

    /// A short string with the characters JSON writers get wrong: quotes, backslashes,
    /// control characters, non-ASCII and astral ones.
    pub fn string(&mut self) -> String {
        const CHARS: &[char] = &['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\u{e9}', '\u{1f600}', '{', ','];
        (0..self.below(12)).map(|_| CHARS[self.below(CHARS.len() as u64) as usize]).collect()
    }

    /// A few random bytes.
    pub fn bytes(&mut self) -> Vec<u8> {
        (0..self.below(24)).map(|_| self.next() as u8).collect()
    }

    /// One of `values` (not empty).
    pub fn pick<T: Copy>(&mut self, values: &[T]) -> T {
        values[self.below(values.len() as u64) as usize]
    }

    /// A document of any kind, shallower with depth; `null` allows `Document::Null` at the top
    /// (a null member reads back as unset, so members get non-null ones).
    pub fn document(&mut self, depth: usize, null: bool) -> Document {
        let first = u64::from(!null);
        match first + self.below(if depth >= 3 { 5 - first } else { 7 - first }) {
            0 => Document::Null,
            1 => Document::Bool(self.bool()),
            2 => Document::Number(Number::PosInt(self.next() >> 1)),
            3 => Document::Number(Number::Float(self.float() + 0.5)),
            4 => Document::String(self.string()),
            5 => Document::Array((0..self.below(3)).map(|_| self.document(depth + 1, true)).collect()),
            _ => {
                Document::Object((0..self.below(3)).map(|_| (self.string(), self.document(depth + 1, true))).collect())
            }
        }
    }

    /// A response of any status, maybe naming one of the error `codes`, with a body of random
    /// bytes or of JSON damaged at a random place.
    pub fn response(&mut self, codes: &[&str]) -> HttpResponse {
        const JSON: &str =
            r#"{"Message": "m", "code": "X", "a": [1, -2.5e3, {"b": null}, "\u00e9"], "c": {"d": true}}"#;
        let status = self.pick(&[200_u16, 201, 204, 400, 403, 404, 429, 500, 503]);
        let mut headers = Headers::new();
        if !codes.is_empty() && self.bool() {
            headers.insert("X-Amzn-Errortype", self.pick(codes));
        }
        let body = if self.bool() {
            self.bytes()
        } else {
            let mut body = JSON.as_bytes().to_vec();
            let at = self.below(body.len() as u64) as usize;
            match self.below(3) {
                0 => body.truncate(at),
                1 => body[at] = self.next() as u8,
                _ => body.insert(at, b'{'),
            }
            body
        };
        HttpResponse::new(status, headers, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_stream_and_seeds_differ() {
        let (mut a, mut b, mut c) = (Rng::new("t"), Rng::new("t"), Rng::new("u"));
        let first: Vec<u64> = (0..8).map(|_| a.next()).collect();
        assert_eq!(first, (0..8).map(|_| b.next()).collect::<Vec<_>>());
        assert_ne!(first, (0..8).map(|_| c.next()).collect::<Vec<_>>());
        assert!(first.windows(2).all(|w| w[0] != w[1]), "the stream moves: {first:?}");
    }

    #[test]
    fn values_stay_in_their_ranges() {
        let mut rng = Rng::new("ranges");
        for _ in 0..1000 {
            assert!(rng.below(7) < 7);
            assert!(rng.len(0) < 4);
            assert_eq!(rng.len(4), 0);
            let f = rng.float();
            assert!(f.is_finite());
            assert_eq!(f.to_string().parse::<f64>().ok(), Some(f), "floats print exactly");
            assert!(rng.string().chars().count() < 12);
            assert!(rng.bytes().len() < 24);
            assert!([1, 2, 3].contains(&rng.pick(&[1, 2, 3])));
        }
    }

    #[test]
    fn documents_end_and_members_are_never_null() {
        let mut rng = Rng::new("documents");
        for _ in 0..1000 {
            assert_ne!(rng.document(0, false), Document::Null);
            // Depth 3 and beyond holds no arrays or objects, so documents are finite.
            assert!(!matches!(rng.document(3, true), Document::Array(_) | Document::Object(_)));
        }
    }

    #[test]
    fn responses_cover_statuses_codes_and_damaged_bodies() {
        let mut rng = Rng::new("responses");
        let (mut coded, mut statuses) = (0, std::collections::BTreeSet::new());
        for _ in 0..500 {
            let response = rng.response(&["NotFound"]);
            statuses.insert(response.status);
            if response.headers.get("X-Amzn-Errortype") == Some("NotFound") {
                coded += 1;
            }
        }
        assert!(coded > 100 && coded < 400, "about half name the code: {coded}");
        assert_eq!(statuses.len(), 9, "every status appears: {statuses:?}");
        assert!(rng.response(&[]).headers.get("X-Amzn-Errortype").is_none());
    }
}
