#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Makes every job's process group die with the agent, even when the agent is killed with
/// SIGKILL and cannot stop its work itself.
///
/// One small watcher (`/bin/sh`, in its own process group) runs beside the agent. Its standard
/// input is a pipe whose write end only the agent holds (close-on-exec, so no job inherits it).
/// The agent writes `+ GROUP TICKS` when a job starts (its process group and its leader's start
/// time) and `- GROUP` before it reaps the job's leader; the watcher keeps the list in `awk`,
/// which reads its input in blocks (the shell's `read` takes one byte per system call), or with
/// shell builtins where there is no `awk`, so a job costs two short writes, not a process. Its
/// input ends only when the agent has exited (the kernel closes a dead process's descriptors),
/// and a line written before that is always read before it: a job the agent forgot is never
/// killed. A last line cut short by the agent's death can only spare a group (a start time cut
/// short matches no leader).
/// The watcher then sends SIGKILL to every group still listed — unless its leader's PID now
/// names another process (start time changed), which cannot happen while a group has members.
///
/// End of file alone is not trusted: a descriptor closed by mistake elsewhere in the agent must
/// never kill jobs whose agent lives. After end of file the watcher checks, for up to five
/// seconds, that the agent (PID and start time, from `/proc`) is gone or a zombie; only then
/// does it kill. If the agent is still there it says so on the agent's standard error and
/// exits; the agent starts a new watcher at its next write and lists its jobs to it again.
///
/// A leader that has not yet been listed (the moment between the spawn and the write) or a
/// process that left its group (`setsid`) survives the agent, as do Slurm jobs, which belong to Slurm.
enum Lifeline {
    /// What the watcher runs: `$1` is the agent's PID, `$2` its start time in clock ticks
    /// (field 22 of `/proc/PID/stat`); its input is the agent's list of job groups.
    static let script = #"""
        agent=$1 born=$2 groups=
        if command -v awk >/dev/null 2>&1; then
          groups=$(awk '$1 == "+" && NF == 3 { g[$2] = $3 } $1 == "-" && NF == 2 { delete g[$2] } END { for (k in g) printf " %s:%s", k, g[k] }')
        else
          while read -r op group ticks; do
            case $op in
              +) groups="$groups $group:$ticks" ;;
              -) while :; do
                   case "$groups" in *" $group:"*) ;; *) break ;; esac
                   before=${groups%%" $group:"*} after=${groups#*" $group:"}
                   case $after in *" "*) after=" ${after#* }" ;; *) after= ;; esac
                   groups=$before$after
                 done ;;
            esac
          done
        fi
        n=0
        while [ $n -lt 50 ]; do
          stat=$(cat /proc/"$agent"/stat 2>/dev/null) || break
          rest=${stat##*) }
          set -- $rest
          [ "$1" = Z ] || [ "$1" = X ] || [ "${20}" != "$born" ] && break
          sleep 0.1
          n=$((n + 1))
        done
        if [ $n -ge 50 ]; then
          echo "suanli-lifeline: end of file while agent $agent lives; its jobs are no longer guarded by this watcher" >&2
          exit 0
        fi
        for entry in $groups; do
          group=${entry%%:*} ticks=${entry#*:}
          if stat=$(cat /proc/"$group"/stat 2>/dev/null); then
            rest=${stat##*) }
            set -- $rest
            [ "$ticks" = 0 ] || [ "${20}" = "$ticks" ] || continue
          fi
          kill -s KILL -- -"$group" 2>/dev/null
        done
        exit 0
        """#

    /// The agent's PID and start time, as the watcher compares them.
    static let agent: (pid: pid_t, startTicks: UInt64)? = {
        let pid = getpid()
        return Spawner.processStartTicks(pid).map { (pid, $0) }
    }()

    /// The watcher (its PID and the write end of its input) and the groups it guards.
    private struct State {
        var watcher: (pid: pid_t, input: Int32)?
        var groups: [pid_t: UInt64] = [:]
    }

    private static let state = Mutex(State())

    /// Guards process group `pgid` (its leader started at `ticks`); false (the job is then not
    /// guarded) when no watcher can be started.
    static func guardGroup(_ pgid: pid_t, ticks: UInt64) -> Bool {
        state.withLock { state in
            state.groups[pgid] = ticks
            return send("+ \(pgid) \(ticks)\n", in: &state)
        }
    }

    /// Stops guarding process group `pgid`; call it before reaping the group's leader.
    static func forget(_ pgid: pid_t) {
        state.withLock { state in
            guard state.groups.removeValue(forKey: pgid) != nil else { return }
            _ = send("- \(pgid)\n", in: &state)
        }
    }

    /// Writes `line` to the watcher, starting one (and listing every guarded group to it) when
    /// there is none or the last one is gone.
    private static func send(_ line: String, in state: inout State) -> Bool {
        if let watcher = state.watcher, write(line, to: watcher.input) { return true }
        if let old = state.watcher {
            close(old.input)
            _ = waitpid(old.pid, nil, WNOHANG)
            state.watcher = nil
        }
        guard let started = start() else { return false }
        state.watcher = started
        let all = state.groups.map { "+ \($0.key) \($0.value)\n" }.joined()
        return write(all, to: started.input)
    }

    /// Writes all of `text` to `fd`; false when the watcher is gone.
    private static func write(_ text: String, to fd: Int32) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Starts a watcher; nil when it cannot be started.
    private static func start() -> (pid: pid_t, input: Int32)? {
        guard let agent else { return nil }
        // A write to a watcher that died must fail with EPIPE, not end the agent.
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [-1, -1]
        guard GNU.cloexecPipe(&fds) == 0 else { return nil }
        #if os(Linux)
        // Room for a burst of starts and ends while the watcher waits for a core (best effort).
        let setPipeSize: Int32 = 1031  // F_SETPIPE_SZ (F_LINUX_SPECIFIC_BASE + 7), which Glibc does not export to Swift
        _ = fcntl(fds[1], setPipeSize, Int32(1 << 20))
        #endif
        let spec = SpawnSpec(
            path: "/bin/sh", arguments: ["sh", "-c", script, "suanli-lifeline", String(agent.pid), String(agent.startTicks)],
            environment: ["PATH=/usr/bin:/bin"], workingDirectory: nil,
            stdin: .descriptor(fds[0]), stdout: .null, stderr: .descriptor(STDERR_FILENO), newProcessGroup: true, cpus: nil)
        let pid = try? Spawner.spawn(spec)
        close(fds[0])
        guard let pid else {
            close(fds[1])
            return nil
        }
        return (pid, fds[1])
    }
}
