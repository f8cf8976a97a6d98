# The Kubernetes part of the local platform. Sourced by `up`.
# shellcheck shell=bash

# issue_cert NAME SUBJECT [SUBJECT_ALT_NAMES]: an EC key and a certificate signed by the run's CA.
issue_cert() {
  local name=$1 subject=$2 san=${3:-} pki=$RUN_DIR/pki
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$name.key" 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n $san ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
}

# A fresh CA, serving certificate, one client certificate per component and the
# service-account signing key pair: nothing is shared between runs.
make_pki() {
  local pki=$RUN_DIR/pki
  mkdir -p "$pki"
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=rollguard-local-ca" -days 30 -sha256 \
    -out "$pki/ca.crt" 2>/dev/null
  issue_cert apiserver "/CN=kube-apiserver" \
    "IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  issue_cert admin "/O=system:masters/CN=rollguard-admin"
  issue_cert controller-manager "/CN=system:kube-controller-manager"
  issue_cert scheduler "/CN=system:kube-scheduler"
  issue_cert kwok "/O=system:masters/CN=kwok"
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

# write_kubeconfig FILE CERT_NAME: a kubeconfig with embedded credentials.
write_kubeconfig() {
  local file=$1 cert=$2 pki=$RUN_DIR/pki
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: rollguard-local
  cluster:
    server: $KUBE_API_SERVER
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $cert
  user:
    client-certificate-data: $(base64 -w0 "$pki/$cert.crt")
    client-key-data: $(base64 -w0 "$pki/$cert.key")
contexts:
- name: rollguard-local
  context: {cluster: rollguard-local, user: $cert, namespace: default}
current-context: rollguard-local
EOF
}

# A fake node that kwok manages: it reports Ready and runs (simulated) pods.
fake_node() {
  cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $1
  annotations:
    node.alpha.kubernetes.io/ttl: "0"
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: $1
    type: kwok
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "$PODS_PER_NODE"}
  capacity: {cpu: "32", memory: 256Gi, pods: "$PODS_PER_NODE"}
  nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: fake, kubeProxyVersion: fake}
  phase: Running
---
EOF
}

start_cluster() {
  local bin pki=$RUN_DIR/pki
  bin="$(platform_bin_dir)"
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
    [[ -x $bin/$b ]] || die "$bin/$b is missing: run $PLATFORM_DIR/provision first"
  done
  local etcd_port etcd_peer_port api_port kcm_port sched_port
  local -a kcm_rate=() sched_rate=()
  if [[ -n ${API_QPS:-} ]]; then
    kcm_rate=(--kube-api-qps "$API_QPS" --kube-api-burst "$((API_QPS * 2))"
      --concurrent-deployment-syncs 20 --concurrent-replicaset-syncs 20)
    sched_rate=(--kube-api-qps "$API_QPS" --kube-api-burst "$((API_QPS * 2))")
  fi
  etcd_port=$(free_port) etcd_peer_port=$(free_port) api_port=$(free_port)
  kcm_port=$(free_port) sched_port=$(free_port)
  KUBE_API_SERVER="https://127.0.0.1:$api_port"
  make_pki

  # Throw-away data: fsync buys nothing for a test cluster and costs seconds.
  start etcd "$bin/etcd" --name default --data-dir "$RUN_DIR/etcd" --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "default=http://127.0.0.1:$etcd_peer_port"
  wait_healthy etcd 30 "etcd healthy on port $etcd_port" \
    curl -fsS --max-time 5 "http://127.0.0.1:$etcd_port/health"

  start kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 --allow-privileged=true --profiling=false \
    --endpoint-reconciler-type none

  write_kubeconfig "$RUN_DIR/kubeconfig" admin
  write_kubeconfig "$RUN_DIR/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$RUN_DIR/scheduler.kubeconfig" scheduler
  write_kubeconfig "$RUN_DIR/kwok.kubeconfig" kwok
  local kubectl=("$bin/kubectl" --kubeconfig "$RUN_DIR/kubeconfig")
  wait_healthy kube-apiserver 90 "kube-apiserver ready at $KUBE_API_SERVER" \
    "${kubectl[@]}" get --raw /readyz

  start kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig "$RUN_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$RUN_DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$RUN_DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$kcm_port" --leader-elect=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials=true \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    ${kcm_rate[@]+"${kcm_rate[@]}"}
  start kube-scheduler "$bin/kube-scheduler" \
    --kubeconfig "$RUN_DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$RUN_DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig "$RUN_DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$sched_port" --leader-elect=false \
    ${sched_rate[@]+"${sched_rate[@]}"}
  start kwok "$bin/kwok" --kubeconfig "$RUN_DIR/kwok.kubeconfig" \
    --config "$(kwok_stages "$bin/../kwok-stages.yaml")" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --disregard-status-with-annotation-selector kwok.x-k8s.io/status=custom \
    --cidr 10.244.0.1/16 --node-ip 10.0.0.1

  wait_healthy kube-controller-manager 60 "kube-controller-manager healthy" \
    curl -fsSk --max-time 5 "https://127.0.0.1:$kcm_port/healthz"
  wait_healthy kube-scheduler 60 "kube-scheduler healthy" \
    curl -fsSk --max-time 5 "https://127.0.0.1:$sched_port/healthz"

  local i
  for ((i = 0; i < NODES; i++)); do fake_node "kwok-node-$i"; done >"$RUN_DIR/nodes.yaml"
  "${kubectl[@]}" apply -f "$RUN_DIR/nodes.yaml" >/dev/null
  # kwok initialises nodes one after another; many nodes on a busy machine take longer.
  wait_healthy kwok $((60 + NODES * 10)) "$NODES kwok nodes Ready" \
    "${kubectl[@]}" wait --for=condition=Ready node --all --timeout=1s
  # Pods can only be created once the namespace's default ServiceAccount exists.
  wait_healthy kube-controller-manager 60 "default ServiceAccount present" \
    "${kubectl[@]}" get serviceaccount default -n default

  export_env KUBECONFIG "$RUN_DIR/kubeconfig"
  export_env KUBE_API_SERVER "$KUBE_API_SERVER"
  export_env KUBECTL "$bin/kubectl"
  export_env ETCD_URL "http://127.0.0.1:$etcd_port"
}

# The kwok stages for this run: upstream's fast ones, with the pod-ready stage delayed by
# POD_READY_DELAY_MS (plus up to half as much again, at random) when that is above zero.
kwok_stages() {
  local stages=$1
  if ((${POD_READY_DELAY_MS:-0} <= 0)); then
    echo "$stages"
    return
  fi
  local jitter=$((POD_READY_DELAY_MS * 3 / 2))
  python3 - "$stages" "$POD_READY_DELAY_MS" "$jitter" >"$RUN_DIR/kwok-stages.yaml" <<'PY'
import sys
path, delay, jitter = sys.argv[1], sys.argv[2], sys.argv[3]
out, stage = [], None
for line in open(path):
    if line.startswith("  name: "):
        stage = line.split()[1]
    if stage == "pod-ready" and line.startswith("  next:"):
        out.append("  delay:\n")
        out.append(f"    durationMilliseconds: {delay}\n")
        out.append(f"    jitterDurationMilliseconds: {jitter}\n")
    out.append(line)
sys.stdout.write("".join(out))
PY
  echo "$RUN_DIR/kwok-stages.yaml"
}
