import Foundation
import Logging
import SuanliCore
import SuanliStore

/// The caller established from a valid token.
struct Credential: Sendable {
    let principal: Principal
    let tokenID: String
}

/// A presented token that was refused, with what is known of it (for the audit log).
struct RefusedToken: Error, Sendable {
    let error: SuanliError
    /// The token record when the secret belongs to a known (revoked, expired) token.
    let token: TokenRecord?
}

extension Platform {
    // MARK: Loading

    /// Loads tokens and auditors and installs the bootstrap operator token (id `operator`):
    /// kept when its secret is unchanged (revoked stays revoked), replaced when the secret in
    /// `DATA/operator-token` or `--operator-token` changed. Writes directly: the committer is not running yet.
    static func openTokens(store: any SuanliStore, operatorToken: String, now: Date, logger: Logger) async throws -> TokenBook {
        var book = try await loadTokens(store: store)
        let hash = Tokens.hash(operatorToken)
        if let existing = book.entry(TokenBook.bootstrapID)?.stored, existing.secretHash == hash {
            if let revoked = existing.revokedAt {
                logger.warning(
                    "the bootstrap operator token was revoked; it is refused. Use another operator token, or delete DATA/operator-token (or change --operator-token) and restart for a new one",
                    metadata: ["revoked_at": "\(Timestamp.format(revoked))"])
            }
            return book
        }
        if let other = book.entries.first(where: { $0.stored.secretHash == hash }) {
            throw SuanliError(
                .conflict, "the operator token given is already token \(other.stored.id) (\(other.stored.role.rawValue) \(other.stored.owner)); choose another")
        }
        let stored = StoredToken(
            id: TokenBook.bootstrapID, role: .operator, owner: "operator", name: "bootstrap", secretHash: hash, createdAt: now)
        try book.add(stored)
        try await store.apply([.put(stored)])
        return book
    }

    /// Tokens and auditors as stored.
    static func loadTokens(store: any SuanliStore) async throws -> TokenBook {
        let next = UInt64(try await store.loadMeta()["next_auditor"] ?? "1") ?? 1
        return try TokenBook(
            tokens: try await store.load(StoredToken.self), auditors: try await store.load(StoredAuditor.self), nextAuditor: next)
    }

    // MARK: Authentication

    /// Who presents `secret`: a valid token's principal, or the refusal (401) naming why.
    /// One SHA-256, one dictionary probe and one store of `last_used_at` under ``tokens``' lock.
    func identify(secret: String) -> Result<Credential, RefusedToken> {
        let digest = TokenDigest(secret: secret)
        let now = clock()
        switch tokens.withLock({ $0.authenticate(digest, now: now) }) {
        case .valid(let principal, let id):
            return .success(Credential(principal: principal, tokenID: id))
        case .revoked(let record):
            let at = record.revokedAt.map(Timestamp.format) ?? "?"
            return .failure(
                RefusedToken(
                    error: SuanliError(.tokenRevoked, "token revoked: \(record.id) was revoked at \(at); ask its issuer for a new token"),
                    token: record))
        case .expired(let record):
            let at = record.expiresAt.map(Timestamp.format) ?? "?"
            return .failure(
                RefusedToken(
                    error: SuanliError(.tokenExpired, "token expired at \(at) (\(record.id)); ask its issuer for a new token"),
                    token: record))
        case .notAccepted(let record):
            return .failure(
                RefusedToken(
                    error: SuanliError(.unauthorized, "\(record.role.rawValue) tokens are not accepted yet (they come with federation)"),
                    token: record))
        case .unknown:
            return .failure(
                RefusedToken(error: SuanliError(.unauthorized, "the bearer token is not known here; check --token or SUANLI_TOKEN"), token: nil))
        }
    }

    // MARK: Rules

    /// The refusal for an auditor's write.
    static var auditorsChangeNothing: SuanliError {
        SuanliError(.forbidden, "auditors read everything and change nothing; this needs another token")
    }

    /// Refuses anonymous callers (401) and auditors (403): everyone else may try to change something.
    func requireWriter(_ principal: Principal) throws(SuanliError) {
        switch principal {
        case .anonymous: throw SuanliError(.unauthorized, "this needs a token; pass Authorization: Bearer TOKEN")
        case .auditor: throw Self.auditorsChangeNothing
        case .operator, .provider, .consumer: return
        }
    }

    /// Lets the operator and auditors read what only they may read (all consumers, the audit log).
    func requireOverseer(_ principal: Principal) throws(SuanliError) {
        switch principal {
        case .operator, .auditor: return
        case .anonymous: throw SuanliError(.unauthorized, "this needs the operator's or an auditor's token; pass Authorization: Bearer TOKEN")
        case .provider, .consumer: throw SuanliError(.forbidden, "only the operator and auditors may read this")
        }
    }

    /// Whether `principal` may create, rotate or revoke tokens of `role` for `owner`: the
    /// operator all of them, a provider or consumer its own.
    static func mayManage(_ principal: Principal, role: TokenRole, owner: String) -> Bool {
        switch principal {
        case .operator: true
        case .provider(let prefix): role == .provider && owner == prefix.description
        case .consumer(let id): role == .consumer && owner == id
        case .anonymous, .auditor: false
        }
    }

    /// Whether `principal` may see `token` listed: the operator and auditors all, others their own.
    static func mayView(_ principal: Principal, _ token: StoredToken) -> Bool {
        switch principal {
        case .operator, .auditor: true
        default: mayManage(principal, role: token.role, owner: token.owner)
        }
    }

    /// The tag in a new secret (`slp_…` for providers).
    static func secretKind(_ role: TokenRole) -> String {
        switch role {
        case .operator: "o"
        case .provider: "p"
        case .consumer: "c"
        case .auditor: "a"
        case .peer: "f"
        }
    }

    /// Adds a new token to `book`; returns it with its secret and the mutation that stores it.
    static func issue(
        _ book: inout TokenBook, role: TokenRole, owner: String, name: String = "", secret: String, now: Date, expiresAt: Date?
    ) throws(SuanliError) -> (TokenRecord, StoreMutation) {
        let stored = StoredToken(
            id: book.newID(), role: role, owner: owner, name: name, secretHash: Tokens.hash(secret), createdAt: now,
            expiresAt: expiresAt)
        try book.add(stored)
        var record = book.entry(stored.id)!.record
        record.token = secret
        return (record, .put(stored))
    }

    /// Revokes every active token of `role` and `owner` and issues a new one (the provider-token
    /// route: "the old one stops working"); to be called inside a commit.
    func replaceTokens(role: TokenRole, owner: String, now: Date) throws(SuanliError) -> (TokenRecord, [StoreMutation]) {
        let secret = Tokens.generate(kind: Self.secretKind(role))
        return try tokens.withLock { book throws(SuanliError) in
            var mutations: [StoreMutation] = []
            for entry in book.active(role: role, owner: owner, now: now) {
                if let revoked = book.revoke(entry.stored.id, at: now) { mutations.append(.put(revoked)) }
            }
            let (record, put) = try Self.issue(&book, role: role, owner: owner, secret: secret, now: now, expiresAt: nil)
            return (record, mutations + [put])
        }
    }

    /// Checks that the owner of a new token exists (inside a commit).
    private func checkOwner(_ role: TokenRole, _ owner: String, in state: PlatformState) throws(SuanliError) {
        let exists: Bool
        switch role {
        case .operator: exists = owner == "operator"
        case .provider: exists = (try? Prefix(parsing: owner)).flatMap { state.registry.provider($0) } != nil
        case .consumer: exists = state.consumers[owner] != nil
        case .auditor: exists = tokens.withLock { $0.auditors[owner] != nil }
        case .peer: exists = false
        }
        guard exists else {
            let hint = role == .operator ? "the operator's tokens have owner 'operator'" : "no \(role.rawValue) '\(owner)' is registered here"
            throw SuanliError(.validation, hint, field: "owner")
        }
    }

    // MARK: Tokens

    /// Every token `principal` may see, in creation order, without secrets.
    public func tokenRecords(by principal: Principal) throws(SuanliError) -> [TokenRecord] {
        guard principal != .anonymous else {
            throw SuanliError(.unauthorized, "listing tokens needs a token; pass Authorization: Bearer TOKEN")
        }
        return tokens.withLock { book in book.entries.filter { Self.mayView(principal, $0.stored) }.map(\.record) }
    }

    /// Creates a token for a principal the caller may manage; the answer carries its secret (once).
    public func createToken(_ request: TokenRequest, by principal: Principal) async throws(SuanliError) -> TokenRecord {
        try requireWriter(principal)
        let now = clock()
        do throws(ValidationError) { try request.validate(now: now) } catch { throw .validation(error) }
        let role = request.role ?? principal.role ?? .operator
        if role == .peer {
            throw SuanliError(.validation, "peer tokens come with federation and are not issued yet", field: "role")
        }
        guard principal == .operator || role == principal.role else {
            throw SuanliError(.forbidden, "a \(principal.role?.rawValue ?? "") token may create tokens only for itself; the operator creates the others")
        }
        let owner: String
        if let given = request.owner {
            owner = given
        } else if role == principal.role, let own = principal.owner {
            owner = own
        } else {
            throw SuanliError(.validation, "owner is required for a \(role.rawValue) token (a provider prefix, consumer or auditor id)", field: "owner")
        }
        guard Self.mayManage(principal, role: role, owner: owner) else {
            throw SuanliError(.forbidden, "a \(principal.role?.rawValue ?? "") token may create tokens only for itself; the operator creates the others")
        }
        let secret = Tokens.generate(kind: Self.secretKind(role))
        return try await commit { state throws(SuanliError) in
            try checkOwner(role, owner, in: state)
            let (record, put) = try tokens.withLock { book throws(SuanliError) in
                try Self.issue(&book, role: role, owner: owner, name: request.name ?? "", secret: secret, now: now, expiresAt: request.expiry(now: now))
            }
            return (record, [put])
        }
    }

    /// Revokes a token at once (204 also when it already was); the operator any, others their own.
    public func revokeToken(_ id: String, by principal: Principal) async throws(SuanliError) {
        try requireWriter(principal)
        let now = clock()
        try await commit { _ throws(SuanliError) in
            try tokens.withLock { book throws(SuanliError) -> [StoreMutation] in
                guard let entry = book.entry(id), Self.mayView(principal, entry.stored) else {
                    throw SuanliError(.notFound, "no token \(Validation.excerpt(id, maxCharacters: 40)); GET /v1/tokens lists yours")
                }
                guard entry.stored.revokedAt == nil else { return [] }
                if entry.stored.role == .operator, entry.record.isActive(at: now),
                    book.active(role: .operator, owner: "operator", now: now).count == 1
                {
                    throw SuanliError(
                        .conflict,
                        "token \(id) is the last active operator token; create another first (POST /v1/tokens {\"role\":\"operator\"})")
                }
                return book.revoke(id, at: now).map { [.put($0)] } ?? []
            }
        }
    }

    /// Replaces a token by a new one with the same role, owner and name (and, unless `rotation`
    /// says otherwise, the same lifetime); the old one is revoked at once. Returns the new
    /// token with its secret.
    public func rotateToken(_ id: String, _ rotation: TokenRotation, by principal: Principal) async throws(SuanliError) -> TokenRecord {
        try requireWriter(principal)
        let now = clock()
        do throws(ValidationError) { try rotation.validate(now: now) } catch { throw .validation(error) }
        return try await commit { _ throws(SuanliError) in
            try tokens.withLock { book throws(SuanliError) -> (TokenRecord, [StoreMutation]) in
                guard let entry = book.entry(id), Self.mayView(principal, entry.stored) else {
                    throw SuanliError(.notFound, "no token \(Validation.excerpt(id, maxCharacters: 40)); GET /v1/tokens lists yours")
                }
                let old = entry.stored
                if old.id == TokenBook.bootstrapID {
                    throw SuanliError(
                        .conflict,
                        "the bootstrap operator token comes from DATA/operator-token or --operator-token: replace it there and restart, or create another operator token (POST /v1/tokens) and revoke this one")
                }
                guard entry.record.isActive(at: now) else {
                    throw SuanliError(
                        .conflict, "token \(id) is already \(old.revokedAt != nil ? "revoked" : "expired"); create a new one with POST /v1/tokens")
                }
                let expiry = rotation.expiry(now: now) ?? old.expiresAt.map { now.addingTimeInterval($0.timeIntervalSince(old.createdAt)) }
                let secret = Tokens.generate(kind: Self.secretKind(old.role))
                let (record, put) = try Self.issue(&book, role: old.role, owner: old.owner, name: old.name, secret: secret, now: now, expiresAt: expiry)
                let revoked = book.revoke(id, at: now)!
                return (record, [.put(revoked), put])
            }
        }
    }

    // MARK: Auditors

    /// Registers an auditor and returns it with its token (shown once); operator only.
    public func registerAuditor(_ registration: AuditorRegistration, by principal: Principal) async throws(SuanliError) -> AuditorRecord {
        try requireOperator(principal)
        do throws(ValidationError) { try registration.validate() } catch { throw .validation(error) }
        let secret = Tokens.generate(kind: Self.secretKind(.auditor))
        let now = clock()
        return try await commit { _ throws(SuanliError) in
            try tokens.withLock { book throws(SuanliError) -> (AuditorRecord, [StoreMutation]) in
                let id = "a\(book.nextAuditor)"
                let (_, put) = try Self.issue(&book, role: .auditor, owner: id, secret: secret, now: now, expiresAt: nil)
                book.nextAuditor += 1
                let auditor = StoredAuditor(id: id, name: registration.name, createdAt: now)
                book.addAuditor(auditor)
                return (
                    AuditorRecord(id: id, name: auditor.name, createdAt: now, token: secret),
                    [.put(auditor), put, .setMeta(key: "next_auditor", value: String(book.nextAuditor))]
                )
            }
        }
    }

    /// All auditors in id order; the operator and auditors.
    public func auditors(by principal: Principal) throws(SuanliError) -> [AuditorRecord] {
        try requireOverseer(principal)
        return tokens.withLock { book in
            book.auditors.values.sorted { ($0.id.count, $0.id) < ($1.id.count, $1.id) }.map {
                AuditorRecord(id: $0.id, name: $0.name, createdAt: $0.createdAt)
            }
        }
    }

    // MARK: last_used_at

    /// Stores the `last_used_at` values that changed since the last call (one transaction).
    public func saveTokenUsage() async throws(SuanliError) {
        let mutations = tokens.withLock { $0.unsavedUsage() }
        guard !mutations.isEmpty else { return }
        try await persistAside(mutations)
    }

    /// Writes mutations that change no in-memory state (audit entries, `last_used_at`) through
    /// the group commit and returns once they are durable.
    func persistAside(_ mutations: [StoreMutation]) async throws(SuanliError) {
        let ticket: UInt64
        do throws(SuanliErrorBox) {
            ticket = try committer.enqueue(mutations)
        } catch {
            switch error {
            case .stopped: throw SuanliError(.unavailable, "the platform is shutting down")
            case .broken(let reason): throw SuanliError(.unavailable, "the platform is recovering from a failed write (\(reason))")
            }
        }
        do {
            try await committer.waitDurable(ticket)
        } catch {
            throw SuanliError(.unavailable, "could not be stored (\(error))")
        }
    }
}
