// Hearth's small browser script: shows <time> in the reader's own time zone, sends a message with
// Enter (Shift+Enter for a new line) and keeps the cursor in the composer after sending.
// Everything works without it; the server renders times in UTC.
(function () {
  var format = { dateStyle: 'medium', timeStyle: 'short' }
  // a message's clock says the time of day (its day is the heading above it), the title all of it
  var clockFormat = { timeStyle: 'short' }
  var fullFormat = { dateStyle: 'full', timeStyle: 'short' }
  function localise(root) {
    var times = (root || document).querySelectorAll('time[datetime]:not([data-local])')
    for (var i = 0; i < times.length; i++) {
      var t = times[i]
      if (t.closest('.day')) continue // the days' headings are pb_public/hearth-timeline.js's
      var d = new Date(t.getAttribute('datetime'))
      if (isNaN(d)) continue
      if (t.classList.contains('clock')) {
        t.textContent = d.toLocaleTimeString(undefined, clockFormat)
        t.title = d.toLocaleString(undefined, fullFormat)
      } else {
        t.title = t.textContent
        t.textContent = d.toLocaleString(undefined, format)
      }
      t.setAttribute('data-local', '')
    }
  }
  document.addEventListener('keydown', function (e) {
    var box = e.target
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || !box.matches || !box.matches('form.composer textarea')) return
    e.preventDefault()
    // (requestSubmit would send past a disabled Send: offline, or removed from the room)
    var send = box.form.querySelector('button[type=submit]')
    if (box.value.trim() && !(send && send.disabled)) box.form.requestSubmit()
  })
  document.addEventListener('htmx:after:swap', function (e) {
    var box = document.querySelector('form.composer textarea')
    // only after the reader's own request: a live event (a swap without one) leaves the focus alone
    if (box && e.detail.ctx.request && document.activeElement === document.body) box.focus()
    localise()
  })
  document.addEventListener('DOMContentLoaded', function () { localise() })
  document.addEventListener('htmx:after:process', function (e) { localise(e.target) })
})()
