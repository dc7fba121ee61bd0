import Foundation
import SuanliCore
import SuanliServer

extension FederationModule: PeerCallVerifier {
    /// The calling platform if the request is a body-less peer call whose signature verifies with
    /// the key the federation delegated its prefix to (nonce and clock window checked as for every
    /// peer call); nil for anything else, this platform's own prefix included.
    public func verifiedPeer(method: String, target: String, header: (String) -> String?) async -> Prefix? {
        guard let credentials = try? PeerCredentials(header: header), credentials.peer != prefix,
            let record = try? await delegation(of: credentials.peer)
        else { return nil }
        do {
            try await verify(credentials, with: record, method: method, target: target, body: Data())
        } catch {
            return nil
        }
        return credentials.peer
    }

    /// Verifies a peer call with the key of `record`, the peer's delegation; when that record was
    /// kept (``DelegationCache``) and the signature does not verify, once more with a freshly
    /// fetched record (the peer may have joined again with a new key).
    func verify(_ credentials: PeerCredentials, with record: DelegationRecord, method: String, target: String, body: Data)
        async throws(SuanliError)
    {
        do {
            try verifier.verify(credentials, publicKey: record.publicKey, method: method, target: target, body: body)
        } catch where error.code.rawValue == "signature_invalid" {
            guard let fresh = try? await delegation(of: credentials.peer, fresh: true), fresh.publicKey != record.publicKey else {
                throw error
            }
            try verifier.verify(credentials, publicKey: fresh.publicKey, method: method, target: target, body: body)
        }
    }
}
