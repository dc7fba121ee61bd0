import Foundation
import PostgresNIO
import SuanliStore

/// Where a ``PostgresStore`` connects: parsed from a database URL,
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=disable|prefer|require]`.
public struct PostgresConfiguration: Sendable, Hashable {
    /// How the connection uses TLS (libpq's `sslmode`, the common values).
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it (the default, as in libpq).
        case prefer
        /// TLS or no connection.
        case require
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port (5432 by default).
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The role's password, if the server asks for one.
    public var password: String?
    /// The database.
    public var database: String
    /// The schema the store's tables live in (`search_path`); created when missing. `nil`: the role's default (`public`).
    public var schema: String?
    /// TLS use.
    public var tls: TLSMode
    /// How long an operation waits for a connection before failing with a ``StoreError`` (the platform answers 503).
    public var connectionTimeout: Duration
    /// The most connections the store's pool opens.
    public var maximumConnections: Int

    /// A configuration from its parts.
    public init(
        host: String, port: Int = 5432, username: String, password: String? = nil, database: String, schema: String? = nil,
        tls: TLSMode = .prefer, connectionTimeout: Duration = .seconds(5), maximumConnections: Int = 8
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls
        self.connectionTimeout = connectionTimeout
        self.maximumConnections = maximumConnections
    }

    /// Parses a database URL; the error says what is wrong with it (never echoing the password).
    public init(url: String) throws(StoreError) {
        let example = "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw StoreError("the database URL is not a URL; expected \(example)")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError("the database URL has scheme '\(scheme)'; expected \(example)")
        }
        guard let host = components.host, !host.isEmpty else { throw StoreError("the database URL names no host; expected \(example)") }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError("the database URL names no user; expected \(example)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw StoreError("the database URL's port \(port) is not between 1 and 65535") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError("the database URL names no database (the path after the host); expected \(example)")
        }
        var schema: String?
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "schema", "search_path":
                guard let value = item.value, Self.isIdentifier(value) else {
                    throw StoreError("the database URL's schema must be a plain SQL identifier ([a-z_][a-z0-9_]*)")
                }
                schema = value
            case "sslmode":
                guard let value = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw StoreError("the database URL's sslmode must be disable, prefer or require")
                }
                tls = value
            default:
                throw StoreError("the database URL has an unknown parameter '\(item.name)' (known: schema, sslmode)")
            }
        }
        self.init(
            host: host, port: port, username: components.percentEncodedUser?.removingPercentEncoding ?? user,
            password: components.percentEncodedPassword?.removingPercentEncoding, database: database.removingPercentEncoding ?? database,
            schema: schema, tls: tls)
    }

    /// The URL without the password, for messages and logs.
    public var redactedURL: String {
        var url = "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
        var parameters: [String] = []
        if let schema { parameters.append("schema=\(schema)") }
        if tls != .prefer { parameters.append("sslmode=\(tls.rawValue)") }
        if !parameters.isEmpty { url += "?" + parameters.joined(separator: "&") }
        return url
    }

    /// The same server and database with the tables in `schema`.
    public func with(schema: String?) -> PostgresConfiguration {
        var copy = self
        copy.schema = schema
        return copy
    }

    var clientConfiguration: PostgresClient.Configuration {
        let tlsConfiguration: PostgresClient.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tlsConfiguration)
        configuration.options.connectTimeout = connectionTimeout
        configuration.options.maximumConnections = maximumConnections
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(30))
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        return configuration
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
            name.utf8.count <= 63
        else { return false }
        return name.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }
}
