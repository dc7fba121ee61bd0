import Foundation
import SuanliCore
import SuanliStore

/// Every bearer token and every auditor, in memory: the hot path of authentication.
///
/// A lookup hashes the secret once (``TokenDigest``) and finds its token by one dictionary
/// probe; the caller holds its own short lock (``Platform/tokens``) for the probe and the
/// `last_used_at` store, nothing else. Revoked tokens stay (listing, audit); nothing is removed.
/// Pure: no I/O, changes return what to store.
struct TokenBook: Sendable {
    /// One token and what authentication needs from it.
    struct Entry: Sendable {
        var stored: StoredToken
        /// The principal it establishes; `nil` for a role not accepted yet (peer).
        let principal: Principal?
        /// Last presented (memory; ``persistedLastUsed`` is what storage has).
        var lastUsed: Date?
        var persistedLastUsed: Date?

        var record: TokenRecord {
            TokenRecord(
                id: stored.id, role: stored.role, owner: stored.owner, name: stored.name, createdAt: stored.createdAt,
                expiresAt: stored.expiresAt, lastUsedAt: lastUsed, revokedAt: stored.revokedAt)
        }
    }

    /// What a presented secret turns out to be.
    enum Lookup: Sendable {
        /// A valid token.
        case valid(Principal, id: String)
        /// A known token that no longer works.
        case revoked(TokenRecord)
        case expired(TokenRecord)
        /// A token of a role this build does not accept yet (peer).
        case notAccepted(TokenRecord)
        /// No such token.
        case unknown
    }

    private(set) var entries: [Entry] = []
    private var indexByDigest: [TokenDigest: Int] = [:]
    private var indexByID: [String: Int] = [:]
    /// Registered auditors by id.
    private(set) var auditors: [String: StoredAuditor] = [:]
    /// The next auditor number (`a1`, `a2`, …).
    var nextAuditor: UInt64 = 1

    /// The id of the bootstrap operator token (from `DATA/operator-token` or `--operator-token`).
    static let bootstrapID = "operator"

    /// Loads stored tokens and auditors; a token whose hash or owner does not parse stops the load.
    init(tokens: [StoredToken], auditors: [StoredAuditor], nextAuditor: UInt64) throws(SuanliError) {
        for auditor in auditors { self.auditors[auditor.id] = auditor }
        self.nextAuditor = nextAuditor
        for token in tokens { try add(token) }
    }

    /// The principal a stored token establishes.
    static func principal(of token: StoredToken) throws(SuanliError) -> Principal? {
        switch token.role {
        case .operator: return .operator
        case .provider:
            do { return .provider(try Prefix(parsing: token.owner)) } catch {
                throw SuanliError(.unavailable, "tokens row \(token.id): owner '\(token.owner)' is not a provider prefix")
            }
        case .consumer: return .consumer(token.owner)
        case .auditor: return .auditor(token.owner)
        case .peer: return nil
        }
    }

    /// Adds (or replaces, by id) a token.
    mutating func add(_ token: StoredToken) throws(SuanliError) {
        guard let digest = TokenDigest(hex: token.secretHash) else {
            throw SuanliError(.unavailable, "tokens row \(token.id): secret_hash is not a SHA-256 hex digest")
        }
        let entry = Entry(
            stored: token, principal: try Self.principal(of: token), lastUsed: token.lastUsedAt, persistedLastUsed: token.lastUsedAt)
        if let index = indexByID[token.id] {
            if let old = TokenDigest(hex: entries[index].stored.secretHash) { indexByDigest[old] = nil }
            entries[index] = entry
            indexByDigest[digest] = index
        } else {
            guard indexByDigest[digest] == nil else {
                throw SuanliError(.conflict, "tokens row \(token.id): another token has the same secret")
            }
            indexByID[token.id] = entries.count
            indexByDigest[digest] = entries.count
            entries.append(entry)
        }
    }

    /// Looks up a presented secret's digest and, for a valid token, records the use at `now`.
    mutating func authenticate(_ digest: TokenDigest, now: Date) -> Lookup {
        guard let index = indexByDigest[digest] else { return .unknown }
        let stored = entries[index].stored
        if stored.revokedAt != nil { return .revoked(entries[index].record) }
        if let expiry = stored.expiresAt, expiry <= now { return .expired(entries[index].record) }
        guard let principal = entries[index].principal else { return .notAccepted(entries[index].record) }
        entries[index].lastUsed = now
        return .valid(principal, id: stored.id)
    }

    /// The token with `id`.
    func entry(_ id: String) -> Entry? { indexByID[id].map { entries[$0] } }

    /// Whether a secret with this digest exists (a new secret must be unique).
    func contains(_ digest: TokenDigest) -> Bool { indexByDigest[digest] != nil }

    /// A fresh token id no token has.
    func newID() -> String {
        while true {
            let id = Tokens.newID()
            if indexByID[id] == nil { return id }
        }
    }

    /// Marks token `id` revoked at `now`; returns it as it must be stored (with the in-memory
    /// `last_used_at`), or `nil` if unknown.
    mutating func revoke(_ id: String, at now: Date) -> StoredToken? {
        guard let index = indexByID[id] else { return nil }
        entries[index].stored.revokedAt = now
        return storable(index)
    }

    /// The token at `index` as it must be stored: with its latest `last_used_at`.
    private mutating func storable(_ index: Int) -> StoredToken {
        var stored = entries[index].stored
        stored.lastUsedAt = entries[index].lastUsed
        entries[index].persistedLastUsed = entries[index].lastUsed
        return stored
    }

    /// Tokens of `role` and `owner` that are neither revoked nor expired at `now`.
    func active(role: TokenRole, owner: String, now: Date) -> [Entry] {
        entries.filter { $0.stored.role == role && $0.stored.owner == owner && $0.record.isActive(at: now) }
    }

    /// `last_used_at` values that changed since last stored: the mutations, and memory marked as stored.
    mutating func unsavedUsage() -> [StoreMutation] {
        var mutations: [StoreMutation] = []
        for index in entries.indices {
            guard let used = entries[index].lastUsed, used != entries[index].persistedLastUsed else { continue }
            entries[index].persistedLastUsed = used
            mutations.append(StoredToken.lastUsed(entries[index].stored.id, used))
        }
        return mutations
    }

    /// Keeps the fresher in-memory `last_used_at` of `old` when memory is rebuilt from storage.
    mutating func keepUsage(of old: TokenBook) {
        for index in entries.indices {
            guard let previous = old.entry(entries[index].stored.id)?.lastUsed else { continue }
            if entries[index].lastUsed.map({ $0 < previous }) ?? true { entries[index].lastUsed = previous }
        }
    }

    /// Adds an auditor.
    mutating func addAuditor(_ auditor: StoredAuditor) { auditors[auditor.id] = auditor }
}
