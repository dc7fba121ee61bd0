import ArgumentParser
import Foundation
import SuanliClient
import SuanliCore

/// `suanli tokens [list|create|revoke ID|rotate ID]`.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "List, create, revoke and rotate tokens (never shows a secret twice).",
        subcommands: [List.self, Create.self, Revoke.self, Rotate.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tokens your token may see (the operator and auditors: all), without secrets.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let tokens = try await client.client.tokens()
                if client.json { return try printJSON(ItemList(items: tokens)) }
                let now = Date()
                var table = Table("ID", "ROLE", "OWNER", "NAME", "CREATED", "EXPIRES", "LAST USED", "STATE")
                for t in tokens {
                    let state = t.revokedAt != nil ? "revoked" : (t.isActive(at: now) ? "active" : "expired")
                    table.add(
                        t.id, t.role.rawValue, t.owner, t.name, Timestamp.format(t.createdAt), t.expiresAt.map(Timestamp.format) ?? "never",
                        t.lastUsedAt.map(Timestamp.format) ?? "-", state)
                }
                print(table.render())
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token (default: another one for yourself); prints its secret once.")
        @OptionGroup var client: ClientOptions
        @Option(help: "operator, provider, consumer or auditor (default: your own role).") var role: String?
        @Option(help: "Provider prefix, consumer or auditor id (default: yourself).") var owner: String?
        @Option(help: "A label, e.g. 'ci'.") var name: String?
        @Option(help: "Lifetime, e.g. 3600, 90m, 12h, 30d (default: no expiry).") var ttl: String?

        func run() async throws {
            let roleValue: TokenRole? = try role.map { text in
                guard let role = TokenRole(rawValue: text) else {
                    throw ValidationError("--role must be one of operator, provider, consumer, auditor")
                }
                return role
            }
            let ttlSeconds = try ttl.map(parseDuration)
            try await runClient {
                let record = try await client.client.createToken(
                    TokenRequest(role: roleValue, owner: owner, name: name, ttlS: ttlSeconds))
                if client.json { return try printJSON(record) }
                printIssued(record)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: refused from the next request on.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Token id (see 'suanli tokens').") var id: String

        func run() async throws {
            try await runClient {
                try await client.client.revokeToken(id)
                print("revoked \(id)")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a token by a new one (same role, owner, name and lifetime); the old one is revoked at once.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Token id (see 'suanli tokens').") var id: String
        @Option(help: "Lifetime of the new token, e.g. 12h (default: the old token's).") var ttl: String?

        func run() async throws {
            let ttlSeconds = try ttl.map(parseDuration)
            try await runClient {
                let record = try await client.client.rotateToken(id, TokenRotation(ttlS: ttlSeconds))
                if client.json { return try printJSON(record) }
                print("revoked \(id)")
                printIssued(record)
            }
        }
    }
}

/// `suanli auditors` and `suanli auditors add NAME` (operator).
struct AuditorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auditors", abstract: "List auditors, or register one (operator token).",
        subcommands: [List.self, Add.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List auditors (operator or auditor token).")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let auditors = try await client.client.auditors()
                if client.json { return try printJSON(ItemList(items: auditors)) }
                var table = Table("ID", "NAME", "CREATED")
                for a in auditors { table.add(a.id, a.name, Timestamp.format(a.createdAt)) }
                print(table.render())
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an auditor (reads everything, changes nothing); prints its token (once).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Auditor name.") var name: String

        func run() async throws {
            try await runClient {
                let record = try await client.client.registerAuditor(AuditorRegistration(name: name))
                if client.json { return try printJSON(record) }
                print("registered auditor \(record.name) as \(record.id)")
                print("auditor token (shown once): \(record.token ?? "")")
            }
        }
    }
}

/// `suanli audit [--since --until --actor --action --limit --all]` (operator, auditors).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log, newest first: who changed what, when, from where, with what result.")
    @OptionGroup var client: ClientOptions
    @Option(help: "From this time: RFC 3339 (2026-11-21T00:00:00Z) or an age (90m, 24h, 7d).") var since: String?
    @Option(help: "Before this time: RFC 3339 or an age.") var until: String?
    @Option(help: "A token id, owner (c1, 86.1.7, a1, operator) or role.") var actor: String?
    @Option(help: "An action, e.g. 'POST /v1/tasks'.") var action: String?
    @Option(help: "Entries per page (1-1000).") var limit = 100
    @Flag(help: "Follow next_cursor to the end.") var all = false

    func run() async throws {
        let sinceDate = try since.map { try parseTime($0, option: "--since") }
        let untilDate = try until.map { try parseTime($0, option: "--until") }
        try await runClient {
            var entries: [AuditEntry] = []
            var cursor: String? = nil
            repeat {
                let page = try await client.client.audit(
                    since: sinceDate, until: untilDate, actor: actor, action: action, limit: limit, cursor: cursor)
                entries += page.items
                cursor = page.nextCursor
            } while all && cursor != nil
            if client.json { return try printJSON(Page(items: entries, nextCursor: cursor)) }
            var table = Table("ID", "AT", "ACTOR", "TOKEN", "ACTION", "TARGET", "FROM", "STATUS", rightAligned: [0, 7])
            for e in entries {
                let actor = e.owner.map { $0 == e.role ? $0 : "\(e.role) \($0)" } ?? e.role
                let target = e.target.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                table.add(
                    String(e.id), Timestamp.format(e.at), actor, e.token ?? "-", e.action, target, e.from,
                    String(e.status) + (e.error.map { " \($0)" } ?? ""))
            }
            print(table.render())
            if cursor != nil { print("(more entries: add --all)") }
        }
    }
}

/// Prints a newly issued token and its secret.
private func printIssued(_ record: TokenRecord) {
    print("token \(record.id): \(record.role.rawValue) \(record.owner)" + (record.expiresAt.map { ", expires \(Timestamp.format($0))" } ?? ""))
    print("secret (shown once): \(record.token ?? "")")
}

/// Seconds in `3600`, `90s`, `90m`, `12h` or `30d`.
func parseDuration(_ text: String) throws -> Double {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    var number = Substring(text)
    var scale = 1.0
    if let last = text.last, let unit = units[last] {
        number = number.dropLast()
        scale = unit
    }
    guard let value = Double(number), value > 0, value.isFinite else {
        throw ValidationError("'\(text)' is not a duration such as 3600, 90m, 12h or 30d")
    }
    return value * scale
}

/// An RFC 3339 time, or an age (`7d`) before now.
func parseTime(_ text: String, option: String) throws -> Date {
    if let date = Timestamp.parse(text) { return date }
    guard let age = try? parseDuration(text) else {
        throw ValidationError("\(option) must be an RFC 3339 time (2026-11-21T00:00:00Z) or an age such as 24h or 7d")
    }
    return Date().addingTimeInterval(-age)
}
