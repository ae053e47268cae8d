#!/usr/bin/env bash
# Where a process's RSS goes, from /proc/PID/smaps: the GC heap, malloc's arenas, thread stacks, other anonymous
# memory, the runtime's executable-memory file (/memfd:doublemapper: JIT code, stubs and the data beside them) and each
# mapped file. Usage: bash bench/scale/smaps.sh PID
#
# Anonymous mappings carry no name, so they are told apart by shape:
# - the GC reserves its whole range at once (twice the machine's memory, or a few times a hard limit) and commits
#   pages inside it, each commit splitting the mapping: adjacent anonymous mappings spanning more than 1 GB;
# - glibc's per-thread arenas are 64 MB-aligned heaps, used from their start, the rest of the 64 MB reserved;
# - a thread's stack is a read-write mapping of 128 KB-8 MB right above its guard page (no access, at most 64 KB).
set -euo pipefail
pid=${1:?usage: smaps.sh PID}
awk '
# mawk has no strtonum; addresses (48 bits) fit a double exactly.
function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
/^[0-9a-f]+-[0-9a-f]+ / {
  n++
  split($1, range, "-")
  start[n] = hex(range[1]); end[n] = hex(range[2]); perm[n] = $2
  name[n] = (NF >= 6) ? $6 : ""
  for (i = 7; i <= NF; i++) name[n] = name[n] " " $i
  next
}
/^Rss:/ { kb[n] = $2 }
END {
  mb = 1024 * 1024
  for (i = 1; i <= n; i++) {
    if (name[i] != "") continue
    if (i > 1 && name[i - 1] == "" && start[i] == end[i - 1]) run[i] = run[i - 1]; else run[i] = i
    span[run[i]] += end[i] - start[i]
  }
  for (i = 1; i <= n; i++) {
    size = end[i] - start[i]
    if (name[i] == "[stack]") k = "anonymous: thread stacks"
    else if (name[i] ~ /doublemapper/) k = "runtime: JIT code, stubs and type data (/memfd:doublemapper)"
    else if (name[i] == "[heap]") k = "anonymous: malloc (main heap and per-thread arenas)"
    else if (name[i] ~ /^\[/) k = "other: " name[i]
    else if (name[i] != "") k = "file: " name[i]
    else if (start[i] % (64 * mb) == 0 && perm[i] == "rw-p" && i < n && perm[i + 1] == "---p" && start[i + 1] == end[i] \
             && end[i + 1] == start[i] + 64 * mb) k = "anonymous: malloc (main heap and per-thread arenas)"
    else if (span[run[i]] > 1024 * mb) k = "anonymous: GC heap and its bookkeeping"
    else if (i > 1 && perm[i - 1] == "---p" && start[i] == end[i - 1] && end[i - 1] - start[i - 1] <= 65536 \
             && perm[i] == "rw-p" && size >= 128 * 1024 && size <= 8 * mb + 65536) { k = "anonymous: thread stacks"; stacks++ }
    else k = "anonymous: other (runtime data, native allocations)"
    rss[k] += kb[i]; total += kb[i]
  }
  small = 0
  for (k in rss) if (rss[k] >= 512) printf "%8.1f MB  %s\n", rss[k] / 1024, k; else small += rss[k]
  printf "%8.1f MB  %s\n", small / 1024, "(groups under 0.5 MB each)"
  printf "%8.1f MB  total RSS (%d thread stacks found)\n", total / 1024, stacks + 1
}' "/proc/$pid/smaps" | sort -rn
