import SuanliCore

extension SchedulerEngine {
    /// Sets each consumer's fair-share factor (see ``FairShare``) and re-orders the queue:
    /// within a priority, tasks of consumers with the higher factor go first, then by submission.
    ///
    /// Factors are clamped to [0, 1] and rounded to 1/1024, so that slow decay alone does not
    /// re-sort the queue; a consumer not listed has 1. Re-sorting costs O(n log n) in the
    /// queue's length, and happens only when a rounded factor changed.
    public mutating func setFairShare(_ factors: [String: Double]) {
        let clamped = factors.compactMapValues { $0.isFinite ? (min(1, max(0, $0)) * 1024).rounded() / 1024 : nil }.filter { $0.value != 1 }
        guard clamped != fairShareFactors else { return }
        fairShareFactors = clamped
        guard queue.count > 1 else { return }
        let before = queue.first
        var sorted = queue
        sorted.sort { a, b in
            let t = tasks[Int(b)]
            return ranks(tasks[Int(a)], before: t.compiled.priority, share: shareFactor(t.spec.consumer), seq: t.seq)
        }
        queue = sorted
        if queue.first != before { headShadow = nil }
        queueDirty = true
    }

    /// The fair-share factors in force (consumers with a factor other than 1).
    public var fairShare: [String: Double] { fairShareFactors }
}
