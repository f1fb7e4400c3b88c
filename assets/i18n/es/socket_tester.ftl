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

form-role = Rol:
form-protocol = Protocolo:
form-host = Host
form-port = Puerto
form-message = Mensaje
form-message-hint = Se envía en la codificación elegida; la línea bajo el cuadro muestra los bytes exactos.
form-advanced = Avanzado
form-chunk = Tamaño de lectura (bytes)
form-buffer = Búfer de recepción (bytes)
form-timeout = Tiempo de espera (ms)
form-backlog = Cola de conexiones
replies-title = Respuestas
replies-title-rules = { $title }, { $count ->
    [one] 1 regla
   *[other] { $count } reglas
}
reply-echo = eco
reply-silent = silencio (leer y descartar)
reply-close = cerrar enseguida
reply-fixed = una respuesta fija
replies-mode = Responder
replies-framing = Tramas
replies-framing-hint = Cómo ven las reglas el flujo: read (cada lectura), line (cada línea; las reglas la comparan sin su \n) o bytes:N.
replies-max-frame = Línea más larga (bytes)
replies-max-frame-hint = Una línea más larga se corta: el servidor lo dice en la transcripción y luego responde a lo recibido o cierra. 0: sin límite.
replies-over-reply = y responder a lo recibido
replies-over-close = y cerrar
rules-match = Coincide
rules-reply = Respuesta
rules-delay = Retardo
rules-close = Cerrar
rules-up = Subir
rules-down = Bajar
rules-remove = Quitar esta regla
rules-add = + Regla
rules-hint = Una regla coincide con exact:T, prefix:T, contains:T, regex:R o hex:H; su respuesta admite secuencias de escape, macros y $1 o ${"{"}name{"}"} de la expresión. Gana la primera coincidencia; la respuesta de arriba contesta el resto.
rules-error = Regla { $rule }: { $words }
form-all-interfaces = Escuchar en todas las interfaces
form-all-interfaces-warning = ⚠ Escuchar en todas las interfaces expone este servidor de eco a la red.
form-persistent = Conexión persistente
form-persistent-hint = Mantener una conexión abierta para todos los mensajes, hasta Desconectar.


btn-start = Iniciar
btn-stop = Detener
btn-send = Enviar
btn-connect = Conectar
btn-disconnect = Desconectar
btn-clear = Limpiar
btn-copy = Copiar

server-send-title = Enviar a los clientes
server-send-all = Enviar a todos los clientes
server-send-hint = Envía este mensaje a cada cliente conectado (en UDP, a cada extremo del que se recibió algo). Cada fila de cliente tiene su propio Enviar.
clients-send-hint = Enviar a este cliente el mensaje de «Enviar a los clientes»
clients-title = Clientes conectados ({ $count })
clients-none = No hay ningún cliente conectado.
clients-since = Desde
clients-in-out = Entrada / salida
peers-title = Extremos de los que se recibió algo ({ $count })
peers-none = Aún no ha llegado ningún datagrama. UDP no tiene conexiones: un extremo aparece aquí cuando llega su primer datagrama y se olvida tras { $seconds } s de silencio.
peers-last = Última vez

view-show = Mostrar:
view-text = Texto
view-wrap = Ajustar
view-wrap-hint = Mostrar los contenidos completos en varias líneas (hasta 24 por fila; los detalles de abajo muestran cada byte)
view-explain = Explicar
view-explain-hint = Una columna 'Qué pasó': cada fila en palabras sencillas, con su llamada de socket
view-hex = Hex
view-dropped = { $count ->
        [one] 1 línea antigua no conservada
       *[other] { $count } líneas antiguas no conservadas
    } (límite de memoria { $cap } MiB); los contadores son exactos.

col-time = Hora
col-dt = Δt
col-conn = Con.
col-peer = Extremo
col-bytes = Bytes
col-content = Contenido
col-rtt = RTT


ev-listening = Escuchando en { $addr }
ev-listening-all = Escuchando en { $addr } (todas las interfaces: accesible desde la red)
ev-connected = Conectado a { $peer } desde { $local }
ev-accepted = { $peer } se conectó a { $local }
ev-lost = Sin eco en { $ms } ms: perdido ({ $bytes } B a { $peer }). UDP no tiene conexión, así que nada se rechaza salvo que el otro sistema responda: el datagrama o su eco se perdió, o allí nada escucha ni devuelve el eco.
ev-peer-closed = { $peer } cerró su lado
ev-conn-closed = Conexión con { $peer } cerrada ({ $bytes_in } B recibidos, { $bytes_out } B enviados)
ev-udp-ready = Listo para enviar a { $peer } desde { $local } (UDP es sin conexión: aún no se ha enviado ni comprobado nada)
ev-udp-first = Primer datagrama de { $peer } a { $local }
ev-udp-done = Terminado con { $peer } ({ $bytes_in } B recibidos, { $bytes_out } B enviados)
ev-closed-finished = Sesión terminada: completada
ev-closed-stopped = Sesión terminada: detenida
ev-closed-peer = Sesión terminada: el otro extremo cerró la conexión
ev-closed-failed = Sesión terminada por el error anterior

data-truncated = (truncado)
echo-ok = rtt { $rtt }, eco correcto ({ $bytes } B)
echo-mismatch = rtt { $rtt }, el eco NO COINCIDE: difiere de los { $bytes } B enviados

notice-fewer-loops = Funcionando con { $loops } bucle(s) de eventos: { $error }
notice-accepting-again = Se aceptan de nuevo conexiones en { $local }: hay descriptores de archivo libres
notice-trying-next = { $error }; probando { $next }
notice-reading-stopped = Se dejó de leer tras { $bytes } B en total: la respuesta no era el eco y el otro extremo no cerró su lado, así que pudo seguir llegando más (un fin de respuesta como idle:1000 espera la respuesta entera)
notice-reply-truncated = La respuesta tenía { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }, más que el búfer de recepción de { $buffer } { $buffer ->
    [one] byte
   *[other] bytes
  }; el resto se cortó
notice-rule = La regla { $rule } ({ $label }) coincidió con lo que envió { $peer }
notice-no-rule = Ninguna regla coincidió con lo que envió { $peer }: respondió la alternativa
notice-peer-speaks-tls = { $peer } respondió con un registro TLS: habla TLS. Marque TLS (cifrado) en el formulario, o use --tls
notice-frame-too-long-reply = { $peer } envió una línea de más de { $limit } { $limit ->
    [one] byte
   *[other] bytes
  } (--max-frame): se respondió a sus primeros { $limit } { $limit ->
    [one] byte
   *[other] bytes
  } y el resto empieza la trama siguiente
notice-frame-too-long-close = { $peer } envió una línea de más de { $limit } { $limit ->
    [one] byte
   *[other] bytes
  } (--max-frame): se cerró la conexión
notice-legacy = { $text }

error = { $op }: { $reason }
op-parse = { $target } no es válido
op-resolve = buscar { $target }
op-bind = escuchar en { $target }
op-connect = conectar con { $target }
op-accept = aceptar en { $target }
op-send = enviar a { $target }
op-receive = recibir de { $target }
op-spawn = iniciar el trabajador de { $target }
op-read-file = leer { $target }
op-run = ejecutar el trabajador de { $target }

kind-refused = conexión rechazada (nada escucha allí)
kind-timed-out = tiempo de espera agotado
kind-host-not-found = host no encontrado
kind-addr-in-use = la dirección ya está en uso
kind-permission = permiso denegado (los puertos por debajo de 1024 requieren privilegios de administrador)
kind-reset = el otro extremo cortó la conexión (RST)
kind-unreachable = red inalcanzable
kind-invalid = dato no válido
kind-other = falló
reason-os = error del sistema: { $text }
reason-panicked = la aplicación misma falló por un error de programa ({ $detail }); todo lo registrado antes se conserva
reason-host-unreachable = host inalcanzable
reason-addr-not-available = esa dirección no es de esta máquina
reason-lookup-failed = host no encontrado ({ $detail })
reason-no-addresses = host no encontrado (sin direcciones)
reason-connect-timed-out = sin respuesta tras { $ms } ms
reason-no-complete-echo = el eco no llegó completo en { $ms } ms: volvieron { $echoed } de { $expected } { $expected ->
    [one] byte
   *[other] bytes
  }
reason-no-reply = sin respuesta en { $ms } ms: UDP no tiene conexión, así que nada se rechaza salvo que el otro sistema responda (el datagrama pudo perderse, o allí nada escucha ni hace eco)
reason-closed-mid-echo = el otro extremo cerró la conexión tras { $echoed } de { $expected } { $expected ->
    [one] byte
   *[other] bytes
  } de eco
reason-udp-refused = conexión rechazada (nada escucha en ese puerto UDP)
reason-buffer-range = el búfer de recepción debe tener entre 1 y { $max } { $max ->
    [one] byte
   *[other] bytes
  }
reason-out-of-files = demasiados archivos abiertos (error del sistema { $code }): el proceso llegó a su límite de descriptores; las conexiones nuevas esperan a que se liberen
reason-port-empty = falta el puerto
reason-port-range = un puerto va de 0 a 65535
reason-port-not-number = un puerto es un número
reason-host-empty = falta el host
reason-host-invalid = no es un nombre de host ni una dirección IP válidos
reason-address-empty = falta la dirección
reason-missing-bracket = falta ']' tras una dirección IPv6
reason-expected-port = se esperaba ':PUERTO' tras ']'
reason-brackets-not-v6 = los corchetes deben contener una dirección IPv6
reason-v6-needs-brackets = escriba una dirección IPv6 con puerto como [DIRECCIÓN]:PUERTO
reason-not-loopback = { $addresses } no es una dirección de bucle local: una prueba de carga inunda su destino, así que solo va a otra máquina si se permite (--allow-remote)
reason-client-port-zero = un cliente necesita un puerto de 1 a 65535
reason-too-large-for-datagram = { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } no caben en un datagrama UDP (como mucho { $max })
reason-empty-over-tcp = un mensaje vacío no tiene eco por TCP
reason-no-echo-within = sin eco en { $ms } ms
reason-server-closed = el servidor cerró la conexión
reason-server-closed-missing = el servidor cerró la conexión con { $missing } { $missing ->
    [one] byte
   *[other] bytes
  } sin eco
reason-extra-bytes = el servidor envió { $count } { $count ->
    [one] byte
   *[other] bytes
  } más de los que recibió
reason-extra-bytes-more = el servidor siguió enviando más allá del eco: { $count } { $count ->
    [one] byte
   *[other] bytes
  } más en { $reads } { $reads ->
    [one] lectura
   *[other] lecturas
  } (en una sola línea)
reason-echo-differs-at = el eco difiere de lo enviado en el byte { $offset }
reason-unknown-datagram = un eco de { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } no corresponde a ningún datagrama enviado
reason-datagram-differs = el eco de un datagrama de { $size } { $size ->
    [one] byte
   *[other] bytes
  } difiere de lo enviado
reason-datagram-length = un datagrama de { $size } { $size ->
    [one] byte
   *[other] bytes
  } volvió con { $got } { $got ->
    [one] byte
   *[other] bytes
  }

problem-at-position = posición { $position }: { $problem }
problem-empty = escriba un valor
problem-not-a-number = escriba un número entero
problem-range = escriba un número de { $min } a { $max }
problem-too-many-loops = escriba como máximo { $max }: cada bucle de eventos ocupa 2 de los { $open_files } archivos que este proceso puede abrir (ulimit -n), y el resto se reserva para las conexiones
problem-no-file = elija un archivo para enviar
problem-file-missing = ese archivo no existe
problem-file-is-folder = es una carpeta, no un archivo
problem-file-unreadable = no se puede leer este archivo ({ $detail })
problem-not-hex-digit = '{ $ch }' no es un dígito hexadecimal
problem-half-byte = un byte necesita dos dígitos hexadecimales
problem-unknown-escape = secuencia de escape desconocida \{ $ch }
problem-bad-byte-escape = \x necesita dos dígitos hexadecimales
problem-bad-char-escape = escriba \u{"{"}HEX{"}"} con 1 a 6 dígitos hexadecimales que nombren un carácter
problem-lone-backslash = una barra invertida sola termina el texto
problem-unencodable = '{ $ch }' (U+{ $code }) no tiene byte en { $encoding }

preset-invalid = { $path }: { $detail }
preset-no-version = { $path }: falta `version = 1` al principio: ¿es un archivo de Socket Tester?
preset-newer = { $path } lo escribió un Socket Tester más nuevo (versión { $found }); este lee la versión { $known }. Actualice Socket Tester para abrirlo.
preset-io = { $path }: { $detail }
preset-not-found = Ningún preajuste se llama «{ $name }».
preset-bad-name = «{ $name }» no sirve como nombre de preajuste: use letras, cifras, espacios, '-' o '_'.
preset-no-directory = Este sistema no tiene carpeta de configuración para los preajustes.

cli-empty = { "" }
cli-saved = { $count ->
    [one] guardado { $count } evento
   *[other] guardados { $count } eventos
  } en { $path }
cli-orphan-save = nota: { $orphan } ({ $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }) es un guardado de { $path } que una ejecución anterior no terminó (se interrumpió); contiene lo guardado hasta entonces y se deja como está: renómbrelo para conservarlo (mv "{ $orphan }" "{ $path }.recovered")
txt-header = Transcripción de Socket Tester, { $date }, hora local (UTC{ $offset })
txt-incomplete = { $event } (registro incompleto)
cli-listening = escuchando en { $addr } ({ $protocol })
cli-all-interfaces = aviso: { $addr } escucha en todas las interfaces de red: otras máquinas pueden llegar a este servidor de eco
cli-summary = resumen: { $kind ->
        [udp] { $connections ->
            [one] 1 extremo
           *[other] { $connections } extremos
        }
       *[tcp] { $connections ->
            [one] 1 conexión
           *[other] { $connections } conexiones
        }
    }, { $bytes_in } { $bytes_in ->
    [one] byte recibido
   *[other] bytes recibidos
  }, { $bytes_out } { $bytes_out ->
    [one] byte enviado
   *[other] bytes enviados
  }{ $udp }, { $errors ->
        [one] 1 error
       *[other] { $errors } errores
    }{ $echoes }
cli-summary-udp = , { $datagrams_in ->
        [one] 1 datagrama recibido
       *[other] { $datagrams_in } datagramas recibidos
    }, { $datagrams_out ->
        [one] 1 datagrama enviado
       *[other] { $datagrams_out } datagramas enviados
    }
cli-summary-echoes = , { $ok } de { $count } { $count ->
        [one] eco correcto
       *[other] ecos correctos
    }{ $lost }{ $rtt }
cli-summary-checks = , { $ok } de { $count } comprobaciones superadas{ $lost }{ $rtt }
cli-summary-lost = , { $lost ->
        [one] { $lost } perdido
       *[other] { $lost } perdidos
    }
cli-summary-rtt = , rtt mediana { $median } ms, máximo { $max } ms

editor-text = Texto
editor-hex = Hex
editor-file = Archivo
editor-history = Historial
editor-history-hint = Los últimos 50 mensajes enviados; pulse uno para volver a usarlo.
editor-hex-hint = Bytes en hexadecimal: "48 65 6C", "48656C" o "48:65:6C".
editor-escapes = Secuencias de escape
editor-escapes-hint = Interpreta \r \n \t \0 \\ \xNN (un byte) y \u{"{"}N{"}"} (un carácter) en el texto.
editor-encoding = Codificación:
editor-line-ending = Fin de línea:
editor-ending-none = ninguno
editor-preview = Envía { $count } B: { $hex }
editor-preview-macros = (macros: como en el primer envío; se expanden de nuevo en cada envío)
editor-macros-hint = Macros: {"{"}counter{"}"} (en binario o como texto de ancho fijo: {"{"}counter:u8{"}"}, :u16be, :u32le, :hex4, :dec6; con :start=N y :step=N) {"{"}time{"}"} {"{"}unix_ms{"}"} {"{"}random:N{"}"}, sumas de control de los bytes anteriores {"{"}crc16_modbus{"}"} {"{"}crc16_ccitt{"}"} {"{"}crc32{"}"} {"{"}sum8{"}"} {"{"}xor8{"}"} (añada _le o _be para el orden de bytes), y {"{"}1{"}"} o {"{"}name{"}"} de la última respuesta. {"{"}{"{"} es una llave.
editor-preview-file = Envía los bytes del archivo, leídos a medida que salen.
editor-preview-file-udp = Envía los bytes del archivo en un solo datagrama (65.507 bytes como mucho).
form-count = Repetir (veces)
form-interval = Intervalo (ms)
form-expect = Esperar
form-reply-end = La respuesta termina en
form-expect-hint = Esperar: echo, any, none, text:T, contains:T, regex:R, o hex:H con ?? para cualquier byte (T admite secuencias como \r\n). La respuesta termina en: sent (tantos bytes como se enviaron), close, idle:MS, delim:\r\n, o bytes:N.
status-checks = Comprobaciones: { $ok ->
        [one] 1 superada
       *[other] { $ok } superadas
    }, { $bad ->
        [one] 1 fallida
       *[other] { $bad } fallidas
    }
step-send = Enviar
step-expect = Esperar
step-wait = Pausa
step-close = Cerrar
step-reconnect = Reconectar
step-repeat = Repetir
steps-title = Pasos ({ $count })
steps-name-of = Nombre del paso { $step }
steps-name-hint = nombre (opcional)
steps-name-tip = Un nombre para los informes y la transcripción: paso 3 (login), como name = "login" en un archivo de pasos
steps-reply-end-of = Final de respuesta del paso { $step }
steps-reply-end-hint = fin de respuesta
steps-remove = Quitar este paso
steps-add = + Paso
steps-continue = Seguir tras un fallo
steps-run = Ejecutar los pasos
steps-stop = Detener la ejecución
steps-export = Exportar el informe…
steps-skipped = omitido
steps-message-hint = PING\r\n
steps-send-hint = Se envía tal como se escribe, con secuencias de escape (\r\n, \xNN) y macros ({"{"}counter{"}"}, {"{"}1{"}"} de la última respuesta). El campo «La respuesta termina en» de la sesión dice dónde termina cada respuesta.
steps-message-of = Mensaje del paso { $step }
steps-expect-of = Expectativa del paso { $step }
steps-repeat-block = repetir { $times } × un bloque de { $count } (edítelo en el archivo del preajuste)
form-until-stopped = Hasta detener
progress-of = { $done } de { $total }
progress-forever = { $done } enviados (hasta detener)
presets = Preajustes
preset-save-as = Guardar como preajuste…
preset-import = Importar un archivo de preajuste…
preset-export = Exportar como archivo…
preset-none = Aún no hay preajustes.
preset-load-hint = Cargar en esta sesión
preset-rename = Renombrar…
preset-delete = Borrar
preset-name = Nombre del preajuste
preset-rename-to = Nuevo nombre para «{ $name }»
preset-saved = Preajuste «{ $name }» guardado.
preset-renamed = Preajuste renombrado a «{ $name }».
preset-deleted = Preajuste «{ $name }» borrado.
preset-exported = Preajuste escrito en { $name }.
preset-loaded = «{ $name }» cargado.
workspace-open = Abrir espacio de trabajo…
workspace-save = Guardar espacio de trabajo…
workspace-saved = Espacio de trabajo guardado en { $name }.
report-saved = Informe escrito en { $name }.
workspace-opened = Espacio de trabajo { $name } abierto.
btn-rename = Renombrar
btn-import = Importar
btn-export = Exportar

check-passed = ✔ como se esperaba: { $expected } ({ $rtt })
check-got = ✘ se esperaba { $expected } y llegó { $reply }
check-no-reply = ✘ se esperaba { $expected }: sin respuesta en { $ms } ms
check-unended = ✘ la respuesta no terminó (--reply-end { $end }) en { $ms } ms: el tiempo de espera acabó tras { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }
check-unended-size = ✘ la respuesta no terminó (--reply-end { $end }) en { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }: el límite de tamaño acabó la espera
expect-echo = el eco
expect-any = una respuesta
expect-none = ninguna respuesta
expect-text = "{ $text }"
expect-contains = una respuesta que contenga "{ $text }"
expect-line = { $line }
problem-invalid = { $words }

step-time-waited = { $time }, y luego { $wait } esperando el final de la respuesta
step-passed = ✔ Paso { $step } superado ({ $time })
step-failed = ✘ Paso { $step } fallido: { $reason } ({ $time })
step-skipped = Paso { $step } omitido: falló un paso anterior
steps-all-passed = { $total ->
        [one] El paso se superó
       *[other] Los { $total } pasos superados
    }
steps-ended = { $passed } de { $total } pasos superados, { $failed } fallidos{ $skipped ->
    [0] {""}
   *[other] , { $skipped } omitidos
}: primero el paso { $first }

status-idle = Inactivo
status-starting = Iniciando…
status-listening = Escuchando en { $addrs }
status-connected = Conectado a { $peer }
status-udp-ready = Listo para enviar a { $peer } (UDP)
status-bytes = Enviados { $sent } · recibidos { $received }
status-bytes-exact = Exactamente { $sent } { $sent ->
    [one] byte enviado
   *[other] bytes enviados
  } y { $received } { $received ->
    [one] byte recibido
   *[other] bytes recibidos
  }
status-errors = { $count ->
    [one] { $count } error
   *[other] { $count } errores
}
status-rtt = RTT último { $last }, media { $avg }
status-echoes = Ecos: { $ok ->
        [one] 1 correcto
       *[other] { $ok } correctos
    }, { $bad ->
        [one] 1 fallido
       *[other] { $bad } fallidos
    }

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
file-formats = La extensión elige el formato: .jsonl guarda cada byte y se reabre aquí; .csv, .txt, .pcap para Wireshark, y .html: un informe para repartir (diagrama de secuencia, estadísticas, cada evento explicado).
file-saved = { $count ->
        [one] Guardada 1 línea
       *[other] Guardadas { $count } líneas
    } en { $path }
file-save-failed = No se pudo guardar: { $error }
file-recording = ● Grabando cada evento en { $path }
file-record-failed = Grabación detenida: { $error }
file-record-behind = Grabación detenida: el disco se quedó { $events } eventos por detrás del tráfico. { $path } guarda todo hasta ese momento; la transcripción de la ventana lo tiene todo (guárdela para conservarlo).
file-opened = Abierto { $path }: { $count ->
        [one] 1 línea
       *[other] { $count } líneas
    }
file-open-failed = No se pudo abrir: { $error }
opened-title = Abierto desde { $path } (solo lectura)
recovery-offer = { $count ->
    [one] Al cerrar la ventana la última vez se conservó una transcripción que no se había guardado.
   *[other] Al cerrar la ventana la última vez se conservaron { $count } transcripciones que no se habían guardado.
}
recovery-open = Abrir
recovery-delete = Borrar
recovery-delete-failed = No se pudo borrar una transcripción guardada: { $error }

# Measures: the number is written the language's way.
unit-us = { $value } µs
unit-ms = { $value } ms
unit-s = { $value } s

# Tooltips: what each column and button does.
col-time-hint = Cuándo ocurrió, en la hora local de este equipo
col-dt-hint = Tiempo desde la fila anterior
col-conn-hint = El número de la conexión en esta sesión (en UDP, el número del extremo)
col-dir = ↔
col-dir-hint = Dirección: → enviado, ← recibido, • evento, ! error
col-peer-hint = La dirección y el puerto del otro extremo
col-bytes-hint = Bytes de esta lectura o escritura
col-content-hint = Los bytes como texto (con secuencias de escape para el resto) o en hexadecimal, o lo que ocurrió
col-rtt-hint = Tiempo de ida y vuelta: desde el primer byte enviado hasta el último byte de su eco o respuesta
btn-start-hint = Escuchar en el host y el puerto, y devolver o responder lo que llegue
btn-send-hint = Enviar el mensaje (conectando antes si hace falta) y esperar la respuesta (Ctrl+Intro)
btn-connect-hint = Abrir la conexión ahora y mantenerla abierta: cada Enviar la usará
btn-clear-hint = Vaciar esta transcripción (se pierden las filas no guardadas)
btn-copy-hint = Copiar las filas seleccionadas como texto
btn-save-as-hint = Escribir toda la transcripción hasta ahora en un archivo: .txt, .csv, .jsonl o .pcap
btn-record-hint = Desde ahora, escribir cada evento en un archivo .jsonl a medida que ocurre, para no perder nada
add-client-hint = Añadir una sesión de cliente TCP
add-server-hint = Añadir una sesión de servidor de eco TCP
add-udp-pair-hint = Añadir un servidor UDP y un cliente UDP que le envía
memory-cap-hint = Cada transcripción guarda como máximo esto en memoria; las filas más antiguas se van primero. Grabar guarda todo en disco.
zoom-reset = { $percent } %
zoom-reset-hint = Tamaño del texto { $percent } %: pulse aquí, o Ctrl+0, para volver al 100 %
notice-dismiss = Aceptar
close-confirm-running = Esta sesión está en marcha: al cerrarla se detiene.
close-confirm-unsaved = { $count ->
        [one] 1 línea no está guardada
       *[other] { $count } líneas no están guardadas
    }: al cerrar se { $count ->
        [one] pierde
       *[other] pierden
    } (Guardar… las conserva).
btn-close-anyway = Cerrarla
detail-more = …y { $count } filas seleccionadas más (Copiar las toma todas)
editor-mode-text-hint = Escriba texto; con las secuencias de escape activas, \n \r \t \xNN y \u{"{"}...{"}"} representan esos bytes
editor-mode-hex-hint = Escriba los bytes como pares hexadecimales, con espacios si quiere: 48 65 6C 6C 6F
editor-mode-file-hint = Enviar los bytes de un archivo, leídos a medida que salen
view-text-hint = Mostrar los datos como texto (con secuencias de escape para los bytes que no son texto)
view-hex-hint = Mostrar los datos como bytes en hexadecimal
btn-stop-hint = Detener el trabajo de esta sesión (Esc)
btn-disconnect-hint = Cerrar la conexión abierta
btn-open-hint = Abrir una transcripción guardada (.jsonl) para leerla de nuevo
workspace-open-hint = Abrir un espacio de trabajo: el formulario de cada sesión, tal como se guardó
workspace-save-hint = Guardar el formulario de cada sesión en un archivo de espacio de trabajo
presets-hint = Guardar este formulario como preajuste, o cargar, importar, exportar, renombrar o borrar uno
form-until-stopped-hint = Enviar una y otra vez hasta Detener
form-all-interfaces-hint = Escuchar en todas las interfaces de red: otras máquinas pueden llegar a este servidor
steps-up = Subir este paso
steps-down = Bajar este paso
steps-add-hint = Añadir un paso al final: enviar, esperar respuesta, esperar, cerrar o reconectar
steps-continue-hint = Seguir con los pasos que quedan tras un fallo en vez de saltarlos
steps-run-hint = Ejecutar los pasos en orden, en una conexión, y marcar cada uno como superado o fallido
steps-export-hint = Guardar los resultados de la última ejecución como JUnit XML (.xml) o JSON (.json)
btn-browse-hint = Elegir el archivo en un diálogo (escriba la ruta si no hay ninguno)
file-record-pcap-hint = Escribir también el tráfico en un archivo .pcap al lado, para Wireshark
clients-disconnect-hint = Cerrar la conexión de este cliente
btn-confirm-hint = Hacerlo ahora, con el nombre o la ruta escritos aquí (Intro hace lo mismo)
btn-cancel-hint = Cerrar esta barra sin hacer nada
preset-save-as-hint = Guardar este formulario, con un nombre, para la aplicación y la línea de órdenes
preset-import-hint = Añadir un preajuste desde un archivo .toml
preset-export-hint = Escribir este formulario en un archivo .toml para compartirlo
preset-rename-hint = Dar otro nombre a este preajuste
preset-delete-hint = Borrar el archivo de este preajuste
recovery-open-hint = Abrir las transcripciones que una ejecución anterior no pudo guardar
recovery-delete-hint = Borrar para siempre las transcripciones conservadas
btn-stop-recording-hint = Dejar de escribir en el archivo; lo escrito se conserva

app-internal-error = La aplicación misma falló por un error de programa ({ $detail }). Las transcripciones sin guardar se conservaron en { $dir }; la ventana sigue abierta. Por favor, infórmelo.

theme = Tema
theme-hint = Seguir el ajuste claro u oscuro del sistema, o elegir uno (se conserva para el próximo inicio)
theme-system = Sistema
theme-light = Claro
theme-dark = Oscuro
file-recent = Recientes:
file-drop-here = Suelte una transcripción .jsonl para abrirla
file-drop-not-jsonl = Aquí solo se abren transcripciones .jsonl: { $path }

help-button = Ayuda (F1)
help-button-hint = Todos los atajos de teclado
help-title = Atajos de teclado
help-f1 = Abrir o cerrar esta ayuda
help-tab = Pasar al control siguiente o al anterior (el enfocado se ve resaltado)
help-activate = Pulsar el botón enfocado, marcar la casilla enfocada
help-send = Enviar el mensaje del cliente (en la sesión usada por última vez)
help-stop = Detener la sesión usada por última vez
help-copy = Copiar las filas seleccionadas de la transcripción
help-select-range = Seleccionar un rango de filas de la transcripción
help-zoom = Texto más grande o más pequeño
help-zoom-reset = Texto a su tamaño normal
session-drag-hint = Arrastre el título para mover esta sesión: junto a otra, encima o debajo, o entre sus pestañas
sessions-menu = Sesiones
sessions-menu-hint = Todas las sesiones abiertas: elija una para verla (Ctrl+Tab pasa a la siguiente)
help-next-session = Pasar a la sesión siguiente y mostrar su pestaña
editor-large = { $size } { $size ->
    [one] byte
   *[other] bytes
  } de { $kind }: demasiado largo para editarlo aquí
editor-large-hex = dígitos hexadecimales
editor-large-view = Ver
editor-large-view-hint = Leer el mensaje entero en una ventana propia
editor-large-clear = Vaciar
editor-large-clear-hint = Vaciar el mensaje para escribir otro
editor-large-hint = Enviar lo envía entero. Para cambiar un mensaje tan largo, edítelo en un archivo y envíe el archivo (Archivo, arriba).
editor-large-title = El mensaje entero
menu-more = ☰ Más
menu-more-hint = Un par UDP, Abrir…, espacios de trabajo, ayuda, idioma, tema, zoom y memoria
editor-large-file = Editar como archivo…
editor-large-file-hint = Pasar a Archivo: enviar los bytes de un archivo, que cualquier editor puede cambiar

stats-round-trips = { $count } viajes de ida y vuelta
stats-rtt = mín. { $min } · media { $mean } · p50 { $p50 } · p90 { $p90 } · p99 { $p99 } · p99,9 { $p999 } · máx. { $max }
stats-jitter = variación { $jitter } (la diferencia media entre viajes consecutivos)
stats-traffic = enviados { $bytes_out } B en { $messages_out } escrituras o datagramas, recibidos { $bytes_in } B en { $messages_in }, en { $seconds } s
stats-verdicts = { $passed } correctos, { $failed } fallidos, { $lost } perdidos

search-label = Buscar
search-text = Texto
search-regex = Regex
search-hex = Hex
search-mode-hint = Texto (sin distinguir mayúsculas salvo «Distinguir mayúsculas»), una expresión regular, o bytes en hexadecimal con ?? para cualquier byte; se buscan los bytes de cada fila, no su presentación
search-field-hint = Intro: la coincidencia siguiente; Mayús+Intro: la anterior
search-case = Distinguir mayúsculas
search-case-hint = Solo las filas cuyos bytes tienen las mismas mayúsculas y minúsculas
search-previous = La coincidencia anterior (Mayús+Intro)
search-next = La coincidencia siguiente (Intro)
search-none = Sin coincidencias
search-count = { $count ->
    [one] { $current } de { $total } coincidencia
   *[other] { $current } de { $total } coincidencias
}
search-total = { $count ->
    [one] { $total } coincidencia
   *[other] { $total } coincidencias
}
search-scanning = (todavía buscando…)
search-close = Cerrar la búsqueda
help-stats = Mostrar u ocultar el panel de estadísticas de la sesión en uso
help-load = Abrir o cerrar la ventana de prueba de carga
help-diagram = Mostrar u ocultar el diagrama de secuencia de la sesión en uso
help-code = Mostrar u ocultar el código Python de la sesión en uso
help-find = Buscar bytes en la transcripción de la sesión usada por última vez
help-find-next = En el campo de búsqueda: la coincidencia siguiente o la anterior

filter-menu = Filas
filter-menu-hint = Qué filas mostrar: ocultar el ruido, o mostrar solo los fallos
filter-sent = Enviados
filter-received = Recibidos
filter-events = Eventos
filter-errors = Errores
filter-failures = Solo fallos
filter-failures-hint = Errores, ecos distintos, y expectativas y pasos que fallaron
filter-showing = { $shown } de { $total } filas
filter-conn = Conexión n.º { $conn }
filter-conn-none = Solo una conexión (seleccione antes una fila)
filter-peer = Extremo { $peer }
filter-peer-none = Solo un extremo (seleccione antes una fila)
filter-from = Desde { $time }
filter-from-none = Desde una hora (seleccione antes una fila)
filter-until = Hasta { $time }
filter-until-none = Hasta una hora (seleccione antes una fila)
filter-from-selection-hint = De las filas seleccionadas: la conexión, el extremo o la hora de la primera, o la hora de la última
chip-hidden = Ocultas: { $kinds }
chip-remove-hint = Quitar esta parte del filtro
filter-show-all = Mostrar todas
filter-show-all-hint = Volver a mostrar todas las filas

stats-menu = Estadísticas
stats-count = Viajes de ida y vuelta
stats-name-min = mín.
stats-name-mean = media
stats-name-max = máx.
stats-name-p999 = p99,9
stats-jitter-name = variación
stats-passed = Correctos
stats-failed = Fallidos
stats-bytes-out = Enviados
stats-menu-hint = Mostrar u ocultar el panel de estadísticas: tiempos de ida y vuelta (mínimo, media, percentiles, máximo), variación, pérdidas, correctos y fallidos, bytes y ritmos en cada sentido, y gráficas
stats-lost = Perdidos
stats-rate = { $bytes }/s · { $messages } mensajes/s
stats-rate-out-now = Enviando, último segundo
stats-rate-in-now = Recibiendo, último segundo
stats-rate-out-mean = Enviando, media
stats-rate-in-mean = Recibiendo, media
plot-rtt = Ida y vuelta en el tiempo
plot-rtt-hint = Cada viaje de ida y vuelta en su momento, con la mediana de los 21 últimos como línea; pulse un punto para seleccionar su fila
plot-histogram = Histograma
plot-histogram-hint = Cuántos viajes de ida y vuelta tardaron cuánto
plot-throughput = Caudal
plot-throughput-hint = Bytes por segundo enviados y recibidos
plot-rtt-points = Ida y vuelta
plot-rtt-median = Mediana móvil (21)
plot-axis-number = Viaje de ida y vuelta (en orden)
plot-axis-seconds = Segundos desde el primer evento
plot-axis-ms = Ida y vuelta (ms)
plot-axis-count = Cantidad
plot-axis-bytes-per-s = Bytes por segundo
plot-bar = de { $from } a { $to }
plot-bar-last = { $from } o más
plot-in = Recibidos
plot-out = Enviados
plot-empty = Aún no hay nada que dibujar: envíe algo.
btn-save-png = Guardar como PNG…
btn-save-png-hint = Guardar la gráfica mostrada como imagen PNG
plot-not-shown = el panel de estadísticas está cerrado
plot-saved = Gráfica guardada en { $path }
plot-save-failed = No se pudo guardar la gráfica en { $path }: { $error }
stats-bytes-in = Recibidos

load-open = Prueba de carga
load-open-hint = Ejecutar el generador de carga (el mismo que socket-tester load) contra un servidor de eco, con ritmos y tiempos de ida y vuelta en vivo
load-title = Prueba de carga
load-target = Destino:
load-target-hint = El servidor de eco: HOST:PUERTO o [IPV6]:PUERTO. Solo bucle local: una prueba de carga inunda su destino.
load-own-server = El servidor de esta ventana
load-own-server-hint = Apuntar al servidor que funciona en esta ventana, con el protocolo del formulario
load-own-server-none = No hay ningún servidor de este protocolo en marcha en esta ventana
load-connections = Conexiones
load-connections-hint = Conexiones simultáneas (TCP) o sockets (UDP), de 1 a 100.000
load-size = Tamaño del mensaje (bytes)
load-size-hint = Bytes por mensaje: por escritura en modo flujo, por datagrama en UDP (al menos 8)
load-seconds = Duración (s)
load-seconds-hint = Dejar de empezar mensajes tras estos segundos
load-count = Cantidad
load-count-hint = Mensajes en total (conexiones, en modo conexión); vacío: tantos como permita la duración
load-rate = Ritmo (mensajes/s)
load-rate-hint = Mensajes por segundo entre todas las conexiones; vacío: tan rápido como lleguen los ecos
load-mode = Modo:
load-mode-ping-pong = Ida y vuelta
load-mode-ping-pong-hint = Enviar un mensaje, esperar su eco completo, enviar el siguiente
load-mode-stream = Flujo
load-mode-stream-hint = Mantener una ventana de mensajes en vuelo en cada conexión
load-mode-connect = Conexión
load-mode-connect-hint = Un mensaje por conexión y luego una conexión nueva: conexiones por segundo
load-start = Empezar la carga
load-start-hint = Empezar la prueba; se comprueba cada byte devuelto
load-stop-hint = Dejar de empezar mensajes; los ecos en vuelo tienen un plazo para volver
load-loopback-only = Solo destinos de bucle local.
load-live = { $rate }/s devueltos ahora · { $echoes } ecos ({ $per_second }/s) · { $errors } errores · { $lost } perdidos
load-live-rtt = Ida y vuelta hasta ahora: p50 { $p50 } · p99 { $p99 } · máx. { $max }
load-ok = Todos los ecos volvieron bien.
load-failed = Algo falló: vea los errores debajo.
load-r-elapsed = Tiempo
load-r-echoes = Ecos comprobados
load-r-echoes-per-s = Ecos por segundo
load-r-bytes-per-s = Bytes devueltos por segundo
load-r-lost = Perdidos
load-r-errors = Errores
load-json = El informe JSON (como lo imprime la línea de órdenes)
load-save-json = Guardar JSON
load-save-json-hint = Guardar el informe JSON en este archivo
load-copy-json-hint = Copiar el informe JSON

code-no-message = Un mensaje de archivo no tiene equivalente en Python aquí: elija Texto o Hex.
code-kind-tcp-client = un cliente TCP
code-kind-tcp-server = un servidor de eco TCP
code-kind-udp-client = un cliente UDP
code-kind-udp-server = un servidor de eco UDP
code-header = { $kind }, escrito por Socket Tester a partir de los ajustes de la sesión.
code-fixes = A diferencia del programa del tutorial, cuenta bytes y no caracteres, imprime enteros
    los caracteres partidos entre lecturas, sobrevive a una conexión cortada (RST) y se rinde tras un plazo en vez de esperar para siempre.
code-chunk = bytes por lectura (recv) o datagrama más grande (recvfrom)
code-timeout = segundos de espera para cada eco
code-c-connect = Crear un socket TCP/IP y conectarlo al servidor (socket, connect)
code-p-connecting = Conectando a { $host } puerto { $port }
code-c-sendall = Enviar el mensaje: sendall envía cada byte, aunque haga falta más de una escritura
code-p-sending = Envío de { $bytes }: { $text }
code-c-amount = Un número de bytes con su palabra: 1 byte, 2 bytes
code-c-recv-bytes = Recibir el eco: tantos bytes como se enviaron (bytes, no caracteres), como mucho CHUNK por recv
code-p-server-closed = El servidor cerró la conexión antes de devolver el eco completo
code-p-received-bytes = Recepción de { $bytes } ({ $total } de { $expected }): { $text }
code-p-echo-ok = El eco es idéntico al mensaje
code-p-echo-differs = El eco no coincide con el mensaje
code-p-error = Error: { $error }
code-c-close = Cerrar el socket (close)
code-p-closing = Cerrando el socket
code-c-socket-tcp = Crear un socket TCP/IP de la familia de direcciones de HOST (IPv4 o IPv6)
code-c-reuse = Permitir volver a usar el puerto en seguida al volver a arrancar
code-c-bind = Vincular el socket a la dirección y el puerto (bind)
code-p-listening = Escuchando en { $host } puerto { $port }
code-c-listen = Escuchar conexiones entrantes (listen)
code-c-accept = Esperar a un cliente y aceptar su conexión (accept)
code-p-waiting = Esperando una conexión
code-c-decoder = Decodificar el texto entre lecturas: un carácter partido entre dos lecturas espera a su último byte
code-p-connection-from = Conexión desde { $peer }
code-c-recv-chunk = Recibir como mucho CHUNK bytes (recv); una lectura vacía significa que el cliente cerró
code-p-no-more = No hay más datos desde { $peer }
code-p-received-text = Recepción de { $bytes }: { $text }
code-c-sendall-back = Devolver los mismos bytes (sendall)
code-c-reset = El cliente cerró con datos sin leer y su sistema cortó la conexión (RST)
code-p-reset = { $peer } cortó la conexión (RST)
code-c-socket-udp = Crear un socket UDP de la familia de direcciones de HOST (IPv4 o IPv6)
code-c-udp-timeout = UDP no tiene conexión: un datagrama perdido no recibe respuesta, así que esperar como mucho TIMEOUT
code-c-sendto = Enviar el mensaje como un datagrama (sendto)
code-c-recvfrom = Recibir el eco (recvfrom)
code-p-lost = Sin eco en { $ms } ms: perdido
code-p-received-datagram = Recepción de { $bytes } desde { $peer }: { $text }
code-c-recvfrom-server = Recibir un datagrama y quién lo envió (recvfrom)
code-p-waiting-datagram = Esperando un datagrama
code-p-received-from = Recepción de { $bytes } desde { $peer }: { $text }
code-c-sendto-back = Devolver los mismos bytes a quien los envió (sendto)
code-p-sent-back = Devolución de { $bytes } a { $peer }
code-menu = Código
code-menu-hint = El programa de Python que hace lo mismo que esta sesión, para leerlo, copiarlo o guardarlo
code-copy-hint = Copiar el programa
code-save-hint = Guardar el programa en este archivo
code-run-hint = Ejecútelo con: python3 ARCHIVO.py (Python 3, solo la biblioteca estándar). Sigue al formulario cuando lo cambia.
text-saved = Guardado { $path }
text-save-failed = No se pudo guardar { $path }: { $error }

why-chars-bytes = { " " }{ $chars } caracteres son { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }: una letra con tilde ocupa 2 bytes en UTF-8.
why-sent-client-tcp = El cliente envió { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } al servidor (sendall envía cada byte, aunque haga falta más de una escritura).{ $extra }
why-sent-client-udp = El cliente envió un datagrama de { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } (sendto). UDP lo envía una vez: nada confirma que llegó.{ $extra }
why-sent-server-tcp = El servidor devolvió { $bytes ->
    [one] el mismo byte
   *[other] los mismos { $bytes } bytes
  } al cliente (sendall): eso es el eco.{ $extra }
why-sent-server-udp = El servidor devolvió { $bytes ->
    [one] el mismo byte a quien lo envió
   *[other] los mismos { $bytes } bytes a quien los envió
  } (sendto): eso es el eco.{ $extra }
why-echo-pieces = El eco volvió completo: { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } en { $pieces } trozos de como mucho { $chunk } { $chunk ->
    [one] byte
   *[other] bytes
  }, porque recv({ $chunk }) devuelve como mucho { $chunk } { $chunk ->
    [one] byte
   *[other] bytes
  } cada vez. TCP es un flujo de bytes, no de mensajes.
why-echo-one = El eco volvió completo, { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } en una lectura (recv): los mismos bytes que se enviaron.
why-echo-differs = Los bytes que volvieron no son los enviados: esto no es un eco del mensaje.
why-received-piece = Llegó un trozo del eco: { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }. recv({ $chunk }) devuelve como mucho { $chunk } { $chunk ->
    [one] byte
   *[other] bytes
  }, o lo que haya llegado; el cliente vuelve a leer hasta tener cada byte que envió.
why-received-server-tcp = El servidor leyó { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } (recv({ $chunk }) devuelve como mucho { $chunk } { $chunk ->
    [one] byte
   *[other] bytes
  } cada vez, o lo que haya llegado).
why-received-client-udp = Volvió un datagrama (recvfrom): { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  }. Un datagrama llega entero o no llega.
why-received-server-udp = El servidor recibió un datagrama de { $bytes } { $bytes ->
    [one] byte
   *[other] bytes
  } y supo quién lo envió (recvfrom).
why-listening-tcp = El servidor creó un socket (socket), lo vinculó a { $addr } (bind) y espera a que se conecten clientes (listen).
why-listening-udp = El servidor creó un socket UDP (socket) y lo vinculó a { $addr } (bind). Espera datagramas (recvfrom): UDP no tiene conexiones que escuchar.
why-connected-tcp = El cliente se conectó al servidor { $peer } (connect). El servidor lo aceptó (accept): ahora ambos lados comparten una conexión.
why-connected-udp = El cliente creó un socket UDP (socket) y enviará a { $peer }. Aún no pasó nada por la red: UDP no tiene conexión que abrir.
why-accepted-tcp = Un cliente se conectó desde { $peer } (connect); el servidor lo aceptó (accept) como conexión n.º { $conn }.
why-accepted-udp = Llegó un primer datagrama de { $peer }. UDP no tiene conexión: el servidor responde sin más a quien envía (recvfrom, sendto).
why-peer-closed = { $peer } cerró su lado de envío (un FIN): recv devolvió 0 bytes, así que no llegará nada más de ahí.
why-conn-closed = Se cerró la conexión (close): entraron { $bytes_in } { $bytes_in ->
    [one] byte
   *[other] bytes
  } y salieron { $bytes_out }.
why-udp-done = El servidor terminó con este extremo: entraron { $bytes_in } { $bytes_in ->
    [one] byte
   *[other] bytes
  } y salieron { $bytes_out } (UDP no tiene conexión que cerrar).
why-lost = No volvió ningún eco en { $ms } ms. UDP nunca reenvía: el datagrama o su eco se perdió, o allí nada responde.
why-reset-server = El cliente cerró mientras aún le esperaban bytes sin leer. Su sistema cortó la conexión (RST), y el servidor vio «el otro extremo cortó la conexión (RST)».{ $flaw }
why-reset-tutorial = { " " }Es un fallo conocido del cliente del tutorial: cuenta caracteres, no bytes, así que con una letra con tilde deja de leer un byte antes.
why-reset-client = El servidor cerró mientras aún le esperaban bytes, o terminó de golpe: su sistema cortó la conexión (RST).
why-refused = Nada escucha en ese puerto: el otro sistema rechazó la conexión (un RST como respuesta a connect).
why-timed-out = Nada respondió a tiempo: la otra máquina puede estar apagada, un cortafuegos puede descartar lo enviado, o (con UDP) nada escucha.
why-failed = Falló una llamada de socket; la línea de arriba dice cuál y por qué.
why-checked-passed = La respuesta se comparó con lo esperado y fue correcta.
why-checked-failed = La respuesta se comparó con lo esperado y falló: la línea dice qué llegó en su lugar.
why-step = Terminó un paso de la ejecución; la línea dice cómo.
why-notice = Un aviso: algo que conviene saber y que no es ni un dato ni un fallo.
why-closed = La sesión terminó y sus sockets se cerraron (close).
what-happened = Qué pasó
what-happened-hint = La fila seleccionada en palabras sencillas, con la llamada de socket que hay detrás
what-happened-none = Seleccione una fila para ver qué significa.
report-title = Informe de Socket Tester
report-about = { $kind }, desde { $when }: { $events } eventos. Pase el ratón sobre una flecha para ver qué significa.
report-more = Faltan { $count } eventos en este informe (contiene los 5.000 primeros).
report-diagram = Diagrama de secuencia
report-stats = Estadísticas
report-transcript = Transcripción, explicada
report-lane-client = Cliente
report-lane-server = Servidor
report-lost = perdido
presentation = Presentación (F5)
presentation-hint = Para un proyector: letra más grande, alto contraste, Avanzado oculto y cada fila explicada en palabras sencillas
help-regions = Pasar de la barra superior al formulario de cada sesión y a su transcripción
help-presentation = Modo presentación: letra más grande, alto contraste, palabras sencillas
tour-step = Paso { $step } de { $steps }
tour-start-title = Inicie el servidor
tour-start = El servidor de la izquierda espera clientes. Pulse Iniciar: crea un socket, lo vincula al puerto y escucha.
tour-send-title = Envíe desde el cliente
tour-send = El cliente de la derecha envía su mensaje a ese servidor, que se lo devuelve como eco. Pulse Enviar (o Ctrl+Intro).
tour-read-title = Lea la transcripción
tour-read = Aquí está cada byte: → enviado, ← recibido, • un evento, ! un error, con la hora y el tiempo de ida y vuelta (RTT). Pulse una fila para ver sus bytes y qué pasó, en palabras sencillas.
tour-next = Siguiente
tour-done = Hecho
tour-next-hint = Pasar al paso siguiente
tour-skip = Saltar el recorrido
tour-skip-hint = Cerrar el recorrido; la Ayuda (F1) puede repetirlo
tour-replay = Repetir el recorrido
tour-replay-hint = Los tres pasos hasta un primer eco, otra vez
diagram-menu = Diagrama
diagram-menu-hint = El intercambio como diagrama de secuencia, para recorrerlo paso a paso: un carril por extremo, el tiempo hacia abajo
diagram-first-hint = Ir al primer paso
diagram-back-hint = Un paso atrás
diagram-forward-hint = Un paso adelante
diagram-play = Reproducir
diagram-play-hint = Recorrer el intercambio solo, a la velocidad indicada al lado
diagram-pause = Pausa
diagram-pause-hint = Dejar de avanzar
diagram-speed = pasos/s
diagram-speed-hint = A qué velocidad va Reproducir (y el ritmo pausado)
diagram-calm = Ritmo pausado
diagram-calm-hint = Para una demostración en vivo: el cliente espera un segundo entre conectar, enviar y cerrar, y el diagrama pasa a cada evento nuevo a la velocidad indicada, para que el público pueda seguirlo
diagram-position = Paso { $step } de { $steps }
diagram-empty = Aún no hay nada que dibujar: conecte y envíe.

## TLS
op-handshake = negociación TLS con { $target }
op-set-option = ajustar { $target }
op-join = unirse al grupo de multidifusión { $target }
kind-tls = falló TLS
ev-listening-tls = { $listening } con TLS: certificado { $subject }, SHA-256 { $fingerprint }
ev-secured = { $version } con { $peer }: { $cipher }.{ $cert } { $trust }
tls-cert = { " " }Certificado { $subject }, emitido por { $issuer }, válido desde { $from } hasta { $until }, SHA-256 { $fingerprint }.
tls-trust-system = Verificado con las raíces de confianza del sistema.
tls-trust-ca = Verificado con los certificados de { $ca }.
reason-tls-key-mismatch = la clave no es la del certificado { $cert }: indique la clave que se creó con él
tls-trust-pin = La huella fijada coincide.
tls-trust-insecure = SIN VERIFICAR: se acepta cualquier certificado (inseguro), así que alguien en medio podría leer y cambiar el tráfico.
tls-trust-server = El certificado propio de este servidor.
reason-tls-file = no se puede usar el archivo de { $what }: { $detail }
reason-tls-bad-name = no es un nombre que pueda llevar un certificado (un nombre DNS o una dirección IP)
reason-tls-bad-pin = una huella fijada es un SHA-256: 64 dígitos hexadecimales, con dos puntos si se quiere
reason-tls-unknown-issuer = el certificado lo emitió una autoridad en la que esta máquina no confía (confíe en ella con --ca, o fije la huella del certificado)
reason-tls-self-signed = el certificado está autofirmado: nadie responde por él (SHA-256 { $fingerprint }). Si confía en este servidor, fije esa huella (--pin) o acepte cualquier certificado (inseguro)
reason-tls-name-mismatch = el certificado es para otros nombres ({ $presented }), no para el de la conexión (elija el nombre que se comprueba con SNI)
reason-tls-expired = el certificado ha caducado
reason-tls-not-yet-valid = el certificado aún no es válido (¿está bien la hora?)
reason-tls-pin-mismatch = el certificado no es el fijado: su huella SHA-256 es { $got }
reason-tls-not-tls = el otro extremo no habla TLS: lo que llegó no es una negociación TLS (¿un servicio de texto plano, o TLS en otro puerto?)
reason-tls-alert = el otro extremo rechazó la negociación ({ $alert })
reason-tls-no-alpn = ningún protocolo de aplicación (ALPN) en común con el otro extremo
reason-tls-closed-in-handshake = el otro extremo cerró la conexión durante la negociación TLS (puede que no hable TLS, o que rechazara nuestros ajustes)
reason-tls-handshake-timed-out = la negociación TLS no terminó en { $ms } ms (¿habla TLS el otro extremo?)
reason-tls-other = { $detail }
why-secured = Los dos lados acordaron { $version } (la negociación TLS): el servidor demostró quién es con su certificado, y desde ahora todo va cifrado. La transcripción muestra los bytes antes de cifrarlos.
why-secured-server = El cliente y este servidor acordaron { $version } (la negociación TLS): el servidor mostró su certificado, y desde ahora todo va cifrado. La transcripción muestra los bytes antes de cifrarlos.
why-secured-insecure = Los dos lados acordaron { $version } y todo va cifrado, pero no se comprobó el certificado: alguien en medio podría hacerse pasar por el servidor.
cli-listening-tls = escuchando en { $addr } (TCP con TLS, certificado SHA-256 { $fingerprint })
problem-tls-key-without-cert = un certificado necesita su clave, y una clave su certificado (o deje ambos vacíos para un certificado autofirmado)
problem-tls-bad-alpn = los protocolos ALPN son nombres separados por comas, de 255 bytes como mucho cada uno (h2,http/1.1)
problem-tls-over-udp = TLS funciona solo sobre TCP (DTLS no está soportado)
reason-tls-cert-refused = el otro extremo no confía en este certificado ({ $alert }): un certificado autofirmado lo tiene que fijar o aceptar el cliente
reason-tls-ca-as-server = el certificado del servidor es de una autoridad (CA:TRUE, como los que hace "openssl req -x509"), que no sirve como certificado de servidor aunque se confíe en él: fije su huella (SHA-256 { $fingerprint }, --pin), o emita con él un certificado de servidor
tls-enable = TLS (cifrado)
tls-enable-hint = Hablar TLS sobre esta conexión TCP, como hacen HTTPS, IMAPS o MQTT sobre TLS
tls-cert-file = Certificado (PEM)
tls-key = Clave (PEM)
tls-handshake-timeout = Negociación en
tls-handshake-timeout-hint = Un cliente que no termina su negociación TLS en este tiempo se cierra, con una línea que lo dice (--handshake-timeout-ms).
tls-self-signed-hint = vacío: un certificado autofirmado
tls-trust = Confianza
tls-verify-system = Las raíces de confianza del sistema
tls-verify-pin = Solo este certificado (SHA-256 fijado)
tls-verify-insecure = Cualquier certificado (inseguro)
tls-ca = Archivo de CA (PEM)
tls-ca-hint = vacío: las raíces del sistema
tls-sni-hint = vacío: el host
tls-offer-pin = El certificado del servidor está autofirmado: SHA-256 { $fingerprint }
tls-offer-pin-button = Confiar en este certificado
notice-options = Opciones del socket en { $local }: { $list }
opt-item = { $name } { $value }
opt-item-granted = { $name } { $asked } (el sistema concedió { $granted })
opt-pair = { $first }; { $rest }
reason-no-such-interface = no hay ninguna interfaz de red "{ $name }" en esta máquina (tiene: { $known })
notice-responders = { $replies ->
    [one] 1 respuesta
   *[other] { $replies } respuestas
} de { $responders ->
    [one] 1 respondedor
   *[other] { $responders } respondedores
} a { $group } en { $ms } ms
notice-joined = Unido al grupo de multidifusión { $group }
notice-joined-on = Unido al grupo de multidifusión { $group } en { $interface }
notice-left = Salió del grupo de multidifusión { $group }
problem-not-multicast = no es un grupo de multidifusión (de 224.0.0.0 a 239.255.255.255, o ff00::/8)
problem-group-over-tcp = la multidifusión y la difusión son de UDP: TCP se conecta con un solo extremo
opt-title = Opciones del socket
opt-system-default = valor del sistema
opt-off = desactivado
opt-rcvbuf = Búfer de recepción (bytes)
opt-sndbuf = Búfer de envío (bytes)
opt-ttl = TTL (saltos)
opt-keepalive-idle = Keepalive tras (s)
opt-keepalive-interval = Keepalive cada (s)
opt-local = Enviar desde
opt-local-any = cualquier dirección (la elige el sistema)
opt-local-hint = La dirección local desde la que se envía: una de las de esta máquina
opt-nagle = Nagle (agrupar escrituras pequeñas)
opt-nagle-hint = Dejar TCP_NODELAY desactivado, para que el sistema pueda esperar y juntar escrituras pequeñas en un segmento
opt-linger-zero = Cerrar cortando (RST)
opt-linger-zero-hint = SO_LINGER 0: al cerrar se envía un RST en lugar de un FIN, y se descarta lo que aún no salió
opt-half-close = Cerrar el envío tras enviar
opt-half-close-hint = Cerrar el lado de envío tras cada mensaje (shutdown) y leer el resto de la respuesta: para quien responde al final
group-title = Difusión y multidifusión
group-join = Unirse a grupos
group-iface = En la interfaz
group-iface-hint = la elige el sistema
group-replies = Esperar respuestas
group-replies-all = todas hasta el tiempo límite
group-broadcast = Difusión (SO_BROADCAST)
group-broadcast-hint = Permitir enviar a una dirección de difusión, como 192.168.1.255
group-loopback = Oír nuestros propios mensajes al grupo
group-loopback-hint = IP_MULTICAST_LOOP: los respondedores de esta máquina oyen lo que enviamos al grupo
notice-relaying = Reenviando a { $to }{ $faults }
fault-none = { "" }
fault-list = , con fallos: { $list }
fault-latency = { $ms } ms de latencia añadida en cada sentido
fault-bandwidth = como mucho { $bytes } B/s en cada sentido
fault-drop = se descarta el { $percent } % de los datagramas
fault-cut = cada conexión se cierra tras { $bytes } B
fault-cut-reset = cada conexión se corta (RST) tras { $bytes } B
notice-relay-cut = El intermediario cerró la conexión n.º { $conn } tras { $bytes } B, como se le pidió (un fallo)
notice-relay-cut-reset = El intermediario cortó (RST) la conexión n.º { $conn } tras { $bytes } B, como se le pidió (un fallo)
notice-relay-dropped-out = El intermediario descartó este datagrama ({ $bytes } B) camino del servidor, como se le pidió (un fallo)
notice-relay-dropped-back = El intermediario descartó este datagrama ({ $bytes } B) de vuelta al cliente, como se le pidió (un fallo)
add-relay = + Intermediario
add-relay-hint = Añadir un intermediario: se pone entre los clientes y un servidor, reenvía en ambos sentidos, registra los dos tramos y puede inyectar fallos
relay-enable = Reenviar a otro servidor (en lugar de responder)
relay-enable-hint = Cada cliente que se conecta aquí recibe su propia conexión con el destino; la transcripción muestra los dos tramos
relay-to = Reenviar a
relay-no-fault = ninguno
relay-latency = Latencia añadida (ms)
relay-bandwidth = Ancho de banda máximo (B/s)
relay-cut-after = Cortar tras (bytes)
relay-drop = Descartar datagramas (%)
relay-cut-reset = Cortar con RST en lugar de cerrar
role-relay = Intermediario
code-tls-sni = El nombre que debe llevar el certificado (SNI)
code-tls-pin = La huella SHA-256 del certificado: solo se confía en ese certificado
code-tls-ca = Confiar en los certificados de este archivo en lugar de los del sistema
code-tls-make-cert = El certificado y la clave del servidor (PEM). Socket Tester hizo uno autofirmado al arrancar; haga el suyo con:
code-c-tls-client = TLS: comprobar el certificado del servidor y después cifrarlo todo (ssl.wrap_socket)
code-c-tls-pin-check = El certificado se compara más abajo con la huella fijada en lugar de con las raíces del sistema
code-c-tls-insecure = INSEGURO: se acepta cualquier certificado, así que alguien en medio podría hacerse pasar por el servidor
code-c-tls-server = TLS: el certificado que este servidor muestra a sus clientes
code-c-tls-handshake = La negociación TLS: el cliente comprueba nuestro certificado y después todo va cifrado
code-p-tls = TLS: { $version }, { $cipher }
code-p-tls-pin-mismatch = el certificado no es el fijado: su SHA-256 es { $got }
code-no-relay = Un intermediario aún no tiene aquí su programa en Python: el código se escribe para clientes y servidores de eco.
code-no-groups = Un servidor que se une a grupos de multidifusión aún no tiene aquí su programa en Python: sin el grupo no oiría nada.
editor-switch-escapes = Las secuencias de escape están activas: algunos de estos bytes no son ningún carácter en { $encoding }, así que se escriben como \xNN o \u{"{"}N{"}"}.
editor-switch-invalid = El mensaje se queda como está hasta que se pueda leer: { $problem }
editor-switch-utf16 = El mensaje se queda en texto: {"{"}counter{"}"}, {"{"}time{"}"} y {"{"}unix_ms{"}"} escriben UTF-16 en este texto pero un byte por cifra en hexadecimal, así que sus bytes cambiarían.
form-expect-locked-hint = La respuesta esperada y los ajustes de conexión valen desde la próxima conexión: desconecte (o espere a que termine) para cambiarlos.
form-fold = ▴ Plegar
form-fold-hint = Plegar el formulario en una línea, para dejar sitio a la transcripción (Editar lo vuelve a mostrar)
form-splitter = Cambiar el tamaño del formulario
form-splitter-hint = Arrastre para dar más sitio al formulario o a la transcripción (o enfóquelo y pulse ↑ ↓); doble clic para el tamaño inicial
form-edit = ▾ Editar
form-edit-hint = Mostrar el formulario entero
form-one-line-hint = Intro lo envía; ↑ y ↓ recorren los mensajes enviados antes. ▾ Editar muestra el editor entero.
form-summary-client = cliente { $protocol } → { $target }
form-summary-server = servidor { $protocol } en { $target }
form-summary-relay = intermediario { $protocol } en { $target }
view-reads = Lecturas
view-reads-hint = Una fila por lectura o datagrama, tal como los dio el socket (la lección de TCP: 16 + 16 + 1)
view-messages = Mensajes
view-messages-hint = Lecturas unidas por conexión y sentido hasta que habla el otro lado, una pausa o el entramado de la sesión: el texto entero, con el comienzo de cada lectura marcado │
view-gap-hint = Una pausa más larga que esta empieza un mensaje nuevo
messages-size = { $count ->
    [one] { $bytes } B en { $reads } lectura
   *[other] { $bytes } B en { $reads } lecturas
}
messages-more = Se muestran los primeros { $shown } { $shown ->
    [one] byte
   *[other] bytes
  }; Guardar… los conserva todos.
term-rtt = RTT (tiempo de ida y vuelta): desde el primer byte enviado hasta el último byte de su respuesta.
term-rst = RST (corte): un sistema corta la conexión en el acto y descarta lo que aún viajaba; indica que algo fue mal.
term-fin = FIN (fin): un lado dice que no enviará nada más; el otro aún puede enviar y luego cierra también.
term-syn = SYN (sincronizar): el primer segmento de una conexión TCP; el otro lado responde SYN-ACK y luego ACK.
