intro = 1. Inicie el servidor.  2. Envíe desde el cliente.  Ambas transcripciones muestran cada byte: → enviado, ← recibido, • evento, ! error.
add-client = + Cliente
add-server = + Servidor
add-udp-pair = + Par UDP
zoom-in = Texto más grande (Ctrl +)
zoom-out = Texto más pequeño (Ctrl −)
memory-cap = Memoria por transcripción:
language = Idioma
role-server = Servidor
role-client = Cliente
close-session = Cerrar esta sesión (la detiene)

form-role = Papel:
form-protocol = Protocolo:
form-host = Host
form-port = Puerto
form-message = Mensaje
form-message-hint = Se envía en bytes UTF-8, tal como se escribe.
form-advanced = Avanzado
form-chunk = Tamaño de lectura (bytes)
form-buffer = Búfer de recepción (bytes)
form-timeout = Tiempo de espera (ms)
form-backlog = Cola de conexiones
form-all-interfaces = Escuchar en todas las interfaces
form-all-interfaces-warning = ⚠ Escuchar en todas las interfaces expone este servidor de eco a la red.
form-persistent = Conexión persistente
form-persistent-hint = Mantener una conexión abierta para todos los mensajes, hasta Desconectar.

err-host-empty = Escriba un nombre de host o una dirección IP.
err-host-invalid = No es un nombre de host ni una dirección IP válidos.
err-port-empty = Escriba un puerto.
err-port-range = Un puerto es un número de 0 a 65535.
err-port-client-zero = Un cliente necesita un puerto de 1 a 65535.
err-number = Escriba un número entero.
err-range = Escriba un número de { $min } a { $max }.

btn-start = Iniciar
btn-stop = Detener
btn-send = Enviar
btn-connect = Conectar
btn-disconnect = Desconectar
btn-clear = Limpiar
btn-copy = Copiar
hint-ctrl-enter = Ctrl+Intro
hint-esc = Esc

clients-title = Clientes conectados ({ $count })
clients-none = No hay ningún cliente conectado.
clients-since = Desde
clients-in-out = Entrada / salida

view-show = Mostrar:
view-text = Texto
view-hex = Hex
view-dropped = { $count } líneas antiguas no conservadas (límite de memoria { $cap } MiB); los contadores son exactos.

col-time = Hora
col-dt = Δt
col-conn = Con.
col-peer = Par
col-bytes = Bytes
col-content = Contenido
col-rtt = RTT

row-truncated = truncado
row-mismatch = el eco no coincide con lo enviado

ev-listening = Escuchando en { $addr }
ev-listening-all = Escuchando en { $addr } (todas las interfaces: accesible desde la red)
ev-connected = Conectado a { $peer } desde { $local }
ev-accepted = { $peer } se conectó
ev-peer-closed = { $peer } cerró su lado
ev-conn-closed = Cerrada { $peer } ({ $bytes_in } B recibidos, { $bytes_out } B enviados)
ev-closed-finished = Terminado
ev-closed-stopped = Detenido
ev-closed-peer = El otro extremo cerró la conexión
ev-closed-failed = Terminado por el error anterior

op-parse = { $target } no es válido
op-resolve = Buscando { $target }
op-bind = Escuchando en { $target }
op-connect = Conectando a { $target }
op-accept = Aceptando en { $target }
op-send = Enviando a { $target }
op-receive = Recibiendo de { $target }
op-spawn = Iniciando { $target }

kind-refused = conexión rechazada (nada escucha allí)
kind-timed-out = tiempo de espera agotado
kind-no-echo = el eco no llegó completo a tiempo
kind-host-not-found = host no encontrado
kind-addr-in-use = el puerto ya está en uso
kind-permission = permiso denegado (los puertos por debajo de 1024 requieren privilegios de administrador)
kind-reset = el otro extremo restableció la conexión
kind-unreachable = red inalcanzable

status-idle = Inactivo
status-starting = Iniciando…
status-listening = Escuchando en { $addrs }
status-connected = Conectado a { $peer }
status-bytes = Enviados { $sent } B · recibidos { $received } B
status-errors = { $count ->
    [one] { $count } error
   *[other] { $count } errores
}
status-rtt = RTT último { $last }, media { $avg }
status-echoes = Ecos: { $ok } correctos, { $bad } fallidos

btn-save-as = Guardar…
btn-record = Grabar…
btn-stop-recording = Dejar de grabar
btn-open = Abrir…
btn-browse = Examinar…
btn-save = Guardar
btn-start-recording = Empezar a grabar
btn-open-file = Abrir
btn-cancel = Cancelar
file-path = Archivo
file-record-pcap = Escribir también un .pcap
file-no-dialog = No hay diálogo de archivos en este sistema: escriba la ruta en el campo.
file-formats = La extensión elige el formato: .jsonl guarda cada byte y se reabre aquí; .csv, .txt, y .pcap para Wireshark.
file-saved = Guardadas { $count } líneas en { $path }
file-save-failed = No se pudo guardar: { $error }
file-recording = ● Grabando cada evento en { $path }
file-record-failed = Grabación detenida: { $error }
file-record-behind = Grabación detenida: el disco se quedó { $events } eventos por detrás del tráfico. { $path } guarda todo hasta ese momento; la transcripción de la ventana lo tiene todo (guárdela para conservarlo).
file-opened = Abierto { $path }: { $count } líneas
file-open-failed = No se pudo abrir: { $error }
opened-title = Abierto desde { $path } (solo lectura)
recovery-offer = { $count ->
    [one] Al cerrar la ventana la última vez se conservó una transcripción que no se había guardado.
   *[other] Al cerrar la ventana la última vez se conservaron { $count } transcripciones que no se habían guardado.
}
recovery-open = Abrir
recovery-delete = Borrar
recovery-delete-failed = No se pudo borrar una transcripción guardada: { $error }
