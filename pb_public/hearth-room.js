// hearth-room: what a live room shows of the events pb_public/hearth-realtime.js follows.
//
// Each top-level element of an event's html replaces the element with its id (so a repeated event
// changes nothing) or joins the topic's element, where messages stay in data-number order; htmx does
// the swapping. The status line says whether the room is live, or offline once the connection has
// been down for a while (hearth:status on the document).
//
// The timeline (the messages' own scroll box) opens at the newest message and stays there while the
// reader is there; a reader who scrolled up keeps their place and is offered "New messages below".
// Scrolling near the top puts the older messages above without moving what is in view.
(function () {
  'use strict'

  var OFFLINE_AFTER_MS = 4000 // a reconnect quicker than this is not shown
  var NEAR_PX = 80 // this close to the bottom counts as at the bottom
  var OLDER_PX = 400 // this close to the top loads the older messages
  var offlineTimer = null
  var oldest = new WeakMap() // list -> data-number of the oldest message it was rendered with (0: none)
  var atBottom = new WeakMap() // timeline -> whether the reader is at the newest message
  var loading = new WeakSet() // timelines fetching their older messages

  document.addEventListener('hearth:event', function (e) {
    if (e.target.matches('.messages')) show(e.target, e.detail.html)
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
      Array.from(task.fragment.children).forEach(function (node) {
        if (node.id && document.getElementById(node.id)) node.remove()
      })
      // the reader's own post (a live event has no request): show it, wherever they were; the
      // swap is done by the next frame
      var timeline = task.target.closest('.timeline')
      if (timeline && e.detail.ctx.request) requestAnimationFrame(function () { toBottom(timeline) })
    })
  })

  // "Older messages" without JavaScript is a page of its own; here it puts them above.
  document.addEventListener('click', function (e) {
    var link = e.target.closest && e.target.closest('.timeline .older a')
    if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    loadOlder(link.closest('.timeline'))
  })

  // (the composer shows it too, where the person is typing: pb_public/hearth-composer.js)
  function setStatus(state) {
    var els = document.querySelectorAll('[data-live-status]')
    for (var i = 0; i < els.length; i++) els[i].setAttribute('data-live-status', state)
    document.dispatchEvent(new CustomEvent('hearth:status', { detail: { state: state } }))
  }

  // Screen readers hear each new message from someone else once, politely; never the history.
  function announce(nodes) {
    var announcer = document.getElementById('announcer')
    var me = document.body.getAttribute('data-user')
    if (!announcer) return
    var said = nodes.filter(function (n) {
      return n.classList.contains('message') && !n.classList.contains('removed') &&
        !document.getElementById(n.id) && n.getAttribute('data-author') !== me
    }).map(function (n) {
      var who = n.querySelector('.author-name')
      var body = n.querySelector('.body')
      return (who ? who.textContent.trim() : 'Someone') + ': ' + (body ? body.textContent.trim().slice(0, 200) : '')
    })
    if (said.length) announcer.textContent = said.slice(-3).join('. ')
  }

  function show(list, html) {
    var shown = list.querySelectorAll('.message:not(.removed)').length
    var template = document.createElement('template')
    template.innerHTML = html
    var nodes = Array.from(template.content.children).filter(function (node) {
      var signal = node.getAttribute('data-signal')
      // a person's new picture (or initials) replaces their face wherever the page shows it (ids are [a-z0-9])
      if (signal === 'picture') {
        document.querySelectorAll('img.avatar[src^="/avatars/' + node.getAttribute('data-person') + '"]').forEach(function (img) {
          img.src = node.getAttribute('data-src')
        })
      } else if (signal === 'typing') typing(list, node.getAttribute('data-person'), node.getAttribute('data-name'))
      else return true
    })
    nodes.forEach(function (node) { if (node.classList.contains('message')) typing(list, node.getAttribute('data-author'), null) })
    announce(nodes)
    // htmx.swap changes the DOM before it returns (no swap delay, no transitions): every element
    // is placed against what the ones before it left, and events apply in the order they came
    var swaps = nodes.map(function (node) { return place(list, node) })
    return Promise.all(swaps).then(function () {
      var empty = document.getElementById('empty')
      if (empty && list.querySelector('.message:not(.removed)')) empty.remove()
      document.dispatchEvent(new CustomEvent('hearth:applied'))
      // at the bottom the timeline follows by itself (follow); elsewhere the view stays put
      var timeline = list.closest('.timeline')
      var added = list.querySelectorAll('.message:not(.removed)').length > shown
      if (timeline && added && !atBottom.get(timeline)) newBelow(timeline).hidden = false
    })
  }

  // "Ana is typing…" under the messages: each signal shows for a few seconds, and a message from
  // that person ends it at once (name null).
  var TYPING_SHOWN_MS = 6000
  var typists = {} // person id -> { name, timer }
  function typing(list, person, name) {
    var line = list.closest('.room') && list.closest('.room').querySelector('.typing')
    if (!line || !person || (!name && !typists[person])) return
    if (typists[person]) clearTimeout(typists[person].timer)
    if (name) typists[person] = { name: name, timer: setTimeout(function () { typing(list, person, null) }, TYPING_SHOWN_MS) }
    else delete typists[person]
    var names = Object.keys(typists).map(function (id) { return typists[id].name })
    line.textContent = names.length === 0 ? '' : names.length === 1 ? names[0] + ' is typing…'
      : names.length === 2 ? names[0] + ' and ' + names[1] + ' are typing…' : 'Several people are typing…'
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

  // follow opens a timeline at its newest message (or at the message the address names) and keeps
  // it there whenever its content or its box changes size while the reader is at the bottom: a new
  // message, an edit, times localised, the composer growing, the window turning.
  function follow(timeline) {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)))
    var unread = document.getElementById('unread')
    // (#unread, where a room link leads, is a target too)
    if (target && timeline.contains(target)) scrolled(timeline)
    else if (unread && timeline.contains(unread) && unread.offsetTop > timeline.clientHeight / 2) {
      // the reader left off here: start at "New messages", unless it is already in view at the
      // bottom; a room too short to scroll is at its bottom there, and follows new messages
      timeline.scrollTop = unread.offsetTop - timeline.offsetTop - NEAR_PX
      scrolled(timeline)
    } else toBottom(timeline)
    timeline.addEventListener('scroll', function () { scrolled(timeline) }, { passive: true })
    var keep = new ResizeObserver(function () { if (atBottom.get(timeline)) toBottom(timeline) })
    keep.observe(timeline)
    Array.from(timeline.children).forEach(function (child) { keep.observe(child) })
    newBelow(timeline).addEventListener('click', function () {
      toBottom(timeline)
      timeline.focus({ preventScroll: true })
    })
    if (nearTop(timeline)) loadOlder(timeline)
  }

  function scrolled(timeline) {
    var bottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight <= NEAR_PX
    atBottom.set(timeline, bottom)
    if (bottom) newBelow(timeline).hidden = true
    if (nearTop(timeline)) loadOlder(timeline)
  }

  // (at the bottom by where it will be: the resize that follows new content has not come yet)
  function nearTop(timeline) {
    var top = atBottom.get(timeline) ? timeline.scrollHeight - timeline.clientHeight : timeline.scrollTop
    return top < OLDER_PX
  }

  function toBottom(timeline) {
    atBottom.set(timeline, true)
    timeline.scrollTop = timeline.scrollHeight
    newBelow(timeline).hidden = true
  }

  function newBelow(timeline) {
    return timeline.parentElement.querySelector('.new-below') || document.createElement('button')
  }

  // loadOlder asks the room page for the messages before the oldest shown (htmx's header makes it
  // answer them and the next "Older messages" link, without the page around them).
  function loadOlder(timeline) {
    var link = timeline.querySelector('.older a')
    if (!link || loading.has(timeline)) return
    loading.add(timeline)
    fetch(link.href, { headers: { 'HX-Request': 'true' }, credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error('older: ' + res.status)
        return res.text()
      })
      .then(function (html) {
        putAbove(timeline, link.closest('.older'), html)
        loading.delete(timeline)
        if (nearTop(timeline)) loadOlder(timeline) // still room above: the view is not full yet
      }, function () {
        loading.delete(timeline) // the link stays: scrolling or clicking it tries again
      })
  }

  function putAbove(timeline, older, html) {
    var list = timeline.querySelector('.messages')
    var template = document.createElement('template')
    template.innerHTML = html
    var next = template.content.querySelector('.older')
    var items = Array.from(template.content.querySelectorAll('.message')).filter(function (item) {
      return !document.getElementById(item.id)
    })
    // what the reader sees stays where it is: the distance from the bottom does not change
    var fromBottom = timeline.scrollHeight - timeline.scrollTop
    if (next) older.replaceWith(next)
    else older.remove()
    list.prepend.apply(list, items)
    htmx.process(list)
    document.dispatchEvent(new CustomEvent('hearth:older-shown'))
    if (!atBottom.get(timeline)) timeline.scrollTop = timeline.scrollHeight - fromBottom
  }

  // (deferred: the page is parsed, and nothing has been added to it yet)
  document.querySelectorAll('[data-topic]').forEach(oldestShown)
  document.querySelectorAll('.timeline').forEach(follow)
  // on a desktop the composer takes the keys at once; a phone would open its keyboard over the room
  // (the width is the phone layout's, pb_public/hearth.css)
  var box = document.querySelector('form.composer textarea')
  var desktop = matchMedia('(hover: hover) and (pointer: fine) and (min-width: 48.0625rem)').matches
  // A message's own address keeps the focus off the box; #unread, where a room link leads, does
  // not, but the browser's own move to that line (after the page loads) takes the focus away
  // again, so the box takes it back then.
  if (box && !location.hash && desktop) box.focus({ preventScroll: true })
  if (box && location.hash === '#unread' && desktop) {
    addEventListener('load', function () { requestAnimationFrame(function () { box.focus({ preventScroll: true }) }) })
  }
})()
