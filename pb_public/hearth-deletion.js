// hearth-deletion: Delete asks first. Without JavaScript a message's Delete button is a GET form
// to its confirmation page (/rooms/<room>/messages/<id>/deletion); here it opens a <dialog>
// instead, and "Delete" there lets the form's own htmx post go (hx-post: the message is removed
// in place). Escape or "Keep it" closes the dialog, and the browser gives the focus back to the
// message's Delete button.
(function () {
  'use strict'

  var dialog = null
  var asking = null // the id of the message the dialog asks about
  var confirmed = new WeakSet() // delete forms whose next submit is the confirmed one

  function theDialog() {
    if (!dialog && (dialog = document.getElementById('confirm-deletion'))) dialog.addEventListener('close', decided)
    return dialog
  }

  function ask(form) {
    var message = form.closest('.message')
    if (!message) return
    var d = theDialog()
    if (!d) return form.submit() // (a page without the dialog: the confirmation page asks)
    var body = message.querySelector('.body')
    var quote = d.querySelector('blockquote')
    quote.replaceChildren.apply(quote, body ? Array.from(body.cloneNode(true).childNodes) : [])
    asking = message.id
    d.returnValue = ''
    d.showModal()
  }

  function decided() {
    var id = asking
    asking = null
    if (dialog.returnValue !== 'delete') return
    // the message as it is now (a live edit may have replaced it while the dialog was open)
    var message = id && document.getElementById(id)
    var form = message && message.querySelector('form.delete-action')
    if (!form) return
    // the message is about to go, and the focus with it: the reader stays in the messages
    var timeline = form.closest('.timeline')
    if (timeline) timeline.focus({ preventScroll: true })
    confirmed.add(form)
    form.requestSubmit()
  }

  // deleted meanwhile (from another tab, or by a moderator): nothing is left to ask about
  document.addEventListener('hearth:applied', function () {
    if (dialog && dialog.open && !document.querySelector('#' + asking + ':not(.removed)')) dialog.close()
  })

  // (capturing, so htmx never sees a Delete that was not confirmed)
  document.addEventListener('submit', function (e) {
    var form = e.target.closest && e.target.closest('form.delete-action')
    if (!form) return
    if (confirmed.has(form)) return confirmed.delete(form)
    e.preventDefault()
    e.stopImmediatePropagation()
    ask(form)
  }, true)
})()
