import Foundation
import HeapModule
import SuanliCore

extension Registry {
    /// Runs a discovery query: resources matching every filter, one page, in registration order
    /// or in the query's `sort` order (ties in registration order).
    ///
    /// Candidates come from the (location, kind) or model index, so a query touches only the
    /// resources its most selective indexed filter allows. In registration order they are merged
    /// in slot order and the scan stops after a page; sorted, every candidate is ranked and a
    /// bounded heap keeps the page's worth after the cursor. With `near`, records carry `rtt_ms`.
    public func discover(_ query: DiscoveryQuery, now: Date) throws(SuanliError) -> Page<ResourceRecord> {
        let t = now.timeIntervalSince1970
        guard (1...DiscoveryQuery.maxLimit).contains(query.limit) else {
            throw SuanliError(.badRequest, "limit must be between 1 and \(DiscoveryQuery.maxLimit)", field: "limit")
        }
        // Locations allowed, as a bitmap over topology indexes (nil: all).
        var allowed: [Bool]? = nil
        if let code = query.location {
            guard let matching = topology.indexes(matching: code) else {
                throw SuanliError.validation(topology.unknownLocation(code, field: "location"))
            }
            var bitmap = [Bool](repeating: false, count: topology.count)
            for i in matching { bitmap[i] = true }
            allowed = bitmap
        }
        var nearIndex: Int? = nil
        if let near = query.near, let maxRtt = query.maxRttMs {
            guard let from = topology.index(of: near) else {
                throw SuanliError.validation(topology.unknownLocation(near, field: "near"))
            }
            nearIndex = from
            var bitmap = allowed ?? [Bool](repeating: true, count: topology.count)
            for i in 0..<topology.count where topology.rttMs(from, i) > maxRtt { bitmap[i] = false }
            allowed = bitmap
        }
        if query.sort == .rtt && nearIndex == nil {
            throw SuanliError(.badRequest, "sort=rtt needs near and max_rtt_ms, the location to measure from", field: "sort")
        }
        var afterSeq: UInt64 = 0
        var afterKey = -Double.infinity
        if let cursor = query.cursor {
            guard let (key, seq) = Self.decodeCursor(cursor, sort: query.sort) else {
                throw SuanliError(
                    .badRequest,
                    "cursor '\(Validation.excerpt(cursor, maxCharacters: 40))' is not one this server issued for sort=\(query.sort.rawValue); start again without it",
                    field: "cursor")
            }
            afterSeq = seq
            afterKey = key
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

        /// The record of a match, with its RTT from `near` when there is one.
        func output(_ slot: Int32) -> ResourceRecord {
            var record = record(slot, now: t)
            if let nearIndex {
                record.rttMs = (topology.rttMs(nearIndex, Int(entries[Int(slot)].location)) * 10).rounded() / 10
            }
            return record
        }

        if query.sort != .registered {
            return sortedPage(
                query, lists: scanAll ? nil : lists, matches: matches, near: nearIndex, after: Ranked(key: afterKey, seq: afterSeq, slot: 0),
                output: output)
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
            items.append(output(slot))
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

    /// One page in `query.sort` order: ranks every matching candidate (from `lists`, or every
    /// slot when `nil`) after the cursor's `(key, seq)`, keeping the best `limit + 1` in a bounded heap.
    func sortedPage(
        _ query: DiscoveryQuery, lists: [[Int32]]?, matches: (Entry) -> Bool, near: Int?, after: Ranked,
        output: (Int32) -> ResourceRecord
    ) -> Page<ResourceRecord> {
        let keep = query.limit + 1
        var best = Heap<Ranked>()
        func consider(_ slot: Int32) {
            let e = entries[Int(slot)]
            guard e.alive else { return }
            let ranked = Ranked(key: sortKey(e, query.sort, near: near), seq: e.seq, slot: slot)
            guard after < ranked else { return }
            if best.count == keep, let worst = best.max, !(ranked < worst) { return }
            guard matches(e) else { return }
            best.insert(ranked)
            if best.count > keep { best.removeMax() }
        }
        if let lists {
            for list in lists {
                for slot in list { consider(slot) }
            }
        } else {
            for slot in entries.indices { consider(Int32(slot)) }
        }
        var ranked: [Ranked] = []
        ranked.reserveCapacity(best.count)
        while let next = best.popMin() { ranked.append(next) }
        let more = ranked.count > query.limit
        if more { ranked.removeLast(ranked.count - query.limit) }
        let items = ranked.map { output($0.slot) }
        let next = more ? ranked.last.map { Self.encodeCursor(key: $0.key, seq: $0.seq, sort: query.sort) } : nil
        return Page(items: items, nextCursor: next)
    }

    /// The sort key of an entry: smaller comes first (renewable share is negated: greenest first).
    @inline(__always)
    func sortKey(_ e: Entry, _ sort: DiscoverySort, near: Int?) -> Double {
        switch sort {
        case .registered: 0
        case .rtt: near.map { topology.rttMs($0, Int(e.location)) } ?? 0
        case .price: Double(e.price)
        case .renewable: -(e.renewableOverride.isNaN ? providers[Int(e.provider)].renewable : e.renewableOverride)
        case .pricePerStandard:
            // Unrated resources last, with a finite key so that cursors can carry it.
            e.standardPerUnit.isNaN ? .greatestFiniteMagnitude : Double(e.price) / e.standardPerUnit
        }
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

    /// A cursor of a sorted order: its letter, the last item's key (bit pattern) and registration number.
    static func encodeCursor(key: Double, seq: UInt64, sort: DiscoverySort) -> String {
        cursorLetter(sort) + String(key.bitPattern, radix: 36) + "." + String(seq, radix: 36)
    }

    static func cursorLetter(_ sort: DiscoverySort) -> String {
        switch sort {
        case .registered: "s"
        case .rtt: "r"
        case .price: "p"
        case .renewable: "g"
        case .pricePerStandard: "u"
        }
    }

    /// The `(key, seq)` a cursor continues after, if this server issued it for `sort`.
    static func decodeCursor(_ text: String, sort: DiscoverySort) -> (Double, UInt64)? {
        let letter = cursorLetter(sort)
        guard text.hasPrefix(letter), text.utf8.count <= 32 else { return nil }
        if sort == .registered { return UInt64(text.dropFirst(), radix: 36).map { (-Double.infinity, $0) } }
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = UInt64(parts[0], radix: 36), let seq = UInt64(parts[1], radix: 36) else { return nil }
        let key = Double(bitPattern: bits)
        guard key.isFinite else { return nil }
        return (key, seq)
    }
}

/// A match ranked for a sorted page: by key, then registration order.
struct Ranked: Comparable {
    var key: Double
    var seq: UInt64
    var slot: Int32

    static func < (a: Ranked, b: Ranked) -> Bool { a.key != b.key ? a.key < b.key : a.seq < b.seq }
    static func == (a: Ranked, b: Ranked) -> Bool { a.key == b.key && a.seq == b.seq }
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
