#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes every job's process group die with the agent, even when the agent is killed with
/// SIGKILL and cannot stop its work itself.
///
/// The agent process holds the write end of one pipe, close-on-exec, so that no job or other
/// child inherits it. Next to each job runs a small watcher (`/bin/sh`, in its own process
/// group) whose standard input is the read end: it blocks in `read`, which returns only at
/// end-of-file, that is when the agent has exited (the kernel closes a dead process's
/// descriptors); it then sends SIGKILL to the job's process group. When a job ends while
/// the agent lives, the agent kills and reaps the job's watcher *before* it reaps the job's
/// leader, whose zombie keeps the group id from being reused meanwhile.
///
/// End-of-file alone is not trusted: a descriptor closed by mistake elsewhere in the agent (or
/// any stray write) must never kill a job whose agent lives. After end-of-file the watcher
/// checks, for up to five seconds, that the agent (PID and start time, from `/proc`) is gone or
/// a zombie; only then does it kill the group. If the agent is still there it says so on the
/// agent's standard error and exits, leaving the job running (unguarded).
///
/// A leader that has not yet got its watcher (the moment between the two spawns) or a process
/// that left its group (`setsid`) survives the agent, as do Slurm jobs, which belong to Slurm.
enum Lifeline {
    /// The pipe: the agent keeps both ends; `nil` if it could not be created.
    static let pipe: (read: Int32, write: Int32)? = {
        var fds: [Int32] = [-1, -1]
        guard GNU.cloexecPipe(&fds) == 0 else { return nil }
        return (fds[0], fds[1])
    }()

    /// What the watcher runs: `$1` is the job's process group, `$2` the agent's PID, `$3` the
    /// agent's start time in clock ticks (field 22 of `/proc/PID/stat`).
    static let script = #"""
        group=$1 agent=$2 born=$3
        while read -r line; do :; done
        n=0
        while [ $n -lt 50 ]; do
          stat=$(cat /proc/"$agent"/stat 2>/dev/null) || break
          rest=${stat##*) }
          set -- $rest
          [ "$1" = Z ] || [ "$1" = X ] || [ "${20}" != "$born" ] && break
          sleep 0.1
          n=$((n + 1))
        done
        if [ $n -lt 50 ]; then kill -s KILL -- -"$group"; exit 0; fi
        echo "suanli-lifeline: end of file while agent $agent lives; job group $group is no longer guarded" >&2
        """#

    /// The agent's PID and start time, as the watchers compare them.
    static let agent: (pid: pid_t, startTicks: UInt64)? = {
        let pid = getpid()
        return Spawner.processStartTicks(pid).map { (pid, $0) }
    }()

    /// Starts the watcher of process group `pgid`; `nil` (the job is then not guarded) when it cannot start.
    static func watch(_ pgid: pid_t) -> pid_t? {
        guard let pipe, let agent else { return nil }
        let spec = SpawnSpec(
            path: "/bin/sh", arguments: ["sh", "-c", script, "suanli-lifeline", String(pgid), String(agent.pid), String(agent.startTicks)],
            environment: ["PATH=/usr/bin:/bin"], workingDirectory: nil,
            stdin: .descriptor(pipe.read), stdout: .null, stderr: .descriptor(STDERR_FILENO), newProcessGroup: true, cpus: nil)
        return try? Spawner.spawn(spec)
    }

    /// Stops and reaps a watcher whose job ended while the agent lives.
    static func release(_ watcher: pid_t) {
        kill(watcher, SIGKILL)
        _ = Spawner.waitForExit(watcher)
    }
}
