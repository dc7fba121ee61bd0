import Foundation
import SuanliCore

extension Registry {
    /// The highest price per unit-hour among registered resources that one of `spec`'s
    /// alternatives accepts (kind, arch, model, memory), available or not — a dynamic price's cap,
    /// not its floor; nil when none does.
    /// A budget's worst case for a task not yet placed (one pass over the resources).
    public func dearestPrice(for spec: TaskSpec) -> Int64? {
        struct Wanted {
            var kind: ResourceKind
            var arch: Int32?
            var model: Int32?
            var minMemory: Double
        }
        var wanted: [Wanted] = []
        for alternative in spec.accept {
            var arch: Int32? = nil
            if let name = alternative.arch {
                guard let id = archs.lookup(name) else { continue }
                arch = id
            }
            var model: Int32? = nil
            if let name = alternative.model {
                guard let id = models.lookup(name) else { continue }
                model = id
            }
            wanted.append(Wanted(kind: alternative.kind, arch: arch, model: model, minMemory: alternative.minMemoryGiB ?? 0))
        }
        guard !wanted.isEmpty else { return nil }
        var dearest: Int64? = nil
        for e in entries where e.alive {
            // A dynamic price may climb to its cap.
            let price = max(e.price, e.pricing?.capFenPerUnitHour ?? e.price)
            guard price > (dearest ?? -1) else { continue }
            for w in wanted
            where e.kind == w.kind && (w.arch == nil || e.arch == w.arch!) && (w.model == nil || e.model == w.model!)
                && e.memoryGiB >= w.minMemory
            {
                dearest = price
                break
            }
        }
        return dearest
    }
}
