// hearth-timeline: days and groups in a room's list of messages, kept right as messages come,
// change and go. The page comes grouped by UTC days (src/web/timeline.ts, so it reads well
// without JavaScript); here the days are the reader's own: a day's heading before the first
// message of each day, in the reader's language, and data-continued on a message that follows one
// from the same person on the same day within five minutes (CSS shows its name and avatar once).
// The live fragments are the same for everyone and come unmarked: every change is regrouped, so
// deleting the first message of a group shows the next one's name.
(function () {
  'use strict'

  var GROUP_WINDOW_MS = 5 * 60 * 1000 // as GROUP_WINDOW_MS in src/web/timeline.ts
  var DAY_FORMAT = { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }

  function pad(n) {
    return (n < 10 ? '0' : '') + n
  }

  function dayOf(at) {
    return at.getFullYear() + '-' + pad(at.getMonth() + 1) + '-' + pad(at.getDate())
  }

  function postedAt(message) {
    var time = message.querySelector('time.clock[datetime]')
    var at = time && new Date(time.getAttribute('datetime'))
    return at && !isNaN(at) ? at : null
  }

  function regroup(list) {
    var previous = null // { message, at } of the message above
    var headings = []
    var messages = list.querySelectorAll(':scope > .message:not(.removed)')
    for (var i = 0; i < messages.length; i++) {
      var message = messages[i]
      var at = postedAt(message)
      if (!at) continue
      var newDay = !previous || dayOf(previous.at) !== dayOf(at)
      if (newDay) headings.push(headingFor(message, at))
      var author = message.getAttribute('data-author')
      var gap = previous ? at - previous.at : -1
      var afterLine = message.previousElementSibling && message.previousElementSibling.classList.contains('unread-line')
      var continued = !newDay && !afterLine && !!author && author === previous.message.getAttribute('data-author') && gap >= 0 && gap <= GROUP_WINDOW_MS
      if (message.hasAttribute('data-continued') !== continued) message.toggleAttribute('data-continued', continued)
      previous = { message: message, at: at }
    }
    var stale = list.querySelectorAll(':scope > .day')
    for (var j = 0; j < stale.length; j++) if (headings.indexOf(stale[j]) < 0) stale[j].remove()
  }

  // headingFor keeps the heading already just above a message (past removed ones' placeholders
  // and the "New messages" line, which starts a group of its own)
  // when it names the same day, or puts a new one there.
  function headingFor(message, at) {
    var day = dayOf(at)
    var above = message.previousElementSibling
    while (above && (above.classList.contains('removed') || above.classList.contains('unread-line'))) above = above.previousElementSibling
    var heading = above && above.classList.contains('day') && above.getAttribute('data-day') === day ? above : null
    if (!heading) {
      heading = document.createElement('li')
      heading.className = 'day'
      heading.setAttribute('data-day', day)
      heading.innerHTML = '<h2 class="day-label"><time></time></h2>'
      message.before(heading)
    }
    var time = heading.querySelector('time')
    if (time && !time.hasAttribute('data-local')) {
      time.setAttribute('datetime', day)
      var full = at.toLocaleDateString(undefined, DAY_FORMAT)
      var ago = Math.round((midnight(new Date()) - midnight(new Date(at))) / 864e5)
      // today and yesterday by name, in the reader's language ("today": CSS capitalises it)
      time.textContent = ago >= 0 && ago < 2 ? RELATIVE.format(-ago, 'day') : full
      time.title = full
      time.setAttribute('data-local', '')
    }
    return heading
  }

  var RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

  function midnight(at) {
    return at.setHours(0, 0, 0, 0)
  }

  // a tab left open overnight: at midnight today's heading becomes yesterday's
  function atMidnight() {
    setTimeout(function () {
      document.querySelectorAll('.day time').forEach(function (t) { t.removeAttribute('data-local') })
      regroupAll()
      atMidnight()
    }, midnight(new Date()) + 864e5 + 1e3 - Date.now())
  }
  atMidnight()

  function regroupAll() {
    document.querySelectorAll('ol.messages').forEach(regroup)
  }

  // after every live event and every older page put above (pb_public/hearth-room.js); htmx swaps
  // bring the reader's own post and take a deleted message away
  document.addEventListener('hearth:applied', regroupAll)
  document.addEventListener('hearth:older-shown', regroupAll)
  document.addEventListener('htmx:after:swap', regroupAll)
  // (deferred, before hearth-room.js opens the timeline at the newest message)
  regroupAll()
})()
