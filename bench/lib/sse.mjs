// A minimal PocketBase realtime (SSE) reader over a raw TCP socket: one HTTP/1.1 GET, a chunked
// decoder and an event splitter, nothing else. Thousands of these fit in one Node process, where
// one `eventsource` object (fetch + streams) each would cost far more CPU and memory than the
// server under test. Bytes are read as latin1 so string lengths are byte counts (chunk sizes)
// and ASCII markers are found as they are.
import net from 'node:net'

export const now = () => performance.timeOrigin + performance.now()

export class SseConn {
  /** time this process spent in the readers' data handlers (ms), for telling a saturated reader */
  static busyMs = 0

  /**
   * @param opts port, host, cookie, localAddress, onEvent(conn, name, data, t) for every event
   *             but PB_CONNECT, pauseAfterConnect (never read again after PB_CONNECT)
   */
  constructor(opts) {
    this.opts = opts
    this.clientId = null
    this.closed = false
    this.headerDone = false
    this.chunked = false
    this.raw = ''
    this.rem = 0 // data bytes left in the current chunk
    this.skip = 0 // CRLF bytes to skip after a chunk
    this.sse = ''
    this.status = 0
    this.bytes = 0
  }

  connect(timeoutMs = 30000) {
    const { port, host = '127.0.0.1', cookie, localAddress, headers = {} } = this.opts
    return new Promise((resolve, reject) => {
      this.resolveConnect = resolve
      const timer = setTimeout(() => {
        reject(new Error('no PB_CONNECT in time'))
        this.destroy()
      }, timeoutMs)
      this.rejectConnect = (err) => {
        clearTimeout(timer)
        reject(err)
      }
      this.onConnected = () => clearTimeout(timer)
      const sock = net.connect({ port, host, ...(localAddress ? { localAddress } : {}) })
      this.sock = sock
      sock.setNoDelay(true)
      sock.setEncoding('latin1')
      sock.on('connect', () => {
        let head = `GET /api/realtime HTTP/1.1\r\nHost: ${host}:${port}\r\nAccept: text/event-stream\r\nCache-Control: no-store\r\n`
        if (cookie) head += `Cookie: ${cookie}\r\n`
        for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`
        sock.write(head + '\r\n')
      })
      sock.on('data', (s) => this.onData(s))
      sock.on('error', (err) => {
        if (!this.clientId) this.rejectConnect(err)
      })
      sock.on('close', () => {
        this.closed = true
        if (!this.clientId) this.rejectConnect(new Error(`closed before PB_CONNECT (status ${this.status})`))
        this.opts.onClose?.(this)
      })
    })
  }

  onData(s) {
    const t = now()
    try {
      this.read(s, t)
    } finally {
      SseConn.busyMs += now() - t
    }
  }

  read(s, t) {
    this.bytes += s.length
    if (!this.headerDone) {
      this.raw += s
      const end = this.raw.indexOf('\r\n\r\n')
      if (end === -1) return
      const head = this.raw.slice(0, end)
      this.status = Number(/^HTTP\/1\.[01] (\d+)/.exec(head)?.[1] || 0)
      if (this.status !== 200) {
        this.rejectConnect(new Error(`SSE answered ${this.status}`))
        this.destroy()
        return
      }
      this.chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head)
      this.headerDone = true
      s = this.raw.slice(end + 4)
      this.raw = ''
    }
    if (this.chunked) this.dechunk(s, t)
    else this.feed(s, t)
  }

  dechunk(s, t) {
    this.raw = this.raw ? this.raw + s : s
    let pos = 0
    const raw = this.raw
    while (pos < raw.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, raw.length - pos)
        this.skip -= n
        pos += n
        continue
      }
      if (this.rem > 0) {
        const n = Math.min(this.rem, raw.length - pos)
        this.feed(raw.slice(pos, pos + n), t)
        this.rem -= n
        pos += n
        if (this.rem === 0) this.skip = 2
        continue
      }
      const eol = raw.indexOf('\r\n', pos)
      if (eol === -1) break
      const size = parseInt(raw.slice(pos, eol), 16)
      pos = eol + 2
      if (!(size > 0)) {
        // the last chunk: the server ended the stream
        this.destroy()
        return
      }
      this.rem = size
    }
    this.raw = raw.slice(pos)
  }

  feed(s, t) {
    this.sse = this.sse ? this.sse + s : s
    let i
    while ((i = this.sse.indexOf('\n\n')) !== -1) {
      const block = this.sse.slice(0, i)
      this.sse = this.sse.slice(i + 2)
      this.event(block, t)
    }
  }

  event(block, t) {
    let name = 'message'
    let data = ''
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6)
      else if (line.startsWith('data:')) data = data ? `${data}\n${line.slice(5)}` : line.slice(5)
    }
    if (name === 'PB_CONNECT' && !this.clientId) {
      this.clientId = /"clientId":"([^"]+)"/.exec(data)?.[1]
      this.onConnected()
      if (this.opts.pauseAfterConnect) this.sock.pause()
      this.resolveConnect(this.clientId)
      return
    }
    this.opts.onEvent?.(this, name, data, t)
  }

  destroy() {
    this.sock?.destroy()
  }
}

/** marker of a benchmark message: "bench k=<post number> t=<send time, ms since the epoch>" */
export const MARK = /k=(\d+) t=(\d+(?:\.\d+)?)/
