// hearth-room: what a live room shows of the events pb_public/hearth-realtime.js follows.
//
// Each top-level element of an event's html replaces the element with its id (so a repeated event
// changes nothing) or joins the topic's element, where messages stay in data-number order; htmx does
// the swapping. The status line says whether the room is live, and the composer is locked while
// the connection has been down for a while.
(function () {
  'use strict'

  var OFFLINE_AFTER_MS = 4000 // a reconnect quicker than this is not shown
  var offlineTimer = null
  var oldest = new WeakMap() // list -> data-number of the oldest message it was rendered with (0: none)

  document.addEventListener('hearth:event', function (e) {
    show(e.target, e.detail.html)
  })

  document.addEventListener('hearth:connection', function (e) {
    if (e.detail.state === 'live') {
      clearTimeout(offlineTimer)
      offlineTimer = null
      setStatus('live')
    } else if (!offlineTimer) {
      offlineTimer = setTimeout(function () { setStatus('offline') }, OFFLINE_AFTER_MS)
    }
  })

  // The composer's own answer and the live event may both bring a new message, in either order:
  // the live event replaces a copy already shown, and the answer's copy of one already shown is left out.
  document.addEventListener('htmx:before:swap', function (e) {
    e.detail.tasks.forEach(function (task) {
      if (!(task.target instanceof Element) || !task.target.matches('[data-topic]')) return
      Array.prototype.slice.call(task.fragment.children).forEach(function (node) {
        if (node.id && document.getElementById(node.id)) node.remove()
      })
    })
  })

  function setStatus(state) {
    var els = document.querySelectorAll('[data-live-status]')
    for (var i = 0; i < els.length; i++) els[i].setAttribute('data-live-status', state)
    var offline = state === 'offline'
    // the box stays open (nothing typed is lost); Send waits for the connection
    var sends = document.querySelectorAll('form.composer:not([data-closed]) button')
    for (var j = 0; j < sends.length; j++) sends[j].disabled = offline
  }

  function show(list, html) {
    var stick = nearBottom()
    var template = document.createElement('template')
    template.innerHTML = html
    var nodes = Array.prototype.slice.call(template.content.children)
    // htmx.swap changes the DOM before it returns (no swap delay, no transitions): every element
    // is placed against what the ones before it left, and events apply in the order they came
    var swaps = nodes.map(function (node) { return place(list, node) })
    return Promise.all(swaps).then(function () {
      var empty = document.getElementById('empty')
      if (empty && list.querySelector('.message:not(.removed)')) empty.remove()
      document.dispatchEvent(new CustomEvent('hearth:applied'))
      if (stick) window.scrollTo(0, document.body.scrollHeight)
    })
  }

  function place(list, node) {
    var existing = node.id && document.getElementById(node.id)
    if (existing) return swap(list, node, existing, 'outerHTML')
    if (isOutOfView(list, node)) return
    var next = placeFor(list, node)
    return next ? swap(list, node, next, 'beforebegin') : swap(list, node, list, 'beforeend')
  }

  function swap(list, node, target, style) {
    return htmx.swap({ text: node.outerHTML, target: target, swap: style, sourceElement: list })
  }

  // An edit or delete of a message older than the page shows (or already gone) has nothing to
  // change. The page's start is where it was rendered: a message posted since may come in after a
  // newer one (its own post replayed as a placeholder, then its edit) and is still shown.
  function isOutOfView(list, node) {
    if (node.classList.contains('removed')) return true
    var number = Number(node.getAttribute('data-number'))
    return !!number && number < oldestShown(list)
  }

  function oldestShown(list) {
    if (!oldest.has(list)) {
      var first = list.querySelector('[data-number]')
      oldest.set(list, first ? Number(first.getAttribute('data-number')) : 0)
    }
    return oldest.get(list)
  }

  // Messages stay in the order they were posted (data-number), whatever order their events came in.
  function placeFor(list, node) {
    var number = Number(node.getAttribute('data-number'))
    if (!number) return null
    for (var child = list.lastElementChild; child; child = child.previousElementSibling) {
      var other = Number(child.getAttribute('data-number'))
      if (other && other < number) return child.nextElementSibling
    }
    return list.firstElementChild
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80
  }

  // (deferred: the page is parsed, and nothing has been added to it yet)
  document.querySelectorAll('[data-topic]').forEach(oldestShown)
})()
