import Foundation
import SuanliCore
import SuanliServer
import Synchronization

extension FederationModule: PeerCallVerifier {
    /// The calling platform if the request is a body-less peer call whose signature verifies with
    /// the key the federation delegated its prefix to (nonce and clock window checked as for every
    /// peer call); nil for anything else, this platform's own prefix included. A delegation that
    /// must be fetched is fetched within ``LookupBudget``'s rate (else the call counts as a
    /// client's), so forged headers cannot make this platform flood its neighbours.
    public func verifiedPeer(method: String, target: String, header: (String) -> String?) async -> Prefix? {
        guard let credentials = try? PeerCredentials(header: header), credentials.peer != prefix else { return nil }
        // A record known here costs nothing; one to fetch costs a call up or down the tree, so
        // unknown prefixes (anyone can send these headers) get a few look-ups a second at most.
        let record: DelegationRecord
        if let known = knownDelegation(of: credentials.peer) {
            record = known
        } else {
            guard peerLookups.take(now: configuration.clock()), let fetched = try? await delegation(of: credentials.peer) else { return nil }
            record = fetched
        }
        do {
            try await verify(credentials, with: record, method: method, target: target, body: Data())
        } catch {
            return nil
        }
        return credentials.peer
    }

    /// Verifies a peer call with the key of `record`, the peer's delegation; when that record was
    /// kept (``DelegationCache``) and the signature does not verify, once more with a freshly
    /// fetched record (the peer may have joined again with a new key). Those fetches share
    /// ``LookupBudget``: anyone can send a bad signature under a known prefix.
    func verify(_ credentials: PeerCredentials, with record: DelegationRecord, method: String, target: String, body: Data)
        async throws(SuanliError)
    {
        do {
            try verifier.verify(credentials, publicKey: record.publicKey, method: method, target: target, body: body)
        } catch where error.code.rawValue == "signature_invalid" {
            guard peerLookups.take(now: configuration.clock()),
                let fresh = try? await delegation(of: credentials.peer, fresh: true), fresh.publicKey != record.publicKey
            else {
                throw error
            }
            try verifier.verify(credentials, publicKey: fresh.publicKey, method: method, target: target, body: body)
        }
    }
}

extension FederationModule {
    /// The delegation record of `prefix` if it is known here without asking anyone: this
    /// platform's own, a joined child's, or one kept in ``DelegationCache``.
    func knownDelegation(of prefix: Prefix) -> DelegationRecord? {
        if prefix == self.prefix { return ownDelegation() }
        if case .child(let child) = route(prefix), child.record.prefix == prefix { return child.delegation(parent: self.prefix) }
        return delegations.record(of: prefix, now: configuration.clock())
    }
}

/// A token bucket for delegation look-ups triggered by unverified requests: ``rate`` a second,
/// bursts of ``burst``.
final class LookupBudget: Sendable {
    let rate: Double
    let burst: Double
    private let state: Mutex<(tokens: Double, at: Date?)>

    init(rate: Double = 5, burst: Double = 20) {
        self.rate = rate
        self.burst = burst
        state = Mutex((burst, nil))
    }

    /// Takes one look-up if the budget allows it at `now`.
    func take(now: Date) -> Bool {
        state.withLock { state in
            let elapsed = state.at.map { max(0, now.timeIntervalSince($0)) } ?? 0
            state.tokens = min(burst, state.tokens + elapsed * rate)
            state.at = now
            guard state.tokens >= 1 else { return false }
            state.tokens -= 1
            return true
        }
    }
}
