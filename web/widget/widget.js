/*! Umbra page tag: share buttons (one tracked short link per channel) and the share funnel's beacons.
 * <script src="https://go.example.com/widget.js" data-key="pk_…" data-url="…" data-title="…"
 *   data-topics="climate,energy" data-channels="whatsapp,email,x,copy" async></script>
 * Optional: data-domain (a short domain the server serves: the kit's links are minted there),
 * data-target (CSS selector to render into), data-label (group name), data-buttons="off"
 * (measure only), data-arrivals="off", data-copy-capture="on", data-address-bar="on",
 * data-address-bar-paths="/news/*,!/news/live*" (allow, !deny; the home page only when listed).
 * No dependencies, no cookies, no storage; DNT or Global Privacy Control: nothing is sent. */
;(() => {
  var script = document.currentScript
  if (!script?.dataset || script.getAttribute('data-umbra-done')) return
  script.setAttribute('data-umbra-done', '')
  var data = script.dataset
  var warn = (m) => {
    if (window.console) console.warn(`[umbra] ${m}`)
  }
  if (!data.key) return warn('the page tag needs data-key="pk_…"')
  var api = new URL(script.src, location.href).origin
  var on = (name) => data[name] === 'on'
  var off = (name) => data[name] === 'off'
  var list = (s) =>
    (s || '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
  var optedOut = navigator.doNotTrack === '1' || window.doNotTrack === '1' || navigator.globalPrivacyControl === true
  var buttons = !off('buttons')
  var nativeShare = !!navigator.share && buttons
  var channels = buttons ? list(data.channels || 'whatsapp,messenger,email,x,facebook,linkedin,copy') : []
  // The copy channel's link is always there: the Copy link button, copy capture and the fallback share it.
  if (channels.indexOf('copy') < 0) channels.push('copy')
  if (nativeShare) channels.push('native')

  // The fragment: #umb=<code> (a kit link brought the reader) or #u=<token>.<generation> (another page
  // view's address bar); anything else belongs to the page and is left alone.
  var TOKEN = /^#u=([0-9A-Za-z]{8})\.(\d{1,2})$/
  var MARK = /^#umb=([A-Za-z0-9_-]{1,64})$/
  var nav = performance.getEntriesByType?.('navigation')[0]
  var revisit = !!nav && (nav.type === 'reload' || nav.type === 'back_forward')
  var hash = location.hash
  var via = MARK.exec(hash)
  var parent = TOKEN.exec(hash)
  via = via ? via[1] : null
  // A reload or history step shows this reader's own token again: not a reshare, not an arrival.
  if (revisit) parent = null
  var view = { parent: parent ? parent[1] : null, gen: parent ? Math.min(+parent[2] + 1, 99) : 0, token: null }
  if (via || (parent && !revisit)) setHash('')
  if (!optedOut && on('addressBar') && !revisit) giveToken()

  var canonical = document.querySelector('link[rel="canonical"]')
  var contentUrl = data.url || canonical?.href || pageUrl()
  var title = data.title || document.title || undefined
  var mobile = /Android|iPhone|iPad|iPod|Mobile/i.test(navigator.userAgent)
  var root = null
  var content = null
  if (buttons) {
    root = el('div', 'umbra-share')
    root.setAttribute('role', 'group')
    root.setAttribute('aria-label', data.label || 'Share this page')
    root.setAttribute('data-state', 'loading')
    const target = data.target && document.querySelector(data.target)
    if (target) target.appendChild(root)
    else script.parentNode.insertBefore(root, script.nextSibling)
    addStyle()
  } else if (optedOut || (off('arrivals') && !on('copyCapture'))) return

  fetch(`${api}/api/v1/widget/kit`, {
    method: 'POST',
    mode: 'cors',
    credentials: 'omit',
    headers: { authorization: `Bearer ${data.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      url: contentUrl,
      title: title,
      topics: data.topics ? list(data.topics) : undefined,
      channels: channels,
      domain: data.domain || undefined,
    }),
  })
    .then((res) => {
      if (res.ok) return res.json()
      // The server says what is wrong (key, origin, URL): the page's console shows its own words.
      return res.json().then(
        (p) => {
          throw new Error(p.detail || p.title)
        },
        () => {
          throw new Error(`HTTP ${res.status}`)
        },
      )
    })
    .then(start, (err) => {
      warn(`share kit refused: ${err.message}`)
      if (!root) return
      root.setAttribute('data-state', 'error')
      var status = statusEl()
      root.appendChild(
        button('Copy link', 'copy', 'Copy the link to this page', () => {
          copy(pageUrl(), status)
        }),
      )
      root.appendChild(status)
    })

  function start(kit) {
    var links = {}
    kit.links.forEach((l) => {
      links[l.channel] = l
    })
    content = kit.content.url
    if (root) render(kit.links, links)
    if (optedOut) return
    if (!off('arrivals') && !revisit) {
      beacon({
        type: 'arrival',
        url: kit.content.url,
        page: pageUrl(),
        referrer: document.referrer,
        via: via || undefined,
        parent: view.parent || undefined,
        token: view.token || undefined,
        generation: view.gen,
      })
    }
    if (on('copyCapture') && links.copy) captureCopies(links.copy.shortUrl)
    if (on('addressBar')) followNavigation()
  }

  function render(kitLinks, links) {
    var status = statusEl()
    var sheet = links.native || links.copy
    if (nativeShare && sheet) {
      root.appendChild(
        button('Share…', 'native', 'Share this page', () => {
          navigator.share({ title: title, url: sheet.shortUrl }).catch(() => {})
        }),
      )
    }
    kitLinks.forEach((link) => {
      // An app's own scheme (fb-messenger:, viber:) opens nothing on desktop: there the link is copied instead.
      var appOnly =
        link.shareMethod === 'intent' &&
        !mobile &&
        !link.desktopShareUrl &&
        !/^(https?|mailto|sms):/.test(link.shareUrl)
      if (link.shareMethod === 'intent' && !appOnly) root.appendChild(intentLink(link))
      else if (link.shareMethod === 'copy' || appOnly) {
        const copyOnly = link.channel === 'copy'
        root.appendChild(
          button(
            copyOnly ? 'Copy link' : link.label,
            link.channel,
            copyOnly ? 'Copy link' : `Copy link for ${link.label}`,
            () => {
              copy(link.shortUrl, status)
            },
          ),
        )
      }
    })
    root.appendChild(status)
    root.setAttribute('data-state', 'ready')
  }

  /** One share action: sent before the intent opens (sendBeacon survives the page being left). */
  function shared(channel) {
    if (!optedOut && content) beacon({ type: 'share', url: content, page: pageUrl(), channel: channel })
  }

  function beacon(body) {
    var url = `${api}/api/v1/beacons?key=${encodeURIComponent(data.key)}`
    var text = JSON.stringify(body)
    // A string body goes as text/plain: no preflight. The key is in the URL: beacons carry no headers.
    if (navigator.sendBeacon?.(url, text)) return
    fetch(url, { method: 'POST', body: text, keepalive: true, mode: 'no-cors', credentials: 'omit' }).catch(() => {})
  }

  function captureCopies(shortUrl) {
    document.addEventListener('copy', (e) => {
      var node = e.target
      if (!e.clipboardData || (node && /^(INPUT|TEXTAREA)$/.test(node.tagName)) || root?.contains(node)) return
      var text = String(window.getSelection())
      if (text.trim().split(/\s+/).length < 7) return
      e.clipboardData.setData('text/plain', `${text}\n\nRead more: ${shortUrl}`)
      e.preventDefault()
      beacon({ type: 'share', url: content, page: pageUrl(), channel: 'copy_text' })
    })
  }

  /** This page view's own token in the address bar, unless the page uses the fragment or the path is left out. */
  function giveToken() {
    if (location.hash || !pathAllowed(location.pathname)) return
    var bytes = crypto.getRandomValues(new Uint8Array(16))
    var token = ''
    for (let i = 0; i < bytes.length && token.length < 8; i++)
      if (bytes[i] < 248)
        token += '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'.charAt(bytes[i] % 62)
    if (token.length < 8) return
    view.token = token
    setHash(`#u=${token}.${view.gen}`)
  }

  // A single-page app's navigation is a new page view of the same reader: a new token, generation 0.
  function followNavigation() {
    var push = history.pushState
    var last = location.pathname
    var moved = () => {
      if (location.pathname === last) return
      last = location.pathname
      view = { parent: null, gen: 0, token: null }
      giveToken()
    }
    history.pushState = function (...args) {
      var r = push.apply(this, args)
      moved()
      return r
    }
    window.addEventListener('popstate', moved)
  }

  function pathAllowed(path) {
    var rules = list(data.addressBarPaths)
    var allow = rules.filter((r) => r.charAt(0) !== '!')
    var match = (r) =>
      new RegExp(
        '^' +
          r
            .replace(/^!/, '')
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*') +
          '$',
      ).test(path)
    if (rules.filter((r) => r.charAt(0) === '!').some(match)) return false
    if (allow.length) return allow.some(match)
    return path !== '/'
  }

  function pageUrl() {
    return location.href.split('#')[0]
  }

  function setHash(h) {
    history.replaceState(history.state, '', pageUrl() + h)
  }

  function intentLink(link) {
    var href = !mobile && link.desktopShareUrl ? link.desktopShareUrl : link.shareUrl
    var a = el('a', `umbra-share__button umbra-share__button--${link.channel}`)
    a.href = href
    a.textContent = link.label
    a.setAttribute('aria-label', `Share on ${link.label} (opens ${/^https?:/.test(href) ? 'a new window' : 'an app'})`)
    a.setAttribute('data-channel', link.channel)
    a.addEventListener('click', () => {
      shared(link.channel)
    })
    // Web intents open in a new tab; mailto:, sms: and app schemes open their app in place.
    if (/^https?:/.test(href)) {
      a.target = '_blank'
      a.rel = 'noopener noreferrer'
    }
    return a
  }

  function button(text, channel, name, onClick) {
    var b = el('button', `umbra-share__button umbra-share__button--${channel}`)
    b.type = 'button'
    b.textContent = text
    b.setAttribute('aria-label', name)
    b.setAttribute('data-channel', channel)
    b.addEventListener('click', () => {
      shared(channel)
      onClick()
    })
    return b
  }

  function statusEl() {
    var status = el('span', 'umbra-share__status')
    status.setAttribute('role', 'status')
    status.setAttribute('aria-live', 'polite')
    return status
  }

  function copy(text, status) {
    var done = () => {
      say(status, 'Link copied')
    }
    var fallback = () => {
      var area = el('textarea', '')
      area.value = text
      area.setAttribute('readonly', '')
      area.style.cssText = 'position:fixed;opacity:0'
      document.body.appendChild(area)
      area.select()
      var ok = false
      try {
        ok = document.execCommand('copy')
      } catch (_e) {}
      document.body.removeChild(area)
      say(status, ok ? 'Link copied' : `Copy this link: ${text}`)
    }
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(text).then(done, fallback)
    else fallback()
  }

  function say(status, text) {
    status.textContent = text
    setTimeout(() => {
      if (status.textContent === text) status.textContent = ''
    }, 4000)
  }

  function el(tag, className) {
    var node = document.createElement(tag)
    if (className) node.className = className
    return node
  }

  // A constructed stylesheet: a strict CSP (style-src without 'unsafe-inline') does not block it.
  function addStyle() {
    if (document.getElementById('umbra-share-style') || window.umbraShareStyle) return
    var css =
      '.umbra-share{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;font:inherit}' +
      '.umbra-share__button{display:inline-block;padding:.45em .9em;border:1px solid currentColor;border-radius:999px;' +
      'background:transparent;color:inherit;font:inherit;text-decoration:none;cursor:pointer;line-height:1.2}' +
      '.umbra-share__button:hover{background:rgba(127,127,127,.15)}' +
      '.umbra-share__button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}' +
      '.umbra-share__status{font-size:.9em;min-height:1em}'
    try {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync(css)
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat(sheet)
      window.umbraShareStyle = sheet
    } catch (_e) {
      const style = el('style', '')
      style.id = 'umbra-share-style'
      style.textContent = css
      document.head.appendChild(style)
    }
  }
})()
