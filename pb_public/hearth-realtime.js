// hearth-realtime: Hearth's htmx extension that follows live rooms over PocketBase's SSE and tells
// the page what happened in them. What a room shows of it is pb_public/hearth-room.js.
//
// Markup declares what to follow: an element with data-topic="rooms/<id>", data-position="<n>"
// and data-event="<id>" (the room's last event, position and id, when the page was rendered) and
// data-catch-up="<url>". The id matters after a restore: the server compares it with the event it
// now has at that position, and a browser whose history is not the server's reloads the room.
// One EventSource per tab. On every PB_CONNECT the tab subscribes through Hearth's own route
// (which reads the session cookie and authorizes each topic), then replays what it missed.
//
// It tells the page with DOM events (they bubble):
// - hearth:event on the topic's element, once per room event and in position order, with detail
//   {topic, seq, id, html}; html is '' for an event whose text was edited or deleted since.
// - hearth:connection on document, with detail {state: 'live'} once subscribed and
//   {state: 'lost'} when the connection or the subscription failed.
(function () {
  'use strict'

  var followed = {} // topic -> { topic, el, position, eventId, catchUp, busy, waiting: [], retry }
  var source = null
  var clientId = null
  var reconnect = backoff()

  // A retry is run later each time it fails again: 1 s, 2 s, ... up to 15 s, until reset.
  function backoff() {
    var delay = 1000
    return {
      later: function (retry) {
        setTimeout(retry, delay)
        delay = Math.min(delay * 2, 15000)
      },
      reset: function () {
        delay = 1000
      },
    }
  }

  function tell(target, name, detail) {
    target.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: detail }))
  }

  function scan() {
    var found = {}
    var changed = false
    var els = document.querySelectorAll('[data-topic]')
    for (var i = 0; i < els.length; i++) {
      var el = els[i]
      var topic = el.getAttribute('data-topic')
      found[topic] = true
      if (!followed[topic] || followed[topic].el !== el) {
        followed[topic] = {
          topic: topic,
          el: el,
          position: Number(el.getAttribute('data-position') || 0),
          eventId: el.getAttribute('data-event') || '',
          catchUp: el.getAttribute('data-catch-up'),
          busy: false,
          waiting: [],
          retry: backoff(),
        }
        changed = true
        if (source) listen(topic)
      }
    }
    for (var t in followed) {
      if (!found[t]) {
        delete followed[t]
        changed = true
      }
    }
    if (!Object.keys(followed).length) return close()
    if (!source) open()
    else if (changed && clientId) subscribe()
  }

  function listen(topic) {
    source.addEventListener(topic, function (e) {
      var room = followed[topic]
      if (room) receive(room, JSON.parse(e.data))
    })
  }

  function open() {
    source = new EventSource('/api/realtime')
    for (var topic in followed) listen(topic)
    source.addEventListener('PB_CONNECT', function (e) {
      clientId = JSON.parse(e.data).clientId
      reconnect.reset()
      subscribe()
    })
    source.onerror = function () {
      clientId = null
      tell(document, 'hearth:connection', { state: 'lost' })
      if (source.readyState === EventSource.CLOSED) {
        // the browser gave up (the server answered with an error): retry ourselves
        source = null
        reconnect.later(function () { if (!source && Object.keys(followed).length) open() })
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
    var body = new URLSearchParams({ clientId: id, topics: Object.keys(followed).join(' ') })
    fetch('/realtime/subscriptions', { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (res) {
        if (id !== clientId) return
        if (res.status === 401 || res.status === 403) return location.reload() // signed out, or removed from a room
        if (!res.ok) throw new Error('subscribe: ' + res.status)
        tell(document, 'hearth:connection', { state: 'live' })
        for (var topic in followed) catchUp(followed[topic])
      })
      .catch(function () {
        tell(document, 'hearth:connection', { state: 'lost' })
        // only this request failed, the connection may be fine (and stays unsubscribed): ask again
        if (id === clientId) reconnect.later(function () { if (id === clientId) subscribe() })
      })
  }

  function receive(room, event) {
    if (!event.seq) return tell(room.el, 'hearth:event', detailOf(room, event))
    if (room.busy) return room.waiting.push(event)
    if (event.seq <= room.position) return
    if (event.seq === room.position + 1) return advance(room, event)
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
        if (!res.ok) throw Object.assign(new Error('catch-up: ' + res.status), { status: res.status })
        return res.json()
      })
      .then(function (data) {
        if (data.reload) return location.reload()
        for (var i = 0; i < data.events.length; i++) {
          if (data.events[i].seq > room.position) advance(room, data.events[i])
        }
        room.busy = false
        room.retry.reset()
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
        room.retry.later(function () { if (followed[room.topic] === room) catchUp(room) })
      })
  }

  function advance(room, event) {
    room.position = event.seq
    room.eventId = event.id || ''
    tell(room.el, 'hearth:event', detailOf(room, event))
  }

  function detailOf(room, event) {
    return { topic: room.topic, seq: event.seq || 0, id: event.id || '', html: event.html || '' }
  }

  if (window.htmx && htmx.registerExtension) {
    htmx.registerExtension('hearth-realtime', {
      htmx_after_swap: function () {
        scan()
      },
    })
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan)
  else scan()
})()
