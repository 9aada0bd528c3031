// hearth-actions: a message's own actions (react, delete) that the server refuses, or that get no
// answer, leave the message as it was and say why beside it. htmx 4 would otherwise swap any
// answer in: the error page in place of the message, or a refused delete removing it from view.
// Why a request was refused is hearthRefusal's to say, for the composer too.
(function () {
  // hearthRefusal is why an htmx request did not do what it asked, in a sentence, or null if it
  // did (unless its caller knows that it did not: always)
  window.hearthRefusal = function (ctx, always) {
    var r = ctx.response
    if (!r) return 'No connection.'
    // (fetch follows the redirect a request without a session gets: a 200 that is the log-in page)
    if (r.raw && r.raw.redirected && new URL(r.raw.url).pathname === '/login') return 'You are logged out.'
    if (r.status < 400 && !always) return null
    var reason = new DOMParser().parseFromString(ctx.text || '', 'text/html').querySelector('.error-message')
    return reason ? reason.textContent : 'The server answered ' + r.status + '.'
  }

  function messageOf(ctx) {
    var el = ctx.sourceElement
    return el && el.closest && !el.closest('form.composer') && el.closest('.message')
  }

  function say(ctx) {
    var message = messageOf(ctx)
    var why = message && hearthRefusal(ctx)
    if (!why) return
    var main = message.querySelector('.message-main') || message
    var note = main.querySelector('.action-note')
    if (!note) {
      note = document.createElement('p')
      note.className = 'action-note'
      note.setAttribute('role', 'alert')
      main.appendChild(note)
    }
    note.textContent = 'Not done. ' + why
    return true
  }

  document.addEventListener('htmx:before:swap', function (e) {
    if (say(e.detail.ctx)) e.preventDefault()
  })

  document.addEventListener('htmx:finally:request', function (e) {
    if (!e.detail.ctx.response) say(e.detail.ctx)
  })
})()
