// hearth-unread: the counts of new messages beside my rooms, kept current from my own topic ("me",
// pb_public/hearth-realtime.js follows it), and my read position in the room on screen: moved
// forward, a few seconds at a time, as messages arrive while the tab is seen. A hidden tab's title
// counts what came meanwhile.
(function () {
  'use strict'

  var READ_AFTER_MS = 1500
  var me = document.body.getAttribute('data-user')
  var title = document.title
  var unseen = 0 // messages that came while the tab was hidden
  var latest = 0 // the newest message number the room on screen has shown
  var toRead = 0 // read up to here, not yet told to the server
  var timer = null
  var live = false // told nothing while the connection is down: the server may be too

  document.addEventListener('hearth:event', function (e) {
    var template = document.createElement('template')
    template.innerHTML = e.detail.html
    var nodes = template.content.children
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i]
      if (e.detail.topic === 'me') signal(node)
      else if (node.classList.contains('message')) arrived(node)
    }
  })

  document.addEventListener('hearth:connection', function (e) {
    live = e.detail.state === 'live'
    read()
  })

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) return
    unseen = 0
    document.title = title
    read()
  })

  // a message in the room on screen
  function arrived(node) {
    var number = Number(node.getAttribute('data-number'))
    if (!number || number <= latest) return // an edit, or one already shown
    latest = number
    if (node.getAttribute('data-author') === me) return
    toRead = number
    if (document.hidden) count()
    else read()
  }

  function read() {
    var list = document.querySelector('.messages[data-catch-up]')
    if (!toRead || !list || timer || document.hidden || !live) return
    timer = setTimeout(function () {
      timer = null
      if (!live) return // kept in toRead until the connection is back
      var number = toRead
      toRead = 0
      fetch(list.getAttribute('data-catch-up').replace(/\/events$/, '/read'), {
        method: 'POST', credentials: 'same-origin', body: new URLSearchParams({ number: String(number) }),
      }).catch(function () { toRead = Math.max(toRead, number) }) // told with the next one
    }, READ_AFTER_MS)
  }

  function count() {
    unseen++
    document.title = '(' + unseen + ') ' + title
  }

  // what my own topic says: a message came in one of my rooms, or I read one somewhere
  function signal(node) {
    var room = node.getAttribute('data-room')
    var here = document.querySelector('.room[data-room="' + room + '"] .messages[data-catch-up]')
    var kind = node.getAttribute('data-signal')
    if (kind === 'activity' && here) return
    if (kind === 'activity' && node.getAttribute('data-author') === me) return
    var marks = document.querySelectorAll('[data-room="' + room + '"] .unread')
    for (var i = 0; i < marks.length; i++) {
      var mark = marks[i]
      var last = Number(mark.getAttribute('data-last'))
      var n = Number(mark.getAttribute('data-count'))
      if (kind === 'activity') {
        var number = Number(node.getAttribute('data-number'))
        if (number <= last) continue
        mark.setAttribute('data-last', number)
        n++
        if ((' ' + node.getAttribute('data-mentions') + ' ').indexOf(' ' + me + ' ') >= 0) mark.querySelector('.mention-mark').hidden = false
        if (i === 0 && document.hidden) count()
      } else if (kind === 'read') {
        var upTo = Number(node.getAttribute('data-read'))
        mark.setAttribute('data-read', upTo)
        n = Math.max(0, last - upTo)
        if (!n) mark.querySelector('.mention-mark').hidden = true
      }
      mark.setAttribute('data-count', n)
      mark.querySelector('.unread-number').textContent = n >= 100 ? '99+' : n
      mark.hidden = !n
    }
  }

  var shown = document.querySelectorAll('.messages[data-catch-up] .message[data-number]')
  if (shown.length) latest = Number(shown[shown.length - 1].getAttribute('data-number'))
})()
