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
form-message-hint = Sent in the chosen encoding; the line under the box shows the exact bytes.
form-advanced = Advanced
form-chunk = Read size (bytes)
form-buffer = Receive buffer (bytes)
form-timeout = Timeout (ms)
form-backlog = Backlog
replies-title = Replies
replies-title-rules = { $title }, { $count ->
    [one] 1 rule
   *[other] { $count } rules
}
reply-echo = echo
reply-silent = silent (read and discard)
reply-close = close at once
reply-fixed = a fixed reply
replies-mode = Reply
replies-framing = Frames
replies-framing-hint = How rules see the stream: read (each read), line (each line; rules match it without its \n), or bytes:N.
replies-max-frame = Longest line (bytes)
replies-max-frame-hint = A line longer than this is cut: the server says so in the transcript, then replies to the bytes so far or closes. 0: no limit.
replies-over-reply = then reply to what came
replies-over-close = then close
rules-match = Match
rules-reply = Reply
rules-delay = Delay
rules-close = Close
rules-up = Move up
rules-down = Move down
rules-remove = Remove this rule
rules-add = + Rule
rules-hint = A rule matches exact:T, prefix:T, contains:T, regex:R or hex:H; its reply takes escapes, macros, and $1 or ${"{"}name{"}"} from the regex. The first match wins; the reply above answers the rest.
rules-error = Rule { $rule }: { $words }
form-all-interfaces = Listen on all interfaces
form-all-interfaces-warning = ⚠ Listening on all interfaces exposes this echo server to the network.
form-persistent = Persistent connection
form-persistent-hint = Keep one connection open for every message, until Disconnect.


btn-start = Start
btn-stop = Stop
btn-send = Send
btn-connect = Connect
btn-disconnect = Disconnect
btn-clear = Clear
btn-copy = Copy

server-send-title = Send to clients
server-send-all = Send to all clients
server-send-hint = Sends this message to every connected client (for UDP, every peer heard from). Each client's row has its own Send.
clients-send-hint = Send the message from "Send to clients" to this client
clients-title = Connected clients ({ $count })
clients-none = No client is connected.
clients-since = Since
clients-in-out = In / out
peers-title = Peers heard from ({ $count })
peers-none = No datagram has arrived yet. UDP has no connections: a peer appears here when its first datagram arrives, and is forgotten after { $seconds } s of silence.
peers-last = Last heard

view-show = Show:
view-text = Text
view-wrap = Wrap
view-wrap-hint = Show whole payloads over several lines (up to 24 lines a row; the details below show every byte)
view-explain = Explain
view-explain-hint = A 'What happened' column: each row in plain words, naming its socket call
view-hex = Hex
view-dropped = { $count ->
        [one] 1 older line not kept
       *[other] { $count } older lines not kept
    } (memory cap { $cap } MiB); the counters are exact.

col-time = Time
col-dt = Δt
col-conn = Conn
col-peer = Peer
col-bytes = Bytes
col-content = Content
col-rtt = RTT


ev-listening = Listening on { $addr }
ev-listening-all = Listening on { $addr } (all interfaces: reachable from the network)
ev-connected = Connected to { $peer } from { $local }
ev-accepted = { $peer } connected to { $local }
ev-lost = No echo within { $ms } ms: lost ({ $bytes } B to { $peer }). UDP has no connection, so nothing is refused unless the other system answers: the datagram or its echo was lost, or nothing listens or echoes there.
ev-peer-closed = { $peer } closed its side
ev-conn-closed = Closed { $peer } ({ $bytes_in } B in, { $bytes_out } B out)
ev-udp-ready = Ready to send to { $peer } from { $local } (UDP has no connection: nothing is sent or checked yet)
ev-udp-first = First datagram from { $peer } to { $local }
ev-udp-done = Done with { $peer } ({ $bytes_in } B in, { $bytes_out } B out)
ev-closed-finished = Session ended: finished
ev-closed-stopped = Session ended: stopped
ev-closed-peer = Session ended: the peer closed the connection
ev-closed-failed = Session ended by the error above

data-truncated = (truncated)
echo-ok = rtt { $rtt }, echo ok ({ $bytes } B)
echo-mismatch = rtt { $rtt }, echo MISMATCH: it differs from the { $bytes } B sent

notice-fewer-loops = Running with { $loops } event loop(s): { $error }
notice-accepting-again = Accepting connections on { $local } again: file descriptors are free
notice-trying-next = { $error }; trying { $next }
notice-reading-stopped = Stopped reading after { $bytes } B in all: the reply was not the echo and the peer kept its side open, so more may have followed (a reply end such as idle:1000 waits for a whole reply)
notice-reply-truncated = The reply was { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }, longer than the { $buffer }-byte receive buffer; the rest was cut off
notice-rule = Rule { $rule } ({ $label }) matched what { $peer } sent
notice-no-rule = No rule matched what { $peer } sent: the fallback answered
notice-peer-speaks-tls = { $peer } answered with a TLS record: it speaks TLS. Tick TLS (encrypted) in the form, or pass --tls
notice-frame-too-long-reply = { $peer } sent a line longer than { $limit } { $limit ->
    [one] byte
   *[other] bytes
  } (--max-frame): replied to its first { $limit } { $limit ->
    [one] byte
   *[other] bytes
  }, and the rest starts the next frame
notice-frame-too-long-close = { $peer } sent a line longer than { $limit } { $limit ->
    [one] byte
   *[other] bytes
  } (--max-frame): the connection was closed
notice-legacy = { $text }

error = { $op }: { $reason }
op-parse = parse { $target }
op-resolve = resolve { $target }
op-bind = bind { $target }
op-connect = connect to { $target }
op-accept = accept on { $target }
op-send = send to { $target }
op-receive = receive from { $target }
op-spawn = start worker for { $target }
op-read-file = read { $target }
op-run = run the worker for { $target }

kind-refused = connection refused (nothing listens there)
kind-timed-out = timed out
kind-host-not-found = host not found
kind-addr-in-use = address already in use
kind-permission = permission denied (ports below 1024 need administrator rights)
kind-reset = connection reset by peer
kind-unreachable = network unreachable
kind-invalid = invalid input
kind-other = failed
reason-os = { $text }
reason-panicked = Socket Tester itself failed, a bug ({ $detail }); everything recorded before it is kept
reason-host-unreachable = host unreachable
reason-addr-not-available = address not available on this machine
reason-lookup-failed = host not found ({ $detail })
reason-no-addresses = host not found (no addresses)
reason-connect-timed-out = timed out after { $ms } ms
reason-no-complete-echo = no complete echo after { $ms } ms: { $echoed } of { $expected } { $expected ->
    [one] byte
   *[other] bytes
  } came back
reason-no-reply = no reply within { $ms } ms: UDP has no connection, so nothing is refused unless the other system answers (the datagram may be lost, or nothing listens or echoes there)
reason-closed-mid-echo = the peer closed the connection after { $echoed } of { $expected } echoed bytes
reason-udp-refused = connection refused (nothing listens on that UDP port)
reason-buffer-range = the receive buffer must be between 1 and { $max } { $max ->
    [one] byte
   *[other] bytes
  }
reason-out-of-files = too many open files (os error { $code }): the process is at its limit of file descriptors; new connections wait until descriptors free up
reason-port-empty = the port is empty
reason-port-range = a port must be between 0 and 65535
reason-port-not-number = a port must be a number
reason-host-empty = the host is empty
reason-host-invalid = not a valid host name or IP address
reason-address-empty = the address is empty
reason-missing-bracket = missing ']' after an IPv6 address
reason-expected-port = expected ':PORT' after ']'
reason-brackets-not-v6 = brackets must hold an IPv6 address
reason-v6-needs-brackets = write an IPv6 address with a port as [ADDRESS]:PORT
reason-not-loopback = { $addresses } is not a loopback address: a load run floods its target, so it goes to another machine only when allowed (--allow-remote)
reason-client-port-zero = a client needs a port between 1 and 65535
reason-too-large-for-datagram = { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } do not fit in one UDP datagram (at most { $max })
reason-empty-over-tcp = an empty message has no echo over TCP
reason-no-echo-within = no echo within { $ms } ms
reason-server-closed = the server closed the connection
reason-server-closed-missing = the server closed the connection with { $missing } { $missing ->
    [one] byte
   *[other] bytes
  } not echoed
reason-extra-bytes = the server sent { $count } { $count ->
    [one] byte
   *[other] bytes
  } more than it was sent
reason-extra-bytes-more = the server went on sending beyond the echo: { $count } { $count ->
    [one] byte
   *[other] bytes
  } more in { $reads } { $reads ->
    [one] read
   *[other] reads
  } (in one line)
reason-echo-differs-at = the echo differs from what was sent at byte { $offset }
reason-unknown-datagram = an echo of { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } matches no datagram that was sent
reason-datagram-differs = the echo of a { $size }-byte datagram differs from what was sent
reason-datagram-length = a { $size }-byte datagram came back as { $got } { $got ->
    [one] byte
   *[other] bytes
  }

problem-at-position = position { $position }: { $problem }
problem-empty = enter a value
problem-not-a-number = enter a whole number
problem-range = enter a number from { $min } to { $max }
problem-too-many-loops = enter at most { $max }: each event loop holds 2 of the { $open_files } files this process may open (ulimit -n), and the rest are kept for connections
problem-no-file = choose a file to send
problem-file-missing = there is no such file
problem-file-is-folder = this is a folder, not a file
problem-file-unreadable = this file cannot be read ({ $detail })
problem-not-hex-digit = '{ $ch }' is not a hex digit
problem-half-byte = a byte needs two hex digits
problem-unknown-escape = unknown escape \{ $ch }
problem-bad-byte-escape = \x needs two hex digits
problem-bad-char-escape = write \u{"{"}HEX{"}"} with 1 to 6 hex digits naming a character
problem-lone-backslash = a lone backslash ends the text
problem-unencodable = '{ $ch }' (U+{ $code }) has no { $encoding } byte

preset-invalid = { $path }: { $detail }
preset-no-version = { $path }: no `version = 1` at the top: is this a Socket Tester file?
preset-newer = { $path } was written by a newer Socket Tester (version { $found }); this one reads version { $known }. Update Socket Tester to open it.
preset-io = { $path }: { $detail }
preset-not-found = No preset is named “{ $name }”.
preset-bad-name = “{ $name }” cannot name a preset: use letters, digits, spaces, '-' or '_'.
preset-no-directory = This system has no config directory for presets.

cli-empty = { "" }
cli-saved = saved { $count } { $count ->
    [one] event
   *[other] events
  } to { $path }
cli-orphan-save = note: { $orphan } ({ $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }) is a save of { $path } that an earlier run did not finish (it was killed); it holds what was saved until then and is left as it is: rename it to keep it (mv "{ $orphan }" "{ $path }.recovered")
txt-header = Socket Tester transcript, { $date }, local time (UTC{ $offset })
txt-incomplete = { $event } (incomplete record)
cli-listening = listening on { $addr } ({ $protocol })
cli-all-interfaces = warning: { $addr } listens on every network interface: other machines can reach this echo server
cli-summary = summary: { $kind ->
        [udp] { $connections ->
            [one] 1 peer
           *[other] { $connections } peers
        }
       *[tcp] { $connections ->
            [one] 1 connection
           *[other] { $connections } connections
        }
    }, { $bytes_in } { $bytes_in ->
    [one] byte
   *[other] bytes
  } in, { $bytes_out } { $bytes_out ->
    [one] byte
   *[other] bytes
  } out{ $udp }, { $errors ->
        [one] 1 error
       *[other] { $errors } errors
    }{ $echoes }
cli-summary-udp = , { $datagrams_in ->
        [one] 1 datagram
       *[other] { $datagrams_in } datagrams
    } in, { $datagrams_out ->
        [one] 1 datagram
       *[other] { $datagrams_out } datagrams
    } out
cli-summary-echoes = , { $ok } of { $count } echoes ok{ $lost }{ $rtt }
cli-summary-checks = , { $ok } of { $count } checks passed{ $lost }{ $rtt }
cli-summary-lost = , { $lost } lost
cli-summary-rtt = , rtt median { $median } ms, max { $max } ms

editor-text = Text
editor-hex = Hex
editor-file = File
editor-history = History
editor-history-hint = The last 50 messages sent; click one to use it again.
editor-hex-hint = Hex bytes: "48 65 6C", "48656C" or "48:65:6C".
editor-escapes = Escapes
editor-escapes-hint = Read \r \n \t \0 \\ \xNN (a byte) and \u{"{"}N{"}"} (a character) in the text.
editor-encoding = Encoding:
editor-line-ending = Line ending:
editor-ending-none = none
editor-preview = Sends { $count } B: { $hex }
editor-preview-macros = (macros: as the first send; they expand anew at each send)
editor-macros-hint = Macros: {"{"}counter{"}"} (as binary or fixed-width text: {"{"}counter:u8{"}"}, :u16be, :u32le, :hex4, :dec6; with :start=N and :step=N) {"{"}time{"}"} {"{"}unix_ms{"}"} {"{"}random:N{"}"}, checksums of the bytes before them {"{"}crc16_modbus{"}"} {"{"}crc16_ccitt{"}"} {"{"}crc32{"}"} {"{"}sum8{"}"} {"{"}xor8{"}"} (add _le or _be for the byte order), and {"{"}1{"}"} or {"{"}name{"}"} from the last reply. {"{"}{"{"} is a brace.
editor-preview-file = Sends the file's bytes, read as they go out.
editor-preview-file-udp = Sends the file's bytes as one datagram (at most 65,507 bytes).
form-count = Repeat (times)
form-interval = Interval (ms)
form-expect = Expect
form-reply-end = Reply ends at
form-expect-hint = Expect: echo, any, none, text:T, contains:T, regex:R, or hex:H with ?? for any byte (T takes escapes such as \r\n). Reply ends at: sent (as many bytes as were sent), close, idle:MS, delim:\r\n, or bytes:N.
status-checks = Checks: { $ok } passed, { $bad } failed
step-send = Send
step-expect = Expect
step-wait = Wait
step-close = Close
step-reconnect = Reconnect
step-repeat = Repeat
steps-title = Steps ({ $count })
steps-name-of = Name of step { $step }
steps-name-hint = name (optional)
steps-name-tip = A name for the reports and the transcript: step 3 (login), as a steps file's name = "login"
steps-reply-end-of = Reply end of step { $step }
steps-reply-end-hint = reply end
steps-remove = Remove this step
steps-add = + Step
steps-continue = Continue on failure
steps-run = Run steps
steps-stop = Stop the run
steps-export = Export report…
steps-skipped = skipped
steps-message-hint = PING\r\n
steps-send-hint = Sent as typed, with escapes (\r\n, \xNN) and macros ({"{"}counter{"}"}, {"{"}1{"}"} from the last reply). The session's Reply ends at field says where each reply ends.
steps-message-of = Step { $step } message
steps-expect-of = Step { $step } expectation
steps-repeat-block = repeat { $times } × a block of { $count } (edit it in the preset file)
form-until-stopped = Until stopped
progress-of = { $done } of { $total }
progress-forever = { $done } sent (until stopped)
presets = Presets
preset-save-as = Save as preset…
preset-import = Import a preset file…
preset-export = Export as a file…
preset-none = No presets yet.
preset-load-hint = Load into this session
preset-rename = Rename…
preset-delete = Delete
preset-name = Preset name
preset-rename-to = New name for “{ $name }”
preset-saved = Saved preset “{ $name }”.
preset-renamed = Renamed the preset to “{ $name }”.
preset-deleted = Deleted the preset “{ $name }”.
preset-exported = Wrote the preset to { $name }.
preset-loaded = Loaded “{ $name }”.
workspace-open = Open workspace…
workspace-save = Save workspace…
workspace-saved = Saved the workspace to { $name }.
report-saved = Wrote the report to { $name }.
workspace-opened = Opened the workspace { $name }.
btn-rename = Rename
btn-import = Import
btn-export = Export

check-passed = ✔ as expected: { $expected } ({ $rtt })
check-got = ✘ expected { $expected }, got { $reply }
check-no-reply = ✘ expected { $expected }: no reply within { $ms } ms
check-unended = ✘ the reply did not end (--reply-end { $end }) within { $ms } ms: the timeout ended the wait after { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }
check-unended-size = ✘ the reply did not end (--reply-end { $end }) within { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }: the size limit ended the wait
expect-echo = the echo
expect-any = a reply
expect-none = no reply
expect-text = "{ $text }"
expect-contains = a reply containing "{ $text }"
expect-line = { $line }
problem-invalid = { $words }

step-time-waited = { $time }, then { $wait } waiting for the reply's end
step-passed = ✔ Step { $step } passed ({ $time })
step-failed = ✘ Step { $step } failed: { $reason } ({ $time })
step-skipped = Step { $step } skipped: an earlier step failed
steps-all-passed = { $total ->
        [one] The step passed
       *[other] All { $total } steps passed
    }
steps-ended = { $passed } of { $total } steps passed, { $failed } failed{ $skipped ->
    [0] {""}
   *[other] , { $skipped } skipped
}: step { $first } first

status-idle = Idle
status-starting = Starting…
status-listening = Listening on { $addrs }
status-connected = Connected to { $peer }
status-udp-ready = Ready to send to { $peer } (UDP)
status-bytes = Sent { $sent } · received { $received }
status-bytes-exact = Exactly { $sent } { $sent ->
    [one] byte
   *[other] bytes
  } sent and { $received } { $received ->
    [one] byte
   *[other] bytes
  } received
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
file-formats = The extension picks the format: .jsonl keeps every byte and reopens here; .csv, .txt, .pcap for Wireshark, and .html: a report to hand out (sequence diagram, statistics, every event explained).
file-saved = Saved { $count ->
        [one] 1 line
       *[other] { $count } lines
    } to { $path }
file-save-failed = Could not save: { $error }
file-recording = ● Recording every event to { $path }
file-record-failed = Recording stopped: { $error }
file-record-behind = Recording stopped: the disk fell { $events } events behind the traffic. { $path } holds everything up to that point; the transcript in the window holds it all (save it to keep it).
file-opened = Opened { $path }: { $count ->
        [one] 1 line
       *[other] { $count } lines
    }
file-open-failed = Could not open: { $error }
opened-title = Opened from { $path } (read-only)
recovery-offer = { $count ->
    [one] A transcript that was never saved was kept when the window last closed.
   *[other] { $count } transcripts that were never saved were kept when the window last closed.
}
recovery-open = Open
recovery-delete = Delete
recovery-delete-failed = Could not delete a kept transcript: { $error }

# Measures: the number is written the language's way.
unit-us = { $value } µs
unit-ms = { $value } ms
unit-s = { $value } s

# Tooltips: what each column and button does.
col-time-hint = When it happened, in this computer's local time
col-dt-hint = Time since the previous row
col-conn-hint = The connection's number in this session (for UDP, the peer's number)
col-dir = ↔
col-dir-hint = Direction: → sent, ← received, • event, ! error
col-peer-hint = The other side's address and port
col-bytes-hint = Bytes in this read or write
col-content-hint = The bytes as text (escapes for the rest) or as hex, or what happened
col-rtt-hint = Round-trip time: from the first byte sent to the last byte of its echo or reply
btn-start-hint = Listen on the host and port, and echo or answer what arrives
btn-send-hint = Send the message (connecting first if needed) and wait for the reply (Ctrl+Enter)
btn-connect-hint = Open the connection now and keep it open: each Send then uses it
btn-clear-hint = Empty this transcript (rows not saved are lost)
btn-copy-hint = Copy the selected rows as text
btn-save-as-hint = Write the whole transcript so far to a file: .txt, .csv, .jsonl or .pcap
btn-record-hint = From now on, write every event to a .jsonl file as it happens, so nothing is lost
add-client-hint = Add a TCP client session
add-server-hint = Add a TCP echo server session
add-udp-pair-hint = Add a UDP server and a UDP client that sends to it
memory-cap-hint = Each transcript keeps at most this much in memory; the oldest rows go first. Record keeps everything on disk.
zoom-reset = { $percent }%
zoom-reset-hint = Text size { $percent }%: click, or press Ctrl+0, to go back to 100%
notice-dismiss = OK
close-confirm-running = This session is running: closing stops it.
close-confirm-unsaved = { $count ->
        [one] 1 line is not saved
       *[other] { $count } lines are not saved
    }: closing loses { $count ->
        [one] it
       *[other] them
    } (Save… keeps them).
btn-close-anyway = Close it
detail-more = …and { $count } more selected rows (Copy takes them all)
editor-mode-text-hint = Type text; with Escapes on, \n \r \t \xNN and \u{"{"}...{"}"} stand for those bytes
editor-mode-hex-hint = Type the bytes as hex pairs, spaces allowed: 48 65 6C 6C 6F
editor-mode-file-hint = Send a file's bytes, read as they go out
view-text-hint = Show payloads as text (escapes for bytes that are not text)
view-hex-hint = Show payloads as hex bytes
btn-stop-hint = Stop this session's work (Esc)
btn-disconnect-hint = Close the open connection
btn-open-hint = Open a saved transcript (.jsonl) to read it again
workspace-open-hint = Open a workspace: every session's form, as it was saved
workspace-save-hint = Save every session's form to a workspace file
presets-hint = Save this form as a preset, or load, import, export, rename or delete one
form-until-stopped-hint = Send again and again until Stop
form-all-interfaces-hint = Listen on every network interface: other machines can reach this server
steps-up = Move this step up
steps-down = Move this step down
steps-add-hint = Add a step at the end: send, expect, wait, close or reconnect
steps-continue-hint = Run the remaining steps after a failure instead of skipping them
steps-run-hint = Run the steps in order, on one connection, and mark each passed or failed
steps-export-hint = Save the last run's results as JUnit XML (.xml) or JSON (.json)
btn-browse-hint = Choose the file in a dialog (type the path when there is none)
file-record-pcap-hint = Also write the packets to a .pcap file beside it, for Wireshark
clients-disconnect-hint = Close this client's connection
btn-confirm-hint = Do it now, with the name or path typed here (Enter does the same)
btn-cancel-hint = Close this bar without doing anything
preset-save-as-hint = Save this form, under a name, for the app and the command line
preset-import-hint = Add a preset from a .toml file
preset-export-hint = Write this form to a .toml file to share it
preset-rename-hint = Give this preset another name
preset-delete-hint = Delete this preset file
recovery-open-hint = Open the transcripts an earlier run could not save
recovery-delete-hint = Delete the kept transcripts for good
btn-stop-recording-hint = Stop writing to the file; what is written stays

app-internal-error = Socket Tester itself failed, a bug ({ $detail }). Unsaved transcripts were kept in { $dir }; the window goes on. Please report this.

theme = Theme
theme-hint = Follow the system's light or dark setting, or choose one (kept for the next start)
theme-system = System
theme-light = Light
theme-dark = Dark
file-recent = Recent:
file-drop-here = Drop a .jsonl transcript to open it
file-drop-not-jsonl = Only .jsonl transcripts can be opened here: { $path }

help-button = Help (F1)
help-button-hint = Every keyboard shortcut
help-title = Keyboard shortcuts
help-f1 = Open or close this help
help-tab = Move to the next or the previous control (the focused one is outlined)
help-activate = Press the focused button, tick the focused box
help-send = Send the client's message (in the session you last used)
help-stop = Stop the session you last used
help-copy = Copy the selected transcript rows
help-select-range = Select a range of transcript rows
help-zoom = Larger or smaller text
help-zoom-reset = Text at its normal size
session-drag-hint = Drag the title to move this session: beside another, above or below it, or into its tabs
sessions-menu = Sessions
sessions-menu-hint = Every open session: choose one to bring it into view (Ctrl+Tab goes to the next)
help-next-session = Go to the next session, bringing its tab into view
editor-large = { $size } { $size ->
    [one] byte
   *[other] bytes
  } of { $kind }: too long to edit here
editor-large-hex = hex digits
editor-large-view = View
editor-large-view-hint = Read the whole message in a window of its own
editor-large-clear = Clear
editor-large-clear-hint = Empty the message, to type a new one
editor-large-hint = Send sends all of it. To change a message this long, edit it in a file and send the file (File above).
editor-large-title = The whole message
menu-more = ☰ More
menu-more-hint = A UDP pair, Open…, workspaces, Help, language, theme, zoom and memory
editor-large-file = Edit as a file…
editor-large-file-hint = Switch to File: send a file's bytes, which any editor can change

stats-round-trips = { $count } round trips
stats-rtt = min { $min } · mean { $mean } · p50 { $p50 } · p90 { $p90 } · p99 { $p99 } · p99.9 { $p999 } · max { $max }
stats-jitter = jitter { $jitter } (the mean difference between consecutive round trips)
stats-traffic = sent { $bytes_out } B in { $messages_out } writes or datagrams, received { $bytes_in } B in { $messages_in }, over { $seconds } s
stats-verdicts = { $passed } passed, { $failed } failed, { $lost } lost

search-label = Find
search-text = Text
search-regex = Regex
search-hex = Hex
search-mode-hint = Text (any case unless "Match case"), a regular expression, or hex bytes with ?? for any byte; each row's bytes are searched, not its rendering
search-field-hint = Enter: the next match; Shift+Enter: the previous one
search-case = Match case
search-case-hint = Only rows whose bytes have the same upper and lower case
search-previous = The previous match (Shift+Enter)
search-next = The next match (Enter)
search-none = No match
search-count = { $count ->
    [one] { $current } of { $total } match
   *[other] { $current } of { $total } matches
}
search-total = { $count ->
    [one] { $total } match
   *[other] { $total } matches
}
search-scanning = (still searching…)
search-close = Close the search
help-stats = Show or hide the statistics panel of the session in use
help-load = Open or close the Load test window
help-diagram = Show or hide the sequence diagram of the session in use
help-code = Show or hide the Python code of the session in use
help-find = Find bytes in the transcript of the session you last used
help-find-next = In the search field: the next match, or the previous one

filter-menu = Rows
filter-menu-hint = Which rows to show: hide the noise, or show only the failures
filter-sent = Sent
filter-received = Received
filter-events = Events
filter-errors = Errors
filter-failures = Only failures
filter-failures-hint = Errors, echoes that differ, and expectations and steps that failed
filter-showing = showing { $shown } of { $total }
filter-conn = Connection #{ $conn }
filter-conn-none = Only one connection (select a row first)
filter-peer = Peer { $peer }
filter-peer-none = Only one peer (select a row first)
filter-from = From { $time }
filter-from-none = From a time (select a row first)
filter-until = Until { $time }
filter-until-none = Until a time (select a row first)
filter-from-selection-hint = From the selected rows: the first row's connection, peer or time, or the last row's time
chip-hidden = Hidden: { $kinds }
chip-remove-hint = Remove this part of the filter
filter-show-all = Show all
filter-show-all-hint = Show every row again

stats-menu = Statistics
stats-count = Round trips
stats-name-min = min
stats-name-mean = mean
stats-name-max = max
stats-name-p999 = p99.9
stats-jitter-name = jitter
stats-passed = Passed
stats-failed = Failed
stats-bytes-out = Sent
stats-menu-hint = Show or hide the statistics panel: round-trip times (min, mean, percentiles, max), jitter, losses, passes and fails, bytes and rates each way, and plots
stats-lost = Lost
stats-rate = { $bytes }/s · { $messages } msg/s
stats-rate-out-now = Sending, last second
stats-rate-in-now = Receiving, last second
stats-rate-out-mean = Sending, mean
stats-rate-in-mean = Receiving, mean
plot-rtt = Round trips over time
plot-rtt-hint = Each round trip at its time, with the median of the last 21 as a line; click a point to select its row
plot-histogram = Histogram
plot-histogram-hint = How many round trips took how long
plot-throughput = Throughput
plot-throughput-hint = Bytes per second sent and received
plot-rtt-points = Round trip
plot-rtt-median = Rolling median (21)
plot-axis-number = Round trip (in order)
plot-axis-seconds = Seconds since the first event
plot-axis-ms = Round trip (ms)
plot-axis-count = Count
plot-axis-bytes-per-s = Bytes per second
plot-bar = { $from } to { $to }
plot-bar-last = { $from } and more
plot-in = Received
plot-out = Sent
plot-empty = Nothing to plot yet: send something.
btn-save-png = Save as PNG…
btn-save-png-hint = Save the plot shown as a PNG image
plot-not-shown = the statistics panel is closed
plot-saved = Plot saved to { $path }
plot-save-failed = Could not save the plot to { $path }: { $error }
stats-bytes-in = Received

load-open = Load test
load-open-hint = Run the load generator (the same as socket-tester load) against an echo server, with live rates and round trips
load-title = Load test
load-target = Target:
load-target-hint = The echo server: HOST:PORT or [IPV6]:PORT. Loopback only: a load run floods its target.
load-own-server = This window's server
load-own-server-hint = Aim at the server running in this window, with the form's protocol
load-own-server-none = No server of this protocol is running in this window
load-connections = Connections
load-connections-hint = Concurrent connections (TCP) or sockets (UDP), 1 to 100,000
load-size = Message size (bytes)
load-size-hint = Bytes per message: per write in stream mode, per datagram for UDP (at least 8)
load-seconds = Duration (s)
load-seconds-hint = Stop starting messages after this many seconds
load-count = Count
load-count-hint = Messages in all (connections, in connect mode); empty: as many as the duration allows
load-rate = Rate (messages/s)
load-rate-hint = Messages per second over all connections; empty: as fast as the echoes come
load-mode = Mode:
load-mode-ping-pong = Ping-pong
load-mode-ping-pong-hint = Send one message, wait for its whole echo, send the next
load-mode-stream = Stream
load-mode-stream-hint = Keep a window of messages in flight on every connection
load-mode-connect = Connect
load-mode-connect-hint = One message per connection, then a new connection: connections per second
load-start = Start load
load-start-hint = Start the run; every echoed byte is verified
load-stop-hint = Stop starting messages; the echoes in flight get one timeout to come back
load-loopback-only = Loopback targets only.
load-live = { $rate }/s echoed now · { $echoes } echoes ({ $per_second }/s) · { $errors } errors · { $lost } lost
load-live-rtt = Round trips so far: p50 { $p50 } · p99 { $p99 } · max { $max }
load-ok = Every echo came back right.
load-failed = Something failed: see the errors below.
load-r-elapsed = Elapsed
load-r-echoes = Echoes verified
load-r-echoes-per-s = Echoes per second
load-r-bytes-per-s = Bytes echoed per second
load-r-lost = Lost
load-r-errors = Errors
load-json = The JSON report (as the command line prints it)
load-save-json = Save JSON
load-save-json-hint = Save the JSON report to this file
load-copy-json-hint = Copy the JSON report

code-no-message = A file message has no Python equivalent here: choose Text or Hex.
code-kind-tcp-client = a TCP client
code-kind-tcp-server = a TCP echo server
code-kind-udp-client = a UDP client
code-kind-udp-server = a UDP echo server
code-header = { $kind }, written by Socket Tester from the session's settings.
code-fixes = Unlike the tutorial's program, it counts bytes rather than characters, prints text
    split across reads whole, survives a reset, and gives up after a timeout instead of waiting forever.
code-chunk = bytes per read (recv) or largest datagram (recvfrom)
code-timeout = seconds to wait for each echo
code-c-connect = Create a TCP/IP socket and connect it to the server (socket, connect)
code-p-connecting = Connecting to { $host } port { $port }
code-c-sendall = Send the message: sendall sends every byte, however many writes it takes
code-p-sending = Sending { $bytes }: { $text }
code-c-amount = A count of bytes with its word: 1 byte, 2 bytes
code-c-recv-bytes = Receive the echo: as many bytes as were sent (bytes, not characters), at most CHUNK per recv
code-p-server-closed = The server closed the connection before the whole echo came back
code-p-received-bytes = Received { $bytes } ({ $total } of { $expected }): { $text }
code-p-echo-ok = The echo is identical to the message
code-p-echo-differs = The echo differs from the message
code-p-error = Failed: { $error }
code-c-close = Close the socket (close)
code-p-closing = Closing the socket
code-c-socket-tcp = Create a TCP/IP socket of the address family of HOST (IPv4 or IPv6)
code-c-reuse = Let the port be used again at once after a restart
code-c-bind = Bind the socket to the address and port (bind)
code-p-listening = Listening on { $host } port { $port }
code-c-listen = Listen for connections (listen)
code-c-accept = Wait for a client and accept its connection (accept)
code-p-waiting = Waiting for a connection
code-c-decoder = Decode text across reads: a character split between two reads waits for its last byte
code-p-connection-from = Connection from { $peer }
code-c-recv-chunk = Receive at most CHUNK bytes (recv); an empty read means the client closed
code-p-no-more = No more data from { $peer }
code-p-received-text = Received { $bytes }: { $text }
code-c-sendall-back = Send the same bytes back (sendall)
code-c-reset = The client closed with unread data and its system answered with a reset (RST)
code-p-reset = { $peer } reset the connection
code-c-socket-udp = Create a UDP socket of the address family of HOST (IPv4 or IPv6)
code-c-udp-timeout = UDP has no connection: a lost datagram gets no answer, so wait at most TIMEOUT
code-c-sendto = Send the message as one datagram (sendto)
code-c-recvfrom = Receive the echo (recvfrom)
code-p-lost = No echo within { $ms } ms: lost
code-p-received-datagram = Received { $bytes } from { $peer }: { $text }
code-c-recvfrom-server = Receive one datagram and who sent it (recvfrom)
code-p-waiting-datagram = Waiting for a datagram
code-p-received-from = Received { $bytes } from { $peer }: { $text }
code-c-sendto-back = Send the same bytes back to the sender (sendto)
code-p-sent-back = Sent { $bytes } back to { $peer }
code-menu = Code
code-menu-hint = The Python program that does what this session does, to read, copy or save
code-copy-hint = Copy the program
code-save-hint = Save the program to this file
code-run-hint = Run it with: python3 FILE.py (Python 3, standard library only). It follows the form as you change it.
text-saved = Saved { $path }
text-save-failed = Could not save { $path }: { $error }

why-chars-bytes = { " " }{ $chars } characters are { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }: a letter with an accent takes 2 bytes in UTF-8.
why-sent-client-tcp = The client sent { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } to the server (sendall sends every byte, however many writes it takes).{ $extra }
why-sent-client-udp = The client sent one datagram of { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } (sendto). UDP sends it once: nothing confirms that it arrived.{ $extra }
why-sent-server-tcp = The server sent the same { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } back to the client (sendall): that is the echo.{ $extra }
why-sent-server-udp = The server sent the same { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } back to whoever sent them (sendto): that is the echo.{ $extra }
why-echo-pieces = The echo came back whole: { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } in { $pieces } pieces of at most { $chunk } { $chunk ->
    [one] byte
   *[other] bytes
  }, because recv({ $chunk }) returns at most { $chunk } { $chunk ->
    [one] byte
   *[other] bytes
  } at a time. TCP is a stream of bytes, not of messages.
why-echo-one = The echo came back whole, { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } in one read (recv): the same bytes that were sent.
why-echo-differs = The bytes that came back differ from the bytes sent: this is not an echo of the message.
why-received-piece = A piece of the echo arrived: { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }. recv({ $chunk }) returns at most { $chunk } { $chunk ->
    [one] byte
   *[other] bytes
  }, or whatever has arrived so far; the client reads again until it has every byte it sent.
why-received-server-tcp = The server read { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } (recv({ $chunk }) returns at most { $chunk } { $chunk ->
    [one] byte
   *[other] bytes
  } at a time, or whatever has arrived).
why-received-client-udp = One datagram came back (recvfrom): { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }. A datagram arrives whole or not at all.
why-received-server-udp = The server received one datagram of { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } and learned who sent it (recvfrom).
why-listening-tcp = The server made a socket (socket), bound it to { $addr } (bind) and waits for clients to connect (listen).
why-listening-udp = The server made a UDP socket (socket) and bound it to { $addr } (bind). It waits for datagrams (recvfrom): UDP has no connections to listen for.
why-connected-tcp = The client connected to the server { $peer } (connect). The server accepted it (accept): both sides now share a connection.
why-connected-udp = The client made a UDP socket (socket) and will send to { $peer }. Nothing went over the network yet: UDP has no connection to open.
why-accepted-tcp = A client connected from { $peer } (connect); the server accepted it (accept) as connection #{ $conn }.
why-accepted-udp = A first datagram came from { $peer }. UDP has no connection: the server simply answers whoever sends (recvfrom, sendto).
why-peer-closed = { $peer } closed its sending side (a FIN): recv returned 0 bytes, so nothing more will come from it.
why-conn-closed = The connection was closed (close): { $bytes_in } { $bytes_in ->
    [one] byte
   *[other] bytes
  } came in and { $bytes_out } went out on it.
why-udp-done = The server is done with this peer: { $bytes_in } { $bytes_in ->
    [one] byte
   *[other] bytes
  } came in and { $bytes_out } went out (UDP has no connection to close).
why-lost = No echo came back within { $ms } ms. UDP never resends: the datagram or its echo was lost, or nothing answers there.
why-reset-server = The client closed while bytes it had not read were still waiting for it. Its system answered with a reset (RST), so the server saw "connection reset by peer".{ $flaw }
why-reset-tutorial = { " " }This is a known flaw of the tutorial's client: it counts characters, not bytes, so with an accented letter it stops reading one byte early.
why-reset-client = The server closed while bytes were still waiting for it, or ended abruptly: its system answered with a reset (RST).
why-refused = Nothing listens on that port: the other system refused the connection (an RST in answer to connect).
why-timed-out = Nothing answered in time: the other machine may be off, a firewall may drop the packets, or (with UDP) nothing listens.
why-failed = A socket call failed; the line above says which one and why.
why-checked-passed = The reply was judged against the expectation and passed.
why-checked-failed = The reply was judged against the expectation and failed: the line says what came instead.
why-step = A step of the run ended; the line says how.
why-notice = A notice: something worth knowing that is neither data nor a failure.
why-closed = The session ended and its sockets were closed (close).
what-happened = What happened
what-happened-hint = The selected row in plain words, naming the socket call behind it
what-happened-none = Select a row to see what it means.
report-title = Socket Tester report
report-about = { $kind }, from { $when }: { $events } events. Hover an arrow for what it means.
report-more = { $count } more events are not in this report (it holds the first 5,000).
report-diagram = Sequence diagram
report-stats = Statistics
report-transcript = Transcript, explained
report-lane-client = Client
report-lane-server = Server
report-lost = lost
presentation = Presentation (F5)
presentation-hint = For a projector: larger type, high contrast, Advanced hidden, and every row explained in plain words
help-regions = Move between the top bar, each session's form and its transcript
help-presentation = Presentation mode: larger type, high contrast, plain words
tour-step = Step { $step } of { $steps }
tour-start-title = Start the server
tour-start = The server on the left waits for clients. Press Start: it makes a socket, binds it to the port and listens.
tour-send-title = Send from the client
tour-send = The client on the right sends its message to that server, which echoes it back. Press Send (or Ctrl+Enter).
tour-read-title = Read the transcript
tour-read = Every byte is here: → sent, ← received, • an event, ! an error, with the time and the round trip (RTT). Click a row to see its bytes and what happened, in plain words.
tour-next = Next
tour-done = Done
tour-next-hint = Go on to the next step
tour-skip = Skip the tour
tour-skip-hint = Close the tour; Help (F1) can replay it
tour-replay = Replay the tour
tour-replay-hint = The three steps to a first echo, again
diagram-menu = Diagram
diagram-menu-hint = The exchange as a sequence diagram, to step through: one lane per endpoint, time downward
diagram-first-hint = Go to the first step
diagram-back-hint = One step back
diagram-forward-hint = One step forward
diagram-play = Play
diagram-play-hint = Step through the exchange by itself, at the speed set beside
diagram-pause = Pause
diagram-pause-hint = Stop stepping
diagram-speed = steps/s
diagram-speed-hint = How fast Play (and the calm pace) goes
diagram-calm = Calm pace
diagram-calm-hint = For a live demonstration: the client pauses a second between connecting, sending and closing, and the diagram moves to each new event at the speed set, so an audience can follow
diagram-position = Step { $step } of { $steps }
diagram-empty = Nothing to draw yet: connect and send.

## TLS
op-handshake = TLS handshake with { $target }
op-set-option = set { $target }
op-join = join multicast group { $target }
kind-tls = TLS failed
ev-listening-tls = { $listening } with TLS: certificate { $subject }, SHA-256 { $fingerprint }
ev-secured = { $version } with { $peer }: { $cipher }.{ $cert } { $trust }
tls-cert = { " " }Certificate { $subject }, issued by { $issuer }, valid from { $from } until { $until }, SHA-256 { $fingerprint }.
tls-trust-system = Verified against the system's trusted roots.
tls-trust-ca = Verified against the certificates of { $ca }.
reason-tls-key-mismatch = the key is not the key of the certificate { $cert }: give the key that was made with it
tls-trust-pin = The pinned fingerprint matched.
tls-trust-insecure = NOT VERIFIED: any certificate is accepted (insecure), so anyone in between could read and change the traffic.
tls-trust-server = This server's own certificate.
reason-tls-file = cannot use the { $what } file: { $detail }
reason-tls-bad-name = not a name a certificate can hold (a DNS name or an IP address)
reason-tls-bad-pin = a pin is a SHA-256 fingerprint: 64 hex digits, colons allowed
reason-tls-unknown-issuer = the certificate was issued by an authority this machine does not trust (trust it with --ca, or pin the certificate's fingerprint)
reason-tls-self-signed = the certificate is self-signed, so nobody vouches for it (SHA-256 { $fingerprint }). If you trust this server, pin that fingerprint (--pin) or accept any certificate (insecure)
reason-tls-name-mismatch = the certificate is for other names ({ $presented }), not the one connected to (choose the name to check with SNI)
reason-tls-expired = the certificate has expired
reason-tls-not-yet-valid = the certificate is not valid yet (is the clock right?)
reason-tls-pin-mismatch = the certificate is not the pinned one: its SHA-256 fingerprint is { $got }
reason-tls-not-tls = the peer does not speak TLS: what came back is not a TLS handshake (a plain-text service, or TLS on another port?)
reason-tls-alert = the peer refused the handshake ({ $alert })
reason-tls-no-alpn = no application protocol (ALPN) in common with the peer
reason-tls-closed-in-handshake = the peer closed the connection during the TLS handshake (it may not speak TLS, or it refused our settings)
reason-tls-handshake-timed-out = the TLS handshake did not finish within { $ms } ms (does the peer speak TLS?)
reason-tls-other = { $detail }
why-secured = The two sides agreed on { $version } (the TLS handshake): the server proved who it is with its certificate, and from now on everything is encrypted. The transcript shows the bytes before encryption.
why-secured-server = The client and this server agreed on { $version } (the TLS handshake): the server showed its certificate, and from now on everything is encrypted. The transcript shows the bytes before encryption.
why-secured-insecure = The two sides agreed on { $version } and everything is encrypted, but the certificate was not checked: anyone in between could pretend to be the server.
cli-listening-tls = listening on { $addr } (TCP with TLS, certificate SHA-256 { $fingerprint })
problem-tls-key-without-cert = a certificate needs its key, and a key its certificate (or leave both empty for a self-signed certificate)
problem-tls-bad-alpn = ALPN protocols are names separated by commas, each at most 255 bytes (h2,http/1.1)
problem-tls-over-udp = TLS runs over TCP only (DTLS is not supported)
reason-tls-cert-refused = the peer does not trust this certificate ({ $alert }): a self-signed certificate must be pinned or accepted by the client
reason-tls-ca-as-server = the server's certificate is a CA certificate (CA:TRUE, as "openssl req -x509" makes), which cannot serve as a server's certificate even when trusted: pin its fingerprint instead (SHA-256 { $fingerprint }, --pin), or issue a server certificate from it
tls-enable = TLS (encrypted)
tls-enable-hint = Speak TLS over this TCP connection, as HTTPS, IMAPS or MQTT over TLS do
tls-cert-file = Certificate (PEM)
tls-key = Key (PEM)
tls-handshake-timeout = Handshake within
tls-handshake-timeout-hint = A client that does not finish its TLS handshake in this time is closed, with a line that says so (--handshake-timeout-ms).
tls-self-signed-hint = empty: a self-signed certificate
tls-trust = Trust
tls-verify-system = The system's trusted roots
tls-verify-pin = Only this certificate (pinned SHA-256)
tls-verify-insecure = Any certificate (insecure)
tls-ca = CA file (PEM)
tls-ca-hint = empty: the system's roots
tls-sni-hint = empty: the host
tls-offer-pin = The server's certificate is self-signed: SHA-256 { $fingerprint }
tls-offer-pin-button = Trust this certificate
notice-options = Socket options on { $local }: { $list }
opt-item = { $name } { $value }
opt-item-granted = { $name } { $asked } (the system granted { $granted })
opt-pair = { $first }; { $rest }
reason-no-such-interface = no network interface "{ $name }" on this machine (it has: { $known })
notice-responders = { $replies ->
    [one] 1 reply
   *[other] { $replies } replies
} from { $responders ->
    [one] 1 responder
   *[other] { $responders } responders
} to { $group } within { $ms } ms
notice-joined = Joined the multicast group { $group }
notice-joined-on = Joined the multicast group { $group } on { $interface }
notice-left = Left the multicast group { $group }
problem-not-multicast = not a multicast group (224.0.0.0 to 239.255.255.255, or ff00::/8)
problem-group-over-tcp = multicast and broadcast are UDP's: TCP connects to one peer only
opt-title = Socket options
opt-system-default = system default
opt-off = off
opt-rcvbuf = Receive buffer (bytes)
opt-sndbuf = Send buffer (bytes)
opt-ttl = TTL (hops)
opt-keepalive-idle = Keepalive after (s)
opt-keepalive-interval = Keepalive every (s)
opt-local = Send from
opt-local-any = any address (the system's choice)
opt-local-hint = The local address to send from: one of this machine's addresses
opt-nagle = Nagle (gather small writes)
opt-nagle-hint = Leave TCP_NODELAY off, so that the system may wait to gather small writes into one segment
opt-linger-zero = Close with a reset
opt-linger-zero-hint = SO_LINGER 0: closing sends a reset (RST) instead of a FIN, and drops what is not sent yet
opt-half-close = Half-close after sending
opt-half-close-hint = Shut the sending side after each message (shutdown), then read the rest of the reply: for peers that answer at the end
group-title = Broadcast and multicast
group-join = Join groups
group-iface = On interface
group-iface-hint = system's choice
group-replies = Wait for replies
group-replies-all = all until the timeout
group-broadcast = Broadcast (SO_BROADCAST)
group-broadcast-hint = Allow sending to a broadcast address, such as 192.168.1.255
group-loopback = Hear our own group messages
group-loopback-hint = IP_MULTICAST_LOOP: responders on this machine hear what we send to a group
notice-relaying = Relaying to { $to }{ $faults }
fault-none = { "" }
fault-list = , with faults: { $list }
fault-latency = { $ms } ms added latency each way
fault-bandwidth = at most { $bytes } B/s each way
fault-drop = { $percent } % of datagrams dropped
fault-cut = each connection closed after { $bytes } B
fault-cut-reset = each connection reset after { $bytes } B
notice-relay-cut = The relay closed connection #{ $conn } after { $bytes } B, as told (a fault)
notice-relay-cut-reset = The relay reset connection #{ $conn } after { $bytes } B, as told (a fault)
notice-relay-dropped-out = The relay dropped this datagram ({ $bytes } B) on its way to the server, as told (a fault)
notice-relay-dropped-back = The relay dropped this datagram ({ $bytes } B) on its way back to the client, as told (a fault)
add-relay = + Relay
add-relay-hint = Add a relay: it sits between clients and a server, forwards both ways, records both legs, and can inject faults
relay-enable = Relay to another server (instead of answering)
relay-enable-hint = Each client that connects here gets its own connection to the target; the transcript shows both legs
relay-to = Relay to
relay-no-fault = none
relay-latency = Added latency (ms)
relay-bandwidth = Bandwidth cap (B/s)
relay-cut-after = Cut after (bytes)
relay-drop = Drop datagrams (%)
relay-cut-reset = Cut with a reset (RST) instead of a close
role-relay = Relay
code-tls-sni = The name the certificate must hold (SNI)
code-tls-pin = The certificate's SHA-256 fingerprint: only that certificate is trusted
code-tls-ca = Trust the certificates in this file instead of the system's
code-tls-make-cert = The server's certificate and key (PEM). Socket Tester made a self-signed one at start; make your own with:
code-c-tls-client = TLS: check the server's certificate, then encrypt everything (ssl.wrap_socket)
code-c-tls-pin-check = The certificate is checked below against the pinned fingerprint instead of the system's roots
code-c-tls-insecure = INSECURE: any certificate is accepted, so anyone in between could pretend to be the server
code-c-tls-server = TLS: the certificate this server shows its clients
code-c-tls-handshake = The TLS handshake: the client checks our certificate, then everything is encrypted
code-p-tls = TLS: { $version }, { $cipher }
code-p-tls-pin-mismatch = the certificate is not the pinned one: its SHA-256 is { $got }
code-no-relay = A relay has no Python program here yet: the code shown is for clients and echo servers.
code-no-groups = A server that joins multicast groups has no Python program here yet: without the group it would hear nothing.
editor-switch-escapes = Escapes are on now: some of these bytes have no plain character in { $encoding }, so they are written as \xNN or \u{"{"}N{"}"}.
editor-switch-invalid = The message stays as it is until it reads: { $problem }
editor-switch-utf16 = The message stays in text: {"{"}counter{"}"}, {"{"}time{"}"} and {"{"}unix_ms{"}"} write UTF-16 in this text but one byte per digit in hex, so its bytes would change.
form-expect-locked-hint = The expectation and the connection settings apply from the next connection: Disconnect (or wait for the run to end) to change them.
form-fold = ▴ Fold
form-fold-hint = Fold the form to one line, so the transcript gets the room (Edit shows it again)
form-splitter = Resize the form
form-splitter-hint = Drag to give the form or the transcript more room (or focus it and press ↑ ↓); double-click for the default
form-edit = ▾ Edit
form-edit-hint = Show the whole form
form-one-line-hint = Enter sends it; ↑ and ↓ walk the messages sent before. ▾ Edit shows the whole editor.
form-summary-client = { $protocol } client → { $target }
form-summary-server = { $protocol } server on { $target }
form-summary-relay = { $protocol } relay on { $target }
view-reads = Reads
view-reads-hint = One row per read or datagram, as the socket gave them (the TCP lesson: 16 + 16 + 1)
view-messages = Messages
view-messages-hint = Reads joined per connection and direction until the other side speaks, a pause, or the session's framing: the whole text, each read's start marked │
view-gap-hint = A pause longer than this starts a new message
messages-size = { $count ->
    [one] { $bytes } B in { $reads } read
   *[other] { $bytes } B in { $reads } reads
}
messages-more = The first { $shown } { $shown ->
    [one] byte
   *[other] bytes
  } are shown; Save… keeps them all.
term-rtt = RTT (round-trip time): from the first byte sent to the last byte of its answer.
term-rst = RST (reset): a system ends a connection at once, dropping what was still on its way; it says something went wrong.
term-fin = FIN (finish): one side says it will send nothing more; the other may still send, then closes too.
term-syn = SYN (synchronise): the first packet of a TCP connection; the other side answers SYN-ACK, then ACK.
