import Foundation
import SuanliCore
import SuanliStore

// Child prefixes for other platforms (federation), numbered with providers' prefixes.
extension Platform {
    /// Takes the next free child prefix of this platform's own — the counter providers are
    /// numbered from, so a delegated platform and a provider never share a prefix — and writes
    /// `records(prefix)` in the same transaction; returns the prefix once durable (operator only).
    public func delegateChildPrefix(
        by principal: Principal, records: (Prefix) -> [StoreMutation]
    ) async throws(SuanliError) -> Prefix {
        try requireOperator(principal)
        return try await commit { state throws(SuanliError) in
            let number = state.nextProvider
            guard let prefix = configuration.prefix.child(number) else {
                throw SuanliError(.conflict, "no child prefixes left under \(configuration.prefix)")
            }
            state.nextProvider = number + 1
            return (prefix, records(prefix) + [.setMeta(key: "next_child", value: String(number + 1))])
        }
    }

    /// Writes `mutations` (records of a module's own types) through the group commit; returns
    /// once durable.
    public func commitRecords(_ mutations: [StoreMutation]) async throws(SuanliError) {
        try await commit { _ throws(SuanliError) in ((), mutations) }
    }

    /// Every stored record of `type` (a module's own records, read at start).
    public func loadRecords<R: StoreRecord>(_ type: R.Type) async throws -> [R] {
        try await store.select(type, StoreQuery())
    }

    /// Throws 401 for anonymous callers and 403 for any principal but the operator.
    public func requireOperatorAccess(_ principal: Principal) throws(SuanliError) {
        try requireOperator(principal)
    }
}
