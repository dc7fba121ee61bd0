import Foundation
import SuanliCore

extension DelegationRecord {
    /// The record signed with `identity` (the delegating platform's key).
    public static func signed(
        prefix: Prefix, name: String, url: String, publicKey: String, parent: Prefix?, issuedAt: Date, by identity: PlatformIdentity
    ) -> DelegationRecord {
        // Signatures cover issued_at at millisecond precision, as the JSON carries it.
        let issued = Date(timeIntervalSince1970: (issuedAt.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        var record = DelegationRecord(
            prefix: prefix, name: name, url: url, publicKey: publicKey, parent: parent, issuedAt: issued, signature: "")
        record.signature = identity.sign(record.signedBytes)
        return record
    }

    /// Whether `publicKey` signed this record.
    public func isSigned(by publicKey: String) -> Bool {
        PlatformIdentity.verify(signature: signature, of: signedBytes, publicKey: publicKey)
    }
}

/// Why a delegation chain is refused.
public struct DelegationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the record.
    public var message: String
    public var description: String { message }
    init(_ message: String) { self.message = message }
}

/// Offline verification of delegation records: from a prefix's record up through its
/// parents to the root, whose public key the verifier trusts (docs/federation.md).
public enum DelegationChain {
    /// Checks `records` — the record of the prefix in question first, then its parent's, and
    /// so on up to the root's own (self-signed, `parent: null`) — against `rootPublicKey`:
    /// each record is signed by its parent's key (the next record's `public_key`), its prefix
    /// lies directly below the parent's, none is expired (``DelegationRecord/lifetime``) or
    /// issued in the future, and the last is the root's, carrying `rootPublicKey`.
    /// Returns the verified public key of the first record's platform.
    @discardableResult
    public static func verify(_ records: [DelegationRecord], rootPublicKey: String, now: Date = Date()) throws(DelegationError) -> String {
        guard let root = records.last else { throw DelegationError("the chain is empty") }
        guard root.parent == nil else {
            throw DelegationError("the chain ends at \(root.prefix), which is not the root (its parent is \(root.parent!)); fetch the records up to the root")
        }
        guard root.publicKey == rootPublicKey else {
            throw DelegationError("the chain's root \(root.prefix) has another public key than the trusted root key")
        }
        for (index, record) in records.enumerated() {
            let signer = index + 1 < records.count ? records[index + 1] : record
            if index + 1 < records.count {
                guard record.parent == signer.prefix else {
                    throw DelegationError("the record of \(record.prefix) names parent \(record.parent?.description ?? "none"), but the next record is \(signer.prefix)")
                }
                guard record.prefix.parent == signer.prefix else {
                    throw DelegationError("\(record.prefix) does not lie directly below \(signer.prefix)")
                }
            }
            guard record.isSigned(by: signer.publicKey) else {
                throw DelegationError("the signature of the record of \(record.prefix) does not verify with the key of \(signer.prefix): forged or altered")
            }
            guard record.issuedAt.timeIntervalSince(now) <= 300 else {
                throw DelegationError("the record of \(record.prefix) is issued in the future (\(Timestamp.format(record.issuedAt)))")
            }
            guard now.timeIntervalSince(record.issuedAt) <= DelegationRecord.lifetime else {
                throw DelegationError("the record of \(record.prefix) expired (issued \(Timestamp.format(record.issuedAt)), valid for \(Int(DelegationRecord.lifetime / 86_400)) days)")
            }
        }
        return records[0].publicKey
    }
}
