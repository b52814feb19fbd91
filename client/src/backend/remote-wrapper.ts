/**
 * The POSIX sh program a remote run executes on the host (`exec sh -c WRAPPER stap-ls K NAME TAG
 * GRACE WORD...`), following the stap-sandbox README's remote wrapper ("Remote run backend"): the client
 * sends `<byte length>\n<file>` on stdin and keeps stdin open; the wrapper stores the file in a
 * fresh temp dir, runs the command with the file inserted as word K, and when stdin reaches EOF
 * (the client's Stop, or ssh killed) sends SIGINT to that process only, so `probe end` runs and its
 * output still arrives; then it removes the temp dir and exits with the command's status.
 *
 * Differences from the README's form, so that it runs under any POSIX sh (dash, busybox), not
 * only bash: no `wait -n` (a subshell waits for the command and ends the stdin watcher when the
 * command ends first), and the watcher reads the saved fd 3 (dash gives a background job
 * /dev/null as stdin even with `<&0`). Every user value is a positional parameter, never program
 * text: the wrapper itself is a constant.
 *
 * Beyond the README: when the program has not ended GRACE seconds after the SIGINT (the stapbpf
 * hang the README describes), the wrapper sends it SIGTERM, then 2 s later SIGKILL to its whole
 * process group, which it has of its own when `setsid` exists on the host (so stapbpf and a `-c`
 * child go too, instead of being orphaned by a killed stap). Without `setsid` only the pid is killed.
 * (The timer is started from the wait loop, not from the TERM trap: dash runs a subshell made in
 * a trap with the trap kept and signals blocked, so it could not be killed. It sleeps a second at
 * a time, so once killed it leaves no `sleep` behind for more than a second.)
 * When the program ends, whatever is left in its group is killed too (stapbpf's pre-forked `-c`
 * child after a load failure, as the README says of local runs).
 */
export const REMOTE_WRAPPER = String.raw`k=$1 name=$2 tag=$3 g=$4; shift 4
IFS= read -r n || exit 2
case $n in ''|*[!0-9]*) echo "stap-ls: bad length line from the client" >&2; exit 2;; esac
d=$(mktemp -d "${'${TMPDIR:-/tmp}'}/stap-ls-$tag.XXXXXX") || exit 2
f=$d/$name
head -c "$n" > "$f"
if [ "$(wc -c < "$f")" -ne "$n" ]; then rm -rf "$d"; echo "stap-ls: the file did not arrive whole" >&2; exit 2; fi
i=0 c=$#
while [ $i -lt $c ]; do
  [ $i -eq $k ] && set -- "$@" "$f"
  set -- "$@" "$1"; shift; i=$((i+1))
done
[ $k -ge $c ] && set -- "$@" "$f"
sid=
command -v setsid >/dev/null 2>&1 && set -- setsid "$@" && sid=1
exec 3<&0
cat <&3 >/dev/null 2>&1 & w=$!
(
  p= q= e=
  trap 'q=1; [ -z "$p" ] || kill -INT "$p" 2>/dev/null' TERM
  "$@" </dev/null 3<&- & p=$!
  [ -z "$q" ] || kill -INT "$p" 2>/dev/null
  while :; do
    if [ -n "$q" ] && [ -z "$e" ]; then
      ( trap - TERM; i=0; while [ $i -lt "$g" ]; do sleep 1; i=$((i+1)); done
        kill -TERM "$p"; sleep 1; sleep 1; kill -s KILL -- "-$p" || kill -s KILL "$p" ) >/dev/null 2>&1 & e=$!
    fi
    wait "$p"; r=$?
    kill -0 "$p" 2>/dev/null || break
  done
  [ -z "$e" ] || { kill -PIPE "$e" 2>/dev/null; wait "$e"; }
  [ -z "$sid" ] || kill -s KILL -- "-$p" 2>/dev/null
  p=
  kill -PIPE "$w" 2>/dev/null
  exit "$r"
) & s=$!
exec 3<&-
wait "$w"
kill -TERM "$s" 2>/dev/null
wait "$s"; r=$?
rm -rf "$d"
exit "$r"`;
