# Kubernetes through the CRI: a private containerd whose CRI plugin has
# the runtime handler "pouch" of docs/examples/containerd-pouch.toml,
# driven by the tests' own CRI client (test/helpers/cri.py) as a kubelet
# drives it: pods from docs/examples/runtimeclass.yaml, the administrator's
# docs/examples/pouch-runc.conf, host-network pods (no CNI).
. "$T_SRC/test/runc/rootfs.sh"
T=$T_TMP
PY=/usr/bin/python3
if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
	skip "CRI tests: containerd/ctr not installed (apt-get install containerd)"
	return 0 2>/dev/null || exit 0
fi
if ! $PY -c 'import grpc, grpc_tools, yaml' 2>/dev/null; then
	skip "CRI tests: python3-grpcio, python3-grpc-tools or python3-yaml missing"
	return 0 2>/dev/null || exit 0
fi
E=$T_SRC/docs/examples
cd=/tmp/pouch-cri.$$
K8S="ctr --address $cd/containerd.sock -n k8s.io"
jqe() { jq -e "$@" >/dev/null; }
cri() { $PY "$T_SRC/test/helpers/cri.py" "$cd/containerd.sock" "$@"; }
# the container's host pid and its bundle's config.json
task_pid() { $K8S task ls | awk -v id="$1" '$1 == id {print $2}'; }
bundle_of() { echo "$cd/state/io.containerd.runtime.v2.task/k8s.io/$1/config.json"; }

# ---- what the examples say: the handler, the pod's annotations, its probe
$PY - "$E/runtimeclass.yaml" >"$T/example.json" <<'EOF'
import json, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
rc = [d for d in docs if d["kind"] == "RuntimeClass"][0]
pod = [d for d in docs if d["kind"] == "Pod" and d["metadata"]["name"] == "legacy-app"][0]
c = pod["spec"]["containers"][0]
print(json.dumps({"class": rc["metadata"]["name"], "handler": rc["handler"],
    "runtimeClassName": pod["spec"]["runtimeClassName"],
    "annotations": pod["metadata"]["annotations"],
    "probe": c["readinessProbe"]["exec"]["command"]}))
EOF
handler=$(jq -r .handler "$T/example.json")
expect_eq "runtimeclass.yaml: the pod's RuntimeClass is the one whose handler is pouch" \
	"$(jq -r '.runtimeClassName == .class' "$T/example.json"):$handler" "true:pouch"
probe=$(jq -r '.probe | join(" ")' "$T/example.json")

# ---- the administrator's side: pouch-runc.conf from the example, its
# [config web] a directory of services and hooks
W=$T/web
mkdir -p "$W/services.d" "$W/hooks/poststop.d" "$T/out" "$T/logs"
chmod 1777 "$T/out"
cat >"$W/services.d/talker.ini" <<'EOF'
[service]
exec = /bin/sh -c 'echo "hello from talker"; exec sleep 1000'
EOF
# a notify service (the tests' pt is mounted at /pt): its socket's path
# goes to /out, for the two-container pod
cat >"$W/services.d/waiter.ini" <<'EOF'
[service]
type = notify
exec = /bin/sh -c 'echo "$NOTIFY_SOCKET" >/out/notify-$NAME; /pt notify READY=1; exec sleep 1000'
EOF
printf '#!/bin/sh\necho "$POUCH_EXIT_CODE $POUCH_STOP_REASON" >/out/post-$NAME\n' >"$W/hooks/poststop.d/10-record"
chmod 755 "$W/hooks/poststop.d/10-record"
printf '#!/bin/sh\ntouch %s/initscript-ran\n' "$T" >"$T/net-setup"
chmod 755 "$T/net-setup"
sed -e "s|/srv/pouch/web|$W|" -e "s|/usr/local/lib/pouch/net-setup|$T/net-setup|" \
	-e "s|^runtime = /usr/sbin/runc|runtime = $(command -v runc)|" \
	"$E/pouch-runc.conf" >"$T/pouch-runc.conf"
chmod 644 "$T/pouch-runc.conf"
# a test device, not part of the example: the test cannot use the host's
# /etc/pouch-runc.conf, so BinaryName is a script naming the tests' file
printf '#!/bin/sh\nPOUCH_RUNC_CONFIG=%s exec %s "$@"\n' "$T/pouch-runc.conf" "$POUCH_RUNC" >"$T/pouch-runc"
chmod 755 "$T/pouch-runc"

# ---- containerd: its own roots and sockets, CRI settings this machine
# needs, then the example's runtime as it is (but for BinaryName)
mkdir -p "$cd/cni-bin" "$cd/cni-conf"
{
	cat <<EOC
version = 2
root = "$cd/root"
state = "$cd/state"
[grpc]
  address = "$cd/containerd.sock"
[ttrpc]
  address = "$cd/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$cd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "pouch-test/pause:1"
  restrict_oom_score_adj = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "$cd/cni-bin"
  conf_dir = "$cd/cni-conf"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
EOC
	grep -v '^version' "$E/containerd-pouch.toml" | sed "s|\"/usr/local/sbin/pouch-runc\"|\"$T/pouch-runc\"|"
} >"$T/containerd.toml"
containerd --config "$T/containerd.toml" >"$T/containerd.log" 2>&1 &
echo $! >"$T/containerd.pid"
if ! wait_for 30 sh -c "$PY '$T_SRC/test/helpers/cri.py' '$cd/containerd.sock' Version '{}' >'$T/version' 2>/dev/null"; then
	tail -n 20 "$T/containerd.log" >&2
	kill "$(cat "$T/containerd.pid")" 2>/dev/null
	skip "CRI tests: containerd's CRI plugin could not start here (log above)"
	rm -rf "$cd"
	return 0 2>/dev/null || exit 0
fi
cri_stop() {
	# whatever a failed check left: every task killed, then containerd
	for id in $($K8S task ls -q 2>/dev/null); do
		$K8S task kill -s KILL "$id" >/dev/null 2>&1
		$K8S task rm -f "$id" >/dev/null 2>&1
	done
	kill "$(cat "$T/containerd.pid")" 2>/dev/null
	wait_for 10 sh -c "! kill -0 $(cat "$T/containerd.pid") 2>/dev/null"
	umount_under "$cd"
	rm -rf "$cd"
}
check "CRI Version: containerd answers as a kubelet sees it" \
	jqe '.runtime_name == "containerd" and .runtime_api_version == "v1"' "$T/version"

# ---- the images: one docker-save archive, one busybox layer, tagged as
# the sandbox (pause) image and the application's
mkdir -p "$T/img/rootfs" "$T/img/ar/layer"
make_busybox_rootfs "$T/img/rootfs"
tar -C "$T/img/rootfs" -cf "$T/img/ar/layer/layer.tar" .
diff=$(sha256sum "$T/img/ar/layer/layer.tar" | cut -d' ' -f1)
jq -n --arg d "sha256:$diff" '{architecture: "amd64", os: "linux",
	config: {Cmd: ["/bin/sleep", "infinity"], Env: ["PATH=/bin"]},
	rootfs: {type: "layers", diff_ids: [$d]}}' >"$T/img/config.json"
cfg=$(sha256sum "$T/img/config.json" | cut -d' ' -f1)
mv "$T/img/config.json" "$T/img/ar/$cfg.json"
jq -n --arg c "$cfg.json" '[{Config: $c, RepoTags: ["pouch-test/pause:1", "pouch-test/busybox:1"],
	Layers: ["layer/layer.tar"]}]' >"$T/img/ar/manifest.json"
tar -C "$T/img/ar" -cf "$T/img/image.tar" .
$K8S images import "$T/img/image.tar" >/dev/null 2>&1
check "ctr -n k8s.io images import: the sandbox and application images are there" \
	sh -c "$K8S images ls -q | grep -q pause:1 && $K8S images ls -q | grep -q busybox:1"

# pod_json NAME ANNOTATIONS: a host-network pod, as the kubelet sends it
pod_json() {
	jq -n --arg n "$1" --argjson a "$2" --arg l "$T/logs/$1" '{metadata: {name: $n, uid: ("uid-" + $n), namespace: "default"},
		log_directory: $l, annotations: $a,
		linux: {security_context: {namespace_options: {network: "NODE", pid: "CONTAINER", ipc: "POD"}}}}'
}
# run_pod NAME ANNOTATIONS: RunPodSandbox; sets SB and PODCFG
run_pod() {
	PODCFG=$(pod_json "$1" "$2")
	SB=$(cri RunPodSandbox "$(jq -n --argjson c "$PODCFG" --arg h "$handler" '{config: $c, runtime_handler: $h}')" |
		jq -r .pod_sandbox_id)
}
# create NAME ARGS...: CreateContainer in $SB; sets CID (empty on error)
create() {
	n=$1; shift
	args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	CID=$(cri CreateContainer "$(jq -n --arg sb "$SB" --argjson pc "$PODCFG" --arg n "$n" --argjson a "$args" \
		--arg out "$T/out" --arg pt "$PT" '{pod_sandbox_id: $sb, sandbox_config: $pc,
		config: {metadata: {name: $n}, image: {image: "pouch-test/busybox:1"}, command: $a,
			envs: [{key: "NAME", value: $n}], log_path: ($n + "/0.log"),
			mounts: [{container_path: "/out", host_path: $out}, {container_path: "/pt", host_path: $pt, readonly: true}],
			linux: {security_context: {namespace_options: {network: "NODE", pid: "CONTAINER", ipc: "POD"}}}}}')" |
		jq -r .container_id)
}
start() { cri StartContainer "{\"container_id\": \"$1\"}" >/dev/null; }
status_of() { cri ContainerStatus "{\"container_id\": \"$1\"}" | jq -c "$2"; }
# probe ID: the example's readiness probe, as often as a kubelet would
probe() {
	i=0
	while [ $i -lt 10 ]; do
		# shellcheck disable=SC2086
		cri exec "$1" 10 -- $probe >"$T/probe.out" 2>&1 && return 0
		i=$((i + 1)); sleep 1
	done
	return 1
}

# ---- one rich container in a pod with the example's annotations
run_pod legacy-app "$(jq -c .annotations "$T/example.json")"
check "RunPodSandbox with runtime_handler $handler: a sandbox id" test -n "$SB"
spid=$(task_pid "$SB")
expect_eq "the sandbox (pause) container stays plain: its pid 1 is the image's /bin/sleep infinity" \
	"$(tr '\0' ' ' <"/proc/$spid/cmdline" 2>/dev/null)" "/bin/sleep infinity "
expect_eq "... although the pod's io.pouch.* annotations reached its config.json untouched" \
	"$(jq -c '[.annotations["io.pouch.rich-mode"], .annotations["io.kubernetes.cri.container-type"], .process.args]' "$(bundle_of "$SB")")" \
	'["pouch","sandbox",["/bin/sleep","infinity"]]'
create app /bin/sh -c 'echo "cmd says hi"; exec sleep 1000'
check "CreateContainer: a container id" test -n "$CID"
start "$CID"
APP=$CID
expect_eq "StartContainer: running" "$(status_of "$APP" .status.state)" '"CONTAINER_RUNNING"'
check "ExecSync '$probe' (the example's readiness probe) succeeds" probe "$APP"
cri exec "$APP" 10 -- /.pouch/init ctl status >"$T/status" 2>&1
expect_eq "ExecSync pouch-init ctl status: 0" "$?" 0
check "... lists the administrator's services and CMD, running" \
	sh -c "grep -q '^talker  *running' '$T/status' && grep -q '^cmd  *running' '$T/status'"
cri exec "$APP" 10 -- /bin/sh -c 'tr "\0" " " </proc/1/cmdline; echo; grep " /etc/pouch " /proc/mounts' >"$T/inside" 2>&1
check "pouch-init is the container's pid 1, CMD after it" grep -q "^/.pouch/init --mode pouch -- /bin/sh -c" "$T/inside"
check "io.pouch.config=web: [config web] is /etc/pouch, read-only" grep -q " /etc/pouch [^ ]* ro[ ,]" "$T/inside"
log=$T/logs/legacy-app/app/0.log
wait_for 10 grep -q "talker| hello from talker" "$log"
check "the CRI log file: the services' prefixed lines, in CRI format" \
	grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z std(out|err) F talker\| hello from talker$' "$log"
check "... and CMD's own" grep -qE '^[0-9-]+T[0-9:.]+Z stdout F cmd says hi$' "$log"
t0=$(now_ms)
cri StopContainer "{\"container_id\": \"$APP\", \"timeout\": 20}" >/dev/null
t1=$(now_ms)
check "StopContainer (timeout 20 s): graceful, well within it ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 10000 ]
expect_eq "... the poststop hook ran, seeing the SIGTERM stop" "$(cat "$T/out/post-app" 2>/dev/null)" "143 signal"
expect_eq "... ContainerStatus: exited, 143" "$(status_of "$APP" '[.status.state, .status.exit_code]')" '["CONTAINER_EXITED",143]'
cri RemoveContainer "{\"container_id\": \"$APP\"}" >/dev/null
cri StopPodSandbox "{\"pod_sandbox_id\": \"$SB\"}" >/dev/null
cri RemovePodSandbox "{\"pod_sandbox_id\": \"$SB\"}" >/dev/null
expect_eq "RemovePodSandbox: no task and no container left" "$($K8S task ls -q | wc -l):$($K8S containers ls -q | wc -l)" "0:0"
check "the initscript entry no pod named did not run" [ ! -e "$T/initscript-ran" ]

# ---- two rich containers in one pod (one network namespace): notify
# and control sockets of each its own
run_pod two "$(jq -c .annotations "$T/example.json")"
create a /bin/sleep 1001; A=$CID; start "$A"
create b /bin/sleep 1002; B=$CID; start "$B"
check "two containers: a is ready" probe "$A"
check "two containers: b is ready" probe "$B"
na=$(cat "$T/out/notify-a" 2>/dev/null); nb=$(cat "$T/out/notify-b" 2>/dev/null)
check "... each notify service got a socket path, not an abstract name the pod's network namespace shares ($na, $nb)" \
	sh -c "case '$na$nb' in /*@*|@*|'') exit 1;; esac; case '$nb' in /*) exit 0;; esac; exit 1"
cri exec "$A" 10 -- /.pouch/init ctl status >"$T/status-a" 2>&1
cri exec "$B" 10 -- /.pouch/init ctl status >"$T/status-b" 2>&1
check "... each one's ctl status answers, waiter running" \
	sh -c "grep -q '^waiter  *running' '$T/status-a' && grep -q '^waiter  *running' '$T/status-b'"
cri StopContainer "{\"container_id\": \"$B\", \"timeout\": 20}" >/dev/null
cri exec "$A" 10 -- /.pouch/init ctl status >/dev/null 2>&1
expect_eq "... b stopped: a's control socket still answers" "$?" 0
expect_eq "... b's poststop hook ran" "$(cat "$T/out/post-b" 2>/dev/null)" "143 signal"
cri StopContainer "{\"container_id\": \"$A\", \"timeout\": 20}" >/dev/null
expect_eq "... a's too" "$(cat "$T/out/post-a" 2>/dev/null)" "143 signal"
cri StopPodSandbox "{\"pod_sandbox_id\": \"$SB\"}" >/dev/null
cri RemovePodSandbox "{\"pod_sandbox_id\": \"$SB\"}" >/dev/null

# ---- a pod asking for a host path: the error the kubelet sees
run_pod bad '{"io.pouch.rich-mode": "pouch", "io.pouch.config": "/"}'
create app /bin/sh -c 'echo ran >/out/bad-ran'
BAD=$CID
start "$BAD" 2>"$T/err"
check "io.pouch.config=/: StartContainer fails (CreateContainer only records the container)" \
	sh -c "[ -n '$BAD' ] && grep -q '^cri: StartContainer: ' '$T/err'"
check "... with pouch-runc's reason in the error" \
	grep -qF "pouch-runc: annotation io.pouch.config: '/' is not a [config NAME] entry of $T/pouch-runc.conf" "$T/err"
status_of "$BAD" '.status' >"$T/bad-status"
check "... and ContainerStatus says StartError with it (kubectl describe's reason and message)" \
	jqe '.reason == "StartError" and (.message | contains("pouch-runc: annotation io.pouch.config"))' "$T/bad-status"
check "... nothing ran, no task was made for it" sh -c "[ ! -e '$T/out/bad-ran' ] && [ -z '$(task_pid "$BAD")' ]"
check "... and the pod's sandbox still runs, plain" sh -c "tr '\0' ' ' </proc/$(task_pid "$SB")/cmdline | grep -qx '/bin/sleep infinity '"
cri RemoveContainer "{\"container_id\": \"$BAD\"}" >/dev/null
cri StopPodSandbox "{\"pod_sandbox_id\": \"$SB\"}" >/dev/null
cri RemovePodSandbox "{\"pod_sandbox_id\": \"$SB\"}" >/dev/null

cri_stop
true
