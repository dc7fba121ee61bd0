import ArgumentParser
import Foundation
import SuanliClient
import SuanliCore

/// `suanli resolve ID…`.
struct Resolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resolve identifiers to their records and live state.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Identifiers, e.g. 86.1.7/zjk-a/gpu-node-17.")
    var ids: [String]

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("give at least one identifier, e.g. suanli resolve 86.1.1/node-1") }
        for id in ids {
            do { _ = try Identifier(parsing: id) } catch {
                if (try? Prefix(parsing: id)) != nil {
                    throw ValidationError(
                        "'\(id)' is a provider prefix, not a resource identifier: 'suanli providers' lists providers, "
                            + "and a resource is PREFIX/NAME such as \(id)/node-1")
                }
                throw ValidationError("'\(id)' is not a valid identifier: \(error.message)")
            }
        }
    }

    func run() async throws {
        try await runClient {
            let records: [ResourceRecord?]
            if ids.count == 1 {
                records = [try await client.client.resolve(ids[0])]
            } else {
                records = try await client.client.resolve(batch: ids)
            }
            if client.json {
                if ids.count == 1, let record = records[0] { try printJSON(record) } else { try printJSON(ResolveBatchResult(items: records)) }
                return
            }
            if ids.count == 1, let r = records[0] {
                print(describe(r))
                return
            }
            var table = resourceTable()
            for (id, record) in zip(ids, records) {
                if let record { table.add(resourceRow(record)) } else { table.add(id, "(unknown)", "", "", "", "", "", "", "") }
            }
            print(table.render())
        }
    }

    func describe(_ r: ResourceRecord) -> String {
        let flops = Precision.allCases.compactMap { p in r.tflops[p].map { "\(p.rawValue) \($0)" } }.joined(separator: ", ")
        return """
            id          \(r.id)
            provider    \(r.provider)\(r.platform.map { " (platform \($0))" } ?? "")
            kind        \(r.kind.rawValue) (\(r.computeClass.rawValue)), \(r.arch)
            model       \(r.model)
            units       \(r.units) × \(r.memoryGiB) GiB\(flops.isEmpty ? "" : ", TFLOPS per unit: \(flops)")
            location    \(r.location)
            price       ¥\(yuan(r.priceFenPerUnitHour)) per unit-hour
            renewable   \(percent(r.renewable))
            labels      \(r.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            version     \(r.version)
            state       \(r.state.freeUnits)/\(r.units) free, \(r.state.healthy ? "healthy" : "unhealthy"), heartbeat \(Timestamp.format(r.state.heartbeatAt))
            available   \(availability(r))
            """
    }
}

/// The resource table; with `rtt`, an RTT column from the query's `near`. Availability is the
/// last column, as it may carry the reason.
func resourceTable(rtt: Bool = false) -> Table {
    var table = Table("ID", "KIND", "MODEL", "FREE/UNITS", "¥/UNIT-H", "LOCATION", "GREEN", "VER", "AVAILABLE", rightAligned: [3, 4, 6, 7])
    if rtt {
        table.headers.insert("RTT MS", at: 6)
        table.rightAligned = [3, 4, 6, 7, 8]
    }
    return table
}

func resourceRow(_ r: ResourceRecord, rtt: Bool = false) -> [String] {
    var row = [
        r.id.string, r.kind.rawValue, r.model, "\(r.state.freeUnits)/\(r.units)", yuan(r.priceFenPerUnitHour), r.location,
        percent(r.renewable), String(r.version), availability(r),
    ]
    if rtt { row.insert(r.rttMs.map { String(format: "%.1f", $0) } ?? "-", at: 6) }
    return row
}

/// `yes`, or `no (why)`: "no (stale: last report 34 s ago (limit 30 s))".
func availability(_ r: ResourceRecord) -> String {
    if r.available { return "yes" }
    return r.unavailableReason.map { "no (\($0))" } ?? "no"
}

/// `suanli find`: discovery.
struct Find: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find resources by kind, architecture, model, location, latency, free units, price and green share.")

    @OptionGroup var client: ClientOptions

    @Option(help: "cpu, gpu, npu, fpga or asic.") var kind: String?
    @Option(help: "Host architecture, e.g. x86_64, aarch64.") var arch: String?
    @Option(help: "Exact model, e.g. 'Huawei Ascend 910B'.") var model: String?
    @Option(help: "Location code; a hub code matches its clusters and cities.") var location: String?
    @Option(help: "Keep resources within --max-rtt-ms of this location.") var near: String?
    @Option(help: "Round-trip limit in ms from --near (20 is the hub-to-hub guarantee).") var maxRttMs: Double?
    @Option(help: "At least this many free units.") var minFree: Int?
    @Option(help: "At most this price in fen per unit-hour.") var maxPrice: Int64?
    @Option(help: "At least this renewable share (0–1).") var minRenewable: Double?
    @Flag(help: "Include unhealthy and stale resources.") var includeUnavailable = false
    @Option(help: "Page size (1–1000).") var limit = 100
    @Option(help: "Cursor from a previous page.") var cursor: String?
    @Flag(help: "Follow cursors and print every match.") var all = false
    @Option(help: "Order: rtt (nearest first; the default with --near), price (cheapest first), renewable (greenest first) or registered.")
    var sort: String?

    /// The order asked for: `--sort`, else nearest first with `--near`, else registration order.
    var order: DiscoverySort {
        if let sort, let order = DiscoverySort(rawValue: sort) { return order }
        return near != nil ? .rtt : .registered
    }

    var query: DiscoveryQuery {
        DiscoveryQuery(
            kind: kind.flatMap(ResourceKind.init(rawValue:)), arch: arch, model: model, location: location, near: near,
            maxRttMs: maxRttMs, minFree: minFree, maxPrice: maxPrice, minRenewable: minRenewable,
            includeUnavailable: includeUnavailable, limit: limit, cursor: cursor, sort: order)
    }

    func validate() throws {
        if let kind, ResourceKind(rawValue: kind) == nil {
            throw ValidationError("--kind must be one of \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...DiscoveryQuery.maxLimit).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
        if (near == nil) != (maxRttMs == nil) {
            throw ValidationError("--near and --max-rtt-ms go together, e.g. --near city.shanghai --max-rtt-ms 20")
        }
        if let minRenewable, !(0...1).contains(minRenewable) { throw ValidationError("--min-renewable must be between 0 and 1") }
        if let sort {
            guard let order = DiscoverySort(rawValue: sort) else {
                throw ValidationError("--sort must be one of \(DiscoverySort.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if order == .rtt && near == nil {
                throw ValidationError("--sort rtt needs --near and --max-rtt-ms, e.g. --near city.shanghai --max-rtt-ms 20")
            }
        }
        try checkLocation(location, option: "--location")
        try checkLocation(near, option: "--near")
    }

    func run() async throws {
        try await runClient {
            var query = self.query
            var items: [ResourceRecord] = []
            var next: String?
            repeat {
                let page = try await client.client.find(query)
                items += page.items
                next = page.nextCursor
                query.cursor = next
            } while all && next != nil
            if client.json {
                try printJSON(Page(items: items, nextCursor: next))
                return
            }
            let rtt = near != nil
            var table = resourceTable(rtt: rtt)
            for r in items { table.add(resourceRow(r, rtt: rtt)) }
            print(table.render())
            print("\(items.count) resource\(items.count == 1 ? "" : "s")\(next.map { "; more with --cursor \($0) (or --all)" } ?? "")")
        }
    }
}

/// `suanli providers` and `suanli providers add`.
struct Providers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List providers, or register one (operator).", subcommands: [List.self, Add.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered providers.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let providers = try await client.client.providers()
                if client.json { return try printJSON(ItemList(items: providers)) }
                var table = Table("PREFIX", "NAME", "LOCATION", "GREEN", "PUE", "RESOURCES", rightAligned: [3, 4, 5])
                for p in providers {
                    table.add(p.prefix.description, p.name, p.location, percent(p.renewable), String(format: "%.2f", p.pue), String(p.resources))
                }
                print(table.render())
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a provider (needs the operator token); prints its prefix and token.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Provider name.") var name: String
        @Option(help: "Contact e-mail or phone.") var contact: String
        @Option(help: "Home location code, e.g. cluster.zhangjiakou.") var location: String
        @Option(help: "Renewable-energy share, 0–1.") var renewable: Double = 0
        @Option(help: "Power usage effectiveness, ≥ 1.") var pue: Double = 1.3

        func validate() throws { try checkLocation(location, option: "--location") }

        func run() async throws {
            try await runClient {
                let record = try await client.client.registerProvider(
                    ProviderRegistration(name: name, contact: contact, location: location, renewable: renewable, pue: pue))
                if client.json { return try printJSON(record) }
                print("registered \(record.name) as prefix \(record.prefix)")
                print("provider token (shown once): \(record.token ?? "")")
            }
        }
    }
}

/// `suanli stats`.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "National totals: capacity on its stated basis, compute by class, green share, utilization, 20 ms coverage, tasks.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await runClient {
            let s = try await client.client.stats()
            if client.json { return try printJSON(s) }
            print("providers \(s.providers), resources \(s.resources) (\(s.availableResources) available), units \(s.units) (\(s.freeUnits) free)")
            var kinds = Table("KIND", "RESOURCES", "AVAILABLE", "UNITS", "FREE", "20 MS COVERAGE", rightAligned: [1, 2, 3, 4, 5])
            for kind in ResourceKind.allCases {
                let t = s.byKind[kind.rawValue] ?? .init()
                let covered = s.coverage.byKind[kind.rawValue] ?? .init()
                kinds.add(
                    kind.rawValue, String(t.resources), String(t.available), String(t.units), String(t.freeUnits),
                    "\(percent(covered.share)) (\(covered.covered)/\(s.coverage.cities))")
            }
            print(kinds.render())
            // Every capacity figure with its precision: official figures mix bases (docs/statistics.md).
            var classes = Table("CLASS", "PEAK", "BASIS", "RESOURCES", "UNRATED", rightAligned: [1, 3, 4])
            for c in ComputeClass.allCases {
                let f = s.capacity.byClass[c.rawValue] ?? .init(pflops: s.pflopsByClass[c.rawValue] ?? 0, basis: s.basis[c.rawValue] ?? "")
                classes.add(c.rawValue, Self.flops(f.pflops), f.basis.uppercased(), String(f.resources), String(f.unratedResources))
            }
            let total = s.capacity.total
            classes.add("total", Self.flops(total.pflops), total.basis.uppercased(), String(total.resources), String(total.unratedResources))
            let mixed = s.capacity.classBasisTotal
            classes.add("class sum", Self.flops(mixed.pflops), "each class's", String(mixed.resources), String(mixed.unratedResources))
            print(classes.render())
            print(
                "weighted by class-basis peak: central/western share \(percent(s.centralWesternShare)), "
                    + "renewable share \(percent(s.renewableShare)), PUE \(String(format: "%.2f", s.pue))")
            print(
                "utilization \(percent(s.utilization)) of available units; 20 ms coverage (any kind) "
                    + "\(percent(s.coverage.any.share)) of \(s.coverage.cities) demand cities")
            let states = TaskState.allCases.compactMap { state in
                (s.tasks.byState[state.rawValue] ?? 0) > 0 ? "\(state.rawValue) \(s.tasks.byState[state.rawValue]!)" : nil
            }
            print(
                "tasks: \(states.isEmpty ? "none" : states.joined(separator: ", ")); queue \(s.tasks.queueLength); "
                    + "placements since start \(s.tasks.placementsTotal)")
        }
    }

    /// Peak compute in PFLOPS, or EFLOPS from 1,000 PFLOPS.
    static func flops(_ pflops: Double) -> String {
        pflops >= 1000 ? String(format: "%.3f EFLOPS", pflops / 1000) : String(format: "%.3f PFLOPS", pflops)
    }
}

/// `suanli topology`.
struct TopologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology", abstract: "Locations (hubs, clusters, cities) and round-trip times.")
    @OptionGroup var client: ClientOptions
    @Option(help: "Print RTTs from this location to every other, nearest first.") var from: String?

    func validate() throws { try checkLocation(from, option: "--from") }

    func run() async throws {
        try await runClient {
            let doc = try await client.client.topology()
            if client.json { return try printJSON(doc) }
            if let from {
                guard let i = doc.codes.firstIndex(of: from) else {
                    throw SuanliError(.badRequest, "unknown location '\(from)'; run 'suanli topology' for the codes", field: "from")
                }
                var table = Table("TO", "RTT MS", "MEASURED", rightAligned: [1])
                let measured = Set(doc.measured.flatMap { [$0.from + ">" + $0.to, $0.to + ">" + $0.from] })
                for j in doc.codes.indices.sorted(by: { doc.rttMs[i][$0] < doc.rttMs[i][$1] }) {
                    table.add(doc.codes[j], String(format: "%.1f", doc.rttMs[i][j]), measured.contains(from + ">" + doc.codes[j]) ? "yes" : "")
                }
                print(table.render())
                return
            }
            var table = Table("CODE", "KIND", "HUB", "REGION", "LAT", "LON", "NAME", rightAligned: [4, 5])
            for l in doc.locations {
                table.add(l.code, l.kind.rawValue, l.hub, l.region.rawValue, String(format: "%.2f", l.lat), String(format: "%.2f", l.lon), l.name)
            }
            print(table.render())
        }
    }
}
