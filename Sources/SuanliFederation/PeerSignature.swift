import Crypto
import Foundation
import Synchronization
import SuanliCore

/// Signed requests between platforms (docs/federation.md): the sender signs, with its
/// Ed25519 key, the method, the request target (path and query as sent), a timestamp, a nonce
/// and the SHA-256 of the body; the receiver checks the signature against the key the
/// federation delegated the sender's prefix to, the timestamp against its replay window, and
/// that the nonce was not used within that window.
public enum PeerSignature {
    /// The bytes signed: UTF-8 of six lines joined by `\n` — `suanli-peer-v1`, the method in
    /// capitals, the target, the timestamp (Unix seconds), the nonce, the body's SHA-256 in
    /// lower-case hex (that of no bytes for an empty body).
    public static func canonicalBytes(method: String, target: String, timestamp: Int64, nonce: String, body: Data) -> Data {
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        return Data(["suanli-peer-v1", method.uppercased(), target, String(timestamp), nonce, digest].joined(separator: "\n").utf8)
    }

    /// The headers that sign a request from the platform of `prefix`.
    public static func headers(
        identity: PlatformIdentity, prefix: Prefix, method: String, target: String, body: Data, now: Date = Date(),
        nonce: String = PeerSignature.newNonce()
    ) -> [(String, String)] {
        let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
        let signature = identity.sign(canonicalBytes(method: method, target: target, timestamp: timestamp, nonce: nonce, body: body))
        return [
            (FederationHeaders.peer, prefix.description), (FederationHeaders.timestamp, String(timestamp)),
            (FederationHeaders.nonce, nonce), (FederationHeaders.signature, signature),
        ]
    }

    /// A fresh nonce: 128 random bits in hex.
    public static func newNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%016llx%016llx", generator.next() as UInt64, generator.next() as UInt64)
    }
}

/// The signature headers of one received request.
struct PeerCredentials: Sendable {
    var peer: Prefix
    var timestamp: Int64
    var nonce: String
    var signature: String

    /// Reads the headers; 401 `signature_missing` when one is absent, 400 when malformed.
    init(header: (String) -> String?) throws(SuanliError) {
        guard let peerText = header(FederationHeaders.peer), let timestampText = header(FederationHeaders.timestamp),
            let nonce = header(FederationHeaders.nonce), let signature = header(FederationHeaders.signature)
        else {
            throw SuanliError(
                "signature_missing",
                "peer calls are signed: send \(FederationHeaders.peer), \(FederationHeaders.timestamp), \(FederationHeaders.nonce) and \(FederationHeaders.signature) (docs/federation.md)",
                status: 401)
        }
        do { peer = try Prefix(parsing: peerText) } catch {
            throw SuanliError(.badRequest, "\(FederationHeaders.peer) is not a prefix: \(error.message)", field: FederationHeaders.peer)
        }
        guard let timestamp = Int64(timestampText) else {
            throw SuanliError(.badRequest, "\(FederationHeaders.timestamp) must be Unix time in whole seconds", field: FederationHeaders.timestamp)
        }
        self.timestamp = timestamp
        guard (16...64).contains(nonce.utf8.count),
            nonce.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || ($0 < 128 && Character(UnicodeScalar($0)).isLetter) || ($0 >= 48 && $0 <= 57) })
        else {
            throw SuanliError(.badRequest, "\(FederationHeaders.nonce) must be 16–64 characters of A–Z, a–z, 0–9, - and _", field: FederationHeaders.nonce)
        }
        self.nonce = nonce
        self.signature = signature
    }
}

/// Nonces seen within the replay window; a nonce is refused while remembered.
final class NonceCache: Sendable {
    private let seen = Mutex<[String: Date]>([:])
    let window: TimeInterval

    init(window: TimeInterval) { self.window = window }

    /// Records `nonce`; false when it was already used within the window.
    func use(_ nonce: String, now: Date) -> Bool {
        seen.withLock { seen in
            if seen.count > 10_000 {
                let horizon = now.addingTimeInterval(-2 * window)
                seen = seen.filter { $0.value > horizon }
            }
            if let earlier = seen[nonce], now.timeIntervalSince(earlier) <= 2 * window { return false }
            seen[nonce] = now
            return true
        }
    }
}

/// Checks signed peer calls.
struct PeerVerifier: Sendable {
    let nonces: NonceCache
    let clock: @Sendable () -> Date

    /// Verifies the request's signature with `publicKey` (the key delegated to `credentials.peer`).
    func verify(
        _ credentials: PeerCredentials, publicKey: String, method: String, target: String, body: Data
    ) throws(SuanliError) {
        let now = clock()
        let skew = now.timeIntervalSince1970 - Double(credentials.timestamp)
        guard abs(skew) <= nonces.window else {
            throw SuanliError(
                "request_expired",
                "the request was signed at \(credentials.timestamp), \(Int(skew)) s from this platform's clock; the window is ±\(Int(nonces.window)) s (check the clocks, then resend)",
                status: 401)
        }
        let bytes = PeerSignature.canonicalBytes(
            method: method, target: target, timestamp: credentials.timestamp, nonce: credentials.nonce, body: body)
        guard PlatformIdentity.verify(signature: credentials.signature, of: bytes, publicKey: publicKey) else {
            throw SuanliError(
                "signature_invalid",
                "the request's signature does not verify with the key delegated to \(credentials.peer) (method, target, timestamp, nonce and body must be signed as sent)",
                status: 401)
        }
        guard nonces.use(credentials.nonce, now: now) else {
            throw SuanliError("replayed_request", "the nonce \(credentials.nonce) was already used; every peer call needs a fresh one", status: 401)
        }
    }
}
