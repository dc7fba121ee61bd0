import Foundation
import SuanliCore
import SuanliScheduler

/// Every metered part, append-only, indexed by consumer and by provider, so that a usage query
/// reads only the records of the consumer or provider asked about.
public struct UsageLedger: Sendable {
    /// All records in the order they were metered.
    public private(set) var records: [UsageRecord] = []
    private var byConsumer: [String: [Int]] = [:]
    private var byProvider: [String: [Int]] = [:]
    /// Each consumer's decayed past usage (metered fen), for fair-share ordering of the queue.
    public var fairShare = FairShare()
    /// Each consumer's metered charges in all (fen, saturating), for budgets.
    public private(set) var chargedByConsumer: [String: Int64] = [:]

    /// An empty ledger.
    public init() {}

    /// Adds one metered part.
    public mutating func append(_ record: UsageRecord) {
        byConsumer[record.consumer, default: []].append(records.count)
        byProvider[record.provider, default: []].append(records.count)
        records.append(record)
        let (sum, overflow) = chargedByConsumer[record.consumer, default: 0].addingReportingOverflow(record.amountFen)
        chargedByConsumer[record.consumer] = overflow ? .max : sum
        fairShare.record(consumer: record.consumer, amount: Double(record.amountFen), at: record.end.timeIntervalSince1970)
    }

    /// Records of one consumer and/or provider (`nil`: any) that overlap `[from, to)`, in metering order.
    public func query(consumer: String?, provider: String?, from: Date?, to: Date?) -> [UsageRecord] {
        func matches(_ r: UsageRecord) -> Bool {
            (consumer == nil || r.consumer == consumer) && (provider == nil || r.provider == provider)
                && (from.map { r.end >= $0 } ?? true) && (to.map { r.start < $0 } ?? true)
        }
        let consumerList = consumer.map { byConsumer[$0] ?? [] }
        let providerList = provider.map { byProvider[$0] ?? [] }
        let list: [Int]?
        switch (consumerList, providerList) {
        case (let c?, let p?): list = c.count <= p.count ? c : p
        case (let c?, nil): list = c
        case (nil, let p?): list = p
        case (nil, nil): list = nil
        }
        guard let list else { return records.filter(matches) }
        return list.lazy.map { records[$0] }.filter(matches)
    }
}
