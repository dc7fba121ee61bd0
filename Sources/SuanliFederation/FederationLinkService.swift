import Foundation
import Logging
import ServiceLifecycle
import SuanliCore
import SuanliServer

/// A child's link to its parent: joins with the token (once; afterwards the key pair
/// authenticates), then syncs every interval. Retries until the server shuts down, and never
/// delays it: every wait ends at a graceful shutdown.
struct FederationLinkService: Service {
    let module: FederationModule

    func run() async throws {
        var lastProblem: String?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await module.linkOnce()
                if lastProblem != nil { module.logger.notice("the link to the parent is up again") }
                lastProblem = nil
            } catch {
                let message = error.message
                if message != lastProblem { module.logger.error("federation: \(message)") }
                lastProblem = message
            }
            try? await cancelWhenGracefulShutdown { [module] in try await Task.sleep(for: .seconds(module.configuration.syncInterval)) }
        }
    }
}

extension FederationModule {
    /// One round of the link: the join if not joined yet, else a sync.
    func linkOnce() async throws(SuanliError) {
        guard let parent = state.withLock({ $0.parent }) else { return }
        guard let url = state.withLock({ $0.ownURL }) else { return }  // not listening yet
        let answer: FederationLink
        if parent.link == nil {
            guard let token = configuration.joinToken else {
                throw SuanliError(.validation, "not joined to \(parent.url) yet: start with --join-token TOKEN (from the parent's POST /v1/federation/children)")
            }
            answer = try await peers.call(
                .POST, base: parent.url, target: Endpoints.federationJoin.path(),
                body: FederationJoin(prefix: prefix, joinToken: token, publicKey: publicKey, url: url), as: FederationLink.self)
        } else {
            answer = try await peers.call(
                .POST, base: parent.url, target: Endpoints.federationSync.path(), body: FederationSync(prefix: prefix, url: url),
                as: FederationLink.self)
        }
        try check(answer, pinned: parent.link?.parentPublicKey)
        let now = configuration.clock()
        let changed = state.withLock { state -> Bool in
            let changed = state.parent?.link != answer
            state.parent?.link = answer
            state.parent?.lastSyncAt = now
            return changed
        }
        if changed { try save(SavedParentLink(url: parent.url, link: answer)) }
        if parent.link == nil { logger.notice("joined the federation under \(parent.url) as \(prefix) (\(answer.delegation.name))") }
    }

    /// Refuses a parent's answer whose record is not this platform's, is not signed by the
    /// parent's (pinned) key, or is expired, or whose chain does not verify to its root (the
    /// configured root key, when there is one).
    func check(_ link: FederationLink, pinned: String?) throws(SuanliError) {
        let record = link.delegation
        guard record.prefix == prefix, record.publicKey == publicKey else {
            throw SuanliError("forged_delegation", "the parent answered a delegation of \(record.prefix) with another key; refused", status: 502)
        }
        if let pinned, pinned != link.parentPublicKey {
            throw SuanliError(
                "forged_delegation", "the parent's public key changed since the join; refused (rejoin deliberately if the parent was rebuilt)", status: 502)
        }
        guard let root = link.chain.last, link.chain.first?.publicKey == link.parentPublicKey else {
            throw SuanliError("forged_delegation", "the parent's answer carries no chain up to the root signed with its key; refused", status: 502)
        }
        if let trusted = configuration.rootPublicKey, trusted != root.publicKey {
            throw SuanliError(
                "forged_delegation",
                "the parent's chain ends at a root (\(root.prefix)) with another public key than the one this platform trusts (--root-key); refused",
                status: 502)
        }
        do {
            try DelegationChain.verify([record] + link.chain, rootPublicKey: configuration.rootPublicKey ?? root.publicKey, now: configuration.clock())
        } catch {
            throw SuanliError("forged_delegation", "the parent's delegation does not verify: \(error.message); refused", status: 502)
        }
    }

    func save(_ saved: SavedParentLink) throws(SuanliError) {
        let path = (platform.configuration.dataDirectory as NSString).appendingPathComponent(Self.parentFileName)
        do {
            let data = try SuanliJSON.encoder(pretty: true).encode(saved)
            let temporary = path + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw SuanliError(.unavailable, "cannot write \(temporary)")
            }
            guard rename(temporary, path) == 0 else {
                throw SuanliError(.unavailable, "cannot replace \(path): \(String(cString: strerror(errno)))")
            }
        } catch let error as SuanliError {
            throw error
        } catch {
            throw SuanliError(.unavailable, "cannot save the link to the parent in \(path): \(error)")
        }
    }
}
