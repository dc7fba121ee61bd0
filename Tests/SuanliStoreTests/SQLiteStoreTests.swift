import Foundation
import SuanliCore
import Testing

@testable import SuanliStore

/// Runs `body` with the path of a database file in a fresh directory, removed afterwards.
func withTempDatabase(_ body: (String) async throws -> Void) async throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("suanli-store-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    try await body(url.appendingPathComponent("suanli.sqlite").path)
}

/// Collects rows handed to a `@Sendable` callback.
final class Rows: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [(StoredResource, StoredState)] = []
    func add(_ r: StoredResource, _ s: StoredState) { lock.withLock { rows.append((r, s)) } }
    var all: [(StoredResource, StoredState)] { lock.withLock { rows } }
}

func loadResources(_ store: SQLiteStore) async throws -> [(StoredResource, StoredState)] {
    let rows = Rows()
    try await store.forEachResource { rows.add($0, $1) }
    return rows.all
}

let t0 = Date(timeIntervalSince1970: 1_795_300_000.125)

func provider(_ prefix: String, name: String = "Provider", renewable: Double = 0.5) -> StoredProvider {
    StoredProvider(
        prefix: try! Prefix(parsing: prefix),
        registration: ProviderRegistration(name: name, contact: "ops@example.cn", location: "cluster.zhongwei", renewable: renewable, pue: 1.18),
        tokenHash: String(repeating: "ab", count: 32), createdAt: t0)
}

func resource(_ id: String, seq: UInt64, provider: String, labels: [String: String] = [:], renewable: Double? = nil,
              tflops: TFLOPS = TFLOPS(fp64: 34, fp32: 67.5, fp16: 989.25, int8: 1979), version: UInt64 = 1) -> StoredResource {
    StoredResource(
        id: try! Identifier(parsing: id), seq: seq, provider: try! Prefix(parsing: provider),
        spec: ResourceSpec(kind: .gpu, arch: "x86_64", model: "NVIDIA H100-SXM5-80GB", units: 8, memoryGiB: 80.5,
                           tflops: tflops, location: "cluster.zhangjiakou", priceFenPerUnitHour: 2200, labels: labels,
                           renewable: renewable),
        version: version, createdAt: t0, updatedAt: t0.addingTimeInterval(10))
}

func state(_ id: String, free: Int = 8, healthy: Bool = true, utilization: Double? = nil, at: Double = 1_795_300_001.5) -> StoredState {
    StoredState(id: id, freeUnits: free, healthy: healthy, utilization: utilization, heartbeatAt: at)
}

@Suite("SQLiteStore")
struct SQLiteStoreTests {
    @Test func emptyDatabase() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path)
            #expect(store.path == path)
            #expect(try await store.loadMeta().isEmpty)
            #expect(try await store.loadProviders().isEmpty)
            #expect(try await store.loadLatency().isEmpty)
            #expect(try await loadResources(store).isEmpty)
            try await store.apply([])
            await store.close()
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func everythingSurvivesAReopen() async throws {
        try await withTempDatabase { path in
            let providers = [provider("86.1.1", name: "张家口绿色算力 Co."), provider("86.1.2", renewable: 0.85)]
            let labels = ["class": "intelligent", "rack": "机柜-7 🚀", "note": "naïve café — ok", "empty": "", "path/like": "a=b;c,d"]
            let r1 = resource("86.1.1/zjk-a/gpu-node-17", seq: 1, provider: "86.1.1", labels: labels, renewable: 0.9)
            let r2 = resource("86.1.2/b", seq: 2, provider: "86.1.2", tflops: TFLOPS(fp16: 320), version: 3)
            let r3 = resource("86.1.1.5/sub", seq: 7, provider: "86.1.1")
            let s1 = state(r1.id.string, free: 3, healthy: true, utilization: 0.625)
            let s2 = state(r2.id.string, free: 0, healthy: false)
            let s3 = state(r3.id.string)
            let latency = [
                LatencyOverride(from: "city.beijing", to: "city.shanghai", rttMs: 27.5),
                LatencyOverride(from: "city.beijing", to: "cluster.zhongwei", rttMs: 31.25),
            ]
            do {
                let store = try SQLiteStore(path: path)
                try await store.apply(
                    providers.map(StoreMutation.putProvider) + [
                        .setMeta(key: "next_provider", value: "3"),
                        .setMeta(key: "platform_prefix", value: "86.1"),
                        .putResource(r3, s3), .putResource(r1, s1), .putResource(r2, s2),
                        .putLatency(latency[0]), .putLatency(latency[1]),
                    ])
                await store.close()
            }
            let store = try SQLiteStore(path: path)
            #expect(try await store.loadMeta() == ["next_provider": "3", "platform_prefix": "86.1"])
            #expect(Set(try await store.loadProviders()) == Set(providers))
            #expect(Set(try await store.loadLatency()) == Set(latency))
            let rows = try await loadResources(store)
            #expect(rows.map(\.0) == [r1, r2, r3], "in seq order, equal field by field")
            #expect(rows.map(\.1) == [s1, s2, s3])
            #expect(rows.first?.0.spec.labels == labels)
            #expect(rows.first?.0.spec.renewable == 0.9)
            #expect(rows[1].0.spec.renewable == nil)
            #expect(rows[1].0.spec.tflops == TFLOPS(fp16: 320))
            #expect(rows[1].1.utilization == nil)
            await store.close()
        }
    }

    @Test func updatesReplaceAndDeletesRemove() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path)
            let p = provider("86.1.1")
            let a = resource("86.1.1/a", seq: 1, provider: "86.1.1")
            let b = resource("86.1.1/b", seq: 2, provider: "86.1.1")
            try await store.apply([.putProvider(p), .putResource(a, state("86.1.1/a")), .putResource(b, state("86.1.1/b"))])

            // Replace a provider (rotation, new name) and meta and latency.
            var p2 = p
            p2.tokenHash = String(repeating: "cd", count: 32)
            p2.registration.name = "Renamed"
            try await store.apply([
                .putProvider(p2), .setMeta(key: "k", value: "1"), .setMeta(key: "k", value: "2"),
                .putLatency(LatencyOverride(from: "a", to: "b", rttMs: 1)), .putLatency(LatencyOverride(from: "a", to: "b", rttMs: 2)),
            ])
            // Replace a resource: new spec and version, same seq; then a state update; then delete b.
            var a2 = a
            a2.version = 2
            a2.spec.priceFenPerUnitHour = 1999
            a2.spec.labels = ["zone": "东区"]
            a2.updatedAt = t0.addingTimeInterval(60)
            try await store.apply([.putResource(a2, state("86.1.1/a", free: 8))])
            try await store.apply([.putState(state("86.1.1/a", free: 5, healthy: false, utilization: 0.4, at: 1_795_300_100.25))])
            try await store.apply([.deleteResource(id: "86.1.1/b"), .deleteResource(id: "86.1.1/never-existed")])
            // A state for a resource that does not exist is a no-op.
            try await store.apply([.putState(state("86.1.1/ghost"))])
            await store.close()

            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.loadProviders() == [p2])
            #expect(try await reopened.loadMeta() == ["k": "2"])
            #expect(try await reopened.loadLatency() == [LatencyOverride(from: "a", to: "b", rttMs: 2)])
            let rows = try await loadResources(reopened)
            #expect(rows.count == 1)
            #expect(rows.first?.0 == a2)
            #expect(rows.first?.1 == state("86.1.1/a", free: 5, healthy: false, utilization: 0.4, at: 1_795_300_100.25))
            await reopened.close()
        }
    }

    /// A batch is one transaction: if one mutation fails, none of the batch is applied,
    /// and the store stays usable.
    @Test func failedBatchIsRolledBack() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path)
            let a = resource("86.1.1/a", seq: 1, provider: "86.1.1")
            try await store.apply([.putProvider(provider("86.1.1")), .putResource(a, state("86.1.1/a")), .setMeta(key: "n", value: "1")])
            // Same seq as "86.1.1/a" under another id violates the primary key.
            let clash = resource("86.1.1/b", seq: 1, provider: "86.1.1")
            await #expect(throws: StoreError.self) {
                try await store.apply([
                    .setMeta(key: "n", value: "2"), .putProvider(provider("86.1.2")),
                    .putState(state("86.1.1/a", free: 0)), .putLatency(LatencyOverride(from: "x", to: "y", rttMs: 3)),
                    .putResource(clash, state("86.1.1/b")),
                ])
            }
            #expect(try await store.loadMeta() == ["n": "1"])
            #expect(try await store.loadProviders().map(\.prefix.description) == ["86.1.1"])
            #expect(try await store.loadLatency().isEmpty)
            #expect(try await loadResources(store).map(\.0) == [a])
            #expect(try await loadResources(store).map(\.1.freeUnits) == [8])
            // Still usable: the next batch commits.
            try await store.apply([.setMeta(key: "n", value: "3")])
            #expect(try await store.loadMeta() == ["n": "3"])
            await store.close()
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.loadMeta() == ["n": "3"])
            #expect(try await loadResources(reopened).map(\.0) == [a])
            await reopened.close()
        }
    }

    /// Using a store after `close()` is an error the caller hears about, not a crash.
    @Test func useAfterCloseThrows() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path)
            try await store.apply([.setMeta(key: "n", value: "1")])
            await store.close()
            await #expect(throws: StoreError.self) { try await store.apply([.setMeta(key: "n", value: "2")]) }
            await #expect(throws: StoreError.self) { try await store.loadMeta() }
            await #expect(throws: StoreError.self) { try await store.loadProviders() }
            await #expect(throws: StoreError.self) { try await store.loadLatency() }
            await #expect(throws: StoreError.self) { try await store.forEachResource { _, _ in } }
            await store.close()  // closing twice is harmless
            // Nothing of the failed batch reached the file.
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.loadMeta() == ["n": "1"])
            await reopened.close()
        }
    }

    @Test func manyRowsInOneBatch() async throws {
        try await withTempDatabase { path in
            let store = try SQLiteStore(path: path)
            var mutations: [StoreMutation] = [.putProvider(provider("86.1.1"))]
            for i in 1...2000 {
                let r = resource("86.1.1/n-\(i)", seq: UInt64(i), provider: "86.1.1", labels: ["i": String(i)])
                mutations.append(.putResource(r, state(r.id.string, free: i % 9)))
            }
            try await store.apply(mutations)
            await store.close()
            let reopened = try SQLiteStore(path: path)
            let rows = try await loadResources(reopened)
            #expect(rows.count == 2000)
            #expect(rows.map(\.0.seq) == (1...2000).map(UInt64.init))
            #expect(rows.allSatisfy { $0.0.spec.labels["i"] == String($0.0.seq) && $0.1.freeUnits == Int($0.0.seq) % 9 })
            await reopened.close()
        }
    }

    @Test func rejectsANewerSchema() async throws {
        try await withTempDatabase { path in
            do {
                let store = try SQLiteStore(path: path)
                await store.close()
            }
            do {
                let connection = try SQLiteConnection(path: path)
                try connection.exec("PRAGMA user_version = \(SQLiteStore.schemaVersion + 1)")
                connection.close()
            }
            #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        }
    }

    @Test func cannotOpenAMissingDirectory() {
        #expect(throws: StoreError.self) { try SQLiteStore(path: "/nonexistent-\(UUID().uuidString)/x/suanli.sqlite") }
    }
}

@Suite("LabelCoding")
struct LabelCodingTests {
    @Test(arguments: [
        [:],
        ["a": ""],
        ["class": "intelligent"],
        ["rack": "机柜-7 🚀", "zone": "西区", "note": "naïve café", "flag": "🇨🇳", "combining": "e\u{301}"],
        ["k": "value with spaces, commas; = and | pipes"],
        ["z": "1", "a": "2", "m": "3", "a.b/c-d_e": "x"],
        ["leading": "\u{301}starts with a combining mark"],
    ] as [[String: String]])
    func roundTrip(_ labels: [String: String]) {
        let text = LabelCoding.encode(labels)
        #expect(LabelCoding.decode(text) == labels)
        // Canonical: keys sorted, so equal label sets encode equally.
        #expect(LabelCoding.encode(LabelCoding.decode(text)) == text)
    }

    @Test func encodingIsSortedAndCompact() {
        #expect(LabelCoding.encode([:]) == "")
        #expect(LabelCoding.encode(["b": "2", "a": "1"]) == "a\u{1F}1\u{1E}b\u{1F}2")
        #expect(LabelCoding.decode("") == [:])
    }

    @Test func randomLabelsRoundTrip() {
        var rng = SystemRandomNumberGenerator()
        let keyChars = Array("abcXYZ019_-./")
        // Printable scalars from several planes, no control characters (labels never contain them).
        let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0xA0...0x2FF, 0x300...0x36F, 0x4E00...0x9FFF, 0x1F300...0x1F6FF]
        for _ in 0..<500 {
            var labels: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                let key = String((0..<Int.random(in: 1...12, using: &rng)).map { _ in keyChars.randomElement(using: &rng)! })
                var value = String.UnicodeScalarView()
                for _ in 0..<Int.random(in: 0...20, using: &rng) {
                    let range = ranges.randomElement(using: &rng)!
                    value.append(Unicode.Scalar(UInt32.random(in: range, using: &rng))!)
                }
                labels[key] = String(value)
            }
            let decoded = LabelCoding.decode(LabelCoding.encode(labels))
            #expect(decoded == labels)
            // Byte-exact, not just canonically equivalent.
            #expect(decoded.mapValues { Array($0.utf8) } == labels.mapValues { Array($0.utf8) })
        }
    }
}
