import Crypto
import Foundation
import SuanliCore

/// A platform's Ed25519 key pair (swift-crypto), kept in its data directory
/// (`federation-key`, standard base64 of the 32-byte private key, file mode 0600) and created
/// on first start. Its public key names the platform in delegation records and signed peer calls.
public struct PlatformIdentity: Sendable {
    /// The key file's name in the data directory.
    public static let fileName = "federation-key"

    /// The private key's raw bytes (swift-crypto's key type is not `Sendable`).
    let rawPrivateKey: Data
    /// The public key: standard base64 of its 32 raw bytes.
    public let publicKey: String

    /// Wraps a private key (tests, tools).
    public init(privateKey: Curve25519.Signing.PrivateKey = Curve25519.Signing.PrivateKey()) {
        self.rawPrivateKey = privateKey.rawRepresentation
        self.publicKey = privateKey.publicKey.rawRepresentation.base64EncodedString()
    }

    /// Loads the key pair of the platform whose data directory is `directory`, creating it
    /// (mode 0600) on first start.
    public static func loadOrCreate(dataDirectory directory: String) throws(SuanliError) -> PlatformIdentity {
        let path = (directory as NSString).appendingPathComponent(fileName)
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let raw = Data(base64Encoded: trimmed), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
                throw SuanliError(.unavailable, "\(path) does not hold an Ed25519 private key; restore it from a backup (the federation knows this platform by it)")
            }
            return PlatformIdentity(privateKey: key)
        }
        let identity = PlatformIdentity()
        let contents = Data((identity.rawPrivateKey.base64EncodedString() + "\n").utf8)
        guard FileManager.default.createFile(atPath: path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            throw SuanliError(.unavailable, "cannot write \(path); check that the data directory is writable")
        }
        return identity
    }

    /// Signs `data`; the signature in standard base64.
    public func sign(_ data: Data) -> String {
        // Signing with a valid key only fails if the system's random source fails.
        let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
        return (try? key?.signature(for: data))?.base64EncodedString() ?? ""
    }

    /// Whether `signature` (standard base64) is `publicKey`'s (standard base64) signature of `data`.
    public static func verify(signature: String, of data: Data, publicKey: String) -> Bool {
        guard let key = publicKeyValue(publicKey), let bytes = Data(base64Encoded: signature) else { return false }
        return key.isValidSignature(bytes, for: data)
    }

    /// Parses a public key (standard base64 of 32 bytes).
    static func publicKeyValue(_ text: String) -> Curve25519.Signing.PublicKey? {
        guard let raw = Data(base64Encoded: text), raw.count == 32 else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }
}
