#!/usr/bin/env bash
# Makes screenshots/*.png from the real binary in a real window under Xvfb:
#   tcp-echo.png    the seed's exchange: server and client side by side, after one Send
#   udp-echo-es.png a UDP exchange, in Spanish
#   error-refused.png a client sending to a port where nothing listens
#   editor-hex.png  a workspace whose client sends hex bytes with CRLF three times, with the
#                   editor's preview of the exact bytes
#   steps-failure.png a server that answers by rule, and a client's three steps run against
#                   it: one passes, one fails, one is skipped
#   search.png     the client's transcript searched (Ctrl+F) for "repeated": matching rows
#                   highlighted, the first one selected
#   tcp-echo-light.png the seed's exchange in the light theme
#   tcp-echo-hidpi.png the same at a scale factor of 2 (WINIT_X11_SCALE_FACTOR=2), on a
#                   2800×1800 display; tcp-echo-hidpi-1.5.png at 1.5
#   small-six-sessions.png an 800×600 window with six sessions (tabs) and a 120,000-byte
#                   message shown as a summary
#   statistics.png  80 echoes 40 ms apart, then the client's Statistics window (Ctrl+Shift+S):
#                   the figures and round trips over time with their rolling median
#   load.png        the Load test window (Ctrl+Shift+L) mid-run against this window's server:
#                   progress, live rates and the round-trip histogram
#   diagram-es-presenting.png presentation mode (F5) in Spanish on a 1920×1080 window: the
#                   client's sequence diagram (Ctrl+Shift+D) stepped to its third step, which
#                   the transcript selects and "Qué pasó" explains
#   code-es.png     the client's Code window (Ctrl+Shift+C) in Spanish: the Python program
#   tour.png        a first plain launch (no flags, fresh settings): the tour's first callout
#   report-es.png   the .html report of a server that the tutorial's own client (which resets)
#                   and our client talked to, in Spanish, rendered by headless Chromium
#   tls.png         a TLS server with its certificate, and a client that pinned its fingerprint:
#                   the client's handshake row selected, so the details show it whole
#                   (version, cipher, certificate, SHA-256)
#   pair-1024.png   a 1024×768 window: the default pair after one Send, forms folded
#   presenting-es-1024.png the same in Spanish presentation mode (F5)
#   relay.png       a server, a relay in front of it with 20 ms of added latency, and a client
#                   sending through the relay: both legs in the relay's transcript
# NEW_ONLY=1 makes only the last two.
# Installs what it needs on a fresh Debian machine (as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v import >/dev/null || need+=(imagemagick)
command -v xdotool >/dev/null || need+=(xdotool)
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/lib/x86_64-linux-gnu/libEGL.so.1 ] || need+=(libegl1)
[ -d /usr/lib/x86_64-linux-gnu/dri ] || need+=(libgl1-mesa-dri)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cargo build --release --quiet
bin="$PWD/target/release/socket-tester"
out="$PWD/screenshots"
mkdir -p "$out"

display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
# A second, larger display for the HiDPI pictures.
big=":$((190 + RANDOM % 9))"
Xvfb "$big" -screen 0 2800x1800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_big=$!
app=""
wid=""
home=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$xvfb" "$xvfb_big" 2>/dev/null || true
}
trap cleanup EXIT
export DISPLAY="$display"
# Both displays are up once their sockets exist (a fixed sleep lost the race on a busy machine).
for _ in $(seq 1 100); do
  [ -e "/tmp/.X11-unix/X${display#:}" ] && [ -e "/tmp/.X11-unix/X${big#:}" ] && break
  sleep 0.1
done

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# launch NAME ARGS...: start the app with fresh settings and wait for its window; sets
# $app, $wid and $home. SCALE=N runs it at that scale factor on the large display; SIZE="W H"
# resizes the window.
launch() {
  local name=$1
  shift
  home=$(mktemp -d)
  if [ -n "${SCALE:-}" ]; then
    export DISPLAY="$big"
    WINIT_X11_SCALE_FACTOR="$SCALE" HOME="$home" XDG_DATA_HOME="$home" "$bin" "$@" >/dev/null 2>&1 &
  else
    export DISPLAY="$display"
    HOME="$home" XDG_DATA_HOME="$home" "$bin" "$@" >/dev/null 2>&1 &
  fi
  app=$!
  wid=""
  for _ in $(seq 1 300); do
    wid=$(xdotool search --name '^Socket Tester$' 2>/dev/null | head -1 || true)
    [ -n "$wid" ] && break
    sleep 0.1
  done
  [ -n "$wid" ] || { echo "the window did not appear for $name" >&2; exit 1; }
  if [ -n "${SIZE:-}" ]; then
    # shellcheck disable=SC2086
    xdotool windowsize "$wid" $SIZE
  fi
  sleep 2
  xdotool windowfocus --sync "$wid"
}

# capture NAME: park the pointer on the hint line (away from any button and its tooltip; PARK="X Y"
# elsewhere), write screenshots/NAME.png, and close the app.
capture() {
  local name=$1 park
  park=${PARK:-$(awk -v s="${SCALE:-1}" 'BEGIN { printf "%d %d", 1000 * s, 76 * s }')}
  # shellcheck disable=SC2086
  xdotool mousemove --window "$wid" $park
  sleep 2
  import -window "$wid" "$out/$name.png"
  kill "$app"
  wait "$app" 2>/dev/null || true
  app=""
  rm -rf "$home"
  export DISPLAY="$display"
  echo "wrote screenshots/$name.png"
}

# shot NAME X Y ARGS...: press Ctrl+Enter (Send), then with SEARCH=TEXT find TEXT (Ctrl+F),
# click the transcript row at X,Y (window coordinates; 0 0 for none) to open its details,
# and capture.
shot() {
  local name=$1 x=$2 y=$3
  shift 3
  launch "$name" "$@"
  xdotool key --window "$wid" ctrl+Return
  sleep 1.5
  if [ -n "${SEARCH:-}" ]; then
    # Find in the client's transcript: Ctrl+F, the query, Enter for the first match.
    xdotool key --window "$wid" ctrl+f
    sleep 0.5
    xdotool type --window "$wid" --delay 50 "$SEARCH"
    sleep 0.3
    xdotool key --window "$wid" Return
    sleep 0.5
  fi
  if [ "$x" != 0 ]; then
    xdotool mousemove --window "$wid" "$x" "$y"
    sleep 0.3
    xdotool mousedown 1
    sleep 0.1
    xdotool mouseup 1
  fi
  capture "$name"
}

# A workspace file for the editor's picture: the same TOML the app saves.
workspace_dir=$(mktemp -d)
workspace="$workspace_dir/demo-workspace.toml"
editor_port=$(free_port)
cat > "$workspace" <<EOF
version = 1
active = 1

[[sessions]]
role = "server"
host = "127.0.0.1"
port = $editor_port

[[sessions]]
role = "client"
host = "127.0.0.1"
port = $editor_port

[sessions.message]
mode = "hex"
text = "48 65 6C 6C 6F 00 FF"
line_ending = "crlf"

[sessions.plan]
count = 3
interval_ms = 200
EOF

# steps_shot NAME ARGS...: like shot, but instead of sending, scroll the client's form down to
# its steps and press Run steps.
# The TLS and relay pictures (NEW_ONLY=1: only these).
new_shots() {
  local dir tls_port relay_server relay_port
  dir=$(mktemp -d)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1
  local pin
  pin=$(openssl x509 -in "$dir/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)
  tls_port=$(free_port)
  cat > "$dir/tls.toml" <<EOT
version = 1
active = 1

[[sessions]]
role = "server"
host = "127.0.0.1"
port = $tls_port

[sessions.tls]
enabled = true
cert = "$dir/cert.pem"
key = "$dir/key.pem"

[[sessions]]
role = "client"
host = "localhost"
port = $tls_port

[sessions.tls]
enabled = true
verify = "pin"
pin = "$pin"
EOT
  SCALE=1 SIZE="1920 1600" launch tls --lang en --workspace "$dir/tls.toml" --start-server
  xdotool key --window "$wid" ctrl+Return
  sleep 1.5
  # The client's handshake row, so that the details below show it whole.
  xdotool mousemove --window "$wid" 1500 "${TLS_ROW_Y:-964}"
  sleep 0.3
  xdotool click 1
  SCALE=1 PARK="5 1590" capture tls

  relay_server=$(free_port)
  relay_port=$(free_port)
  # The relay first (the left pane), then the server and the client (tabs on the right, the
  # client in front).
  cat > "$dir/relay.toml" <<EOT
version = 1
active = 2

[[sessions]]
role = "server"
host = "127.0.0.1"
port = $relay_port

[sessions.relay]
enabled = true
to = "127.0.0.1:$relay_server"

[sessions.relay.faults]
latency_ms = 20

[[sessions]]
role = "server"
host = "127.0.0.1"
port = $relay_server

[[sessions]]
role = "client"
host = "127.0.0.1"
port = $relay_port
EOT
  SCALE=1 SIZE="1920 1080" launch relay --lang en --workspace "$dir/relay.toml" --start-server
  xdotool key --window "$wid" ctrl+Return
  sleep 1.5
  SCALE=1 PARK="5 1070" capture relay
  rm -rf "$dir"
}

if [ -n "${NEW_ONLY:-}" ]; then
  new_shots
  exit 0
fi

steps_shot() {
  local name=$1
  shift
  launch "$name" "$@"
  xdotool mousemove --window "$wid" 1000 400
  sleep 0.3
  for _ in $(seq 1 10); do xdotool click 5; done
  sleep 0.5
  xdotool mousemove --window "$wid" 970 456
  sleep 0.3
  xdotool click 1
  sleep 1.5
  capture "$name"
}

steps_workspace="$workspace_dir/steps-workspace.toml"
steps_port=$(free_port)
cat > "$steps_workspace" <<EOF
version = 1
active = 1

[[sessions]]
role = "server"
host = "127.0.0.1"
port = $steps_port

[sessions.server]
mode = "fixed:ERR unknown\\n"
framing = "line"

[[sessions.server.rules]]
match = "regex:^PING$"
reply = "PONG\\n"

[[sessions]]
role = "client"
host = "127.0.0.1"
port = $steps_port
expect = "text:PONG"
reply_end = "delim:\\\\n"

[[sessions.step]]
send = "PING\\\\n"
expect = "text:PONG"

[[sessions.step]]
send = "HELLO\\\\n"
expect = "text:PONG"

[[sessions.step]]
send = "PING\\\\n"
expect = "text:PONG"
EOF

shot tcp-echo 1150 699 --lang en --host 127.0.0.1 --port "$(free_port)" --start-server
shot udp-echo-es 0 0 --lang es --protocol udp --host 127.0.0.1 --port "$(free_port)" --start-server
shot error-refused 1150 634 --lang en --host 127.0.0.1 --port "$(free_port)"
shot editor-hex 0 0 --lang en --workspace "$workspace" --start-server
steps_shot steps-failure --lang en --workspace "$steps_workspace" --start-server
SEARCH=repeated shot search 0 0 --lang en --host 127.0.0.1 --port "$(free_port)" --start-server
shot tcp-echo-light 1150 699 --lang en --theme light --host 127.0.0.1 --port "$(free_port)" --start-server
SCALE=2 shot tcp-echo-hidpi 0 0 --lang en --host 127.0.0.1 --port "$(free_port)" --start-server
SCALE=1.5 shot tcp-echo-hidpi-1.5 0 0 --lang en --host 127.0.0.1 --port "$(free_port)" --start-server

# Six sessions and a 120,000-byte message in an 800×600 window.
six="$workspace_dir/six.toml"
six_port=$(free_port)
python3 - "$six" "$six_port" <<'PY'
import sys
path, port = sys.argv[1], sys.argv[2]
long = ("Este es el mensaje. Se repetirá. " * 4000)[:120000]
sessions = [("server", "tcp"), ("client", "tcp"), ("server", "udp"), ("client", "udp"), ("client", "tcp"), ("client", "tcp")]
with open(path, "w") as f:
    f.write("version = 1\nactive = 5\n")
    for role, proto in sessions:
        f.write(f'\n[[sessions]]\nrole = "{role}"\nprotocol = "{proto}"\nhost = "127.0.0.1"\nport = {port}\n')
    f.write(f'\n[sessions.message]\ntext = "{long}"\n')
PY
SIZE="800 600" shot small-six-sessions 0 0 --lang en --workspace "$six"

# A 1024×768 window: the default pair after one Send (both forms folded, the content first),
# and the same in Spanish presentation mode (F5).
SIZE="1024 768" PARK="5 760" shot pair-1024 0 0 --lang en --host 127.0.0.1 --port "$(free_port)" --start-server
SIZE="1024 768" launch presenting-es-1024 --lang es --host 127.0.0.1 --port "$(free_port)" --start-server
xdotool key --window "$wid" ctrl+Return
sleep 1.5
xdotool key --window "$wid" F5
sleep 1.5
PARK="5 760" capture presenting-es-1024

# Statistics: 80 echoes 40 ms apart, then the client's statistics window.
stats_ws="$workspace_dir/stats.toml"
stats_port=$(free_port)
cat > "$stats_ws" <<EOF
version = 1
active = 1

[[sessions]]
role = "server"
host = "127.0.0.1"
port = $stats_port

[[sessions]]
role = "client"
host = "127.0.0.1"
port = $stats_port

[sessions.plan]
count = 80
interval_ms = 40
EOF
launch statistics --lang en --workspace "$stats_ws" --start-server
xdotool key --window "$wid" ctrl+Return
sleep 4.5
xdotool key --window "$wid" ctrl+shift+s
sleep 1
capture statistics

# A load run from the window, captured mid-run: Ctrl+Shift+L aims it at this window's server,
# then Start load (at its place in the window).
launch load --lang en --host 127.0.0.1 --port "$(free_port)" --start-server
sleep 1
xdotool key --window "$wid" ctrl+shift+l
sleep 1.5
xdotool mousemove --window "$wid" 62 322 click 1
sleep 2.5
capture load

# Teaching: presentation mode in Spanish, the diagram stepped to its third step (▶| three
# times, at its place in the window).
SCALE=1 SIZE="1920 1080" launch diagram-es-presenting --lang es --host 127.0.0.1 --port "$(free_port)" --start-server
xdotool key --window "$wid" ctrl+Return
sleep 1.5
xdotool key --window "$wid" F5
sleep 1
xdotool key --window "$wid" ctrl+shift+d
sleep 1.5
for _ in 1 2 3; do
  xdotool mousemove --window "$wid" 1084 177 click 1
  sleep 0.5
done
SCALE=1 PARK="5 1070" capture diagram-es-presenting

# The Python the client's form stands for, in Spanish.
launch code-es --lang es --host 127.0.0.1 --port "$(free_port)" --start-server
xdotool key --window "$wid" ctrl+shift+c
sleep 1.5
capture code-es

# A first plain launch: the tour's first step.
launch tour
capture tour

# The .html report a server writes (serve --save), in Spanish, after the tutorial's client
# (which resets) and ours; rendered to PNG by headless Chromium.
report_port=$(free_port)
report="$workspace_dir/informe.html"
"$bin" --lang es serve tcp --bind "127.0.0.1:$report_port" --save "$report" >/dev/null 2>&1 &
report_server=$!
for _ in $(seq 1 100); do
  # Listening, without connecting (a probe would be in the report).
  ss -ltnH "sport = :$report_port" 2>/dev/null | grep -q . && break
  sleep 0.1
done
python3 tests/peers/seed_tcp_client.py "$report_port" 127.0.0.1 >/dev/null 2>&1 || true
"$bin" send tcp "127.0.0.1:$report_port" --chunk 16 >/dev/null 2>&1 || true
kill -INT "$report_server"
wait "$report_server" 2>/dev/null || true
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1300 \
  --screenshot="$out/report-es.png" "file://$report" >/dev/null 2>&1
echo "wrote screenshots/report-es.png"
rm -rf "$workspace_dir"
new_shots
