import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a child's standard stream goes.
enum StdioTarget: Sendable {
    /// `/dev/null`.
    case null
    /// A file, created with mode 0644 (truncated unless `append`).
    case file(String, append: Bool)
    /// A descriptor of the parent, duplicated onto the stream.
    case descriptor(Int32)
}

/// What to spawn.
struct SpawnSpec: Sendable {
    /// The executable: absolute, or relative to `workingDirectory`.
    var path: String
    /// argv, including argv[0].
    var arguments: [String]
    /// `KEY=VALUE` strings.
    var environment: [String]
    var workingDirectory: String?
    var stdin: StdioTarget = .null
    var stdout: StdioTarget = .null
    var stderr: StdioTarget = .null
    /// Make the child the leader of a new process group (`pgid == pid`).
    var newProcessGroup = true
    /// CPUs to bind the child to (through the spawning thread's affinity, which the child inherits).
    var cpus: [Int]?
}

/// posix_spawn and the blocking helpers around it; everything here runs on dedicated threads.
enum Spawner {
    /// Spawns `spec` from the calling thread and returns the child's PID.
    ///
    /// With `cpus`, the *calling thread's* affinity is set first and the child inherits it
    /// (posix_spawn clones the calling thread), so the child runs bound from its first
    /// instruction; the thread's own affinity is restored once the child exists. Callers must
    /// call this only on a thread of their own.
    static func spawn(_ spec: SpawnSpec) throws(ExecutorError) -> pid_t {
        // The child has its own copy once spawned; the thread (kept for other jobs) gets its own CPUs back.
        let previousAffinity = spec.cpus == nil ? [] : currentAffinity()
        defer { if !previousAffinity.isEmpty { _ = setCurrentThreadAffinity(previousAffinity) } }
        if let cpus = spec.cpus {
            let code = setCurrentThreadAffinity(cpus)
            guard code == 0 else { throw .system(operation: "sched_setaffinity(\(cpus.map(String.init).joined(separator: ",")))", errno: code) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        if let dir = spec.workingDirectory {
            guard let addchdir = GNU.addchdir else {
                throw .system(operation: "posix_spawn_file_actions_addchdir_np (glibc ≥ 2.29 needed)", errno: ENOSYS)
            }
            let rc = addchdir(&actions, dir)
            guard rc == 0 else { throw .system(operation: "posix_spawn_file_actions_addchdir_np", errno: rc) }
        }
        for (fd, target) in [(Int32(0), spec.stdin), (1, spec.stdout), (2, spec.stderr)] {
            let rc: Int32
            switch target {
            case .null:
                rc = posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path, let append):
                let flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
                rc = posix_spawn_file_actions_addopen(&actions, fd, path, flags, 0o644)
            case .descriptor(let source):
                rc = posix_spawn_file_actions_adddup2(&actions, source, fd)
            }
            guard rc == 0 else { throw .system(operation: "posix_spawn_file_actions for fd \(fd)", errno: rc) }
        }
        // Nothing else of the agent's (sockets, files) leaks into the job.
        if let closefrom = GNU.addclosefrom { _ = closefrom(&actions, 3) }

        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if spec.newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var emptySet = sigset_t()
        sigemptyset(&emptySet)
        posix_spawnattr_setsigmask(&attributes, &emptySet)
        // Reset every signal the agent ignores or handles (SIGPIPE above all) to the default.
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = spec.arguments.map { strdup($0) } + [nil]
        let envp = spec.environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let rc = argv.withUnsafeBufferPointer { argvBuffer in
            envp.withUnsafeBufferPointer { envBuffer in
                posix_spawn(&pid, spec.path, &actions, &attributes, argvBuffer.baseAddress!, envBuffer.baseAddress!)
            }
        }
        guard rc == 0 else {
            if rc == ENOENT { throw .commandNotFound(spec.path) }
            throw .system(operation: "posix_spawn \(spec.path)", errno: rc)
        }
        return pid
    }

    /// Binds the calling thread to `cpus`; returns 0 or an errno.
    static func setCurrentThreadAffinity(_ cpus: [Int]) -> Int32 {
        guard let highest = cpus.max(), highest >= 0 else { return EINVAL }
        let bitsPerWord = UInt.bitWidth
        let words = max((highest / bitsPerWord) + 1, 1024 / bitsPerWord)
        var mask = [UInt](repeating: 0, count: words)
        for cpu in cpus { mask[cpu / bitsPerWord] |= 1 << UInt(cpu % bitsPerWord) }
        guard let setaffinity = GNU.setaffinity else { return ENOSYS }
        let rc = mask.withUnsafeBytes { raw in setaffinity(0, raw.count, raw.baseAddress!) }
        return rc == 0 ? 0 : errno
    }

    /// The CPUs the calling thread may run on.
    static func currentAffinity() -> [Int] {
        var mask = [UInt](repeating: 0, count: 16)  // 1024 CPUs
        guard let getaffinity = GNU.getaffinity else { return [] }
        let rc = mask.withUnsafeMutableBytes { raw in getaffinity(0, raw.count, raw.baseAddress!) }
        guard rc == 0 else { return [] }
        var cpus: [Int] = []
        for (word, bits) in mask.enumerated() where bits != 0 {
            for bit in 0..<UInt.bitWidth where bits & (1 << UInt(bit)) != 0 {
                cpus.append(word * UInt.bitWidth + bit)
            }
        }
        return cpus
    }

    /// Blocks until `pid` ends and returns its raw wait status.
    static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        return status
    }

    /// Blocks until `pid` has ended, leaving it unreaped (a zombie keeps its PID and group id taken).
    static func waitUntilEnded(_ pid: pid_t) {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 {
            if errno != EINTR { return }
        }
    }

    /// Decodes a raw wait status (`WIFEXITED`/`WEXITSTATUS`/`WTERMSIG` are macros Swift cannot import).
    static func exitStatus(fromWaitStatus status: Int32) -> ExitStatus {
        let low = status & 0x7F
        return low == 0 ? .exited((status >> 8) & 0xFF) : .signaled(low)
    }

    /// Runs `body` on an OS thread of its own (see ``JobThreads``): an idle kept one, else a new one.
    ///
    /// The thread is owned by what it does: every use below returns when its child process is reaped.
    static func runOnJobThread(_ body: @escaping @Sendable () -> Void) throws(ExecutorError) {
        try JobThreads.shared.run(body)
    }

    /// Finds `program` the way `execvp` would, on `searchPath` (the job's `PATH`).
    ///
    /// Names containing a `/` are returned unchanged (relative ones resolve against the
    /// working directory when the child starts); `nil` when no executable file matches.
    static func resolve(_ program: String, searchPath: String?) -> String? {
        if program.contains("/") { return program }
        let path = searchPath ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let dir = directory.isEmpty ? "." : String(directory)
            let candidate = dir + "/" + program
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// Field 22 of `/proc/PID/stat` (start time in clock ticks since boot), or `nil` if the process is gone.
    static func processStartTicks(_ pid: pid_t) -> UInt64? {
        procStat(pid)?.startTicks
    }

    /// What the agent reads of `/proc/PID/stat`.
    struct ProcStat: Equatable {
        /// Field 3: `R`, `S`, `D`, `Z`, `X`, ….
        var state: Character
        /// Field 5: the process group.
        var processGroup: pid_t
        /// Field 22: the start time in clock ticks since boot.
        var startTicks: UInt64
    }

    /// `/proc/PID/stat` read into a buffer on the stack and parsed in place (this runs once per
    /// job started); `nil` if the process is gone.
    static func procStat(_ pid: pid_t) -> ProcStat? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // 52 fields of at most 20 digits and a command name of at most 64 bytes fit.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2048) { buffer -> ProcStat? in
            let count = readFully(fd, into: UnsafeMutableRawBufferPointer(buffer))
            return parseProcStat(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Parses a `/proc/PID/stat` line: fields after the command name, which ends at the line's
    /// last `)` (a name may hold spaces and parentheses itself), are separated by single spaces.
    static func parseProcStat(_ bytes: UnsafeBufferPointer<UInt8>) -> ProcStat? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        var state: Character?
        var group: pid_t?
        var field = 2
        var i = close + 1
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: " ") else { return nil }
            i += 1
            field += 1
            let start = i
            var value: UInt64 = 0
            var digits = true
            while i < bytes.count, bytes[i] != UInt8(ascii: " "), bytes[i] != UInt8(ascii: "\n") {
                let digit = bytes[i] &- UInt8(ascii: "0")
                if digit > 9 {
                    digits = false
                } else if digits {
                    let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
                    if overflow1 || overflow2 { digits = false } else { value = sum }
                }
                i += 1
            }
            let empty = i == start
            switch field {
            case 3:
                guard !empty else { return nil }
                state = Character(Unicode.Scalar(bytes[start]))
            case 5:
                guard digits, !empty, value <= UInt64(pid_t.max) else { return nil }
                group = pid_t(value)
            case 22:
                guard digits, !empty, let state, let group else { return nil }
                return ProcStat(state: state, processGroup: group, startTicks: value)
            default:
                break
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "\n") { break }
        }
        return nil
    }

    /// Whether the process `pid` that started at `startTicks` still runs (zombies count as gone).
    static func processAlive(_ pid: pid_t, startTicks: UInt64) -> Bool {
        guard let stat = procStat(pid), stat.startTicks == startTicks else { return false }
        return stat.state != "Z" && stat.state != "X"
    }

    /// Whether any live (non-zombie) process is still in process group `pgid`.
    static func processGroupAlive(_ pgid: pid_t) -> Bool {
        if kill(-pgid, 0) == -1 && errno == ESRCH { return false }
        // kill(…, 0) also succeeds for zombies waiting to be reaped by init; look closer.
        return !livingMembers(ofProcessGroup: pgid).isEmpty
    }

    /// PIDs of the live (non-zombie) processes in group `pgid`, from /proc.
    static func livingMembers(ofProcessGroup pgid: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var members: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), let stat = procStat(pid) else { continue }
            if stat.processGroup == pgid, stat.state != "Z", stat.state != "X" { members.append(pid) }
        }
        return members
    }

    /// Reads a small file (procfs) in one go; `nil` if it cannot be opened.
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { readFully(fd, into: $0) }
            data.append(contentsOf: buffer[0..<n])
            if n < buffer.count { break }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads from `fd` until `buffer` is full, the end of the file or an error (retrying
    /// interrupted reads); returns how many bytes it holds.
    static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var count = 0
        while count < buffer.count {
            let n = read(fd, buffer.baseAddress! + count, buffer.count - count)
            if n > 0 {
                count += n
            } else if n == 0 || errno != EINTR {
                break
            }
        }
        return count
    }
}

/// glibc functions that Swift's Glibc module does not import (they are declared only under
/// `_GNU_SOURCE`), looked up once with `dlsym`. `nil` on a C library without them.
enum GNU {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32
    typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29).
    static let addchdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34).
    static let addclosefrom: AddClosefrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    /// `sched_setaffinity`.
    static let setaffinity: SetAffinity? = symbol("sched_setaffinity")
    /// `sched_getaffinity`.
    static let getaffinity: GetAffinity? = symbol("sched_getaffinity")
    /// `pipe2` (glibc 2.9).
    static let pipe2: Pipe2? = symbol("pipe2")

    /// A pipe whose both ends are close-on-exec (so concurrent spawns cannot inherit them); 0 or an errno.
    static func cloexecPipe(_ fds: inout [Int32]) -> Int32 {
        if let pipe2 {
            return fds.withUnsafeMutableBufferPointer { pipe2($0.baseAddress!, O_CLOEXEC) } == 0 ? 0 : errno
        }
        guard pipe(&fds) == 0 else { return errno }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    private static func symbol<T>(_ name: String) -> T? {
        guard let pointer = dlsym(nil, name) else { return nil }
        return unsafeBitCast(pointer, to: T.self)
    }
}
