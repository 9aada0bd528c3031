// hearth-actions: a message's own actions (react, delete) that the server refuses, or that get no
// answer, leave the message as it was and say why beside it. htmx 4 would otherwise swap any
// answer in: the error page in place of the message, or a refused delete removing it from view.
(function () {
  function messageOf(ctx) {
    var el = ctx.sourceElement
    return el && el.closest && !el.closest('form.composer') && el.closest('.message')
  }

  function say(message, text) {
    var main = message.querySelector('.message-main') || message
    var note = main.querySelector('.action-note')
    if (!note) {
      note = document.createElement('p')
      note.className = 'action-note'
      note.setAttribute('role', 'alert')
      main.appendChild(note)
    }
    note.textContent = text
  }

  document.addEventListener('htmx:before:swap', function (e) {
    var ctx = e.detail.ctx
    var r = ctx.response
    var message = r && messageOf(ctx)
    if (!message) return
    // (fetch follows the redirect a request without a session gets: a 200 that is the log-in page)
    var loggedOut = r.raw && r.raw.redirected && new URL(r.raw.url).pathname === '/login'
    if (r.status < 400 && !loggedOut) return
    e.preventDefault()
    var reason = new DOMParser().parseFromString(ctx.text || '', 'text/html').querySelector('.error-message')
    say(message, loggedOut ? 'Not done: you are logged out.'
      : reason ? reason.textContent : 'Not done (the server answered ' + r.status + ').')
  })

  document.addEventListener('htmx:finally:request', function (e) {
    var message = !e.detail.ctx.response && messageOf(e.detail.ctx)
    if (message) say(message, 'Not done: no connection.')
  })
})()
