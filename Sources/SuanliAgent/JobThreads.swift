import DequeModule
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The OS threads that spawn child processes and block until they end, kept for reuse.
///
/// A job's thread is busy for the job's whole life (`posix_spawn`, then `waitid`), so each body
/// gets a thread of its own: an idle one when there is one, else a new one. A thread whose body
/// returned waits up to ``idleSeconds`` for the next and then ends. Creating a thread per job
/// (`clone`, its stack's `mmap` and guard page, `munmap` at exit) was about 5 % of the machine
/// in `suanli bench e2e`.
final class JobThreads: @unchecked Sendable {
    /// The agent's threads.
    static let shared = JobThreads(idleSeconds: 30)

    /// How long an idle thread waits for another body before it ends.
    let idleSeconds: Int

    // All below guarded by `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    /// Bodies not yet taken by a thread, oldest first, each with an id.
    private var pending: Deque<(id: UInt64, body: @Sendable () -> Void)> = []
    private var nextID: UInt64 = 0
    /// Idle threads not yet promised to a pending body.
    private var idle = 0
    /// Wake-ups promised to idle threads and not yet taken.
    private var permits = 0
    /// Threads alive (busy or idle).
    private var alive = 0

    init(idleSeconds: Int) {
        self.idleSeconds = idleSeconds
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        wake = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(wake, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(mutex)
        wake.deallocate()
        mutex.deallocate()
    }

    /// Threads alive, and how many of them wait for a body.
    var counts: (threads: Int, idle: Int) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return (alive, idle + permits)
    }

    /// Runs `body` on a thread of its own; throws only when a new thread was needed and could not be made.
    func run(_ body: @escaping @Sendable () -> Void) throws(ExecutorError) {
        pthread_mutex_lock(mutex)
        let id = nextID
        nextID += 1
        pending.append((id, body))
        if idle > 0 {
            idle -= 1
            permits += 1
            pthread_cond_signal(wake)
            pthread_mutex_unlock(mutex)
            return
        }
        alive += 1
        pthread_mutex_unlock(mutex)
        do {
            try Self.startThread { [self] in work() }
        } catch {
            pthread_mutex_lock(mutex)
            alive -= 1
            // Another thread may have taken the body meanwhile: then it runs, and this call succeeded.
            let stillPending = pending.firstIndex { $0.id == id }.map { pending.remove(at: $0) } != nil
            pthread_mutex_unlock(mutex)
            if stillPending { throw error }
        }
    }

    /// A thread's life: run pending bodies, wait while idle, end after `idleSeconds` without one.
    private func work() {
        pthread_mutex_lock(mutex)
        while true {
            if !pending.isEmpty {
                let body = pending.removeFirst().body
                pthread_mutex_unlock(mutex)
                body()
                pthread_mutex_lock(mutex)
                continue
            }
            idle += 1
            var deadline = timespec()
            clock_gettime(CLOCK_MONOTONIC, &deadline)
            deadline.tv_sec += idleSeconds
            while permits == 0 {
                if pthread_cond_timedwait(wake, mutex, &deadline) == ETIMEDOUT, permits == 0 {
                    // Still counted idle, so no body was promised to this thread.
                    idle -= 1
                    alive -= 1
                    pthread_mutex_unlock(mutex)
                    return
                }
            }
            permits -= 1
        }
    }

    /// Starts a detached OS thread with a modest stack running `body`.
    private static func startThread(_ body: @escaping @Sendable () -> Void) throws(ExecutorError) {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 1 << 20)
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<Box>.fromOpaque(context).release()
            throw .system(operation: "pthread_create", errno: rc)
        }
    }
}
