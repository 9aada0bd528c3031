// hearth-mentions: name completion in the message box, loaded by pb_public/hearth-composer.js the
// first time an @ is typed in a box that offers it.
(function () {
  'use strict'

  window.hearthMentions = true

  // Name completion: a listbox under the box's aria-activedescendant, fed by the box's
  // data-mentionable URL (the room's members, as JSON). Arrows move, Enter or Tab takes the
  // person, Escape closes; the focus never leaves the box.
  var AT = /(^|[^A-Za-z0-9_.+\-\/@=&%\\])@([A-Za-z0-9_]{0,24})$/ // as src/chat/mention-syntax.ts reads a mention
  var found = {} // answers by URL
  var menu = null // { box, list, at, people, active } while offered

  function closeMenu() {
    if (!menu) return
    menu.list.remove()
    menu.box.removeAttribute('aria-activedescendant')
    menu.box.removeAttribute('aria-controls')
    menu = null
  }

  function pick(i) {
    var items = menu.list.children
    menu.active = i
    for (var j = 0; j < items.length; j++) items[j].setAttribute('aria-selected', String(j === i))
    menu.box.setAttribute('aria-activedescendant', items[i].id)
    items[i].scrollIntoView({ block: 'nearest' })
  }

  function accept() {
    var b = menu.box
    var head = b.value.slice(0, menu.at) + '@' + menu.people[menu.active].username + ' '
    b.value = head + b.value.slice(b.selectionEnd)
    b.setSelectionRange(head.length, head.length)
    closeMenu()
    b.dispatchEvent(new Event('input', { bubbles: true }))
  }

  function offer(b, at, people) {
    closeMenu()
    if (!people.length) return
    var list = document.createElement('ul')
    list.id = 'mention-options'
    list.className = 'mention-options'
    list.setAttribute('role', 'listbox')
    list.setAttribute('aria-label', 'People to mention')
    people.forEach(function (p, i) {
      var item = document.createElement('li')
      var handle = document.createElement('span')
      item.id = 'mention-option-' + i
      item.setAttribute('role', 'option')
      item.textContent = p.name + ' '
      handle.className = 'muted'
      handle.textContent = '@' + p.username
      item.appendChild(handle)
      item.addEventListener('mousedown', function (e) {
        e.preventDefault() // the box keeps the focus
        menu.active = i
        accept()
      })
      list.appendChild(item)
    })
    b.insertAdjacentElement('afterend', list)
    b.setAttribute('aria-autocomplete', 'list')
    b.setAttribute('aria-controls', list.id)
    menu = { box: b, list: list, at: at, people: people, active: 0 }
    pick(0)
  }

  function typedName(b) {
    var m = b.selectionStart === b.selectionEnd && AT.exec(b.value.slice(0, b.selectionStart))
    return m ? m[2].toLowerCase() : null
  }

  function complete(b) {
    var name = typedName(b)
    if (name === null) return closeMenu()
    var at = b.selectionStart - name.length - 1
    var url = b.getAttribute('data-mentionable') + '?prefix=' + name
    if (found[url]) return offer(b, at, found[url])
    fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { people: [] } })
      .then(function (answer) {
        found[url] = answer.people
        // only if the box still asks for this name
        if (document.activeElement === b && typedName(b) === name) offer(b, at, answer.people)
      }, function () {})
  }

  document.addEventListener('input', function (e) {
    if (e.target.matches && e.target.matches('textarea[data-mentionable]')) complete(e.target)
  })

  // (capture: before hearth.js sends on Enter and before the Up and Escape keys above)
  document.addEventListener('keydown', function (e) {
    if (!menu || e.target !== menu.box || e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return
    var n = menu.people.length
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') pick((menu.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n)
    else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) accept()
    else if (e.key === 'Escape') closeMenu()
    else {
      if (/^(ArrowLeft|ArrowRight|Home|End)$/.test(e.key)) closeMenu()
      return
    }
    e.preventDefault()
    e.stopImmediatePropagation()
  }, true)

  document.addEventListener('focusout', function (e) {
    if (menu && e.target === menu.box) closeMenu()
  })

  // the @ that loaded this script was typed before it was here
  var typing = document.activeElement
  if (typing && typing.matches && typing.matches('textarea[data-mentionable]')) complete(typing)
})()
