import Foundation

extension SchedulerEngine {
    /// Sets providers' reliability scores (0…1, by provider prefix) for tasks' `min_reliability`;
    /// providers not named keep theirs (1 until set). Returns whether any score changed, in
    /// which case waiting tasks are looked at again.
    @discardableResult
    public mutating func setProviderReliability(_ scores: [String: Double]) -> Bool {
        var changed = false
        for (name, score) in scores {
            let p = Int(internProvider(name))
            if providerReliability.count <= p { providerReliability += Array(repeating: 1, count: p + 1 - providerReliability.count) }
            if providerReliability[p] != score {
                providerReliability[p] = score
                changed = true
            }
        }
        if changed {
            // Capacity, as far as these tasks are concerned, may have appeared anywhere.
            for s in shapeGeneration.indices { shapeGeneration[s] &+= 1 }
            capacityEpoch &+= 1
            queueDirty = true
        }
        return changed
    }

    /// The reliability score of provider index `p` (1 until set).
    @inline(__always)
    func reliability(ofProvider p: Int32) -> Double {
        Int(p) < providerReliability.count ? providerReliability[Int(p)] : 1
    }

    /// Whether group `g`'s provider is reliable enough for `c`.
    @inline(__always)
    func reliable(_ g: Int, _ c: CompiledTask) -> Bool {
        c.minReliability == -.infinity || reliability(ofProvider: groups[g].provider) >= c.minReliability
    }

    /// Whether any waiting task asks for a minimum reliability (the platform then keeps scores fresh).
    public var queueWantsReliability: Bool {
        queue.contains { tasks[Int($0)].compiled.minReliability > -.infinity }
    }
}
