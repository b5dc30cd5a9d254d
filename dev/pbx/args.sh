# Shared by start.sh and stop.sh: reads the options into $port, $run_dir, $tls, $tls_port,
# $instance (standalone, primary or secondary), $dmq_port, $dmq_peer_port, $pair, $users_file,
# $ephemeral_secrets (an array), for the edge $edge, $trunks, $queues_file and
# $plain_media_address, and for the VoiceCall service's hook $voicecall_hook and $voice_agents.
port=
run_dir=
tls=
tls_port=
instance=standalone
pair=
users_file=
ephemeral_secrets=()
edge=
echo_test=
trunks=sip:127.0.0.2:5080
queues_file=
plain_media_address=
voicecall_hook=
voice_agents=
usage="usage: $0 [--port N] [--run-dir DIR] [--tls] [--instance primary|secondary | --pair] [--users FILE]
       [--ephemeral-secret SECRET]... [--edge [--trunk URI[,URI...]] [--queues FILE] [--plain-media-address IP]] [--echo]
       [--voicecall-hook URL --voice-agents USER,...]"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --run-dir) run_dir=$2; shift 2 ;;
    --tls) tls=1; shift ;;
    --instance) instance=$2; shift 2 ;;
    --pair) pair=1; shift ;;
    --users) users_file=$2; shift 2 ;;
    --ephemeral-secret) ephemeral_secrets+=("$2"); shift 2 ;;
    --edge) edge=1; shift ;;
    # The echo test needs the edge: its far end speaks plain RTP.
    --echo) echo_test=1; edge=1; shift ;;
    --trunk) trunks=$2; shift 2 ;;
    --queues) queues_file=$2; shift 2 ;;
    --plain-media-address)
      # It lands in Kamailio's config and in every SDP: an IPv4 address and nothing else.
      [[ $2 =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || { echo "$0: --plain-media-address takes an IPv4 address" >&2; exit 2; }
      plain_media_address=$2; shift 2 ;;
    --voicecall-hook) voicecall_hook=$2; shift 2 ;;
    --voice-agents) voice_agents=$2; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
# The fixed ports of a pair: ws 8080/8081, wss 8443/8444, PBX-to-PBX SIP 5090/5091.
case "$instance" in
  standalone) port=${port:-8080}; tls_port=8443; dmq_port=; dmq_peer_port= ;;
  primary) port=${port:-8080}; tls_port=8443; dmq_port=5090; dmq_peer_port=5091 ;;
  secondary) port=${port:-8081}; tls_port=8444; dmq_port=5091; dmq_peer_port=5090 ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
if [ -n "$pair" ]; then
  run_dir=${run_dir:-/tmp/softphone-pbx-pair}
else
  run_dir=${run_dir:-/tmp/softphone-pbx-$port}
fi
# The edge's fixed ports (loopback): SIP over UDP for plain endpoints and the trunk, rtpengine's
# control (ng) socket, and the range rtpengine takes media ports from.
edge_sip_port=5060
edge_ng_port=22223
edge_rtp_ports=30000-30199
