# Sourced by bench/run.sh: what a server's processes use, read from /proc.
# A server's serving processes are its root (the listener, or Dovecot's
# master) and every process below it.

# proc_tree ROOT pids|cpu: the serving processes below (and with) ROOT, one pid
# a line; or their CPU time in seconds: user and system time of each, and of
# the children each has reaped (so a session that has ended still counts, in
# the listener's or the master's figure), from one read of every /proc/PID/stat.
proc_tree() {
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" -v mode="$2" -v hz="$(getconf CLK_TCK)" '
        {   # after "pid (comm) ": state ppid ... utime(12) stime cutime cstime(15)
            line = $0
            sub(/^[^(]*\(.*\) /, "", line)
            split(line, f, " ")
            parent[$1] = f[2]
            ticks[$1] = f[12] + f[13] + f[14] + f[15]
        }
        END {
            for (p in parent) {
                q = p; n = 0
                while (q != root && (q in parent) && n++ < 64) q = parent[q]
                if (q != root) continue
                if (mode == "pids") print p
                sum += ticks[p]
            }
            if (mode == "cpu") printf "%.2f\n", sum / hz
        }'
}

root_of() { eval echo "\$PID_$1"; }

# serving_cpu_s SERVER: the CPU seconds its processes have used so far.
serving_cpu_s() { proc_tree "$(root_of "$1")" cpu; }

# serving_pss_kb SERVER: the summed PSS of its processes (a shared page counts
# for each process its size over the number of processes that map it).
serving_pss_kb() { serving_memory "$1" | awk '$1 == "total" { print $2 }'; }

# serving_memory SERVER: "total PSS_KB", then a line for each kind of process
# (its name, and whether it runs as root or as a user): "KIND COUNT PSS_KB
# PAGETABLES_KB", summed over the processes of that kind.
serving_memory() {
    proc_tree "$(root_of "$1")" pids | sed 's|.*|/proc/&/status\n/proc/&/smaps_rollup|' |
        xargs -r grep -s -H -E '^(Name|Uid|VmPTE|Pss):' | awk -F'[:\t ]+' '
        {   split($1, path, "/"); pid = path[3]; pids[pid] = 1 }
        $2 == "Name" { name[pid] = $3 }
        $2 == "Uid" { who[pid] = ($3 == 0) ? "root" : "user" }
        $2 == "VmPTE" { pte[pid] = $3 }
        $2 == "Pss" { pss[pid] = $3; total += $3 }
        END {
            print "total", total + 0
            for (p in pids) { k = name[p] "." who[p]; n[k]++; kp[k] += pss[p]; kt[k] += pte[p] }
            for (k in n) print k, n[k], kp[k], kt[k]
        }'
}

# serving_fds SERVER: the descriptors its processes hold open.
serving_fds() {
    proc_tree "$(root_of "$1")" pids | sed 's|.*|/proc/&/fd|' |
        xargs -r sh -c 'find "$@" -mindepth 1 -maxdepth 1 2>/dev/null' find | wc -l
}

# kernel_kb: the kernel's memory for processes and sockets, machine-wide, in
# KB: "TOTAL PAGETABLES KERNELSTACK SLAB".
kernel_kb() {
    awk '$1 == "PageTables:" { p = $2 } $1 == "KernelStack:" { k = $2 } $1 == "Slab:" { s = $2 }
         END { print p + k + s, p, k, s }' /proc/meminfo
}
