//! Reference codes (受付番号): short, read aloud over the phone, with no
//! characters that are easily confused (no 0/O, 1/I/L).

/// The alphabet: digits 2–9 and capitals without I, L, O.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Length of a code; 31^8 ≈ 8.5 × 10^11 possibilities.
pub const LENGTH: usize = 8;

/// Encodes a number (e.g. from a random source) as a code.
pub fn encode(mut n: u64) -> String {
    (0..LENGTH)
        .map(|_| {
            let c = ALPHABET[(n % 31) as usize] as char;
            n /= 31;
            c
        })
        .collect()
}

/// A reference as typed (lower case, spaces, hyphens) in canonical form, or
/// `None` if it cannot be one.
pub fn normalize(raw: &str) -> Option<String> {
    let s: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == LENGTH && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_avoid_confusable_characters() {
        for n in [0, 1, 30, 31, u64::MAX, 123_456_789] {
            let code = encode(n);
            assert_eq!(code.len(), LENGTH);
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
            assert!(code.bytes().all(|b| ALPHABET.contains(&b)));
        }
        assert_ne!(encode(1), encode(2));
    }

    #[test]
    fn references_are_read_forgivingly() {
        assert_eq!(normalize("7kq2-m9xa"), Some("7KQ2M9XA".into()));
        assert_eq!(normalize("7KQ2 M9XA"), Some("7KQ2M9XA".into()));
        assert_eq!(normalize("7KQ2M9X0"), None); // 0 is not in the alphabet
        assert_eq!(normalize("SHORT"), None);
        assert_eq!(normalize("' OR 1=1 --"), None);
    }
}
