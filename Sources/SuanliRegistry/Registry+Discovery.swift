import Foundation
import HeapModule
import SuanliCore

extension Registry {
    /// Runs a discovery query: resources matching every filter, in registration order, one page.
    ///
    /// Candidates come from the (location, kind) or model index, merged in slot order, so a
    /// query touches only the resources its most selective indexed filter allows.
    public func discover(_ query: DiscoveryQuery, now: Date) throws(SuanliError) -> Page<ResourceRecord> {
        let t = now.timeIntervalSince1970
        guard (1...DiscoveryQuery.maxLimit).contains(query.limit) else {
            throw SuanliError(.badRequest, "limit must be between 1 and \(DiscoveryQuery.maxLimit)", field: "limit")
        }
        // Locations allowed, as a bitmap over topology indexes (nil: all).
        var allowed: [Bool]? = nil
        if let code = query.location {
            guard let matching = topology.indexes(matching: code) else {
                throw SuanliError(.validation, "unknown location '\(code)'; GET /v1/topology lists the codes", field: "location")
            }
            var bitmap = [Bool](repeating: false, count: topology.count)
            for i in matching { bitmap[i] = true }
            allowed = bitmap
        }
        if let near = query.near, let maxRtt = query.maxRttMs {
            guard let from = topology.index(of: near) else {
                throw SuanliError(.validation, "unknown location '\(near)'; GET /v1/topology lists the codes", field: "near")
            }
            var bitmap = allowed ?? [Bool](repeating: true, count: topology.count)
            for i in 0..<topology.count where topology.rttMs(from, i) > maxRtt { bitmap[i] = false }
            allowed = bitmap
        }
        var afterSeq: UInt64 = 0
        if let cursor = query.cursor {
            guard let seq = Self.decodeCursor(cursor) else {
                throw SuanliError(.badRequest, "cursor '\(cursor.prefix(40))' is not one this server issued; start again without it", field: "cursor")
            }
            afterSeq = seq
        }
        var archID: Int32? = nil
        if let arch = query.arch {
            guard let id = archs.lookup(arch) else { return Page(items: [], nextCursor: nil) }
            archID = id
        }
        var modelID: Int32? = nil
        if let model = query.model {
            guard let id = models.lookup(model) else { return Page(items: [], nextCursor: nil) }
            modelID = id
        }

        let kindIndex = query.kind.map { Self.kindIndex[$0]! }
        let matches: (Entry) -> Bool = { e in
            if let allowed, !allowed[Int(e.location)] { return false }
            if let kind = query.kind, e.kind != kind { return false }
            if let archID, e.arch != archID { return false }
            if let modelID, e.model != modelID { return false }
            if let minFree = query.minFree, Int(e.freeUnits) < minFree { return false }
            if let maxPrice = query.maxPrice, e.price > maxPrice { return false }
            if let minRenewable = query.minRenewable {
                let renewable =
                    e.renewableOverride.isNaN ? self.providers[Int(e.provider)].renewable : e.renewableOverride
                if renewable < minRenewable { return false }
            }
            if !query.includeUnavailable && !self.isAvailable(e, now: t) { return false }
            return true
        }

        // Choose the candidate lists.
        var lists: [[Int32]] = []
        var scanAll = false
        if let modelID {
            lists = Int(modelID) < byModel.count ? [byModel[Int(modelID)]] : []
        } else if allowed == nil && kindIndex == nil {
            scanAll = true
        } else {
            let kinds = kindIndex.map { [$0] } ?? Array(0..<Self.kinds.count)
            for location in 0..<topology.count where allowed?[location] ?? true {
                for k in kinds {
                    let list = byLocationKind[location * Self.kinds.count + k]
                    if !list.isEmpty { lists.append(list) }
                }
            }
        }

        var items: [ResourceRecord] = []
        items.reserveCapacity(min(query.limit, 256))
        var lastSeq: UInt64 = 0
        var more = false
        func take(_ slot: Int32) -> Bool {
            let e = entries[Int(slot)]
            guard e.alive, matches(e) else { return true }
            if items.count == query.limit {
                more = true
                return false
            }
            items.append(record(slot, now: t))
            lastSeq = e.seq
            return true
        }

        if scanAll {
            var slot = firstSlot(afterSeq: afterSeq)
            while slot < entries.count {
                if !take(Int32(slot)) { break }
                slot += 1
            }
        } else {
            var heap = Heap<PostingCursor>()
            var positions = [Int](repeating: 0, count: lists.count)
            for (i, list) in lists.enumerated() {
                let start = firstIndex(in: list, afterSeq: afterSeq)
                positions[i] = start
                if start < list.count { heap.insert(PostingCursor(slot: list[start], list: i)) }
            }
            while let top = heap.min {
                if !take(top.slot) { break }
                let i = top.list
                positions[i] += 1
                if positions[i] < lists[i].count {
                    heap.replaceMin(with: PostingCursor(slot: lists[i][positions[i]], list: i))
                } else {
                    heap.removeMin()
                }
            }
        }
        return Page(items: items, nextCursor: more ? Self.encodeCursor(lastSeq) : nil)
    }

    /// The first slot whose sequence number is greater than `seq` (slots are in sequence order).
    func firstSlot(afterSeq seq: UInt64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) >> 1
            if entries[mid].seq <= seq { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func firstIndex(in list: [Int32], afterSeq seq: UInt64) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let mid = (low + high) >> 1
            if entries[Int(list[mid])].seq <= seq { low = mid + 1 } else { high = mid }
        }
        return low
    }

    static func encodeCursor(_ seq: UInt64) -> String { "s" + String(seq, radix: 36) }

    static func decodeCursor(_ text: String) -> UInt64? {
        guard text.hasPrefix("s"), text.utf8.count <= 16 else { return nil }
        return UInt64(text.dropFirst(), radix: 36)
    }
}

/// The next slot of one posting list while merging lists in slot order. A slot is in at most
/// one of the lists merged, so slots alone decide; the list number makes the order total.
struct PostingCursor: Comparable {
    var slot: Int32
    var list: Int

    static func < (a: PostingCursor, b: PostingCursor) -> Bool {
        a.slot != b.slot ? a.slot < b.slot : a.list < b.list
    }
}
