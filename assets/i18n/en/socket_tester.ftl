intro = 1. Start the server.  2. Send from the client.  Both transcripts show every byte: → sent, ← received, • event, ! error.
add-client = + Client
add-server = + Server
add-udp-pair = + UDP pair
zoom-in = Larger text (Ctrl +)
zoom-out = Smaller text (Ctrl −)
memory-cap = Memory per transcript:
language = Language
role-server = Server
role-client = Client
close-session = Close this session (stops it)

form-role = Role:
form-protocol = Protocol:
form-host = Host
form-port = Port
form-message = Message
form-message-hint = Sent as UTF-8 bytes, exactly as typed.
form-advanced = Advanced
form-chunk = Read size (bytes)
form-buffer = Receive buffer (bytes)
form-timeout = Timeout (ms)
form-backlog = Backlog
form-all-interfaces = Listen on all interfaces
form-all-interfaces-warning = ⚠ Listening on all interfaces exposes this echo server to the network.
form-persistent = Persistent connection
form-persistent-hint = Keep one connection open for every message, until Disconnect.

err-host-empty = Enter a host name or an IP address.
err-host-invalid = Not a valid host name or IP address.
err-port-empty = Enter a port.
err-port-range = A port is a number from 0 to 65535.
err-port-client-zero = A client needs a port from 1 to 65535.
err-number = Enter a whole number.
err-range = Enter a number from { $min } to { $max }.

btn-start = Start
btn-stop = Stop
btn-send = Send
btn-connect = Connect
btn-disconnect = Disconnect
btn-clear = Clear
btn-copy = Copy
hint-ctrl-enter = Ctrl+Enter
hint-esc = Esc

clients-title = Connected clients ({ $count })
clients-none = No client is connected.
clients-since = Since
clients-in-out = In / out

view-show = Show:
view-text = Text
view-hex = Hex
view-dropped = { $count } older lines not kept (memory cap { $cap } MiB); the counters are exact.

col-time = Time
col-dt = Δt
col-conn = Conn
col-peer = Peer
col-bytes = Bytes
col-content = Content
col-rtt = RTT

row-truncated = truncated
row-mismatch = echo differs from what was sent

ev-listening = Listening on { $addr }
ev-listening-all = Listening on { $addr } (all interfaces: reachable from the network)
ev-connected = Connected to { $peer } from { $local }
ev-accepted = { $peer } connected
ev-peer-closed = { $peer } closed its side
ev-conn-closed = Closed { $peer } ({ $bytes_in } B in, { $bytes_out } B out)
ev-closed-finished = Finished
ev-closed-stopped = Stopped
ev-closed-peer = The peer closed the connection
ev-closed-failed = Ended by the error above

op-parse = Invalid { $target }
op-resolve = Looking up { $target }
op-bind = Listening on { $target }
op-connect = Connecting to { $target }
op-accept = Accepting on { $target }
op-send = Sending to { $target }
op-receive = Receiving from { $target }
op-spawn = Starting { $target }

kind-refused = connection refused (nothing listens there)
kind-timed-out = timed out
kind-no-echo = no complete echo in time
kind-host-not-found = host not found
kind-addr-in-use = port already in use
kind-permission = permission denied (ports below 1024 need administrator rights)
kind-reset = connection reset by the peer
kind-unreachable = network unreachable

status-idle = Idle
status-starting = Starting…
status-listening = Listening on { $addrs }
status-connected = Connected to { $peer }
status-bytes = Sent { $sent } B · received { $received } B
status-errors = { $count ->
    [one] { $count } error
   *[other] { $count } errors
}
status-rtt = RTT last { $last }, average { $avg }
status-echoes = Echoes: { $ok } ok, { $bad } failed

btn-save-as = Save…
btn-record = Record…
btn-stop-recording = Stop recording
btn-open = Open…
btn-browse = Browse…
btn-save = Save
btn-start-recording = Start recording
btn-open-file = Open
btn-cancel = Cancel
file-path = File
file-record-pcap = Also write a .pcap
file-no-dialog = No file dialog is available on this system: type the path in the field.
file-formats = The extension picks the format: .jsonl keeps every byte and reopens here; .csv, .txt, and .pcap for Wireshark.
file-saved = Saved { $count } lines to { $path }
file-save-failed = Could not save: { $error }
file-recording = ● Recording every event to { $path }
file-record-failed = Recording stopped: { $error }
file-record-behind = Recording stopped: the disk fell { $events } events behind the traffic. { $path } holds everything up to that point; the transcript in the window holds it all (save it to keep it).
file-opened = Opened { $path }: { $count } lines
file-open-failed = Could not open: { $error }
opened-title = Opened from { $path } (read-only)
recovery-offer = { $count ->
    [one] A transcript that was never saved was kept when the window last closed.
   *[other] { $count } transcripts that were never saved were kept when the window last closed.
}
recovery-open = Open
recovery-delete = Delete
recovery-delete-failed = Could not delete a kept transcript: { $error }
