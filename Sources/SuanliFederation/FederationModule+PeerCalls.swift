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
            try verifier.verify(credentials, publicKey: record.publicKey, method: method, target: target, body: Data())
        } catch {
            return nil
        }
        return credentials.peer
    }
}
