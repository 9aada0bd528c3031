// Debian's nginx in front of a started Hearth, as docs (README, "Behind nginx") tell operators to
// run it: its own temp prefix, pid and logs, a free port for http and one for https (a throwaway
// self-signed certificate), no daemon. `make test` installs nginx when /usr/sbin/nginx is missing.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { freePort } from './server.mjs'

export const NGINX = '/usr/sbin/nginx'

/** proxyLocations is the part operators copy (README, "Behind nginx"): Hearth's locations, for a server block */
export function proxyLocations(upstream) {
  const pass = `
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;`
  return `
    # live updates: no buffering, and a long read timeout for the open stream
    location = /api/realtime {${pass}
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
    }
    location / {${pass}
      client_max_body_size 6m;
    }`
}

function waitListening(port, ms = 5000) {
  const deadline = Date.now() + ms
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => { socket.destroy(); resolve() })
      socket.once('error', () => {
        socket.destroy()
        if (Date.now() > deadline) reject(new Error(`nginx is not listening on ${port}`))
        else setTimeout(attempt, 50)
      })
    }
    attempt()
  })
}

/**
 * startNginx proxies http://127.0.0.1:<port> and https://127.0.0.1:<tlsPort> to the server.
 * Returns { url, port, tlsUrl, tlsPort, stop(), errors() }.
 */
export async function startNginx(server) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-nginx-'))
  const [port, tlsPort] = [await freePort(), await freePort()]
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' })
  writeFileSync(join(dir, 'nginx.conf'), `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream hearth { server 127.0.0.1:${server.port}; keepalive 16; }
  server {
    listen 127.0.0.1:${port};
    ${proxyLocations('http://hearth')}
  }
  server {
    listen 127.0.0.1:${tlsPort} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    ${proxyLocations('http://hearth')}
  }
}
`)
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { out += d })
  try {
    await Promise.all([waitListening(port), waitListening(tlsPort)])
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${err.message}\n${out}`)
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tlsUrl: `https://127.0.0.1:${tlsPort}`,
    tlsPort,
    errors: () => { try { return readFileSync(join(dir, 'error.log'), 'utf8') } catch { return '' } },
    stop: () => new Promise((resolve) => {
      const done = () => { rmSync(dir, { recursive: true, force: true }); resolve() }
      if (child.exitCode !== null || child.signalCode !== null) return done()
      child.once('exit', done)
      child.kill('SIGTERM')
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 3000).unref()
    }),
  }
}
