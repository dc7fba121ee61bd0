import SuanliCore

/// One durable write to one record table. The platform groups many into one transaction
/// (group commit). Built from a record type, so a new record type needs no change here:
/// ``put(_:)``, ``update(_:key:set:)`` and ``delete(_:key:)``.
public struct StoreMutation: Sendable, Hashable {
    /// What the write does.
    public enum Operation: Sendable, Hashable {
        /// Inserts the record, or replaces the row with the same key (keeping insert-only columns).
        case upsert
        /// Sets `columns` of the row with the key; nothing when there is none.
        case update(columns: [String])
        /// Deletes the row with the key; nothing when there is none.
        case delete
        /// Deletes the rows a query selects (its order and limit bound how many: pruning in slices).
        case deleteMatching(StoreQuery)
    }

    /// The record table written.
    public let table: String
    /// The kind of write.
    public let operation: Operation
    /// Upsert: every column's value; update: the values of the updated columns; delete: empty.
    public let values: [StoreValue]
    /// Update and delete: the values of the table's key columns; upsert: empty.
    public let key: [StoreValue]

    /// Creates a mutation; prefer ``put(_:)``, ``update(_:key:set:)`` and ``delete(_:key:)``.
    public init(table: String, operation: Operation, values: [StoreValue], key: [StoreValue]) {
        self.table = table
        self.operation = operation
        self.values = values
        self.key = key
    }

    /// Inserts or replaces `record`.
    public static func put<R: StoreRecord>(_ record: R) -> StoreMutation {
        StoreMutation(table: R.table.name, operation: .upsert, values: record.columnValues, key: [])
    }

    /// Sets some columns of the `R` row whose key is `key`.
    public static func update<R: StoreRecord>(_ type: R.Type, key: [StoreValue], set: KeyValuePairs<String, StoreValue>) -> StoreMutation {
        StoreMutation(table: R.table.name, operation: .update(columns: set.map(\.key)), values: set.map(\.value), key: key)
    }

    /// Deletes the `R` row whose key is `key`.
    public static func delete<R: StoreRecord>(_ type: R.Type, key: [StoreValue]) -> StoreMutation {
        StoreMutation(table: R.table.name, operation: .delete, values: [], key: key)
    }

    /// Deletes the `R` rows that `query` selects (at most its limit, in its order).
    public static func deleteMatching<R: StoreRecord>(_ type: R.Type, _ query: StoreQuery) -> StoreMutation {
        StoreMutation(table: R.table.name, operation: .deleteMatching(query), values: [], key: [])
    }
}

// The platform's writes, named as before.
extension StoreMutation {
    /// Sets a platform setting, e.g. the next provider number.
    public static func setMeta(key: String, value: String) -> StoreMutation { .put(MetaRecord(key: key, value: value)) }
    /// Inserts or replaces a provider.
    public static func putProvider(_ provider: StoredProvider) -> StoreMutation { .put(provider) }
    /// Inserts or replaces a resource together with its live state.
    public static func putResource(_ resource: StoredResource, _ state: StoredState) -> StoreMutation {
        .put(StoredResourceRecord(resource: resource, state: state))
    }
    /// Updates the live state of an existing resource.
    public static func putState(_ state: StoredState) -> StoreMutation { StoredResourceRecord.update(state) }
    /// Deletes a resource.
    public static func deleteResource(id: String) -> StoreMutation { .delete(StoredResourceRecord.self, key: [.text(id)]) }
    /// Records an operator-measured RTT.
    public static func putLatency(_ override: LatencyOverride) -> StoreMutation { .put(override) }
    /// Inserts or replaces a consumer.
    public static func putConsumer(_ consumer: StoredConsumer) -> StoreMutation { .put(consumer) }
    /// Inserts or replaces a task.
    public static func putTask(_ task: StoredTask) -> StoreMutation { .put(task) }
}
