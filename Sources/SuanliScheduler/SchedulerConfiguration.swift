/// Tuning knobs of the engine; the defaults are the documented ones (`docs/scheduling.md`).
public struct SchedulerConfiguration: Sendable, Hashable {
    /// Seed of the tie-break hash: among options of equal cost, price, RTT and renewable share the
    /// one whose identifier hashes lowest under this seed wins.
    public var seed: UInt64
    /// RTT that weighs as much as a 100% price premium or a fully fossil supply at equal weights.
    public var latencyScaleMs: Double
    /// Run time assumed for tasks without `duration_s` when estimating when capacity frees up.
    public var defaultDurationS: Double
    /// Most placement attempts in one drain of the queue (tasks skipped because nothing they can
    /// use changed since their last attempt do not count); like Slurm's `bf_max_job_test`.
    public var maxDrainAttempts: Int
    /// Re-optimise the tasks a drain placed with the batch optimiser when it placed at least this
    /// many (0 disables the batch step).
    public var batchMinimum: Int
    /// Candidate resources per task the batch optimiser considers (the cheapest feasible ones).
    public var batchCandidates: Int
    /// Most improvement passes of the batch optimiser's local search.
    public var batchPasses: Int
    /// Whether tasks behind a blocked queue head may start when that does not delay it (EASY
    /// backfilling, the default). `false`: strict queue order — a drain stops at the first task
    /// that does not fit, and a submission that ranks behind a waiting task is queued.
    public var backfill: Bool

    /// Creates a configuration.
    public init(
        seed: UInt64 = 0x5CA1_AB1E, latencyScaleMs: Double = 20, defaultDurationS: Double = 3600,
        maxDrainAttempts: Int = 20_000, batchMinimum: Int = 2, batchCandidates: Int = 64, batchPasses: Int = 12,
        backfill: Bool = true
    ) {
        self.seed = seed
        self.latencyScaleMs = latencyScaleMs
        self.defaultDurationS = defaultDurationS
        self.maxDrainAttempts = maxDrainAttempts
        self.batchMinimum = batchMinimum
        self.batchCandidates = batchCandidates
        self.batchPasses = batchPasses
        self.backfill = backfill
    }
}
