/*! Umbra share widget: one tracked short link per channel, fetched with a publishable key.
 * <script src="https://go.example.com/widget.js" data-key="pk_…" data-url="…" data-title="…"
 *   data-topics="climate,energy" data-channels="whatsapp,email,x,copy" async></script>
 * Optional: data-target (CSS selector of the element to render into), data-label (group name).
 * No dependencies; buttons are real <a>/<button> elements, usable with the keyboard and screen readers. */
(function () {
  'use strict'
  var script = document.currentScript
  if (!script || !script.dataset || script.getAttribute('data-umbra-done')) return
  script.setAttribute('data-umbra-done', '')
  var data = script.dataset
  if (!data.key) return console.warn('[umbra] the share widget needs data-key="pk_…"')
  var api = new URL(script.src, location.href).origin
  var list = function (s) { return (s || '').split(',').map(function (x) { return x.trim() }).filter(Boolean) }
  var channels = list(data.channels || 'whatsapp,messenger,email,x,facebook,linkedin,copy')
  // The copy-link button is always there, and the native share sheet shares the copy channel's link.
  if (channels.indexOf('copy') < 0) channels.push('copy')
  var canonical = document.querySelector('link[rel="canonical"]')
  var kitRequest = {
    url: data.url || (canonical && canonical.href) || location.href.split('#')[0],
    title: data.title || document.title || undefined,
    topics: data.topics ? list(data.topics) : undefined,
    channels: channels,
  }
  var mobile = /Android|iPhone|iPad|iPod|Mobile/i.test(navigator.userAgent)

  var root = document.createElement('div')
  root.className = 'umbra-share'
  root.setAttribute('role', 'group')
  root.setAttribute('aria-label', data.label || 'Share this page')
  root.setAttribute('data-state', 'loading')
  var target = data.target && document.querySelector(data.target)
  if (target) target.appendChild(root)
  else script.parentNode.insertBefore(root, script.nextSibling)

  addStyle()
  fetch(api + '/api/v1/widget/kit', {
    method: 'POST',
    mode: 'cors',
    credentials: 'omit',
    headers: { authorization: 'Bearer ' + data.key, 'content-type': 'application/json' },
    body: JSON.stringify(kitRequest),
  })
    .then(function (res) {
      if (!res.ok) throw new Error('share kit refused: HTTP ' + res.status)
      return res.json()
    })
    .then(render, function (err) {
      root.setAttribute('data-state', 'error')
      if (window.console) console.warn('[umbra] ' + err.message)
    })

  function render(kit) {
    var status = el('span', 'umbra-share__status')
    status.setAttribute('role', 'status')
    status.setAttribute('aria-live', 'polite')
    var copyLink = kit.links.filter(function (l) { return l.channel === 'copy' })[0]
    if (navigator.share && copyLink) {
      root.appendChild(button('Share…', 'native', 'Share this page', function () {
        navigator.share({ title: kitRequest.title, url: copyLink.shortUrl }).catch(function () {})
      }))
    }
    kit.links.forEach(function (link) {
      // An app's own scheme (fb-messenger:, viber:) opens nothing on desktop: there the link is copied instead.
      var appOnly = link.shareMethod === 'intent' && !mobile && !link.desktopShareUrl && !/^(https?|mailto|sms):/.test(link.shareUrl)
      if (link.shareMethod === 'intent' && !appOnly) root.appendChild(intentLink(link))
      else if (link.shareMethod === 'copy' || appOnly) {
        var label = link.channel === 'copy' ? 'Copy link' : link.label
        var name = link.channel === 'copy' ? 'Copy link' : 'Copy link for ' + link.label
        root.appendChild(button(label, link.channel, name, function () { copy(link.shortUrl, status) }))
      }
    })
    root.appendChild(status)
    root.setAttribute('data-state', 'ready')
  }

  function intentLink(link) {
    var href = !mobile && link.desktopShareUrl ? link.desktopShareUrl : link.shareUrl
    var a = el('a', 'umbra-share__button umbra-share__button--' + link.channel)
    a.href = href
    a.textContent = link.label
    a.setAttribute('aria-label', 'Share on ' + link.label + ' (opens ' + (/^https?:/.test(href) ? 'a new window' : 'an app') + ')')
    a.setAttribute('data-channel', link.channel)
    // Web intents open in a new tab; mailto:, sms: and app schemes open their app in place.
    if (/^https?:/.test(href)) {
      a.target = '_blank'
      a.rel = 'noopener noreferrer'
    }
    return a
  }

  function button(text, channel, name, onClick) {
    var b = el('button', 'umbra-share__button umbra-share__button--' + channel)
    b.type = 'button'
    b.textContent = text
    b.setAttribute('aria-label', name)
    b.setAttribute('data-channel', channel)
    b.addEventListener('click', onClick)
    return b
  }

  function copy(text, status) {
    var done = function () { say(status, 'Link copied') }
    var fallback = function () {
      var area = el('textarea', '')
      area.value = text
      area.setAttribute('readonly', '')
      area.style.cssText = 'position:fixed;opacity:0'
      document.body.appendChild(area)
      area.select()
      var ok = false
      try { ok = document.execCommand('copy') } catch (e) {}
      document.body.removeChild(area)
      say(status, ok ? 'Link copied' : 'Copy this link: ' + text)
    }
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fallback)
    else fallback()
  }

  function say(status, text) {
    status.textContent = text
    setTimeout(function () { if (status.textContent === text) status.textContent = '' }, 4000)
  }

  function el(tag, className) {
    var node = document.createElement(tag)
    if (className) node.className = className
    return node
  }

  function addStyle() {
    if (document.getElementById('umbra-share-style')) return
    var style = el('style', '')
    style.id = 'umbra-share-style'
    style.textContent =
      '.umbra-share{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;font:inherit}' +
      '.umbra-share__button{display:inline-block;padding:.45em .9em;border:1px solid currentColor;border-radius:999px;' +
      'background:transparent;color:inherit;font:inherit;text-decoration:none;cursor:pointer;line-height:1.2}' +
      '.umbra-share__button:hover{background:rgba(127,127,127,.15)}' +
      '.umbra-share__button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}' +
      '.umbra-share__status{font-size:.9em;min-height:1em}'
    document.head.appendChild(style)
  }
})()
