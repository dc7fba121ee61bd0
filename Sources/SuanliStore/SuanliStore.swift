import SuanliCore

/// A failure of durable storage. The platform answers the affected requests with 503.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String

    /// Creates a store error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// One durable change. The platform groups many into one transaction (group commit).
public enum StoreMutation: Sendable, Hashable {
    /// Sets a platform setting, e.g. the next provider number.
    case setMeta(key: String, value: String)
    /// Inserts or replaces a provider.
    case putProvider(StoredProvider)
    /// Inserts or replaces a resource together with its live state.
    case putResource(StoredResource, StoredState)
    /// Updates the live state of an existing resource.
    case putState(StoredState)
    /// Deletes a resource.
    case deleteResource(id: String)
    /// Records an operator-measured RTT.
    case putLatency(LatencyOverride)
    /// Inserts or replaces a consumer.
    case putConsumer(StoredConsumer)
    /// Inserts or replaces a task.
    case putTask(StoredTask)
}

/// Durable storage for the platform. Reads happen once at start; afterwards the platform serves
/// from memory and sends every change here, in batches, before acknowledging it.
///
/// Implementations: ``SQLiteStore`` (embedded, the default); PostgreSQL for multi-instance later.
public protocol SuanliStore: Sendable {
    /// All platform settings.
    func loadMeta() async throws -> [String: String]
    /// All providers.
    func loadProviders() async throws -> [StoredProvider]
    /// All operator-measured RTTs.
    func loadLatency() async throws -> [LatencyOverride]
    /// All consumers.
    func loadConsumers() async throws -> [StoredConsumer]
    /// All tasks, in submission (`seq`) order.
    func loadTasks() async throws -> [StoredTask]
    /// Streams every resource with its live state, in registration (`seq`) order.
    func forEachResource(_ body: @escaping @Sendable (StoredResource, StoredState) -> Void) async throws
    /// Applies `mutations` in order, in one transaction; returns once they are durable.
    func apply(_ mutations: [StoreMutation]) async throws
    /// Releases the storage.
    func close() async
}
