// hearth-realtime: Hearth's htmx extension for live rooms over PocketBase's SSE.
//
// Markup declares what to follow: an element with data-topic="rooms/<id>", data-position="<n>"
// and data-event="<id>" (the room's last event, position and id, when the page was rendered) and
// data-catch-up="<url>". The id matters after a restore: the server compares it with the event it
// now has at that position, and a browser whose history is not the server's reloads the room.
// One EventSource per tab. On every PB_CONNECT the tab subscribes through Hearth's own route
// (which reads the session cookie and authorizes each topic), then replays what it missed.
// Events are JSON {html, seq, id}: each top-level element of html replaces the element with its id,
// or is appended to the topic's element; a repeated or old event changes nothing.
(function () {
  'use strict'

  var OFFLINE_AFTER_MS = 4000 // a reconnect quicker than this is not shown
  var rooms = {} // topic -> { topic, el, position, catchUp, busy, waiting: [], retryDelay }
  var source = null
  var clientId = null
  var state = 'connecting'
  var offlineTimer = null
  var retryDelay = 1000

  function setState(next) {
    state = next
    var els = document.querySelectorAll('[data-live-status]')
    for (var i = 0; i < els.length; i++) els[i].setAttribute('data-live-status', next)
    var offline = next === 'offline'
    var composers = document.querySelectorAll('form.composer textarea, form.composer button')
    for (var j = 0; j < composers.length; j++) composers[j].disabled = offline
  }

  function scan() {
    var found = {}
    var changed = false
    var els = document.querySelectorAll('[data-topic]')
    for (var i = 0; i < els.length; i++) {
      var el = els[i]
      var topic = el.getAttribute('data-topic')
      found[topic] = true
      if (!rooms[topic] || rooms[topic].el !== el) {
        rooms[topic] = {
          topic: topic,
          el: el,
          position: Number(el.getAttribute('data-position') || 0),
          eventId: el.getAttribute('data-event') || '',
          catchUp: el.getAttribute('data-catch-up'),
          busy: false,
          waiting: [],
        }
        changed = true
        keepFirst(el)
        if (source) listen(topic)
      }
    }
    for (var t in rooms) {
      if (!found[t]) {
        delete rooms[t]
        changed = true
      }
    }
    if (!Object.keys(rooms).length) return close()
    if (!source) open()
    else if (changed && clientId) subscribe()
  }

  function listen(topic) {
    source.addEventListener(topic, function (e) {
      var room = rooms[topic]
      if (room) receive(room, JSON.parse(e.data))
    })
  }

  function open() {
    source = new EventSource('/api/realtime')
    for (var topic in rooms) listen(topic)
    source.addEventListener('PB_CONNECT', function (e) {
      clientId = JSON.parse(e.data).clientId
      retryDelay = 1000
      subscribe()
    })
    source.onerror = function () {
      clientId = null
      if (!offlineTimer) offlineTimer = setTimeout(function () { setState('offline') }, OFFLINE_AFTER_MS)
      if (source.readyState === EventSource.CLOSED) {
        // the browser gave up (the server answered with an error): retry ourselves, backing off
        source = null
        setTimeout(function () { if (!source && Object.keys(rooms).length) open() }, retryDelay)
        retryDelay = Math.min(retryDelay * 2, 15000)
      }
    }
  }

  function close() {
    if (source) source.close()
    source = null
    clientId = null
  }

  function subscribe() {
    var id = clientId
    var body = new URLSearchParams({ clientId: id, topics: Object.keys(rooms).join(' ') })
    fetch('/realtime/subscriptions', { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (res) {
        if (id !== clientId) return
        if (res.status === 401 || res.status === 403) return location.reload() // signed out, or removed from a room
        if (!res.ok) throw new Error('subscribe failed: ' + res.status)
        clearTimeout(offlineTimer)
        offlineTimer = null
        setState('live')
        for (var topic in rooms) catchUp(rooms[topic])
      })
      .catch(function () {
        if (!offlineTimer) offlineTimer = setTimeout(function () { setState('offline') }, OFFLINE_AFTER_MS)
        // only this request failed, the connection may be fine (and stays unsubscribed): ask again
        if (id !== clientId) return
        setTimeout(function () { if (id === clientId) subscribe() }, retryDelay)
        retryDelay = Math.min(retryDelay * 2, 15000)
      })
  }

  function receive(room, event) {
    if (!event.seq) return apply(room, event.html)
    if (room.busy) return room.waiting.push(event)
    if (event.seq <= room.position) return
    if (event.seq === room.position + 1) {
      advance(room, event)
      return
    }
    // a gap: something was missed; fetch it, then this event
    room.waiting.push(event)
    catchUp(room)
  }

  function catchUp(room) {
    if (room.busy || !room.catchUp) return
    room.busy = true
    var query = '?after=' + room.position + '&event=' + encodeURIComponent(room.eventId)
    fetch(room.catchUp + query, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw Object.assign(new Error('catch-up failed: ' + res.status), { status: res.status })
        return res.json()
      })
      .then(function (data) {
        if (data.reload) return location.reload()
        for (var i = 0; i < data.events.length; i++) {
          if (data.events[i].seq > room.position) advance(room, data.events[i])
        }
        room.busy = false
        room.retryDelay = 0
        var waiting = room.waiting.sort(function (a, b) { return a.seq - b.seq })
        room.waiting = []
        for (var j = 0; j < waiting.length; j++) {
          // anything still ahead of us after the replay is applied in order
          if (waiting[j].seq > room.position) advance(room, waiting[j])
        }
      })
      .catch(function (err) {
        room.busy = false
        // the room is gone or closed to us (a replaced database, a removal): show what is true now
        if (err.status && err.status < 500 && err.status !== 429) return location.reload()
        // a network error or a server error (a restart): try again, or the missed events stay
        // missing until the next live event shows the gap
        room.retryDelay = Math.min((room.retryDelay || 500) * 2, 15000)
        setTimeout(function () { if (rooms[room.topic] === room) catchUp(room) }, room.retryDelay)
      })
  }

  function advance(room, event) {
    apply(room, event.html)
    room.position = event.seq
    room.eventId = event.id || ''
  }

  function apply(room, html) {
    var stick = nearBottom()
    var template = document.createElement('template')
    template.innerHTML = html
    var nodes = Array.prototype.slice.call(template.content.children)
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i]
      var existing = node.id && document.getElementById(node.id)
      if (existing) existing.replaceWith(node)
      else if (isOutOfView(room.el, node)) continue
      else room.el.insertBefore(node, placeFor(room.el, node))
      if (window.htmx) htmx.process(node)
    }
    var empty = document.getElementById('empty')
    if (empty && room.el.querySelector('.message:not(.removed)')) empty.remove()
    document.dispatchEvent(new CustomEvent('hearth:applied'))
    if (stick) window.scrollTo(0, document.body.scrollHeight)
  }

  // An edit or delete of a message older than the ones shown (or already gone) has nothing to change.
  function isOutOfView(container, node) {
    if (node.classList.contains('removed')) return true
    var seq = Number(node.getAttribute('data-seq'))
    var first = container.querySelector('[data-seq]')
    return !!(seq && first && seq < Number(first.getAttribute('data-seq')))
  }

  // Messages stay in the order they were posted (data-seq), whatever order their events came in.
  function placeFor(container, node) {
    var seq = Number(node.getAttribute('data-seq'))
    if (!seq) return null
    for (var child = container.lastElementChild; child; child = child.previousElementSibling) {
      var other = Number(child.getAttribute('data-seq'))
      if (other && other < seq) return child.nextElementSibling
    }
    return container.firstElementChild
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80
  }

  // The composer's own response and the live event may both bring a new message, in either order
  // (htmx inserts <hx-partial> content after its swap events): whichever arrives second is dropped.
  function keepFirst(container) {
    new MutationObserver(function (changes) {
      for (var i = 0; i < changes.length; i++) {
        var added = changes[i].addedNodes
        for (var j = 0; j < added.length; j++) {
          var node = added[j]
          if (node.nodeType !== 1 || !node.id || !node.isConnected) continue
          var copies = container.querySelectorAll('[id="' + node.id + '"]')
          for (var k = 0; k < copies.length; k++) if (copies[k] !== node) { node.remove(); break }
        }
      }
    }).observe(container, { childList: true })
  }

  function start() {
    scan()
    setState(Object.keys(rooms).length ? 'connecting' : state)
  }

  if (window.htmx && htmx.registerExtension) {
    htmx.registerExtension('hearth-realtime', {
      htmx_after_swap: function () {
        scan()
      },
    })
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
})()
