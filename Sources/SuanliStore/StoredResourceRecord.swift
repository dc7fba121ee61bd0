import Foundation
import SuanliCore

/// A resource with its live state: one row of `resources`, in registration (`seq`) order.
/// Heartbeats update only the live-state columns (``update(_:)``).
public struct StoredResourceRecord: StoreRecord, Hashable {
    /// The registered resource.
    public var resource: StoredResource
    /// Its live state.
    public var state: StoredState

    /// Pairs a resource with its state.
    public init(resource: StoredResource, state: StoredState) {
        self.resource = resource
        self.state = state
    }

    public static let table = RecordTable(
        name: "resources",
        columns: [
            "seq", "id", "provider", "kind", "arch", "model", "units", "memory_gib", "fp64", "fp32", "fp16", "int8", "location",
            "price", "labels", "renewable", "version", "created_at", "updated_at", "free_units", "healthy", "utilization",
            "heartbeat_at", "pricing",
        ],
        key: ["id"], insertOnly: ["seq", "created_at"], orderBy: ["seq"])

    public static let migrations = [
        SchemaMigration("resources.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS resources(
                  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, provider TEXT NOT NULL,
                  kind TEXT NOT NULL, arch TEXT NOT NULL, model TEXT NOT NULL, units INTEGER NOT NULL,
                  memory_gib REAL NOT NULL, fp64 REAL, fp32 REAL, fp16 REAL, int8 REAL,
                  location TEXT NOT NULL, price INTEGER NOT NULL, labels TEXT NOT NULL, renewable REAL,
                  version INTEGER NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
                  free_units INTEGER NOT NULL, healthy INTEGER NOT NULL, utilization REAL, heartbeat_at REAL NOT NULL
                )
                """)
        },
        // How the price follows the load (JSON of ResourcePricing); NULL: fixed.
        SchemaMigration("resources.add-pricing") { db in try db.execute("ALTER TABLE resources ADD COLUMN pricing TEXT") },
    ]

    /// A write of `state` to the live-state columns of its resource's row (nothing if the resource is gone).
    public static func update(_ state: StoredState) -> StoreMutation {
        .update(
            StoredResourceRecord.self, key: [.text(state.id)],
            set: [
                "free_units": .integer(state.freeUnits), "healthy": .bool(state.healthy), "utilization": .real(state.utilization),
                "heartbeat_at": .real(state.heartbeatAt),
            ])
    }

    public var columnValues: [StoreValue] {
        let spec = resource.spec
        return [
            .integer(resource.seq), .text(resource.id.string), .text(resource.provider.description), .text(spec.kind.rawValue),
            .text(spec.arch), .text(spec.model), .integer(spec.units), .real(spec.memoryGiB), .real(spec.tflops.fp64),
            .real(spec.tflops.fp32), .real(spec.tflops.fp16), .real(spec.tflops.int8), .text(spec.location),
            .integer(spec.priceFenPerUnitHour), .text(LabelCoding.encode(spec.labels)), .real(spec.renewable),
            .integer(resource.version), .date(resource.createdAt), .date(resource.updatedAt), .integer(state.freeUnits),
            .bool(state.healthy), .real(state.utilization), .real(state.heartbeatAt),
            .text(spec.pricing.map { String(decoding: (try? JSONEncoder().encode($0)) ?? Data(), as: UTF8.self) }),
        ]
    }

    public init(row: StoreRow) throws {
        let decode = Self.rowDecoder()
        self = try decode(row)
    }

    /// Decodes rows, caching parsed provider prefixes and label sets across the load.
    public static func rowDecoder() -> (StoreRow) throws -> StoredResourceRecord {
        var prefixes: [String: Prefix] = [:]
        var labelCache: [String: [String: String]] = [:]
        return { row in
            let providerText = try row.text(2)
            let prefix: Prefix
            if let cached = prefixes[providerText] {
                prefix = cached
            } else {
                do { prefix = try Prefix(parsing: providerText) } catch { throw row.failure(2, "does not parse: \(error)") }
                prefixes[providerText] = prefix
            }
            let kindText = try row.text(3)
            guard let kind = ResourceKind(rawValue: kindText) else {
                throw row.failure(3, "is not a resource kind (\(StoreValue.text(kindText)))")
            }
            let labelText = try row.text(14)
            let labels: [String: String]
            if let cached = labelCache[labelText] {
                labels = cached
            } else {
                labels = LabelCoding.decode(labelText)
                if labelCache.count < 100_000 { labelCache[labelText] = labels }
            }
            let id = try row.text(1)
            let spec = ResourceSpec(
                kind: kind, arch: try row.text(4), model: try row.text(5), units: try row.int(6), memoryGiB: try row.real(7),
                tflops: TFLOPS(
                    fp64: try row.optionalReal(8), fp32: try row.optionalReal(9), fp16: try row.optionalReal(10),
                    int8: try row.optionalReal(11)),
                location: try row.text(12), priceFenPerUnitHour: try row.integer(13), labels: labels,
                renewable: try row.optionalReal(15), pricing: try row.optionalJSON(23).map { text in
                    do { return try JSONDecoder().decode(ResourcePricing.self, from: Data(text.utf8)) } catch {
                        throw row.failure(23, "is not a pricing rule: \(error)")
                    }
                })
            let resource = StoredResource(
                id: Identifier(uncheckedString: id), seq: try row.unsigned(0), provider: prefix, spec: spec,
                version: try row.unsigned(16), createdAt: try row.date(17), updatedAt: try row.date(18))
            let state = StoredState(
                id: id, freeUnits: try row.int(19), healthy: try row.bool(20), utilization: try row.optionalReal(21),
                heartbeatAt: try row.real(22))
            return StoredResourceRecord(resource: resource, state: state)
        }
    }
}
