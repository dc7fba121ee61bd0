import Crypto
import Foundation

/// Secret tokens: generation and the hashes that are stored instead of them.
enum Tokens {
    /// A new random token: a kind tag and 256 bits of randomness in hex.
    static func generate(kind: String) -> String {
        "sl\(kind)_\(randomHex(words: 4))"
    }

    /// A new token id: `tk_` and 64 random bits in hex.
    static func newID() -> String { "tk_" + randomHex(words: 1) }

    /// `words` random 64-bit words as lower-case hex.
    static func randomHex(words: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var hex = ""
        hex.reserveCapacity(16 * words)
        for _ in 0..<words {
            let value = generator.next() as UInt64
            let chunk = String(value, radix: 16)
            hex += String(repeating: "0", count: 16 - chunk.count) + chunk
        }
        return hex
    }

    /// SHA-256 of the token, lower-case hex (as stored).
    static func hash(_ token: String) -> String { TokenDigest(secret: token).hex }
}

/// The SHA-256 of a token's secret as four words: the in-memory key of the token table, so a
/// lookup hashes the secret once and compares 32 bytes, with no allocation.
struct TokenDigest: Hashable, Sendable {
    let a: UInt64
    let b: UInt64
    let c: UInt64
    let d: UInt64

    /// The digest of `secret`'s UTF-8 bytes.
    init(secret: String) {
        var hasher = SHA256()
        var secret = secret
        secret.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        let digest = hasher.finalize()
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        digest.withUnsafeBytes { bytes in
            func word(_ at: Int) -> UInt64 {
                var value: UInt64 = 0
                for i in 0..<8 { value = value << 8 | UInt64(bytes[at + i]) }
                return value
            }
            words = (word(0), word(8), word(16), word(24))
        }
        (a, b, c, d) = words
    }

    /// Parses 64 hex digits (as stored); `nil` for anything else.
    init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var words: [UInt64] = []
        for start in stride(from: 0, to: 64, by: 16) {
            var value: UInt64 = 0
            for byte in utf8[start..<start + 16] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt64(digit)
            }
            words.append(value)
        }
        (a, b, c, d) = (words[0], words[1], words[2], words[3])
    }

    /// 64 lower-case hex digits.
    var hex: String {
        [a, b, c, d].map { word in
            let chunk = String(word, radix: 16)
            return String(repeating: "0", count: 16 - chunk.count) + chunk
        }.joined()
    }
}
