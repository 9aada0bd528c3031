// Hearth's small browser script: shows <time> in the reader's own time zone.
// Everything works without it; the server renders times in UTC.
(function () {
  var format = { dateStyle: 'medium', timeStyle: 'short' }
  function localise(root) {
    var times = (root || document).querySelectorAll('time[datetime]:not([data-local])')
    for (var i = 0; i < times.length; i++) {
      var t = times[i]
      var d = new Date(t.getAttribute('datetime'))
      if (isNaN(d)) continue
      t.title = t.textContent
      t.textContent = d.toLocaleString(undefined, format)
      t.setAttribute('data-local', '')
    }
  }
  document.addEventListener('DOMContentLoaded', function () { localise() })
  document.addEventListener('htmx:after:swap', function () { localise() })
  document.addEventListener('htmx:after:process', function (e) { localise(e.target) })
})()
