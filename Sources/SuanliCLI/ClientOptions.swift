import ArgumentParser
import Foundation
import SuanliClient
import SuanliCore

/// Options shared by every command that talks to a running platform.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Platform URL (env SUANLI_SERVER).")
    var server: String = ProcessInfo.processInfo.environment["SUANLI_SERVER"] ?? "http://127.0.0.1:8080"

    // No default value: help would print it, and a token is a secret.
    @Option(name: .customLong("token"), help: "Bearer token (default: $SUANLI_TOKEN).")
    var tokenOption: String?

    /// `--token`, else `SUANLI_TOKEN`, else empty (no token).
    var token: String { tokenOption ?? ProcessInfo.processInfo.environment["SUANLI_TOKEN"] ?? "" }

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard server.hasPrefix("http://") || server.hasPrefix("https://"), URL(string: server)?.host != nil else {
            throw ValidationError("--server must be a URL such as http://127.0.0.1:8080, got '\(server)'")
        }
    }

    var client: SuanliClient { SuanliClient(server: server, token: token.isEmpty ? nil : token) }
}

/// Runs a client call, turning the platform's errors (``SuanliError``, which the client throws)
/// into a message on stderr and exit code 1.
func runClient(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SuanliError {
        var message = "error: \(error.message)"
        switch error.code {
        case .unauthorized: message += "\nhint: pass --token or set SUANLI_TOKEN (suanli up prints a ready-to-paste export line)"
        case .forbidden: message += "\nhint: this needs another token (operator, or the owning provider's)"
        default: break
        }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        throw ExitCode.failure
    }
}

/// Prints a JSON value the way the API returns it (pretty).
func printJSON(_ value: some Encodable) throws {
    let data = try SuanliJSON.encoder(pretty: true).encode(value)
    print(String(decoding: data, as: UTF8.self))
}


/// Checks a location option against the national topology (the one every platform uses), so a
/// typo is caught before any call, with the nearest code: `--near city.shangai` → `city.shanghai`.
func checkLocation(_ code: String?, option: String) throws {
    guard let code, Topology.national.index(of: code) == nil else { return }
    let guess = Topology.national.suggestion(for: code).map { "did you mean '\($0)'? " } ?? ""
    throw ArgumentParser.ValidationError("unknown location '\(code)' for \(option); \(guess)'suanli topology' lists the codes")
}
