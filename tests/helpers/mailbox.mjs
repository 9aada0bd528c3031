// A tiny SMTP server on 127.0.0.1 that keeps what PocketBase sends, so tests can read the
// links (and tokens) in real emails. It speaks just enough SMTP for PocketBase's mailer.
import { createServer } from 'node:net'

export async function startMailbox() {
  const messages = []
  const waiters = []
  const sockets = new Set()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.setEncoding('utf8')
    let buffer = ''
    let inData = false
    socket.write('220 localhost ESMTP test mailbox\r\n')
    socket.on('data', (chunk) => {
      buffer += chunk
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end === -1) return
          const message = buffer.slice(0, end)
          buffer = buffer.slice(end + 5)
          inData = false
          messages.push(message)
          for (const resolve of waiters.splice(0)) resolve(message)
          socket.write('250 OK\r\n')
          continue
        }
        const eol = buffer.indexOf('\r\n')
        if (eol === -1) return
        const verb = buffer.slice(0, 4).toUpperCase()
        buffer = buffer.slice(eol + 2)
        if (verb === 'EHLO') socket.write('250-localhost\r\n250 8BITMIME\r\n')
        else if (verb === 'DATA') {
          inData = true
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n')
        } else if (verb === 'QUIT') {
          socket.write('221 Bye\r\n')
          socket.end()
        } else socket.write('250 OK\r\n')
      }
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    messages,
    /** the next message to arrive, or a rejection after ms */
    next(ms = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no email arrived within ${ms} ms`)), ms)
        waiters.push((m) => {
          clearTimeout(timer)
          resolve(m)
        })
      })
    },
    close() {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

/** decodeQuotedPrintable undoes the soft line breaks and =XX escapes of an email body. */
export function decodeQuotedPrintable(text) {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
}
