/**
 * The POSIX sh program a remote run executes on the host (`exec sh -c WRAPPER stap-ls K NAME TAG
 * GRACE WORD...`), following the stap-sandbox README's remote wrapper ("Remote run backend"): the client
 * sends `<byte length>\n<file>` on stdin and keeps stdin open; the wrapper stores the file in a
 * fresh temp dir, runs the command with the file inserted as word K, and when stdin reaches EOF
 * (the client's Stop, or ssh killed) stops that process the way a local Stop does, so `probe end`
 * runs and its output still arrives; then it removes the temp dir and exits with the command's
 * status.
 *
 * Differences from the README's form, so that it runs under any POSIX sh (dash, busybox), not
 * only bash: no `wait -n` (a subshell waits for the command and ends the stdin watcher when the
 * command ends first), and the watcher reads the saved fd 3 (dash gives a background job
 * /dev/null as stdin even with `<&0`). Every user value is a positional parameter, never program
 * text: the wrapper itself is a constant.
 *
 * The stop (a background job of the wrapper started on EOF, not from a trap: dash runs a subshell
 * made in a trap with signals blocked, so it could not be killed when the command ends first):
 * - `look` reads /proc as stapbpf-state.ts does: the command's stapbpf (the command itself, as
 *   with runRemoteCompiled, or its child), whether it is ready (SIGINT and SIGTERM caught, main
 *   thread sleeping in pause()) or stuck (it took a stop signal, now ignored, just before
 *   pause() and sleeps there for ever) and which stop signal it still catches;
 * - SIGINT to the command's pid only once stapbpf is ready (3 s at most, or at once without a
 *   stapbpf);
 * - a stapbpf found stuck on three polls in a row gets the signal it still catches, once;
 * - GRACE seconds after the SIGINT: SIGTERM to the command, 2 s later SIGKILL to its whole process
 *   group, which it has of its own when `setsid` exists on the host (so stapbpf and a `-c` child
 *   go too, instead of being orphaned by a killed stap). Without `setsid` only the pid is killed.
 * It polls every 0.05 s where `sleep` takes fractions (GNU, busybox), else every second; killed
 * when the command ends, it leaves no `sleep` behind for longer than that. The command's pid
 * reaches it through `FILE.pid` in the temp dir.
 * When the command ends, whatever is left in its group is killed too (stapbpf's pre-forked `-c`
 * child after a load failure, as the README says of local runs).
 *
 * The command gets a second temp dir of the run as TMPDIR, removed with the first: stap makes its
 * work dir (`stapXXXXXX`, with the compiled `.bo`) there, and a stap that dies before removing
 * it (killed by the escalation, or by SIGPIPE writing `probe end` to an ssh that was killed)
 * leaves nothing in the host's /tmp. Not when a word is `-k`, which asks stap to keep that dir
 * (as local runs do).
 */
export const REMOTE_WRAPPER = String.raw`k=$1 name=$2 tag=$3 g=$4; shift 4
IFS= read -r n || exit 2
case $n in ''|*[!0-9]*) echo "stap-ls: bad length line from the client" >&2; exit 2;; esac
d=$(mktemp -d "${'${'}TMPDIR:-/tmp}/stap-ls-$tag.XXXXXX") || exit 2
f=$d/$name
head -c "$n" > "$f"
if [ "$(wc -c < "$f")" -ne "$n" ]; then rm -rf "$d"; echo "stap-ls: the file did not arrive whole" >&2; exit 2; fi
t=
case " $* " in *" -k "*) ;; *) t=$(mktemp -d "${'${TMPDIR:-/tmp}'}/stap-ls-$tag.XXXXXX") || t= ;; esac
i=0 c=$#
while [ $i -lt $c ]; do
  [ $i -eq $k ] && set -- "$@" "$f"
  set -- "$@" "$1"; shift; i=$((i+1))
done
[ $k -ge $c ] && set -- "$@" "$f"
sid=
command -v setsid >/dev/null 2>&1 && set -- setsid "$@" && sid=1
look() {
  B= RD= SK= WK= L=
  read -r L < "/proc/$1/stat"
  case $L in
    *" (stapbpf) "*) B=$1 ;;
    *) for P in /proc/[0-9]*/stat; do
         L=; read -r L < "$P"
         case $L in *" (stapbpf) "?" $1 "*) B=${'${'}L%% *}; break ;; esac
       done ;;
  esac
  [ -n "$B" ] || return 0
  S= C= I= W=
  while read -r K V X; do
    case $K in State:) S=$V ;; SigCgt:) C=${'${'}V#????????} ;; SigIgn:) I=${'${'}V#????????} ;; esac
  done < "/proc/$B/status"
  if [ -z "$C" ] || [ -z "$I" ]; then RD=1; return 0; fi
  read -r W < "/proc/$B/wchan"
  Z=
  if [ "$S" = S ]; then case $W in ''|0|*pause*) Z=1 ;; esac; fi
  [ $((0x$C & 2)) -ne 0 ] && WK=INT
  [ -z "$WK" ] && [ $((0x$C & 16384)) -ne 0 ] && WK=TERM
  [ -n "$Z" ] && [ $((0x$C & 16386)) -eq 16386 ] && RD=1
  [ -n "$Z" ] && [ -n "$WK" ] && [ $((0x$I & 16386)) -ne 0 ] && SK=1
  return 0
}
exec 3<&0
cat <&3 >/dev/null 2>&1 & w=$!
(
  [ -z "$t" ] || { TMPDIR=$t; export TMPDIR; }
  "$@" </dev/null 3<&- & p=$!
  echo "$p" > "$f.pid"
  wait "$p"; r=$?
  rm -f "$f.pid"
  [ -z "$sid" ] || kill -s KILL -- "-$p" 2>/dev/null
  kill -PIPE "$w" 2>/dev/null
  exit "$r"
) & s=$!
exec 3<&-
wait "$w"; c=$?
e=
if [ $c -ne 141 ] && kill -0 "$s" 2>/dev/null; then
  (
    z=1 n=1
    sleep 0.05 2>/dev/null && z=0.05 n=20
    p= i=0
    while [ -z "$p" ] && [ $i -lt $((5*n)) ]; do read -r p < "$f.pid"; [ -n "$p" ] || sleep $z; i=$((i+1)); done
    [ -n "$p" ] || exit 0
    i=0
    while [ $i -lt $((3*n)) ]; do look "$p"; [ -n "$B" ] && [ -z "$RD$SK" ] || break; sleep $z; i=$((i+1)); done
    kill -INT "$p"
    i=0 m=0 x=
    while [ $i -lt $((g*n)) ]; do
      sleep $z; i=$((i+1))
      [ -z "$x" ] || continue
      look "$p"
      if [ -n "$SK" ]; then m=$((m+1)); [ $m -lt 3 ] || { kill -s "$WK" "$B"; x=1; }; else m=0; fi
    done
    kill -TERM "$p"; sleep 1; sleep 1; kill -s KILL -- "-$p" || kill -s KILL "$p"
  ) >/dev/null 2>&1 </dev/null & e=$!
fi
wait "$s"; r=$?
[ -z "$e" ] || { kill -PIPE "$e" 2>/dev/null; wait "$e"; }
rm -rf "$d" ${'${t:+"$t"}'}
exit "$r"`;
