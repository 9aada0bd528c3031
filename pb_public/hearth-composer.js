// hearth-composer: the composer never loses what someone typed. (Without JavaScript the form posts
// and the server keeps the text on every refusal; this is what a script adds on top of htmx.)
//  - Keys typed while a message is on its way stay: the answer brings a fresh form (a new one-time
//    token), and the box gets back whatever was typed after the sent text, caret and focus kept.
//  - A second Send while one is on its way waits for it (it needs the fresh token) instead of
//    being dropped, then sends what is in the box.
//  - A refusal (422, 429, 403, logged out), a server error or no connection keeps the text, with
//    the reason beside the box, and a Send that was waiting does not go on its own; only the
//    server's own composer answer replaces the form.
//  - A draft is kept per room in this browser, across reloads and reconnects.
//  - Near the length limit the box says how much is left, and how much over.
//  - Offline for a while (hearth:status from pb_public/hearth-room.js), the composer says so and
//    Send is disabled until the connection is back; the box stays open.
//  - Removed from the room while it is open, the composer stops and says why.
//  - Up in an empty box edits my last message; Escape leaves the edit form.
//  - Typing @ and the start of a name offers the room's members; the box keeps the focus and the
//    text, and without the offer typing the whole @username works the same.
(function () {
  'use strict'

  var COUNT_FROM = 200 // characters before the limit when the count appears
  var inFlight = null // { ctx, form, sent, refused } while a message is on its way (ctx: htmx's request)
  var resends = [] // each Send pressed while one was on its way: how much of the box it meant, in order
  var typed = null // { value, start, end, focused } just before the composer is replaced
  var offline = false // the room's connection has been down for a while

  function composerOf(el) {
    return el && el.closest ? el.closest('form.composer') : null
  }

  function box(form) {
    return form && form.querySelector('textarea[name="body"]')
  }

  function draftKey(form) {
    return 'hearth:draft:' + form.getAttribute('action')
  }

  function saveDraft(form) {
    try {
      var value = box(form).value
      if (value) localStorage.setItem(draftKey(form), value)
      else localStorage.removeItem(draftKey(form))
    } catch (e) {
      // storage full or blocked: the box still holds the text
    }
  }

  // (the note and the count are the page's own, so their live regions are there from the start)
  function say(form, text) {
    var note = form.querySelector('.composer-note')
    if (!note) return
    note.textContent = text
    note.hidden = !text
  }

  function count(form) {
    var b = box(form)
    var max = Number(b && b.getAttribute('data-max'))
    var counter = form.querySelector('.composer-count')
    if (!max || !counter) return
    var left = max - b.value.length
    counter.hidden = left > COUNT_FROM
    counter.textContent = left >= 0 ? left + ' left' : -left + ' over the limit of ' + max
    counter.classList.toggle('over', left < 0)
  }

  function setUp(form) {
    var b = box(form)
    if (!b || form.hasAttribute('data-composer')) return
    form.setAttribute('data-composer', '')
    if (!b.value) {
      try {
        b.value = localStorage.getItem(draftKey(form)) || ''
        // left while a post was on its way: its token comes back with it, so sending the same
        // text again is that post (the server answers with it), not a second one
        var token = b.value && localStorage.getItem(draftKey(form) + '#')
        if (token) form.elements.nonce.value = token
      } catch (e) {
        // no storage: nothing to restore
      }
    }
    count(form)
    showOffline(form)
  }

  // The box stays open (nothing typed is lost); Send waits for the connection.
  function showOffline(form) {
    if (form.hasAttribute('data-closed')) return
    var send = form.querySelector('button[type=submit]')
    if (send) send.disabled = offline
    // (the page's own note, so the words are the server's and the status region is there from the start)
    var note = form.querySelector('.composer-offline')
    if (!note) return
    note.textContent = offline ? note.getAttribute('data-says') : ''
    note.hidden = !offline
  }

  function scan() {
    var forms = document.querySelectorAll('form.composer')
    for (var i = 0; i < forms.length; i++) setUp(forms[i])
  }

  // A Send while one is on its way waits for it (the form's one-time token must change first).
  document.addEventListener('submit', function (e) {
    var form = composerOf(e.target)
    if (!form || !inFlight) return
    e.preventDefault()
    e.stopImmediatePropagation()
    resends.push(box(form).value.length)
    say(form, 'Sending… the next goes once this one has.')
  }, true)

  document.addEventListener('input', function (e) {
    var form = composerOf(e.target)
    if (!form) return
    saveDraft(form)
    count(form)
    typing(form)
  })

  // The others see "… is typing" (pb_public/hearth-room.js): one signal every few seconds at most.
  var TYPING_EVERY_MS = 3000
  var typingSent = 0
  function typing(form) {
    if (!box(form).value.trim() || Date.now() - typingSent < TYPING_EVERY_MS) return
    typingSent = Date.now()
    fetch(form.getAttribute('action').replace(/\/messages$/, '/typing'), { method: 'POST', credentials: 'same-origin' })
      .catch(function () {}) // a lost signal is only a missed "typing…"
  }

  document.addEventListener('htmx:before:request', function (e) {
    var form = composerOf(e.detail.ctx.sourceElement)
    if (!form) return
    var body = e.detail.ctx.request.body
    inFlight = { ctx: e.detail.ctx, form: form, sent: body && body.get ? String(body.get('body') || '') : box(form).value }
    say(form, '')
    try {
      localStorage.setItem(draftKey(form) + '#', form.elements.nonce.value)
    } catch (err) {
      // no storage: no draft to come back with either
    }
  })

  document.addEventListener('htmx:before:swap', function (e) {
    var ctx = e.detail.ctx
    if (!inFlight || ctx !== inFlight.ctx) return
    var form = inFlight.form
    var b = box(form)
    typed = { value: b.value, start: b.selectionStart, end: b.selectionEnd, focused: document.activeElement === b }
    // only the server's own composer may replace the form: an error page would take the text with it
    if (!/<form[^>]*\bid="composer"/.test(ctx.text || '')) {
      e.preventDefault()
      typed = null
      inFlight.refused = true
      say(form, 'Not sent. ' + hearthRefusal(ctx, true) + ' Your text is kept.')
    }
  })

  document.addEventListener('htmx:after:swap', function (e) {
    // (live events swap too, and may land between this request's before:swap and after:swap)
    if (!typed || !inFlight || e.detail.ctx !== inFlight.ctx) return
    var ok = e.detail.ctx.response && e.detail.ctx.response.status < 400
    var sent = inFlight.sent
    var form = document.querySelector('form.composer')
    var b = box(form)
    if (!b) return
    var value = typed.value
    // sent: what was typed after the sent text stays; refused: everything stays, beside the reason
    if (ok && value.indexOf(sent) === 0) value = value.slice(sent.length).replace(/^\n/, '')
    var moved = typed.value.length - value.length
    b.value = value
    if (typed.focused || document.activeElement === document.body) {
      b.focus()
      b.setSelectionRange(Math.max(0, typed.start - moved), Math.max(0, typed.end - moved))
    }
    typed = null
    saveDraft(form)
    count(form)
  })

  document.addEventListener('htmx:finally:request', function (e) {
    if (!inFlight || e.detail.ctx !== inFlight.ctx) return
    var form = inFlight.form
    var response = e.detail.ctx.response
    if (!response) say(form, 'Not sent. ' + hearthRefusal(e.detail.ctx) + ' Your text is kept.')
    var delivered = response && response.status < 400 && !inFlight.refused
    var inFlightSent = delivered ? inFlight.sent.length : 0
    inFlight = null
    scan()
    var current = document.querySelector('form.composer')
    // what has gone since each waiting Send was pressed comes off the front of the box
    var queued = resends.map(function (upTo) { return Math.max(0, upTo - (inFlightSent || 0)) })
    resends = []
    // after a refusal the next message does not go on its own: it would go run together with the
    // refused one, which is still in the box; the person reads the reason and sends again
    if (!queued.length || !current || !delivered) return
    // send what the box held when the first waiting Send was pressed; keep what came after, and the
    // later Sends wait for this one in turn (each Enter is one message, however many came meanwhile)
    var b = box(current)
    var all = b.value
    var cut = queued.shift()
    resends = queued
    var message = all.slice(0, cut)
    if (!message.trim()) return
    say(current, '')
    b.value = message
    current.requestSubmit()
    b.value = all
  })

  document.addEventListener('hearth:status', function (e) {
    offline = e.detail.state === 'offline'
    var forms = document.querySelectorAll('form.composer')
    for (var i = 0; i < forms.length; i++) showOffline(forms[i])
  })

  // Removed from the room while it is open: say so (the notice arrives as a live event) and stop
  // the composer, keeping whatever is in the box.
  document.addEventListener('hearth:event', function (e) {
    if (!/data-room-closed/.test(e.detail.html || '')) return
    var form = document.querySelector('form.composer')
    if (!form) return
    box(form).readOnly = true
    var send = form.querySelector('button')
    if (send) send.disabled = true
    form.setAttribute('data-closed', '')
    say(form, 'Removed from this room: nothing more can be sent.')
  })

  // Up in an empty box edits my last message; Escape on the edit form cancels it.
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.isComposing) return
    var form = composerOf(e.target)
    if (e.key === 'ArrowUp' && form && !box(form).value) {
      var me = document.body.getAttribute('data-user')
      var mine = document.querySelectorAll('.message[data-author="' + me + '"]:not(.removed) .edit-action')
      if (!mine.length) return
      e.preventDefault()
      location.href = mine[mine.length - 1].href
    } else if (e.key === 'Escape' && e.target.closest && e.target.closest('form.edit-message')) {
      var cancel = e.target.closest('form.edit-message').querySelector('a.cancel')
      if (cancel) location.href = cancel.href
    }
  })

  // Name completion lives in pb_public/hearth-mentions.js, loaded the first time an @ is typed
  // in a box that offers it (data-mentionable): most pages never need it.
  document.addEventListener('input', function (e) {
    var b = e.target
    var src = b.getAttribute && b.getAttribute('data-mentions-script')
    if (!src || window.hearthMentions || b.value.indexOf('@') < 0 || document.querySelector('script[data-mentions]')) return
    var script = document.createElement('script')
    script.src = src
    script.setAttribute('data-mentions', '')
    document.head.appendChild(script)
  })

  document.addEventListener('htmx:after:process', scan)
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan)
  else scan()
})()
