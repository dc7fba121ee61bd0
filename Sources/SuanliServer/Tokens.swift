import Crypto
import Foundation

/// Secret tokens: generation and the hashes that are stored instead of them.
enum Tokens {
    /// A new random token: a kind tag and 256 bits of randomness in hex.
    static func generate(kind: String) -> String {
        var generator = SystemRandomNumberGenerator()
        var hex = ""
        hex.reserveCapacity(64)
        for _ in 0..<4 {
            let value = generator.next() as UInt64
            let chunk = String(value, radix: 16)
            hex += String(repeating: "0", count: 16 - chunk.count) + chunk
        }
        return "sl\(kind)_\(hex)"
    }

    /// SHA-256 of the token, hex.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
