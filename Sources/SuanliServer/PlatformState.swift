import SuanliCore
import SuanliRegistry

/// Everything a platform keeps in memory, guarded by one lock in ``Platform``.
struct PlatformState: Sendable {
    /// Providers, resources, live state and discovery indexes.
    var registry: Registry
    /// The next provider number under the platform prefix.
    var nextProvider: UInt32 = 1
    /// The next consumer number.
    var nextConsumer: UInt64 = 1
    var consumers: [String: StoredConsumer] = [:]
    var consumerByTokenHash: [String: String] = [:]

    init(registry: Registry) {
        self.registry = registry
    }

    mutating func addConsumer(_ consumer: StoredConsumer) {
        if let old = consumers[consumer.id] { consumerByTokenHash[old.tokenHash] = nil }
        consumers[consumer.id] = consumer
        consumerByTokenHash[consumer.tokenHash] = consumer.id
    }

    func consumerRecord(_ id: String) -> ConsumerRecord? {
        consumers[id].map {
            ConsumerRecord(id: $0.id, name: $0.registration.name, contact: $0.registration.contact, createdAt: $0.createdAt)
        }
    }
}
