import ArgumentParser
import Foundation
import SuanliAgent
import SuanliClient
import SuanliCore
import SuanliFederation
import SuanliServer
import Logging
import Synchronization

/// Options of `serve` and `up` for taking part in a federation (docs/federation.md).
struct FederationOptions: ParsableArguments {
    @Option(help: "The parent platform's URL: join its federation under --prefix (delegated by its operator).")
    var parent: String?

    // No default value: help would print it, and a token is a secret.
    @Option(help: "The one-time join token from the parent's 'suanli federation add-child' (first start only).")
    var joinToken: String?

    @Option(
        name: .customLong("root-key"),
        help: "The federation root's public key (base64, from its 'suanli federation status'): refuse a parent whose chain ends elsewhere.")
    var rootKey: String?

    @Option(help: "Seconds between syncs with the parent; 3 missed make the link unreachable.")
    var syncInterval: Double = 1

    @Option(help: "This platform's name in the federation when it is the root (children get theirs from the parent).")
    var name: String?

    func validate() throws {
        if let parent, let problem = FederationConfiguration.problem(url: parent) { throw ValidationError("--parent \(problem)") }
        if joinToken != nil, parent == nil { throw ValidationError("--join-token needs --parent URL") }
        if let rootKey {
            guard parent != nil else { throw ValidationError("--root-key needs --parent URL (the root trusts its own key)") }
            guard let bytes = Data(base64Encoded: rootKey), bytes.count == 32 else {
                throw ValidationError("--root-key must be an Ed25519 public key: standard base64 of 32 bytes, as 'suanli federation status' prints it")
            }
        }
        guard syncInterval >= 0.05, syncInterval <= 3600 else { throw ValidationError("--sync-interval must be between 0.05 and 3600 seconds") }
    }

    /// The configuration, with the platform's `--public-url` (shared with `serve`'s other uses of it).
    func configuration(publicURL: String?) -> FederationConfiguration {
        var configuration = FederationConfiguration(
            name: name, parentURL: parent, joinToken: joinToken, publicURL: publicURL, syncInterval: syncInterval)
        configuration.rootPublicKey = rootKey
        return configuration
    }

    /// Opens the federation module of `platform` (its key pair is created on first start).
    func open(_ platform: Platform, publicURL: String?, logger: Logger) async -> FederationModule {
        var logger = logger
        logger[metadataKey: "module"] = "federation"
        do {
            return try await FederationModule.open(platform: platform, configuration: configuration(publicURL: publicURL), logger: logger)
        } catch let error as SuanliError {
            fail(error.message)
        } catch {
            fail("cannot open the federation state in the data directory: \(error)")
        }
    }
}

/// `suanli federation`: this platform's place in the federation, its children, delegating a prefix.
struct FederationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federation", abstract: "Show the federation around a platform, or delegate a child prefix (operator).",
        subcommands: [Status.self, Children.self, AddChild.self, Settlements.self], defaultSubcommand: Status.self)

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "This platform's prefix, key, parent and children.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let status = try await client.client.federation()
                if client.json { return try printJSON(status) }
                print("platform \(status.prefix) (\(status.name))  public key \(status.publicKey)")
                if let parent = status.parent {
                    print("parent   \(parent.prefix) at \(parent.url): \(parent.state.rawValue)")
                } else {
                    print("parent   none (this is the federation's root)")
                }
                print(FederationCommand.table(status.children))
            }
        }
    }

    struct Children: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The platforms this one delegated prefixes to.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let children = try await client.client.federationChildren()
                if client.json { return try printJSON(ItemList(items: children)) }
                print(FederationCommand.table(children))
            }
        }
    }

    struct AddChild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-child", abstract: "Delegate the next child prefix to a new platform (operator); prints its join command.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The child platform's name.") var name: String
        @Option(help: "The URL the child platform will be reached at.") var url: String

        func validate() throws {
            if let problem = FederationConfiguration.problem(url: url) { throw ValidationError("--url \(problem)") }
        }

        func run() async throws {
            try await runClient {
                let child = try await client.client.addFederationChild(FederationChildRequest(name: name, url: url))
                if client.json { return try printJSON(child) }
                print("delegated \(child.prefix) to \(child.name) (\(child.url))")
                print("join token (shown once): \(child.joinToken ?? "")")
                print("start it with: suanli serve --prefix \(child.prefix) --parent \(client.server) --join-token \(child.joinToken ?? "") --public-url \(child.url)")
            }
        }
    }

    struct Settlements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What this platform and another owe each other for a month (operator, auditors).",
            discussion: "Receivable: what this platform metered for the peer's tasks. Payable: what the peer metered, and signed, for this platform's tasks. Both platforms' figures agree to the fen; tampered, unknown and duplicated statements are listed as disputed.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The other platform's prefix, e.g. 86.1.2.") var peer: String
        @Option(help: "YYYY-MM (UTC); default: this month.") var month: String?

        func validate() throws {
            do { _ = try Prefix(parsing: peer) } catch {
                throw ValidationError("--peer '\(peer)' is not a prefix: \(error.message)")
            }
            if let month, BillingMonth(parsing: month) == nil { throw ValidationError("--month '\(month)' is not YYYY-MM, e.g. 2026-11") }
        }

        func run() async throws {
            try await runClient {
                let settlement = try await client.client.federationSettlement(peer: peer, month: month.flatMap { BillingMonth(parsing: $0) })
                if client.json { return try printJSON(settlement) }
                print("settlement with \(settlement.peer) for \(settlement.month)")
                var table = Table("", "PARTS", "FEN", rightAligned: [1, 2])
                table.add("receivable (they owe us)", String(settlement.receivable.count), String(settlement.receivableFen))
                table.add("payable (we owe them)", String(settlement.payable.count), String(settlement.payableFen))
                table.add("net", "", String(settlement.netFen))
                print(table.render())
                for dispute in settlement.disputed { print("disputed \(dispute.kind): \(dispute.homeTask): \(dispute.message)") }
                if !settlement.pending.isEmpty {
                    print("\(settlement.pending.count) task(s) placed there have no final statement yet: \(settlement.pending.prefix(5).joined(separator: ", "))")
                }
            }
        }
    }

    static func table(_ children: [FederationChild]) -> String {
        var table = Table("PREFIX", "NAME", "URL", "STATE", "LAST SYNC", "LAG S", rightAligned: [5])
        for child in children {
            table.add(
                child.prefix.description, child.name, child.url, child.state.rawValue, child.lastSyncAt.map(Timestamp.format) ?? "-",
                child.lagS.map { String(format: "%.1f", $0) } ?? "-")
        }
        return children.isEmpty ? "no children" : table.render()
    }
}

/// `suanli up --federation`: the national platform (this process) delegates a prefix to each
/// demo region and starts it as a child process (`suanli up --parent … --join-token …`, its
/// own data directory, port and demo network), then prints every URL. Restarts reuse the
/// delegations and data directories (no token needed then).
final class FederationDemo: Sendable {
    /// The demo's regional and industry platforms.
    static let regions = ["north", "east", "south", "industry-auto"]

    private let children = Mutex<[ChildProcess]>([])

    /// Starts (or restarts) one child platform per region, each `--providers`/`--resources` big.
    func start(
        module: FederationModule, host: String, port: Int, data: String, providers: Int, resources: Int, syncInterval: Double
    ) async throws -> [(name: String, prefix: String, url: String)] {
        let existing = module.children()
        var started: [(name: String, prefix: String, url: String)] = []
        for (index, name) in Self.regions.enumerated() {
            let childPort = port + 1 + index
            let url = "http://\(host):\(childPort)"
            let directory = (data as NSString).appendingPathComponent("federation-\(name)")
            var arguments = [
                "up", "--host", host, "--port", String(childPort), "--data", directory, "--parent", "http://\(host):\(port)",
                "--providers", String(providers), "--resources", String(resources), "--seed", String(2025 + index + 1),
                "--sync-interval", String(syncInterval), "--log-level", "warning", "--root-key", module.publicKey,
            ]
            let prefix: String
            if let child = existing.first(where: { $0.name == name }) {
                prefix = child.prefix.description
            } else {
                let child = try await module.addChild(FederationChildRequest(name: name, url: url), by: .operator)
                prefix = child.prefix.description
                arguments += ["--join-token", child.joinToken ?? ""]
            }
            arguments += ["--prefix", prefix]
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let log = (directory as NSString).appendingPathComponent("up.log")
            let process = try ChildProcess([Self.executable] + arguments, standardOutput: .file(log), standardError: .sameAsStandardOutput)
            children.withLock { $0.append(process) }
            started.append((name, prefix, url))
        }
        return started
    }

    /// Stops every child platform (SIGTERM: a graceful shutdown) and waits for them.
    func stop() async {
        let processes = children.withLock { $0 }
        for process in processes { process.signal(SIGTERM) }
        for process in processes {
            for _ in 0..<200 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
            process.signal(SIGKILL)
            await process.waitForExit()
        }
    }

    /// This executable's path.
    static var executable: String {
        let invoked = CommandLine.arguments.first ?? "suanli"
        if invoked.contains("/") {
            return URL(fileURLWithPath: invoked, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
        }
        return Bundle.main.executablePath ?? invoked
    }
}
